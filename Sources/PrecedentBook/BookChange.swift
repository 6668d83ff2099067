import PrecedentCore

/// One change of resting size at a price, as the book applied it. The sum of
/// `quantity` over a price's changes (added positive; filled, pulled and
/// cleared negative) equals the change of its resting size: the conservation
/// law every feature downstream relies on.
public struct BookChange: Sendable, Hashable {
    public enum Kind: UInt8, Sendable {
        /// Size arrived: a new order, an order moved here, or a size increase.
        case added
        /// Size left because it traded: an `F` record for this order came
        /// earlier in the same event (before its `F_LAST`).
        case filled
        /// Size left without a fill: a cancel or a downward/away modify.
        case pulled
        /// Size removed by a book reset (clear record, or a snapshot starting).
        case cleared
    }

    /// What the record did to the order.
    public enum Cause: UInt8, Sendable {
        /// `A`: a new order (including snapshot orders).
        case newOrder
        /// `C`: a (partial) cancel.
        case cancel
        /// `M` to another price: the order left its old price and arrived at the new one.
        case priceMove
        /// `M` at the same price to a different size.
        case sizeChange
        /// `R`, or the start of a snapshot.
        case clear
    }

    public var kind: Kind
    public var cause: Cause
    public var side: Side
    public var price: Price
    /// Contracts (always positive; `kind` gives the direction).
    public var quantity: UInt32
    public var orderID: UInt64

    public init(kind: Kind, cause: Cause, side: Side, price: Price, quantity: UInt32, orderID: UInt64) {
        self.kind = kind; self.cause = cause; self.side = side; self.price = price
        self.quantity = quantity; self.orderID = orderID
    }

    /// Signed change of resting size.
    @inlinable public var signedQuantity: Int64 { kind == .added ? Int64(quantity) : -Int64(quantity) }
}
