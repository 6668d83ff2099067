import CZstd

/// Streaming zstd decompression (`ZSTD_decompressStream`). Concatenated frames
/// are decoded one after another; skippable frames are skipped by libzstd.
final class ZstdDecompressor {
    private let ctx: OpaquePointer
    /// True between the start of a frame and its end (checksum verified).
    private(set) var insideFrame = false

    init() {
        // Safe: ZSTD_createDCtx only fails on allocation failure.
        ctx = ZSTD_createDCtx()!
    }

    deinit { ZSTD_freeDCtx(ctx) }

    /// Magic number that starts every zstd frame (`28 B5 2F FD`).
    static let frameMagic: UInt32 = 0xFD2F_B528

    /// Decompresses from `input` (advancing `input.pos`) into `output`
    /// (advancing `output.pos`). Throws on corrupt data.
    func decompress(_ input: inout ZSTD_inBuffer, _ output: inout ZSTD_outBuffer) throws {
        let r = ZSTD_decompressStream(ctx, &output, &input)
        if ZSTD_isError(r) != 0 {
            let name = String(cString: ZSTD_getErrorName(r))
            throw DBNError(.zstd, "the zstd stream is corrupt (\(name))",
                           hint: "The compressed file is damaged: download it again")
        }
        insideFrame = r != 0
    }
}

/// Streaming zstd compression with a content checksum, as Databento writes.
final class ZstdCompressor {
    private let ctx: OpaquePointer

    init(level: Int32) {
        // Safe: ZSTD_createCCtx only fails on allocation failure.
        ctx = ZSTD_createCCtx()!
        ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1)
    }

    deinit { ZSTD_freeCCtx(ctx) }

    /// Compresses `bytes` (or, with `end`, finishes the frame) and appends the
    /// output to `out`.
    func compress(_ bytes: UnsafeRawBufferPointer, end: Bool, into out: inout [UInt8]) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        let chunk = ZSTD_CStreamOutSize()
        while true {
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: chunk))
            var remaining = 0
            var produced = 0
            try out.withUnsafeMutableBytes { raw in
                var output = ZSTD_outBuffer(dst: raw.baseAddress! + start, size: chunk, pos: 0)
                let r = ZSTD_compressStream2(ctx, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue)
                if ZSTD_isError(r) != 0 {
                    throw DBNError(.zstd, "zstd compression failed (\(String(cString: ZSTD_getErrorName(r))))")
                }
                remaining = r
                produced = output.pos
            }
            out.removeLast(chunk - produced)
            if end ? remaining == 0 : input.pos == input.size { return }
        }
    }
}
