import CSnappy
import CZlib
import CZstd

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

    func compress(_ input: [UInt8]) throws -> [UInt8] {
        switch self {
        case .none:
            return input
        case .zstd:
            var out = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
            let n = out.withUnsafeMutableBytes { o in
                input.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, i.count, 3) }
            }
            guard ZSTD_isError(n) == 0 else { throw ParquetError("zstd compression failed") }
            out.removeLast(out.count - n)
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
    func decompress(_ input: ArraySlice<UInt8>, uncompressedSize: Int) throws -> [UInt8] {
        guard uncompressedSize >= 0, uncompressedSize < 1 << 31 else { throw ParquetError("page size \(uncompressedSize) is invalid") }
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
