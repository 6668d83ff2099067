import PrecedentCore

/// One book level of an MBP-1/MBP-10/BBO/TBBO record (32 bytes).
/// Empty levels have undefined prices and zero sizes.
public struct BidAskPair: Sendable, Hashable {
    public var bidPx: Price
    public var askPx: Price
    /// Resting size at the bid, in contracts/shares.
    public var bidSz: UInt32
    public var askSz: UInt32
    /// Number of orders at the bid.
    public var bidCt: UInt32
    public var askCt: UInt32

    public static let size = 32

    @inlinable public init(bidPx: Price, askPx: Price, bidSz: UInt32, askSz: UInt32, bidCt: UInt32, askCt: UInt32) {
        self.bidPx = bidPx; self.askPx = askPx; self.bidSz = bidSz; self.askSz = askSz
        self.bidCt = bidCt; self.askCt = askCt
    }

    @inlinable public init(unchecked p: UnsafeRawPointer) {
        bidPx = Price(rawValue: p.le(0)); askPx = Price(rawValue: p.le(8))
        bidSz = p.le(16); askSz = p.le(20); bidCt = p.le(24); askCt = p.le(28)
    }

    @inlinable public func write(to p: UnsafeMutableRawPointer) {
        p.storeLE(bidPx.rawValue, 0); p.storeLE(askPx.rawValue, 8)
        p.storeLE(bidSz, 16); p.storeLE(askSz, 20); p.storeLE(bidCt, 24); p.storeLE(askCt, 28)
    }
}

/// One level of a consolidated record (CMBP-1, TCBBO, CBBO): the publisher of
/// each side's best price instead of order counts (32 bytes).
public struct ConsolidatedBidAskPair: Sendable, Hashable {
    public var bidPx: Price
    public var askPx: Price
    public var bidSz: UInt32
    public var askSz: UInt32
    /// Publisher id of the best bid.
    public var bidPb: UInt16
    /// Reserved bytes, kept for byte-exact round trips.
    public var reserved1: UInt16
    /// Publisher id of the best ask.
    public var askPb: UInt16
    public var reserved2: UInt16

    public static let size = 32

    @inlinable public init(bidPx: Price, askPx: Price, bidSz: UInt32, askSz: UInt32, bidPb: UInt16, askPb: UInt16,
                           reserved1: UInt16 = 0, reserved2: UInt16 = 0) {
        self.bidPx = bidPx; self.askPx = askPx; self.bidSz = bidSz; self.askSz = askSz
        self.bidPb = bidPb; self.askPb = askPb; self.reserved1 = reserved1; self.reserved2 = reserved2
    }

    @inlinable public init(unchecked p: UnsafeRawPointer) {
        bidPx = Price(rawValue: p.le(0)); askPx = Price(rawValue: p.le(8))
        bidSz = p.le(16); askSz = p.le(20); bidPb = p.le(24); reserved1 = p.le(26)
        askPb = p.le(28); reserved2 = p.le(30)
    }

    @inlinable public func write(to p: UnsafeMutableRawPointer) {
        p.storeLE(bidPx.rawValue, 0); p.storeLE(askPx.rawValue, 8); p.storeLE(bidSz, 16)
        p.storeLE(askSz, 20); p.storeLE(bidPb, 24); p.storeLE(reserved1, 26)
        p.storeLE(askPb, 28); p.storeLE(reserved2, 30)
    }
}
