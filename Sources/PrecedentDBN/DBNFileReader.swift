#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZstd
import Foundation
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
        /// A zstd file read and decompressed on a background thread.
        case ahead(DecompressAhead)
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

    /// Opens `path`; if it is zstd-compressed, a background thread reads and
    /// decompresses it ahead of the decoding (at most 8 blocks of 256 KiB
    /// waiting), so decompression overlaps with whatever consumes the records.
    public convenience init(path: String, decompressAhead: Bool) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DBNError(.io, "cannot open: \(reason)", file: path)
        }
        var magic: UInt32 = 0
        let n = pread(fd, &magic, 4, 0)
        if decompressAhead && n == 4 && UInt32(littleEndian: magic) == ZstdDecompressor.frameMagic {
            try self.init(source: .ahead(DecompressAhead(fd: fd, blockSize: Self.outputBlockSize, depth: 8)), name: path, fragment: nil)
        } else {
            try self.init(source: .file(fd), name: path, fragment: nil)
        }
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
            if case .ahead = source {
                compression = .zstd
            } else {
                try Self.fill(&self.source, &chunk, &chunkStart, &chunkEnd, &sourceDone, &fileBytesRead)
            }
            if case .ahead = source {} else if chunkEnd - chunkStart >= 4 {
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

    deinit {
        switch source {
        case .file(let fd): close(fd)
        case .ahead(let a): a.stop()
        case .memory: break
        }
    }

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
        var insideFrame = zstd?.insideFrame ?? false
        if case .ahead(let a) = source { insideFrame = a.endedInsideFrame }
        if insideFrame {
            throw DBNError(.truncated, "the input ends inside a zstd frame",
                           byteOffset: decoder.streamOffset + decoder.pendingByteCount,
                           recordIndex: decoder.recordCount,
                           hint: "Every record before it was decoded; the file is incomplete")
        }
        try decoder.finish()
    }

    /// Moves the next piece of input into the decoder (decompressing one block).
    private func pump() throws {
        if case .ahead(let a) = source {
            guard let block = try a.next() else { sourceDone = true; return }
            fileBytesRead = a.bytesRead
            block.withUnsafeBytes { decoder.append($0) }
            return
        }
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
        case .ahead:
            preconditionFailure("a decompress-ahead source is pumped block by block")
        }
    }
}

/// Reads a zstd file and decompresses it on a background thread into blocks
/// handed to the consumer through a bounded queue.
final class DecompressAhead: @unchecked Sendable {
    // Safe (@unchecked Sendable): the queue and the status fields are only touched
    // while holding `condition`; the fd and the decompressor belong to the producer.
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var done = false, stopped = false
    private var failure: Error?
    private(set) var endedInsideFrame = false
    private var read = 0
    private let depth: Int

    init(fd: Int32, blockSize: Int, depth: Int) {
        self.depth = depth
        let thread = Thread { [self] in self.produce(fd: fd, blockSize: blockSize) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Compressed bytes read so far (for error positions).
    var bytesRead: Int { condition.lock(); defer { condition.unlock() }; return read }

    /// The next decompressed block; nil at the end of the input. Rethrows the producer's error.
    func next() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !done { condition.wait() }
        if !queue.isEmpty {
            condition.signal()
            return queue.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the producer (the consumer is gone).
    func stop() {
        condition.lock()
        stopped = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func produce(fd: Int32, blockSize: Int) {
        defer { close(fd) }
        let zstd = ZstdDecompressor()
        var input = [UInt8](repeating: 0, count: DBNFileReader.readChunkSize)
        var error: Error?
        var total = 0
        reading: while true {
            let n = input.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                error = DBNError(.io, "read failed: \(String(cString: strerror(errno)))", fileOffset: total)
                break
            }
            if n == 0 { break }
            total += n
            var pos = 0
            // Decompress this chunk completely, block by block.
            while true {
                var produced = 0
                var full = false
                let block: [UInt8]
                do {
                    block = try [UInt8](unsafeUninitializedCapacity: blockSize) { out, initialized in
                        try input.withUnsafeBytes { raw in
                            var inBuf = ZSTD_inBuffer(src: raw.baseAddress!, size: n, pos: pos)
                            var outBuf = ZSTD_outBuffer(dst: out.baseAddress, size: blockSize, pos: 0)
                            try zstd.decompress(&inBuf, &outBuf)
                            pos = inBuf.pos
                            produced = outBuf.pos
                            full = outBuf.pos == outBuf.size
                        }
                        initialized = produced
                    }
                } catch let e {
                    error = e
                    break reading
                }
                if produced > 0 {
                    condition.lock()
                    while queue.count >= depth && !stopped { condition.wait() }
                    if stopped { condition.unlock(); return }
                    queue.append(block)
                    read = total
                    condition.signal()
                    condition.unlock()
                }
                if pos >= n && !full { break }
            }
        }
        condition.lock()
        failure = error
        endedInsideFrame = zstd.insideFrame
        read = total
        done = true
        condition.broadcast()
        condition.unlock()
    }
}
