import PrecedentCore

/// The 16-byte header that starts every DBN record.
public struct RecordHeader: Sendable, Hashable {
    /// Record size in 4-byte words, a `ts_out` suffix included.
    public var length: UInt8
    /// Record type (see `RType`).
    public var rtype: UInt8
    public var publisherID: PublisherID
    public var instrumentID: InstrumentID
    /// Matching-engine event time (for OHLCV: the bar's inclusive start), UTC ns.
    public var tsEvent: UnixNanos

    /// Bytes in the header.
    public static let size = 16
    /// A record's byte size is `length × lengthMultiplier`.
    public static let lengthMultiplier = 4

    @inlinable
    public init(length: UInt8, rtype: UInt8, publisherID: PublisherID, instrumentID: InstrumentID, tsEvent: UnixNanos) {
        self.length = length; self.rtype = rtype; self.publisherID = publisherID
        self.instrumentID = instrumentID; self.tsEvent = tsEvent
    }

    /// A header for a record of `byteSize` bytes.
    @inlinable
    public init(byteSize: Int, rtype: UInt8, publisherID: PublisherID, instrumentID: InstrumentID, tsEvent: UnixNanos) {
        self.init(length: UInt8(byteSize / Self.lengthMultiplier), rtype: rtype,
                  publisherID: publisherID, instrumentID: instrumentID, tsEvent: tsEvent)
    }

    @inlinable public init(unchecked p: UnsafeRawPointer) {
        length = p.le(0); rtype = p.le(1); publisherID = p.le(2); instrumentID = p.le(4)
        tsEvent = UnixNanos(rawValue: p.le(8))
    }

    @inlinable public func write(to p: UnsafeMutableRawPointer) {
        p.storeLE(length, 0); p.storeLE(rtype, 1); p.storeLE(publisherID, 2)
        p.storeLE(instrumentID, 4); p.storeLE(tsEvent.rawValue, 8)
    }

    /// The record's size in bytes.
    @inlinable public var byteSize: Int { Int(length) * Self.lengthMultiplier }
}
