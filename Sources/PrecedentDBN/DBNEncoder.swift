import PrecedentCore

/// Encodes records as DBN v3 bytes. Does no I/O (see `DBNFileWriter`).
public struct DBNEncoder: Sendable {
    /// Whether every record gets an 8-byte `ts_out` suffix (must match the metadata).
    public var tsOut: Bool

    public init(tsOut: Bool = false) { self.tsOut = tsOut }

    /// Appends `record` in the v3 layout. The header's `length` is set from
    /// the layout (plus 8 bytes with `ts_out`); everything else is written as stored.
    public func encode(_ record: DBNRecord, tsOut recordTsOut: UnixNanos? = nil, into out: inout [UInt8]) throws {
        guard (recordTsOut != nil) == tsOut else {
            throw DBNError(.encoding, tsOut ? "this stream carries ts_out: every record needs one"
                                            : "this stream has no ts_out: a record cannot carry one")
        }
        let size = record.layout.recordSize
        let total = size + (tsOut ? 8 : 0)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress! + start
            record.write(to: p)
            p.storeLE(UInt8(total / RecordHeader.lengthMultiplier), 0)
            if let recordTsOut { p.storeLE(recordTsOut.rawValue, size) }
        }
    }
}
