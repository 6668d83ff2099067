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
    public private(set) var books: [BookKey: OrderBook] = [:]
    public var recordsChanges: Bool

    public init(recordsChanges: Bool = false) { self.recordsChanges = recordsChanges }

    /// Applies `m` to its book and returns that book's key.
    @discardableResult
    public mutating func apply(_ m: MBOMsg, recordIndex: Int = 0) -> BookKey {
        let key = BookKey(instrumentID: m.hd.instrumentID, publisherID: m.hd.publisherID)
        if books[key] == nil {
            books[key] = OrderBook(instrumentID: key.instrumentID, publisherID: key.publisherID, recordsChanges: recordsChanges)
        }
        books[key]!.apply(m, recordIndex: recordIndex)
        return key
    }

    public subscript(key: BookKey) -> OrderBook? { books[key] }

    /// Anomalies of every book together.
    public var anomalies: BookAnomalies {
        books.values.reduce(into: BookAnomalies()) { $0.merge($1.anomalies) }
    }
}
