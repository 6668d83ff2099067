#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZstd
import PrecedentCore

/// Reads a DBN file (raw or zstd, detected by its first bytes) or an in-memory
/// byte array, streaming: memory stays bounded by the read chunk plus the
/// largest record, whatever the file size.
///
/// ```swift
/// let reader = try DBNFileReader(path: "day.mbo.dbn.zst")
/// try reader.forEachRecord { ref in if let m = ref.mbo { … } }
/// ```
/// A file that ends inside a record delivers every record before it, then
/// throws `DBNError` of kind `.truncated`.
public final class DBNFileReader {
    public enum Compression: String, Sendable { case none, zstd }

    private enum Source {
        case file(Int32)
        case memory([UInt8], position: Int)
    }

    /// The path (or the name given for in-memory input), used in errors.
    public let path: String
    public private(set) var compression = Compression.none
    /// The file's metadata; `nil` for fragments.
    public private(set) var metadata: Metadata?

    private var source: Source
    private var decoder: DBNDecoder
    private var zstd: ZstdDecompressor?
    private var chunk: [UInt8]
    private var chunkStart = 0
    private var chunkEnd = 0
    private var sourceDone = false
    private var finished = false
    /// zstd filled its whole output block last time, so it may hold more output.
    private var zstdOutputFull = false
    /// Bytes of the input read so far.
    public private(set) var fileBytesRead = 0

    /// Bytes read from the input per call.
    public static let readChunkSize = 1 << 18
    /// Room given to zstd for each block of decompressed output.
    static let outputBlockSize = 1 << 18

    /// Opens `path`. With `fragment`, the file has no prelude or metadata and
    /// its records are of the given DBN version.
    public convenience init(path: String, fragment: (version: UInt8, tsOut: Bool)? = nil) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DBNError(.io, "cannot open: \(reason)", file: path)
        }
        try self.init(source: .file(fd), name: path, fragment: fragment)
    }

    /// Decodes `bytes` as if they were a file named `name`.
    public convenience init(bytes: [UInt8], name: String = "<memory>", fragment: (version: UInt8, tsOut: Bool)? = nil) throws {
        try self.init(source: .memory(bytes, position: 0), name: name, fragment: fragment)
    }

    private init(source: Source, name: String, fragment: (version: UInt8, tsOut: Bool)?) throws {
        self.path = name
        self.source = source
        self.chunk = [UInt8](repeating: 0, count: DBNFileReader.readChunkSize)
        self.decoder = DBNDecoder(framing: fragment.map { .fragment(version: $0.version, tsOut: $0.tsOut) } ?? .stream)
        do {
            // Sniff the first 4 bytes: zstd frame, or raw DBN.
            try Self.fill(&self.source, &chunk, &chunkStart, &chunkEnd, &sourceDone, &fileBytesRead)
            if chunkEnd - chunkStart >= 4 {
                let start = chunkStart
                let magic: UInt32 = chunk.withUnsafeBytes { $0.baseAddress!.le(start) }
                if magic == ZstdDecompressor.frameMagic {
                    compression = .zstd
                    zstd = ZstdDecompressor()
                }
            }
            if fragment == nil {
                while metadata == nil {
                    metadata = try decoder.decodeMetadata()
                    if metadata == nil {
                        if inputExhausted { try checkEndOfInput() }
                        try pump()
                    }
                }
            }
        } catch let e as DBNError {
            throw e.inFile(name, fileOffset: fileBytesRead)
        }
    }

    deinit { if case .file(let fd) = source { close(fd) } }

    /// DBN version of the stream (1…3).
    public var version: UInt8 { decoder.version }
    /// Whether records carry `ts_out`.
    public var tsOut: Bool { decoder.tsOut }
    /// Records seen so far, unknown ones included.
    public var recordCount: Int { decoder.recordCount }
    /// Skipped records of unknown rtypes, by rtype.
    public var unknownRecords: [UInt8: Int] { decoder.unknownRecords }
    /// Bytes of the decoded DBN stream consumed so far.
    public var streamBytesRead: Int { decoder.streamOffset }

    /// Calls `body` for every record in order. Throws `.truncated` after the
    /// last complete record if the input ends inside one; any error carries the
    /// file name, stream offset and record index. Throwing from `body` stops
    /// reading.
    public func forEachRecord(_ body: (RecordRef) throws -> Void) throws {
        do {
            while true {
                try decoder.decodeRecords(body)
                if finished { return }
                if inputExhausted {
                    try checkEndOfInput()
                    finished = true
                    return
                }
                try pump()
            }
        } catch let e as DBNError {
            throw e.inFile(path, fileOffset: fileBytesRead)
        }
    }

    /// Decodes every record into an array (for small files and tests).
    public func readAll() throws -> [DBNRecord] {
        var out: [DBNRecord] = []
        try forEachRecord { ref in if let r = try ref.decode() { out.append(r) } }
        return out
    }

    /// True when every input byte has reached the decoder.
    private var inputExhausted: Bool { sourceDone && chunkStart == chunkEnd && !zstdOutputFull }

    /// At the end of the input: a zstd frame or a DBN record left open is a truncation.
    private func checkEndOfInput() throws {
        if zstd?.insideFrame ?? false {
            throw DBNError(.truncated, "the input ends inside a zstd frame",
                           byteOffset: decoder.streamOffset + decoder.pendingByteCount,
                           recordIndex: decoder.recordCount,
                           hint: "Every record before it was decoded; the file is incomplete")
        }
        try decoder.finish()
    }

    /// Moves the next piece of input into the decoder (decompressing one block).
    private func pump() throws {
        if chunkStart == chunkEnd && !sourceDone && !zstdOutputFull {
            try Self.fill(&source, &chunk, &chunkStart, &chunkEnd, &sourceDone, &fileBytesRead)
        }
        guard let zstd else {
            let (s, e) = (chunkStart, chunkEnd)
            chunk.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
            chunkStart = chunkEnd
            return
        }
        let (s, e) = (chunkStart, chunkEnd)
        // An empty call at a frame boundary would read as "inside a frame".
        guard s < e || zstdOutputFull else { return }
        var consumed = 0
        var full = false
        try chunk.withUnsafeBytes { raw in
            var input = ZSTD_inBuffer(src: raw.baseAddress! + s, size: e - s, pos: 0)
            try decoder.appendInPlace(minimumCapacity: Self.outputBlockSize) { out in
                var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                try zstd.decompress(&input, &output)
                full = output.pos == output.size
                return output.pos
            }
            consumed = input.pos
        }
        chunkStart += consumed
        zstdOutputFull = full
    }

    private static func fill(_ source: inout Source, _ chunk: inout [UInt8], _ start: inout Int, _ end: inout Int,
                             _ done: inout Bool, _ total: inout Int) throws {
        switch source {
        case .file(let fd):
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard n >= 0 else {
                throw DBNError(.io, "read failed: \(String(cString: strerror(errno)))", fileOffset: total)
            }
            (start, end) = (0, n)
            done = n == 0
            total += n
        case .memory(let bytes, let position):
            let n = min(chunk.count, bytes.count - position)
            chunk.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    if n > 0 { dst.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n) }
                }
            }
            source = .memory(bytes, position: position + n)
            (start, end) = (0, n)
            done = position + n == bytes.count
            total += n
        }
    }
}
