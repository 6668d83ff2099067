import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Hand-written event sequences in the shapes seen on CME (docs/BOOK.md, "What CME MBO looks like"),
/// with every book change worked out by hand.
@Suite struct CMEPatternTests {
    typealias C = BookChange
    func px(_ t: Int64) -> Price { MBOBuilder.price(ticks: t) }

    /// A book with asks 1 (5 lots) then 2 (3 lots) queued at tick 400 and bid 3 (4 lots) at 399.
    func seeded() -> (OrderBook, MBOBuilder) {
        var b = MBOBuilder()
        var book = OrderBook(instrumentID: 1, recordsChanges: true)
        book.apply(b.record(.add, .ask, id: 1, ticks: 400, size: 5, flags: .last))
        book.apply(b.record(.add, .ask, id: 2, ticks: 400, size: 3, flags: .last))
        book.apply(b.record(.add, .bid, id: 3, ticks: 399, size: 4, flags: .last))
        book.removeAllChanges()
        return (book, b)
    }

    /// `T F C`: a buy takes all of order 1; the cancel that removes it is a fill.
    @Test func tradeFillCancel() {
        var (book, b) = seeded()
        book.apply(b.record(.trade, .bid, id: 0, ticks: 400, size: 5))
        book.apply(b.record(.fill, .ask, id: 1, ticks: 400, size: 5))
        #expect(book.changes.isEmpty, "T and F change nothing by themselves")
        book.apply(b.record(.cancel, .ask, id: 1, ticks: 400, size: 5, flags: .last))
        #expect(book.changes == [C(kind: .filled, cause: .cancel, side: .ask, price: px(400), quantity: 5, orderID: 1)])
        #expect(book.level(.ask, at: px(400)) == LevelSummary(price: px(400), size: 3, count: 1))
    }

    /// `T F M`: a partial fill arrives as a smaller modify; order 1 keeps its place ahead of 2.
    @Test func tradeFillModify() {
        var (book, b) = seeded()
        book.apply(b.record(.trade, .bid, id: 0, ticks: 400, size: 2))
        book.apply(b.record(.fill, .ask, id: 1, ticks: 400, size: 2))
        book.apply(b.record(.modify, .ask, id: 1, ticks: 400, size: 3, flags: .last))
        #expect(book.changes == [C(kind: .filled, cause: .sizeChange, side: .ask, price: px(400), quantity: 2, orderID: 1)])
        #expect(book.queue(.ask, at: px(400)) == [1, 2])
        #expect(book.queuePosition(2)?.sizeAhead == 3)
    }

    /// A cancel with no fill in its event is a pull; a fill seen in an earlier
    /// event does not carry over past F_LAST.
    @Test func cancelWithoutFillIsPulled() {
        var (book, b) = seeded()
        book.apply(b.record(.fill, .ask, id: 2, ticks: 400, size: 3, flags: .last))
        book.apply(b.record(.cancel, .ask, id: 2, ticks: 400, size: 1, flags: .last))
        #expect(book.changes == [C(kind: .pulled, cause: .cancel, side: .ask, price: px(400), quantity: 1, orderID: 2)])
        #expect(book.queuePosition(2)?.sizeAhead == 5, "a partial cancel keeps the place in the queue")
    }

