import PrecedentCore

/// A borrowed view of one encoded record, valid only inside the decoder's
/// callback. Reading typed structs from it (`mbo`, `trade`) involves no enum,
/// no allocation and one bounds check.
public struct RecordRef {
    /// The record's first byte; `byteCount` bytes are readable.
    public let pointer: UnsafeRawPointer
    /// `length × 4`, a `ts_out` suffix included.
    public let byteCount: Int
    /// DBN version of the stream (the layout of definitions and statistics depends on it).
    public let version: UInt8
    /// Whether the last 8 bytes are a `ts_out` suffix.
    public let hasTsOut: Bool
    /// Index of the record in the stream (0-based, unknown rtypes included).
    public let index: Int
    /// Offset of the record in the decoded stream.
    public let streamOffset: Int

    @inlinable
    init(pointer: UnsafeRawPointer, byteCount: Int, version: UInt8, hasTsOut: Bool, index: Int, streamOffset: Int) {
        self.pointer = pointer; self.byteCount = byteCount; self.version = version
        self.hasTsOut = hasTsOut; self.index = index; self.streamOffset = streamOffset
    }

    @inlinable public var rtype: UInt8 { pointer.load(fromByteOffset: 1, as: UInt8.self) }
    @inlinable public var header: RecordHeader { RecordHeader(unchecked: pointer) }
    @inlinable public var instrumentID: InstrumentID { pointer.le(4) }

    /// The live gateway's send time, when the stream carries `ts_out`.
    @inlinable public var tsOut: UnixNanos? {
        hasTsOut ? UnixNanos(rawValue: pointer.le(byteCount - 8)) : nil
    }

    /// The record as an MBO message, or `nil` if it is another rtype or too short.
    @inlinable public var mbo: MBOMsg? {
        rtype == RType.mbo && byteCount >= MBOMsg.recordSize ? MBOMsg(unchecked: pointer) : nil
    }

    /// The record as a trade, or `nil`.
    @inlinable public var trade: TradeMsg? {
        rtype == RType.mbp0 && byteCount >= TradeMsg.recordSize ? TradeMsg(unchecked: pointer) : nil
    }

    /// Decodes (and upgrades to v3) the record. `nil` only for unknown rtypes,
    /// which the decoder does not deliver. Errors carry the record's offset and index.
    public func decode() throws -> DBNRecord? {
        do {
            return try DBNRecord.decode(pointer, byteCount: byteCount - (hasTsOut ? 8 : 0), version: version)
        } catch var e as DBNError {
            e.byteOffset = e.byteOffset ?? streamOffset
            e.recordIndex = e.recordIndex ?? index
            throw e
        }
    }
}
