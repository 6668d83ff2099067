import PrecedentCore
import PrecedentDBN

/// An L3 (market-by-order) book of one instrument and publisher, applying MBO
/// exactly as `docs/BOOK.md` (after `../shared/docs/DBN.md` §6) describes.
///
/// Storage: resting orders live in a node pool, linked FIFO per price level
/// (arrival order = queue priority). Each side is a ladder of levels sorted by
/// key with the best level last, where the key is the price for bids and its
/// bitwise complement for asks, so inserts and removals near the top move few
/// elements.
///
/// Invariants (checked by `checkInvariants()`): keys strictly ascending on
/// each ladder; no empty level; a level's size and count equal the sum and
/// number of its orders; every indexed order is linked into the level of its
/// side and price exactly once.
public struct OrderBook: Sendable {
    struct Node: Sendable {
        var orderID: UInt64
        var price: Int64
        var size: UInt32
        var isAsk: Bool
        var prev: Int32
        var next: Int32
    }

    struct Level: Sendable {
        var size: UInt64
        var count: UInt32
        var head: Int32
        var tail: Int32
    }

    /// One side: `keys[i]` ↔ `levels[i]`, keys ascending, best level last.
    struct Ladder: Sendable {
        var keys: ContiguousArray<Int64> = []
        var levels: ContiguousArray<Level> = []

        /// Index of the first key ≥ `key` (checking the top of the book first).
        /// - Complexity: O(1) at the best level, else O(log L).
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
    }

    static let none: Int32 = -1

    var nodes: ContiguousArray<Node> = []
    var freeHead: Int32 = OrderBook.none
    var index = OrderIndex()
    var bids = Ladder()
    var asks = Ladder()
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
    }

    public mutating func removeAllChanges() { changes.removeAll(keepingCapacity: true) }

    /// Number of resting orders.
    public var orderCount: Int { index.count }

    static func key(_ price: Int64, isAsk: Bool) -> Int64 { isAsk ? ~price : price }
}
