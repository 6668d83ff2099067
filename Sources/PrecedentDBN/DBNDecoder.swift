import PrecedentCore

/// A DBN stream decoder that does no I/O: feed it bytes, take metadata and
/// records out. Files and streams wrap it (`DBNFileReader`).
///
/// Invariant: `0 <= readIndex <= writeIndex <= buffer.count`; the bytes in
/// `readIndex..<writeIndex` are received but not yet decoded, and
/// `discarded + readIndex` is their offset in the stream.
///
/// Running out of bytes is never an error here: decoding simply stops until
/// more arrive. Only `finish()` turns leftover bytes into `.truncated`.
public struct DBNDecoder: Sendable {
    /// How the stream begins.
    public enum Framing: Sendable, Equatable {
        /// Prelude (`DBN` + version) and metadata, then records: a `.dbn` file.
        case stream
        /// Records only (a `.frag` file or live fragment); the version and
        /// whether records carry `ts_out` must be known out of band.
        case fragment(version: UInt8, tsOut: Bool)
    }

    private enum State: Sendable { case prelude, metadata(length: Int), records }

    private var buffer: [UInt8]
    private var readIndex = 0
    private var writeIndex = 0
    private var discarded = 0
    private var state: State
    /// Known rtypes (256 flags), so unknown ones are skipped without a lookup.
    private let known: [Bool]

    /// The metadata, once decoded (`nil` for fragments).
    public private(set) var metadata: Metadata?
    /// DBN version of the stream (0 until the prelude is read).
    public private(set) var version: UInt8 = 0
    /// Whether records carry an 8-byte `ts_out` suffix.
    public private(set) var tsOut = false
    /// Records delivered or skipped so far (the index of the next record).
    public private(set) var recordCount = 0
    /// Records with an rtype this decoder does not know, by rtype; they are
    /// skipped by their length.
    public private(set) var unknownRecords: [UInt8: Int] = [:]

    /// Largest possible record: `length` is one byte of 4-byte words.
    public static let maxRecordSize = 255 * RecordHeader.lengthMultiplier

    public init(framing: Framing = .stream, initialCapacity: Int = 1 << 18) {
        buffer = [UInt8](repeating: 0, count: max(initialCapacity, 2 * DBNDecoder.maxRecordSize))
        var k = [Bool](repeating: false, count: 256)
        for (r, _) in RType.names { k[Int(r)] = true }
        known = k
        switch framing {
        case .stream: state = .prelude
        case .fragment(let v, let ts):
            precondition((1...Metadata.latestVersion).contains(v), "DBN version must be 1…3")
            version = v; tsOut = ts; state = .records
        }
    }

    /// Offset in the stream of the next undecoded byte.
    public var streamOffset: Int { discarded + readIndex }
    /// Bytes received but not yet decoded.
    public var pendingByteCount: Int { writeIndex - readIndex }

