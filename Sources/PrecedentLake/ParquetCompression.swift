import CSnappy
import CGzip
import CZstd

/// The page checksum of the Parquet format (`PageHeader.crc`): the standard CRC-32 (zlib's, as in
/// gzip) of a page's bytes as stored, after its header.
func pageChecksum(_ body: ArraySlice<UInt8>) -> Int32 {
    let crc = body.withUnsafeBytes { raw in
        crc32(0, raw.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(raw.count))
    }
    return Int32(bitPattern: UInt32(truncatingIfNeeded: crc))
}

extension ParquetCompression {
    /// The name used by pyarrow and the CLI.
    public var name: String {
        switch self {
        case .none: "none"
        case .snappy: "snappy"
        case .gzip: "gzip"
        case .zstd: "zstd"
        }
    }

    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = c
    }

    /// The zstd level Precedent writes with: 1, Arrow's (pyarrow's) default, so files compare like for like.
    public static let zstdLevel: Int32 = 1

    /// `zstd`: a context reused across pages (`ZSTD_compress` would build and free one per call).
    func compress(_ input: [UInt8], zstd context: ZstdContext? = nil) throws -> [UInt8] {
        switch self {
        case .none:
            return input
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            var n = 0
            let out = [UInt8](unsafeUninitializedCapacity: bound) { o, initialized in
                n = input.withUnsafeBytes { i in
                    if let c = context?.compression {
                        ZSTD_compressCCtx(c, o.baseAddress, bound, i.baseAddress, i.count, Self.zstdLevel)
                    } else {
                        ZSTD_compress(o.baseAddress, bound, i.baseAddress, i.count, Self.zstdLevel)
                    }
                }
                initialized = ZSTD_isError(n) == 0 ? n : 0
            }
            guard ZSTD_isError(n) == 0 else { throw ParquetError("zstd compression failed") }
            return out
        case .snappy:
            var length = snappy_max_compressed_length(input.count)
            var out = [UInt8](repeating: 0, count: length)
            let status = out.withUnsafeMutableBytes { o in
                input.withUnsafeBytes { i in
                    snappy_compress(i.baseAddress?.assumingMemoryBound(to: CChar.self), i.count,
                                    o.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK else { throw ParquetError("snappy compression failed") }
            out.removeLast(out.count - length)
            return out
        case .gzip:
            var stream = z_stream()
            // windowBits 15 + 16: a gzip (RFC 1952) wrapper, as Parquet's GZIP codec requires.
            guard deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw ParquetError("gzip init failed") }
            defer { deflateEnd(&stream) }
            var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
            var input = input
            let r: Int32 = input.withUnsafeMutableBytes { i in
                out.withUnsafeMutableBytes { o in
                    stream.next_in = i.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(i.count)
                    stream.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(o.count)
                    return deflate(&stream, Z_FINISH)
                }
            }
            guard r == Z_STREAM_END else { throw ParquetError("gzip compression failed (\(r))") }
            out.removeLast(out.count - Int(stream.total_out))
            return out
        }
    }

    /// Decompresses a page whose uncompressed size is known from its header.
    func decompress(_ input: ArraySlice<UInt8>, uncompressedSize: Int, zstd context: ZstdContext? = nil) throws -> [UInt8] {
        guard uncompressedSize >= 0, uncompressedSize < 1 << 31 else { throw ParquetError("page size \(uncompressedSize) is invalid") }
        // A damaged header must not make a few bytes allocate gigabytes: the size is checked
        // against what the compressed bytes can hold before anything is allocated.
        switch self {
        case .zstd:
            // A zstd block (3-byte header, at least 1 byte) holds at most 128 KiB.
            guard uncompressedSize <= (input.count / 3 + 1) << 17 else {
                throw ParquetError("corrupt zstd page: \(input.count) bytes cannot hold the \(uncompressedSize) its header says")
            }
        case .snappy:
            var stated = 0
            let ok = input.withUnsafeBytes {
                snappy_uncompressed_length($0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, &stated) == SNAPPY_OK
            }
            guard ok, stated == uncompressedSize else {
                throw ParquetError("corrupt snappy page: it states \(ok ? "\(stated) bytes" : "no valid size"), its header \(uncompressedSize)")
            }
        case .gzip:
            // DEFLATE expands at most 1032-fold.
            guard uncompressedSize <= input.count * 1032 + 1024 else {
                throw ParquetError("corrupt gzip page: \(input.count) bytes cannot hold the \(uncompressedSize) its header says")
            }
        case .none:
            break
        }
        if self == .zstd {
            var n = 0
            let out = [UInt8](unsafeUninitializedCapacity: uncompressedSize) { o, initialized in
                n = input.withUnsafeBytes { i in
                    if let d = context?.decompression {
                        ZSTD_decompressDCtx(d, o.baseAddress, uncompressedSize, i.baseAddress, i.count)
                    } else {
                        ZSTD_decompress(o.baseAddress, uncompressedSize, i.baseAddress, i.count)
                    }
                }
                initialized = ZSTD_isError(n) == 0 && n == uncompressedSize ? n : 0
            }
            guard ZSTD_isError(n) == 0, n == uncompressedSize else { throw ParquetError("corrupt zstd page") }
            return out
        }
        var out = [UInt8](repeating: 0, count: uncompressedSize)
        switch self {
        case .none:
            guard input.count == uncompressedSize else {
                throw ParquetError("uncompressed page is \(input.count) bytes, its header says \(uncompressedSize)")
            }
            return Array(input)
        case .zstd:
            let n = out.withUnsafeMutableBytes { o in
                input.withUnsafeBytes { i in ZSTD_decompress(o.baseAddress, o.count, i.baseAddress, i.count) }
            }
            guard ZSTD_isError(n) == 0, n == uncompressedSize else { throw ParquetError("corrupt zstd page") }
        case .snappy:
            var length = uncompressedSize
            let status = out.withUnsafeMutableBytes { o in
                input.withUnsafeBytes { i in
                    snappy_uncompress(i.baseAddress?.assumingMemoryBound(to: CChar.self), i.count,
                                      o.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK, length == uncompressedSize else { throw ParquetError("corrupt snappy page") }
        case .gzip:
            var stream = z_stream()
            // windowBits 15 + 32: accept gzip or zlib headers.
            guard inflateInit2_(&stream, 47, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw ParquetError("gzip init failed")
            }
            defer { inflateEnd(&stream) }
            var input = Array(input)
            let r: Int32 = input.withUnsafeMutableBytes { i in
                out.withUnsafeMutableBytes { o in
                    stream.next_in = i.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(i.count)
                    stream.next_out = o.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(o.count)
                    return inflate(&stream, Z_FINISH)
                }
            }
            guard r == Z_STREAM_END, Int(stream.total_out) == uncompressedSize else { throw ParquetError("corrupt gzip page") }
        }
        return out
    }
}

/// zstd compression and decompression contexts, reused across the pages of one file, each
/// created on first use (a writer never decompresses and a reader never compresses; creating a
/// decompression context for each writer cost more than a small partition's pages).
/// Not thread-safe: a context is used by one thread at a time (the writer hands each
/// concurrent page encoder its own).
final class ZstdContext: @unchecked Sendable {
    private var cctx: OpaquePointer?, dctx: OpaquePointer?

    var compression: OpaquePointer? {
        if cctx == nil { cctx = ZSTD_createCCtx() }
        return cctx
    }

    var decompression: OpaquePointer? {
        if dctx == nil { dctx = ZSTD_createDCtx() }
        return dctx
    }

    deinit {
        ZSTD_freeCCtx(cctx)  // both accept nil
        ZSTD_freeDCtx(dctx)
    }
}
