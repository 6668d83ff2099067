/// The `flags` bit field of MBO, MBP, trade and BBO records (`docs/DBN-MODULE.md`).
public struct RecordFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Last record of a venue event for this instrument: the book is consistent after it.
    @inlinable public static var last: RecordFlags { RecordFlags(rawValue: 1 << 7) }
    /// Top-of-book record, not an individual order.
    @inlinable public static var topOfBook: RecordFlags { RecordFlags(rawValue: 1 << 6) }
    /// From a snapshot/replay, not the live incremental feed.
    @inlinable public static var snapshot: RecordFlags { RecordFlags(rawValue: 1 << 5) }
    /// Aggregated price-level record.
    @inlinable public static var mbp: RecordFlags { RecordFlags(rawValue: 1 << 4) }
    /// `ts_recv` is inaccurate.
    @inlinable public static var badTsRecv: RecordFlags { RecordFlags(rawValue: 1 << 3) }
    /// An unrecoverable gap was detected on the channel: the book may be wrong.
    @inlinable public static var maybeBadBook: RecordFlags { RecordFlags(rawValue: 1 << 2) }
    /// Venue-specific meaning.
    @inlinable public static var publisherSpecific: RecordFlags { RecordFlags(rawValue: 1 << 1) }
}
