import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Random valid MBO streams against a naive reference book that models queue
/// priority explicitly; the book's invariants are checked after every record.
@Suite struct BookPropertyTests {
    /// The naive reference: orders with an arrival stamp; levels derived by grouping.
    struct NaiveBook {
        var orders: [UInt64: (side: Side, ticks: Int64, size: UInt32, stamp: Int)] = [:]
        var stamp = 0

        mutating func apply(_ action: Action, _ side: Side, id: UInt64, ticks: Int64, size: UInt32) {
            stamp += 1
            switch action {
            case .add: orders[id] = (side, ticks, size, stamp)
            case .cancel:
                guard let o = orders[id] else { return }
                orders[id] = size >= o.size ? nil : (o.side, o.ticks, o.size - size, o.stamp)
            case .modify:
                guard let o = orders[id] else { orders[id] = (side, ticks, size, stamp); return }
                if size == 0 { orders[id] = nil; return }
                let newSide = side == .none ? o.side : side
                let keeps = newSide == o.side && ticks == o.ticks && size <= o.size
                orders[id] = (newSide, ticks, size, keeps ? o.stamp : stamp)
            case .clear: orders.removeAll()
            default: break
            }
        }

        /// Levels best first: (ticks, size, count, queue of ids).
        func levels(_ side: Side) -> [(Int64, UInt64, UInt32, [UInt64])] {
            let mine = orders.filter { $0.value.side == side }
            let byPrice = Dictionary(grouping: mine, by: { $0.value.ticks })
            return byPrice.keys.sorted(by: side == .bid ? (>) : (<)).map { t in
                let q = byPrice[t]!.sorted { $0.value.stamp < $1.value.stamp }
                return (t, q.reduce(0) { $0 + UInt64($1.value.size) }, UInt32(q.count), q.map(\.key))
            }
        }
    }

    @Test(arguments: Array(UInt64(1)...24))
    func randomStreamsMatchTheNaiveBook(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var b = MBOBuilder()
        var book = OrderBook(instrumentID: 1, recordsChanges: true)
        var naive = NaiveBook()
        var nextID: UInt64 = 1
        for step in 0..<1500 {
            let live = Array(naive.orders.keys).sorted()
            let roll = Int.random(in: 0..<100, using: &rng)
            let side: Side = Bool.random(using: &rng) ? .bid : .ask
            let ticks = Int64.random(in: 400...412, using: &rng)
            let size = UInt32.random(in: 1...20, using: &rng)
            var action = Action.add, id = nextID, s = side, t = ticks, z = size
            if roll < 35 || live.isEmpty {
                nextID += 1
            } else if let pick = live.randomElement(using: &rng), let o = naive.orders[pick] {
                id = pick
                switch roll {
                case 35..<55: action = .cancel; s = o.side; t = o.ticks; z = UInt32.random(in: 1...(o.size + 2), using: &rng)
                case 55..<62: action = .modify; s = o.side; t = o.ticks; z = UInt32.random(in: 1...o.size, using: &rng)  // shrink or same
                case 62..<70: action = .modify; s = o.side; t = o.ticks; z = o.size + UInt32.random(in: 1...5, using: &rng)  // grow
                case 70..<85: action = .modify; s = Bool.random(using: &rng) ? o.side : .none  // move (maybe side N)
                case 85..<87: action = .modify; s = o.side; z = 0
                case 87..<90: action = .modify; s = o.side == .bid ? .ask : .bid  // side change
                case 90..<92: action = .cancel; id = 1_000_000 + UInt64(step)  // unknown id
                case 92..<94: action = .modify; id = 2_000_000 + UInt64(step)  // unknown id: an add
                case 94..<95: action = .clear; s = .none
                default: action = .fill; s = o.side; t = o.ticks; z = o.size
                }
            }
            let flags: RecordFlags = Int.random(in: 0..<3, using: &rng) == 0 ? [] : .last
            let before = snapshot(book)
            book.removeAllChanges()
            book.apply(b.record(action, s, id: id, ticks: t, size: z, flags: flags), recordIndex: step)
            naive.apply(action, s, id: id, ticks: t, size: z)

            let problems = book.checkInvariants()
            guard problems.isEmpty else { Issue.record("seed \(seed) step \(step): \(problems)"); return }
            for side in [Side.bid, .ask] {
                let expected = naive.levels(side)
                let got = book.topLevels(side, count: 100)
                guard got.count == expected.count,
                      zip(got, expected).allSatisfy({ $0.price == MBOBuilder.price(ticks: $1.0) && $0.size == $1.1 && $0.count == $1.2 })
                else { Issue.record("seed \(seed) step \(step) \(action.rawValue): \(side) levels differ"); return }
                for (t, _, _, queue) in expected where book.queue(side, at: MBOBuilder.price(ticks: t)) != queue {
                    Issue.record("seed \(seed) step \(step): queue at \(t) differs"); return
                }
            }
            // Conservation: the signed changes of this record explain every level's size change.
            let after = snapshot(book)
            var delta: [String: Int64] = [:]
            for c in book.changes { delta["\(c.side.rawValue)\(c.price.rawValue)", default: 0] += c.signedQuantity }
            for key in Set(before.keys).union(after.keys) where (after[key] ?? 0) - (before[key] ?? 0) != (delta[key] ?? 0) {
                Issue.record("seed \(seed) step \(step): changes at \(key) do not add up"); return
            }
        }
    }

    func snapshot(_ book: OrderBook) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for side in [Side.bid, .ask] {
            for l in book.topLevels(side, count: 1000) { out["\(side.rawValue)\(l.price.rawValue)"] = Int64(l.size) }
        }
        return out
    }
}
