/// Book side or aggressor side, stored as one ASCII byte (`A` ask/sell,
/// `B` bid/buy, `N` none). Any other byte is kept as read, never rejected, so a
/// record always round-trips.
public struct Side: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `A`: resting sell order, or a sell aggressor on a trade.
    @inlinable public static var ask: Side { Side(rawValue: UInt8(ascii: "A")) }
    /// `B`: resting buy order, or a buy aggressor on a trade.
    @inlinable public static var bid: Side { Side(rawValue: UInt8(ascii: "B")) }
    /// `N`: no side (no aggressor, or not applicable).
    @inlinable public static var none: Side { Side(rawValue: UInt8(ascii: "N")) }
}

/// The event type of an MBO/MBP record, one ASCII byte. See `docs/DBN-MODULE.md`.
public struct Action: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `A`: insert a new order.
    @inlinable public static var add: Action { Action(rawValue: UInt8(ascii: "A")) }
    /// `C`: remove `size` from an order (full or partial cancel).
    @inlinable public static var cancel: Action { Action(rawValue: UInt8(ascii: "C")) }
    /// `M`: change an order's price and/or size (new values in the record).
    @inlinable public static var modify: Action { Action(rawValue: UInt8(ascii: "M")) }
    /// `R`: clear the book (reset), e.g. before a snapshot.
    @inlinable public static var clear: Action { Action(rawValue: UInt8(ascii: "R")) }
    /// `T`: a trade; the side is the aggressor's. No book change.
    @inlinable public static var trade: Action { Action(rawValue: UInt8(ascii: "T")) }
    /// `F`: a fill of a resting order. No book change by itself.
    @inlinable public static var fill: Action { Action(rawValue: UInt8(ascii: "F")) }
    /// `N`: no action; may carry flags such as `F_LAST`.
    @inlinable public static var none: Action { Action(rawValue: UInt8(ascii: "N")) }
}

/// The instrument class of a definition (`instrument_class`), one ASCII byte.
public struct InstrumentClass: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var bond: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "B")) }
    @inlinable public static var call: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "C")) }
    @inlinable public static var future: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "F")) }
    @inlinable public static var stock: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "K")) }
    @inlinable public static var mixedSpread: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "M")) }
    @inlinable public static var put: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "P")) }
    @inlinable public static var futureSpread: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "S")) }
    @inlinable public static var optionSpread: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "T")) }
    @inlinable public static var fxSpot: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "X")) }
    @inlinable public static var commoditySpot: InstrumentClass { InstrumentClass(rawValue: UInt8(ascii: "Y")) }

    /// True for the spread classes (`S` future spread, `T` option spread,
    /// `M` mixed spread): their books are priced in differences and must never
    /// feed outright features.
    @inlinable public var isSpread: Bool {
        self == .futureSpread || self == .optionSpread || self == .mixedSpread
    }
}
