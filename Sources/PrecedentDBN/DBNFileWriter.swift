#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrecedentCore

/// Writes a DBN v3 file, raw or zstd-compressed (level 3 with a checksum, as
/// Databento writes), streaming. The file appears at `path` only when
/// `finish()` succeeds: it is written under a temporary name and renamed, so a
/// crash never leaves a file that looks complete.
public final class DBNFileWriter {
    public enum Compression: Sendable, Equatable { case none, zstd(level: Int32) }

    public let path: String
    private let temporaryPath: String
    private let encoder: DBNEncoder
    private let zstd: ZstdCompressor?
    private var fd: Int32
    private var pending: [UInt8] = []
    private var compressed: [UInt8] = []
    private var done = false
    /// Records written so far.
    public private(set) var recordCount = 0

    static let flushThreshold = 1 << 20

    /// Starts a file with `metadata`, or a metadata-free fragment when it is `nil`.
    public init(path: String, metadata: Metadata?, compression: Compression = .zstd(level: 3), tsOut: Bool = false) throws {
        self.path = path
        temporaryPath = path + ".partial-\(getpid())"
        encoder = DBNEncoder(tsOut: metadata?.tsOut ?? tsOut)
        if case .zstd(let level) = compression { zstd = ZstdCompressor(level: level) } else { zstd = nil }
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw DBNError(.io, "cannot create: \(String(cString: strerror(errno)))", file: temporaryPath)
        }
        if let metadata { pending = try metadata.encodedV3() }
    }

    deinit {
        if !done {
            close(fd)
            unlink(temporaryPath)
        }
    }

    public func write(_ record: DBNRecord, tsOut: UnixNanos? = nil) throws {
        try encoder.encode(record, tsOut: tsOut, into: &pending)
        recordCount += 1
        if pending.count >= Self.flushThreshold { try flush(end: false) }
    }

    /// Flushes, closes and renames the file into place.
    public func finish() throws {
        try flush(end: true)
        guard fsync(fd) == 0, close(fd) == 0 else {
            throw DBNError(.io, "cannot complete: \(String(cString: strerror(errno)))", file: temporaryPath)
        }
        guard rename(temporaryPath, path) == 0 else {
            throw DBNError(.io, "cannot rename into place: \(String(cString: strerror(errno)))", file: path)
        }
        done = true
    }

    private func flush(end: Bool) throws {
        if let zstd {
            compressed.removeAll(keepingCapacity: true)
            try pending.withUnsafeBytes { try zstd.compress($0, end: end, into: &compressed) }
            try writeAll(compressed)
        } else {
            try writeAll(pending)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                guard n > 0 else {
                    throw DBNError(.io, "write failed: \(String(cString: strerror(errno)))", file: temporaryPath)
                }
                offset += n
            }
        }
    }
}

/// `write(2)`, named apart from `DBNFileWriter.write(_:tsOut:)`.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
