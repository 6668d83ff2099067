import PrecedentCore

/// Aggregate state of one price level.
public struct LevelSummary: Sendable, Hashable {
    public var price: Price
    /// Resting size, contracts.
    public var size: UInt64
    /// Resting orders.
    public var count: UInt32

    public init(price: Price, size: UInt64, count: UInt32) {
        self.price = price; self.size = size; self.count = count
    }
}

extension OrderBook {
    private func ladder(_ side: Side) -> Ladder { side == .ask ? asks : bids }

    /// The level of rank `i` on `ladder` (0 = worst, last = best).
    private func summary(_ ladder: Ladder, _ i: Int, isAsk: Bool) -> LevelSummary {
        let key = ladder.keys[i]
        let level = levels[Int(ladder.slots[i])]
        return LevelSummary(price: Price(rawValue: isAsk ? ~key : key), size: level.size, count: level.count)
    }

    /// Best bid level. - Complexity: O(1). Inlinable: the per-record callers (the level-vacuum
    /// engine's best-quote tracking) read the two fields in place instead of calling through a copy
    /// of the book.
    @inlinable public var bestBid: LevelSummary? {
        @inline(__always) get {
            let n = bids.keys.count
            guard n > 0 else { return nil }
            let level = levels[Int(bids.slots[n - 1])]
            return LevelSummary(price: Price(rawValue: bids.keys[n - 1]), size: level.size, count: level.count)
        }
    }
    /// Best ask level. - Complexity: O(1).
    @inlinable public var bestAsk: LevelSummary? {
        @inline(__always) get {
            let n = asks.keys.count
            guard n > 0 else { return nil }
            let level = levels[Int(asks.slots[n - 1])]
            return LevelSummary(price: Price(rawValue: ~asks.keys[n - 1]), size: level.size, count: level.count)
        }
    }
    /// True when the best bid is at or above the best ask (pre-open, auctions).
    public var isCrossed: Bool {
        guard let b = bestBid, let a = bestAsk else { return false }
        return b.price >= a.price
    }

    /// The level at `price` on `side`, or `nil` if nothing rests there. - Complexity: O(1) expected.
    public func level(_ side: Side, at price: Price) -> LevelSummary? {
        guard let s = ladder(side).slot(OrderBook.key(price.rawValue, isAsk: side == .ask)) else { return nil }
        return LevelSummary(price: price, size: levels[Int(s)].size, count: levels[Int(s)].count)
    }

    /// Resting size on `side` at prices in `low...high`. - Complexity: O(log L + k) for k levels in range.
    public func depth(_ side: Side, from low: Price, through high: Price) -> UInt64 {
        guard low <= high else { return 0 }
        let isAsk = side == .ask
        let l = ladder(side)
        // Keys ascend with price for bids and descend for asks.
        let (kLow, kHigh) = isAsk ? (~high.rawValue, ~low.rawValue) : (low.rawValue, high.rawValue)
        var i = l.lowerBound(kLow)
        var total: UInt64 = 0
        while i < l.keys.count && l.keys[i] <= kHigh {
            total += levels[Int(l.slots[i])].size
            i += 1
        }
        return total
    }

    /// Calls `body` with each level of `side` whose price is in `low...high`, in ascending key
    /// order (bids low to high, asks high to low). - Complexity: O(log L + k) for k levels in range.
    public func forEachLevel(_ side: Side, from low: Price, through high: Price, _ body: (LevelSummary) -> Void) {
        guard low <= high else { return }
        let isAsk = side == .ask
        let l = isAsk ? asks : bids
        let (kLow, kHigh) = isAsk ? (~high.rawValue, ~low.rawValue) : (low.rawValue, high.rawValue)
        var i = l.lowerBound(kLow)
        while i < l.keys.count && l.keys[i] <= kHigh {
            let level = levels[Int(l.slots[i])]
            body(LevelSummary(price: Price(rawValue: isAsk ? ~l.keys[i] : l.keys[i]), size: level.size, count: level.count))
            i += 1
        }
    }

    /// The best `count` levels of `side`, best first. - Complexity: O(count).
    public func topLevels(_ side: Side, count: Int) -> [LevelSummary] {
        let isAsk = side == .ask
        let l = ladder(side)
        let n = min(count, l.keys.count)
        return (0..<n).map { summary(l, l.keys.count - 1 - $0, isAsk: isAsk) }
    }

    /// A resting order's side, price and size. - Complexity: O(1) expected.
    public func order(_ id: UInt64) -> (side: Side, price: Price, size: UInt32)? {
        guard let slot = index[id] else { return nil }
        let n = nodes[Int(slot)]
        return (n.isAsk ? .ask : .bid, Price(rawValue: n.price), n.size)
    }

    /// Size and number of orders ahead of `id` in its level's queue.
    /// - Complexity: O(k) for the k orders ahead.
    public func queuePosition(_ id: UInt64) -> (sizeAhead: UInt64, ordersAhead: Int)? {
        guard let slot = index[id] else { return nil }
        var size: UInt64 = 0, orders = 0
        var n = nodes[Int(slot)].prev
        while n != OrderBook.none {
            size += UInt64(nodes[Int(n)].size)
            orders += 1
            n = nodes[Int(n)].prev
        }
        return (size, orders)
    }

    /// Order ids of the level at `price`, in queue order. - Complexity: O(k).
    public func queue(_ side: Side, at price: Price) -> [UInt64] {
        guard let s = ladder(side).slot(OrderBook.key(price.rawValue, isAsk: side == .ask)) else { return [] }
        var out: [UInt64] = []
        var n = levels[Int(s)].head
        while n != OrderBook.none { out.append(nodes[Int(n)].orderID); n = nodes[Int(n)].next }
        return out
    }

    /// Number of price levels on `side`.
    public func levelCount(_ side: Side) -> Int { ladder(side).keys.count }
}