    /// Appends `bytes` to the input.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        appendInPlace(minimumCapacity: bytes.count) { dst in
            dst.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            return bytes.count
        }
    }

    /// Lets `body` write input straight into the buffer (e.g. a decompressor):
    /// it gets at least `minimumCapacity` writable bytes and returns how many it wrote.
    public mutating func appendInPlace(
        minimumCapacity: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        reserve(minimumCapacity)
        let start = writeIndex
        let written = try buffer.withUnsafeMutableBytes { raw -> Int in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
        precondition(written >= 0 && written <= buffer.count - start, "appendInPlace wrote out of bounds")
        writeIndex += written
    }

    private mutating func reserve(_ n: Int) {
        if buffer.count - writeIndex >= n { return }
        if readIndex > 0 {
            let pending = writeIndex - readIndex
            let from = readIndex
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: pending)
            }
            discarded += readIndex
            readIndex = 0
            writeIndex = pending
        }
        if buffer.count - writeIndex < n {
            var newCount = buffer.count
            while newCount - writeIndex < n { newCount *= 2 }
            buffer.append(contentsOf: repeatElement(0, count: newCount - buffer.count))
        }
    }

    /// Decodes the prelude and metadata once enough bytes have arrived.
    /// Returns `nil` while more bytes are needed (and always for fragments).
    public mutating func decodeMetadata() throws -> Metadata? {
        if case .prelude = state {
            guard pendingByteCount >= Metadata.preludeLength else { return nil }
            let (v, length) = try buffer.withUnsafeBytes { raw -> (UInt8, Int) in
                let p = raw.baseAddress! + readIndex
                let magic: UInt32 = p.le(0)
                if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
                    throw DBNError(.legacyDBZ, "this is a legacy DBZ (DBN version 0) stream, which is not supported",
                                   byteOffset: streamOffset,
                                   hint: "Request the data again as DBN (version 1 or later)")
                }
                guard raw[readIndex] == 0x44, raw[readIndex + 1] == 0x42, raw[readIndex + 2] == 0x4E else {
                    throw DBNError(.invalidHeader, "not a DBN stream: it does not start with 'DBN'",
                                   byteOffset: streamOffset,
                                   hint: "For a metadata-free .frag file, give its DBN version (--fragment-version)")
                }
                return (p.load(fromByteOffset: 3, as: UInt8.self), Int(p.le(4) as UInt32))
            }
            guard v >= 1 else {
                throw DBNError(.unsupportedVersion, "DBN version 0 (legacy DBZ) is not supported",
                               byteOffset: streamOffset + 3, hint: "Request the data again as DBN (version 1 or later)")
            }
            guard v <= Metadata.latestVersion else {
                throw DBNError(.unsupportedVersion,
                               "DBN version \(v) is newer than this decoder (versions 1…\(Metadata.latestVersion))",
                               byteOffset: streamOffset + 3, hint: "Upgrade Precedent")
            }
            guard length >= Metadata.fixedLength + 4 else {
                throw DBNError(.invalidHeader, "metadata length \(length) is below the minimum of \(Metadata.fixedLength + 4)",
                               byteOffset: streamOffset + 4)
            }
            version = v
            readIndex += Metadata.preludeLength
            state = .metadata(length: length)
        }
        guard case .metadata(let length) = state, pendingByteCount >= length else { return nil }
        let bodyOffset = streamOffset
        let md = try buffer.withUnsafeBytes { raw in
            try Metadata.decode(version: version, body: UnsafeRawBufferPointer(rebasing: raw[readIndex..<readIndex + length]),
                                bodyOffset: bodyOffset)
        }
        readIndex += length
        metadata = md
        tsOut = md.tsOut
        state = .records
        return md
    }

    /// Delivers every complete record now in the buffer to `body`, in order.
    /// Unknown rtypes are skipped and counted. A record `body` rejects by
    /// throwing is not consumed, so decoding can resume there.
    public mutating func decodeRecords(_ body: (RecordRef) throws -> Void) throws {
        guard case .records = state else {
            if try decodeMetadata() == nil { return }
            return try decodeRecords(body)
        }
        let minLength = RecordHeader.size + (tsOut ? 8 : 0)
        try buffer.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            var r = readIndex
            // Keep the consumed position even when `body` throws.
            defer { readIndex = r }
            while writeIndex - r >= 1 {
                let length = Int(raw[r]) * RecordHeader.lengthMultiplier
                guard length >= minLength else {
                    throw DBNError(.corruptRecord,
                                   "record length \(length) bytes is below the \(minLength)-byte minimum",
                                   byteOffset: discarded + r, recordIndex: recordCount,
                                   hint: "The stream is corrupt (or not DBN at this point)")
                }
                guard writeIndex - r >= length else { break }
                let rtype = raw[r + 1]
                if known[Int(rtype)] {
                    try body(RecordRef(pointer: base + r, byteCount: length, version: version, hasTsOut: tsOut,
                                       index: recordCount, streamOffset: discarded + r))
                } else {
                    unknownRecords[rtype, default: 0] += 1
                }
                r += length
                recordCount += 1
            }
        }
    }

    /// Call at the end of the input: throws `.truncated` if it ended inside the
    /// prelude, the metadata or a record. Records before that point have all
    /// been delivered by then.
    public func finish() throws {
        switch state {
        case .prelude:
            let what = streamOffset + pendingByteCount == 0 ? "the input is empty" : "the input ends inside the 8-byte prelude"
            throw DBNError(.truncated, what, byteOffset: streamOffset + pendingByteCount,
                           hint: "The file is incomplete: download it again")
        case .metadata(let length):
            throw DBNError(.truncated,
                           "the input ends inside the metadata (\(pendingByteCount) of \(length) bytes)",
                           byteOffset: streamOffset + pendingByteCount, hint: "The file is incomplete: download it again")
        case .records:
            guard pendingByteCount > 0 else { return }
            let length = Int(buffer[readIndex]) * RecordHeader.lengthMultiplier
            let rtype = pendingByteCount > 1 ? " (\(RType.name(buffer[readIndex + 1])))" : ""
            throw DBNError(.truncated,
                           "the input ends inside a record\(rtype): \(pendingByteCount) of its \(length) bytes are present",
                           byteOffset: streamOffset, recordIndex: recordCount,
                           hint: "Every record before it was decoded; the file is incomplete")
        }
    }
}
