/// Book side or aggressor side, stored as one ASCII byte (`A` ask/sell,
/// `B` bid/buy, `N` none). Any other byte is kept as read, never rejected, so a
/// record always round-trips.
public struct Side: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `A`: resting sell order, or a sell aggressor on a trade.
    public static let ask = Side(rawValue: UInt8(ascii: "A"))
    /// `B`: resting buy order, or a buy aggressor on a trade.
    public static let bid = Side(rawValue: UInt8(ascii: "B"))
    /// `N`: no side (no aggressor, or not applicable).
    public static let none = Side(rawValue: UInt8(ascii: "N"))
}

/// The event type of an MBO/MBP record, one ASCII byte. See `docs/DBN.md` §3.4.
public struct Action: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `A`: insert a new order.
    public static let add = Action(rawValue: UInt8(ascii: "A"))
    /// `C`: remove `size` from an order (full or partial cancel).
    public static let cancel = Action(rawValue: UInt8(ascii: "C"))
    /// `M`: change an order's price and/or size (new values in the record).
    public static let modify = Action(rawValue: UInt8(ascii: "M"))
    /// `R`: clear the book (reset), e.g. before a snapshot.
    public static let clear = Action(rawValue: UInt8(ascii: "R"))
    /// `T`: a trade; the side is the aggressor's. No book change.
    public static let trade = Action(rawValue: UInt8(ascii: "T"))
    /// `F`: a fill of a resting order. No book change by itself.
    public static let fill = Action(rawValue: UInt8(ascii: "F"))
    /// `N`: no action; may carry flags such as `F_LAST`.
    public static let none = Action(rawValue: UInt8(ascii: "N"))
}

/// The instrument class of a definition (`instrument_class`), one ASCII byte.
public struct InstrumentClass: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bond = InstrumentClass(rawValue: UInt8(ascii: "B"))
    public static let call = InstrumentClass(rawValue: UInt8(ascii: "C"))
    public static let future = InstrumentClass(rawValue: UInt8(ascii: "F"))
    public static let stock = InstrumentClass(rawValue: UInt8(ascii: "K"))
    public static let mixedSpread = InstrumentClass(rawValue: UInt8(ascii: "M"))
    public static let put = InstrumentClass(rawValue: UInt8(ascii: "P"))
    public static let futureSpread = InstrumentClass(rawValue: UInt8(ascii: "S"))
    public static let optionSpread = InstrumentClass(rawValue: UInt8(ascii: "T"))
    public static let fxSpot = InstrumentClass(rawValue: UInt8(ascii: "X"))
    public static let commoditySpot = InstrumentClass(rawValue: UInt8(ascii: "Y"))

    /// True for the spread classes (`S` future spread, `T` option spread,
    /// `M` mixed spread): their books are priced in differences and must never
    /// feed outright features.
    @inlinable public var isSpread: Bool {
        self == .futureSpread || self == .optionSpread || self == .mixedSpread
    }
}
