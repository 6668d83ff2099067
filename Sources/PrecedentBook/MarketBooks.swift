import PrecedentCore
import PrecedentDBN

/// Identifies one book: Databento keeps a book per instrument and publisher.
public struct BookKey: Hashable, Sendable, Comparable {
    public var instrumentID: InstrumentID
    public var publisherID: PublisherID
    public init(instrumentID: InstrumentID, publisherID: PublisherID) {
        self.instrumentID = instrumentID; self.publisherID = publisherID
    }
    public static func < (a: BookKey, b: BookKey) -> Bool {
        (a.instrumentID, a.publisherID) < (b.instrumentID, b.publisherID)
    }
}

/// Independent books for every (instrument, publisher) of a stream: records of
/// many instruments interleave and `F_LAST` is per instrument.
public struct MarketBooks: Sendable {
    /// Books in order of first appearance; mutated in place (never copied out).
    public private(set) var all: [OrderBook] = []
    private var slots: [BookKey: Int] = [:]
    private var lastKey: BookKey?
    private var lastSlot = 0
    public var recordsChanges: Bool

    public init(recordsChanges: Bool = false) { self.recordsChanges = recordsChanges }

    /// Applies `m` to its book and returns the book's position in `all`.
    /// - Complexity: that of `OrderBook.apply`, plus a hash lookup when the
    ///   instrument differs from the previous record's.
    @discardableResult
    public mutating func apply(_ m: MBOMsg, recordIndex: Int = 0) -> Int {
        let key = BookKey(instrumentID: m.hd.instrumentID, publisherID: m.hd.publisherID)
        if key != lastKey {
            if let slot = slots[key] {
                lastSlot = slot
            } else {
                lastSlot = all.count
                slots[key] = lastSlot
                all.append(OrderBook(instrumentID: key.instrumentID, publisherID: key.publisherID, recordsChanges: recordsChanges))
            }
            lastKey = key
        }
        all[lastSlot].apply(m, recordIndex: recordIndex)
        return lastSlot
    }

    public subscript(key: BookKey) -> OrderBook? { slots[key].map { all[$0] } }

    /// Anomalies of every book together.
    public var anomalies: BookAnomalies {
        all.reduce(into: BookAnomalies()) { $0.merge($1.anomalies) }
    }
}
