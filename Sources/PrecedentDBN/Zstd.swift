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

/// Whole-buffer zstd decompression for other modules (CSV inputs compressed with zstd).
public enum Zstd {
    /// Decompresses every frame of `bytes`; throws on corrupt or truncated input.
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        // One frame that states its size (the usual case): decompress in one call into an exact buffer.
        let size = bytes.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        let frame = bytes.withUnsafeBytes { ZSTD_findFrameCompressedSize($0.baseAddress, $0.count) }
        if ZSTD_isError(frame) == 0, frame == bytes.count, size < UInt64(Int.max), size <= 1 << 34,
           size != ZSTD_CONTENTSIZE_UNKNOWN, size != ZSTD_CONTENTSIZE_ERROR {
            var n = 0
            let out = [UInt8](unsafeUninitializedCapacity: Int(size)) { o, initialized in
                n = bytes.withUnsafeBytes { ZSTD_decompress(o.baseAddress, Int(size), $0.baseAddress, $0.count) }
                initialized = ZSTD_isError(n) == 0 ? n : 0
            }
            guard ZSTD_isError(n) == 0, n == Int(size) else {
                throw DBNError(.zstd, "the zstd input is corrupt (\(String(cString: ZSTD_getErrorName(n))))")
            }
            return out
        }
        let z = ZstdDecompressor()
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 8)
        let chunk = 1 << 20
        try bytes.withUnsafeBytes { raw in
            var input = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
            while true {
                let start = out.count
                out.append(contentsOf: repeatElement(0, count: chunk))
                var produced = 0
                try out.withUnsafeMutableBytes { o in
                    var output = ZSTD_outBuffer(dst: o.baseAddress! + start, size: chunk, pos: 0)
                    try z.decompress(&input, &output)
                    produced = output.pos
                }
                out.removeLast(chunk - produced)
                if input.pos == input.size && produced < chunk { break }
            }
        }
        if z.insideFrame { throw DBNError(.truncated, "the zstd input ends inside a frame") }
        return out
    }
}

/// Feeds a zstd-compressed DBN stream into a `DBNDecoder` as its bytes arrive (a live session
/// with `compression=zstd`, where the whole binary phase is one zstd stream). No I/O.
public final class ZstdStreamInput {
    private let z = ZstdDecompressor()

    public init() {}

    /// True when the input so far ends inside a zstd frame.
    public var insideFrame: Bool { z.insideFrame }

    /// Decompresses all of `bytes` into `decoder`'s input. Throws `.zstd` on a corrupt stream.
    public func feed(_ bytes: UnsafeRawBufferPointer, into decoder: inout DBNDecoder) throws {
        guard bytes.count > 0 else { return }
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while true {
            var full = false
            try decoder.appendInPlace(minimumCapacity: 1 << 17) { out in
                var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                try z.decompress(&input, &output)
                full = output.pos == output.size
                return output.pos
            }
            if input.pos == input.size && !full { return }
        }
    }
}
