/// The `flags` bit field of MBO, MBP, trade and BBO records (`docs/DBN.md` §4).
public struct RecordFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Last record of a venue event for this instrument: the book is consistent after it.
    public static let last = RecordFlags(rawValue: 1 << 7)
    /// Top-of-book record, not an individual order.
    public static let topOfBook = RecordFlags(rawValue: 1 << 6)
    /// From a snapshot/replay, not the live incremental feed.
    public static let snapshot = RecordFlags(rawValue: 1 << 5)
    /// Aggregated price-level record.
    public static let mbp = RecordFlags(rawValue: 1 << 4)
    /// `ts_recv` is inaccurate.
    public static let badTsRecv = RecordFlags(rawValue: 1 << 3)
    /// An unrecoverable gap was detected on the channel: the book may be wrong.
    public static let maybeBadBook = RecordFlags(rawValue: 1 << 2)
    /// Venue-specific meaning.
    public static let publisherSpecific = RecordFlags(rawValue: 1 << 1)
}