    /// A fill smaller than the decrease: the rest is pulled.
    @Test func partlyFilledPartlyPulled() {
        var (book, b) = seeded()
        book.apply(b.record(.fill, .ask, id: 1, ticks: 400, size: 2))
        book.apply(b.record(.cancel, .ask, id: 1, ticks: 400, size: 5, flags: .last))
        #expect(book.changes == [
            C(kind: .filled, cause: .cancel, side: .ask, price: px(400), quantity: 2, orderID: 1),
            C(kind: .pulled, cause: .cancel, side: .ask, price: px(400), quantity: 3, orderID: 1),
        ])
    }

    /// An aggressing modify (docs/BOOK.md): bid 3 is modified up through the ask
    /// at 400, trades 2 lots as the aggressor against order 1, and rests with
    /// the other 2 at 400. The stream: T, F (resting 1), F (aggressor 3), C/M.
    /// Order 3's 4 lots leave 399: 2 explained by its own fill (filled, cause
    /// priceMove: it traded while moving), 2 pulled; 2 arrive at 400.
    @Test func aggressingModify() {
        var (book, b) = seeded()
        book.apply(b.record(.trade, .bid, id: 3, ticks: 400, size: 2))
        book.apply(b.record(.fill, .ask, id: 1, ticks: 400, size: 2))
        book.apply(b.record(.fill, .bid, id: 3, ticks: 400, size: 2))
        book.apply(b.record(.modify, .ask, id: 1, ticks: 400, size: 3))
        #expect(!book.isConsistent, "mid-event")
        book.apply(b.record(.modify, .bid, id: 3, ticks: 400, size: 2, flags: .last))
        #expect(book.isConsistent)
        #expect(book.changes == [
            C(kind: .filled, cause: .sizeChange, side: .ask, price: px(400), quantity: 2, orderID: 1),
            C(kind: .filled, cause: .priceMove, side: .bid, price: px(399), quantity: 2, orderID: 3),
            C(kind: .pulled, cause: .priceMove, side: .bid, price: px(399), quantity: 2, orderID: 3),
            C(kind: .added, cause: .priceMove, side: .bid, price: px(400), quantity: 2, orderID: 3),
        ])
        #expect(book.isCrossed, "bid 400 against ask 400 until the venue sends the rest")
        #expect(book.bestBid == LevelSummary(price: px(400), size: 2, count: 1))
    }

    /// A larger size loses priority: order 1 goes behind order 2.
    @Test func sizeIncreaseLosesPriority() {
        var (book, b) = seeded()
        book.apply(b.record(.modify, .ask, id: 1, ticks: 400, size: 7, flags: .last))
        #expect(book.changes == [C(kind: .added, cause: .sizeChange, side: .ask, price: px(400), quantity: 2, orderID: 1)])
        #expect(book.queue(.ask, at: px(400)) == [2, 1])
    }

    /// Pre-2024 files: a snapshot run without a Clear record rebuilds the book.
    @Test func snapshotWithoutClear() {
        var (book, b) = seeded()
        let snap: RecordFlags = [.snapshot, .badTsRecv]
        book.apply(b.record(.add, .bid, id: 10, ticks: 398, size: 1, flags: snap))
        book.apply(b.record(.add, .ask, id: 11, ticks: 401, size: 2, flags: snap.union(.last)))
        #expect(book.orderCount == 2)
        #expect(book.order(1) == nil && book.order(3) == nil)
        #expect(book.changes.filter { $0.kind == .cleared }.map(\.quantity).reduce(0, +) == 12, "5 + 3 + 4 lots cleared")
        #expect(book.bestBid?.price == px(398) && book.bestAsk?.price == px(401))
        // The next snapshot, after live records, clears again; one with a Clear record clears once.
        book.apply(b.record(.add, .bid, id: 12, ticks: 397, size: 1, flags: .last))
        book.apply(b.record(.clear, .none, id: 0, ticks: nil, size: 0, flags: snap))
        book.apply(b.record(.add, .ask, id: 13, ticks: 402, size: 1, flags: snap.union(.last)))
        #expect(book.orderCount == 1 && book.order(13) != nil)
        #expect(book.checkInvariants().isEmpty)
    }

    /// Pre-open: the book may cross and must stay sound.
    @Test func crossedPreOpen() {
        var b = MBOBuilder()
        var book = OrderBook(instrumentID: 1)
        book.apply(b.record(.add, .bid, id: 1, ticks: 405, size: 3, flags: .last))
        book.apply(b.record(.add, .ask, id: 2, ticks: 400, size: 2, flags: .last))
        book.apply(b.record(.add, .ask, id: 3, ticks: 403, size: 2, flags: .last))
        #expect(book.isCrossed)
        #expect(book.bestBid?.price == px(405) && book.bestAsk?.price == px(400))
        #expect(book.depth(.ask, from: px(400), through: px(404)) == 4)
        #expect(book.depth(.ask, from: px(401), through: px(402)) == 0)
        #expect(book.checkInvariants().isEmpty)
    }

    /// Anomalies are counted, never fatal.
    @Test func anomaliesAreCounted() {
        var (book, b) = seeded()
        book.apply(b.record(.cancel, .ask, id: 99, ticks: 400, size: 1, flags: .last))
        book.apply(b.record(.cancel, .ask, id: 2, ticks: 400, size: 9, flags: .last))
        book.apply(b.record(.add, .bid, id: 3, ticks: 398, size: 1, flags: .last))
        book.apply(b.record(.add, .none, id: 50, ticks: 398, size: 1, flags: .last))
        book.apply(b.record(.add, .bid, id: 51, ticks: nil, size: 1, flags: .last))
        book.apply(b.record(.modify, .ask, id: 3, ticks: 401, size: 1, flags: .last))
        #expect(book.anomalies[.cancelOfUnknownOrder] == 1)
        #expect(book.anomalies[.cancelLargerThanOrder] == 1)
        #expect(book.anomalies[.duplicateAdd] == 1)
        #expect(book.anomalies[.addWithoutSide] == 1)
        #expect(book.anomalies[.undefinedPrice] == 1)
        #expect(book.anomalies[.sideChange] == 1)
        #expect(book.anomalies.examples[.cancelOfUnknownOrder]?.first?.orderID == 99)
        #expect(book.order(3)?.side == .ask)
        #expect(book.checkInvariants().isEmpty)
    }
}
