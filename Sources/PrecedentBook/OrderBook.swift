import PrecedentCore
import PrecedentDBN

/// An L3 (market-by-order) book of one instrument and publisher, applying MBO
/// exactly as `docs/BOOK.md` describes.
///
/// Storage: resting orders live in a node pool, linked FIFO per price level
/// (arrival order = queue priority), each node knowing its level. Levels live
/// in a pool too (stable slots). Each side keeps a hash from price key to level
/// slot (finding a level is O(1)) and the keys sorted with the best level last
/// (touched only when a level appears or empties). The key is the price for
/// bids and its bitwise complement for asks, so both sides sort ascending.
///
/// Invariants (checked by `checkInvariants()`): keys strictly ascending on
/// each side and in step with their slots and the hash; no empty level; a
/// level's size and count equal the sum and number of its orders; every
/// indexed order is linked into its level exactly once.
public struct OrderBook: Sendable {
    struct Node: Sendable {
        var orderID: UInt64
        var price: Int64
        var size: UInt32
        var isAsk: Bool
        /// Slot of the order's level in `levels`.
        var level: Int32
        var prev: Int32
        var next: Int32
    }

    @usableFromInline struct Level: Sendable {
        @usableFromInline var size: UInt64
        @usableFromInline var count: UInt32
        var head: Int32
        var tail: Int32
        /// The level's price key (see `OrderBook.key`).
        var key: Int64
    }

    /// One side: `keys[i]` ↔ level slot `slots[i]`, keys ascending, best level last.
    @usableFromInline struct Ladder: Sendable {
        @usableFromInline var keys: ContiguousArray<Int64> = []
        @usableFromInline var slots: ContiguousArray<Int32> = []
        var byKey = HashIndex(capacity: 256)

        /// Index of the first key ≥ `key` (the top of the book checked first).
        /// - Complexity: O(log L).
        func lowerBound(_ key: Int64) -> Int {
            let n = keys.count
            if n > 0 && keys[n - 1] <= key { return keys[n - 1] == key ? n - 1 : n }
            var lo = 0, hi = n
            while lo < hi {
                let mid = (lo + hi) >> 1
                if keys[mid] < key { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// The level slot for `key`, if that level exists. - Complexity: O(1) expected.
        func slot(_ key: Int64) -> Int32? { byKey[UInt64(bitPattern: key)] }
    }

    static let none: Int32 = -1

    var nodes: ContiguousArray<Node> = []
    var freeHead: Int32 = OrderBook.none
    @usableFromInline var levels: ContiguousArray<Level> = []
    var freeLevel: Int32 = OrderBook.none
    var index = HashIndex(capacity: 8192)
    @usableFromInline var bids = Ladder()
    @usableFromInline var asks = Ladder()
    /// Fills (`F`) seen in the current event, by order id, not yet matched to a size decrease.
    var pendingFills: ContiguousArray<(orderID: UInt64, quantity: UInt32)> = []
    /// Inside a run of `F_SNAPSHOT` records.
    var inSnapshot = false

    public let instrumentID: InstrumentID
    public let publisherID: PublisherID
    /// Anomalies met so far.
    public internal(set) var anomalies = BookAnomalies()
    /// True after a record carrying `F_LAST`: the book is consistent and may be read.
    public internal(set) var isConsistent = true
    /// Whether `changes` collects every size change (off for the fastest replay).
    public var recordsChanges: Bool
    /// Changes since the last `removeAllChanges()`, in order.
    public internal(set) var changes: [BookChange] = []
    /// Records applied.
    public internal(set) var recordCount = 0

    public init(instrumentID: InstrumentID, publisherID: PublisherID = 1, recordsChanges: Bool = false) {
        self.instrumentID = instrumentID
        self.publisherID = publisherID
        self.recordsChanges = recordsChanges
        // Room for a typical futures book (ESH4 holds ~11 k orders on ~1 k levels) without regrowing.
        nodes.reserveCapacity(4096)
        levels.reserveCapacity(1024)
    }

    public mutating func removeAllChanges() { changes.removeAll(keepingCapacity: true) }

    /// Number of resting orders.
    public var orderCount: Int { index.count }

    static func key(_ price: Int64, isAsk: Bool) -> Int64 { isAsk ? ~price : price }
}
