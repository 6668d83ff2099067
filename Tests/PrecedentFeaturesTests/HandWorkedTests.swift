import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
@testable import PrecedentFeatures
import PrecedentLake
import Testing

/// A short event sequence around one level, with every feature's value worked
/// out by hand below (tick 0.25, level L = 100.00, zones at 0–2, near 3–5,
/// mid 6–14, far 15–20, two 5-second windows from T0).
@Suite struct HandWorkedTests {
    static let tick: Int64 = 250_000_000
    static let level: Int64 = 100 * 1_000_000_000
    static let t0: UInt64 = 1_000 * 1_000_000_000
    static func p(_ d: Int64) -> Price { Price(rawValue: level + d * tick) }  // d ticks from L
    static func at(_ seconds: Double) -> UnixNanos { UnixNanos(rawValue: UInt64(Int64(t0) + Int64(seconds * 1e9))) }

    static func msg(_ t: Double, _ action: Action, _ side: Side, _ id: UInt64, _ d: Int64?, _ size: UInt32,
                    last: Bool = true) -> MBOMsg {
        MBOMsg(hd: RecordHeader(byteSize: MBOMsg.recordSize, rtype: RType.mbo, publisherID: 1, instrumentID: 1, tsEvent: at(t)),
               orderID: id, price: d.map(p) ?? .undefined, size: size, flags: last ? .last : [], channelID: 0,
               action: action, side: side, tsRecv: at(t), tsInDelta: 0, sequence: 0)
    }

    /// The events; the comments give what each does to the book.
    static let events: [MBOMsg] = [
        // Before the first window: bid 99.50 ×10 (d −2), asks 100.25 ×5 (d +1) and 101.00 ×7 (d +4).
        msg(-1, .add, .bid, 1, -2, 10), msg(-1, .add, .ask, 2, 1, 5), msg(-1, .add, .ask, 3, 4, 7),
        // Window 0.
        msg(1, .add, .ask, 4, 0, 3),                                  // ask 100.00 ×3 joins (d 0): added 3
        msg(2, .trade, .bid, 0, 1, 2, last: false),                   // buyer lifts 2 at 100.25
        msg(2, .fill, .ask, 2, 1, 2, last: false),
        msg(2, .cancel, .ask, 2, 1, 2),                               // order 2: 5 → 3, filled 2 (d +1)
        msg(3, .cancel, .ask, 3, 4, 7),                               // order 3 pulled 7 (d +4)
        msg(4, .modify, .bid, 1, -1, 10),                             // order 1 moves 99.50 → 99.75: pulled 10 at d −2, added 10 at d −1
        // Window 1.
        msg(6, .modify, .ask, 4, 0, 5),                               // order 4: 3 → 5 at 100.00: added 2 (d 0)
        msg(7, .add, .bid, 5, -20, 4),                                // bid 95.00 ×4 (d −20): added 4
        msg(8, .trade, .ask, 0, -1, 1, last: false),                  // seller hits 1 at 99.75
        msg(8, .fill, .bid, 1, -1, 1, last: false),
        msg(8, .cancel, .bid, 1, -1, 1),                              // order 1: 10 → 9, filled 1 (d −1)
    ]

    /// Named values of the rows SilverTable produces.
    static func table(levels: [LevelVacuumEngine.Level], coverageEnd: Double = 10) -> [[String: Double?]] {
        var engine = LevelVacuumEngine(levels: levels, tick: tick, gridStart: at(0), windowSeconds: 5, windowCount: 2,
                                       coverage: at(-100)..<at(coverageEnd))
        for e in events { engine.apply(e) }
        engine.finish(at: at(coverageEnd))
        let cols = SilverTable.columns(rows: engine.rows, levels: levels, tick: tick, root: "ES", contract: "ESH4",
                                       tradeDate: CivilDate(year: 2024, month: 1, day: 2))
        return (0..<engine.rows.count).map { r in
            var row: [String: Double?] = [:]
            for (f, c) in zip(SilverTable.fields, cols) {
                switch c {
                case .int64(let v): row[f.name] = v[r].map(Double.init)
                case .int32(let v): row[f.name] = v[r].map(Double.init)
                case .double(let v): row[f.name] = v[r]
                case .boolean(let v): row[f.name] = v[r].map { $0 ? 1 : 0 }
                default: break
                }
            }
            return row
        }
    }

    static let L = LevelVacuumEngine.Level(id: "or_high", price: level, knownAt: at(0))

    @Test func everyFeatureOfBothWindows() throws {
        let rows = Self.table(levels: [Self.L])
        try #require(rows.count == 2)
        // Expected non-zero values; every other numeric column must be 0 (base, net change) or as listed.
        let expected: [[String: Double?]] = [
            [  // window 0
                "window_index": 0, "events": 6, "book_reset": 0, "volume": 2, "buy_volume": 2, "sell_volume": 0,
                "u_beyond_at_ask_depth": 6, "u_beyond_at_ask_orders": 2, "u_beyond_at_ask_added": 3, "u_beyond_at_ask_filled": 2,
                "u_beyond_near_ask_pulled": 7,
                "u_approach_at_bid_depth": 10, "u_approach_at_bid_orders": 1, "u_approach_at_bid_added": 10, "u_approach_at_bid_pulled": 10,
                "f_beyond_at_ask_depth": 3, "f_beyond_at_ask_orders": 1, "f_beyond_at_ask_added": 3,
                "f_approach_at_ask_depth": 3, "f_approach_at_ask_orders": 1, "f_approach_at_ask_filled": 2,
                "f_approach_near_ask_pulled": 7,
                "f_beyond_at_bid_depth": 10, "f_beyond_at_bid_orders": 1, "f_beyond_at_bid_added": 10, "f_beyond_at_bid_pulled": 10,
                "u_beyond_at_ask_net_change": 1, "u_beyond_near_ask_net_change": -7,
                "f_beyond_at_ask_net_change": 3, "f_approach_at_ask_net_change": -2, "f_approach_near_ask_net_change": -7,
                "u_beyond_at_ask_pull_share": 0, "u_beyond_near_ask_pull_share": 1, "u_approach_at_bid_pull_share": 0.5,
                "f_beyond_at_ask_pull_share": 0, "f_approach_near_ask_pull_share": 1, "f_beyond_at_bid_pull_share": 0.5,
                "u_beyond_ask_inner_slope": log(1.0 / 7), "u_approach_bid_inner_slope": log(1.0 / 11),
                "f_beyond_ask_inner_slope": log(1.0 / 4), "f_approach_ask_inner_slope": log(1.0 / 4),
                "f_beyond_bid_inner_slope": log(1.0 / 11),
                "u_x_bid": -1, "u_x_ask": 0, "u_dx_bid": 1, "u_dx_ask": -1, "u_x_mid": -0.5, "u_dx_mid": 0,
                "f_x_bid": 1, "f_x_ask": 0, "f_dx_bid": -1, "f_dx_ask": 1, "f_x_mid": 0.5, "f_dx_mid": 0,
                "u_toward_volume": 2, "u_away_volume": 0, "u_beyond_volume": 2,
                "f_toward_volume": 0, "f_away_volume": 2, "f_beyond_volume": 0,
                "u_ofi": 7, "f_ofi": -7,
            ],
            [  // window 1
                "window_index": 1, "events": 5, "book_reset": 0, "volume": 1, "buy_volume": 0, "sell_volume": 1,
                "u_beyond_at_ask_depth": 8, "u_beyond_at_ask_orders": 2, "u_beyond_at_ask_added": 2,
                "u_approach_at_bid_depth": 9, "u_approach_at_bid_orders": 1, "u_approach_at_bid_filled": 1,
                "u_approach_far_bid_depth": 4, "u_approach_far_bid_orders": 1, "u_approach_far_bid_added": 4,
                "f_beyond_at_ask_depth": 5, "f_beyond_at_ask_orders": 1, "f_beyond_at_ask_added": 2,
                "f_approach_at_ask_depth": 3, "f_approach_at_ask_orders": 1,
                "f_beyond_at_bid_depth": 9, "f_beyond_at_bid_orders": 1, "f_beyond_at_bid_filled": 1,
                "f_beyond_far_bid_depth": 4, "f_beyond_far_bid_orders": 1, "f_beyond_far_bid_added": 4,
                "u_beyond_at_ask_net_change": 2, "u_approach_at_bid_net_change": -1, "u_approach_far_bid_net_change": 4,
                "f_beyond_at_ask_net_change": 2, "f_beyond_at_bid_net_change": -1, "f_beyond_far_bid_net_change": 4,
                "u_beyond_at_ask_pull_share": 0, "u_approach_far_bid_pull_share": 0,
                "f_beyond_at_ask_pull_share": 0, "f_beyond_far_bid_pull_share": 0,
                "u_beyond_ask_inner_slope": log(1.0 / 9), "u_approach_bid_inner_slope": log(1.0 / 10),
                "u_approach_bid_convex_slope": log(5.0),
                "f_beyond_ask_inner_slope": log(1.0 / 6), "f_approach_ask_inner_slope": log(1.0 / 4),
                "f_beyond_bid_inner_slope": log(1.0 / 10), "f_beyond_bid_convex_slope": log(5.0),
                "u_x_bid": -1, "u_x_ask": 0, "u_dx_bid": 0, "u_dx_ask": 0, "u_x_mid": -0.5, "u_dx_mid": 0,
                "f_x_bid": 1, "f_x_ask": 0, "f_dx_bid": 0, "f_dx_ask": 0, "f_x_mid": 0.5, "f_dx_mid": 0,
                "u_toward_volume": 0, "u_away_volume": 1, "u_beyond_volume": 0,
                "f_toward_volume": 1, "f_away_volume": 0, "f_beyond_volume": 1,
                "u_ofi": -3, "f_ofi": 3,
            ],
        ]
        let skip: Set<String> = ["symbol", "contract", "trade_date", "level_id", "level_price", "level_ticks", "window_start", "window_end"]
        for (r, want) in expected.enumerated() {
            for f in SilverTable.fields where !skip.contains(f.name) {
                let got = rows[r][f.name] ?? nil
                let expect: Double?
                if let w = want[f.name] {
                    expect = w
                } else if f.name.hasSuffix("_pull_share") {
                    expect = nil  // no size added or pulled in that zone
                } else {
                    expect = 0
                }
                if let e = expect, let g = got {
                    #expect(abs(e - g) < 1e-12, "window \(r) \(f.name): \(g), expected \(e)")
                } else {
                    #expect(expect == nil && got == nil, "window \(r) \(f.name): \(String(describing: got)), expected \(String(describing: expect))")
                }
            }
        }
        #expect(rows[0]["level_ticks"] == 400)
        #expect(rows[1]["window_start"] == Double(Self.t0 + 5_000_000_000))
    }

    @Test func levelsStartAtTheFirstWindowAfterTheyAreKnownAndWindowsStayInsideCoverage() {
        let later = LevelVacuumEngine.Level(id: "pm_high", price: Self.level, knownAt: Self.at(5))
        let tooLate = LevelVacuumEngine.Level(id: "pm_low", price: Self.level, knownAt: Self.at(5.000000001))
        let rows = Self.table(levels: [Self.L, later, tooLate])
        #expect(rows.filter { $0["level_price"] != nil }.count == 3)  // or_high ×2, pm_high ×1
        #expect(rows.map { $0["window_index"]! } == [0, 1, 1])
        // Input that ends at T0 + 7 s does not cover window 1: it is not emitted.
        #expect(Self.table(levels: [Self.L], coverageEnd: 7).count == 1)
    }

    /// The same events around a level between ticks, L = 100.10 (0.4 tick above 100.00). Offsets
    /// follow the frames' formulas for any L: up x = ⌊(p − L)/t⌋, down x = ⌊(L − p)/t⌋, so in each
    /// frame x = 0 is the first tick at or past the level in the direction of approach — 100.25 up,
    /// 100.00 down. By hand, price → (up x, down x): 95.00 → (−21, 20), 99.50 → (−3, 2),
    /// 99.75 → (−2, 1), 100.00 → (−1, 0), 100.25 → (0, −1), 101.00 → (3, −4).
    @Test func aLevelBetweenTicks() throws {
        let offGrid = LevelVacuumEngine.Level(id: "or_low", price: Self.level + 100_000_000, knownAt: Self.at(0))
        let rows = Self.table(levels: [offGrid])
        try #require(rows.count == 2)
        let expected: [[String: Double]] = [
            [  // window 0: ask 100.00 +3; 100.25 filled 2 (3 left); 101.00 pulled 7; bid 99.50 → 99.75 (10).
                "u_approach_at_ask_depth": 3, "u_approach_at_ask_orders": 1, "u_approach_at_ask_added": 3,
                "u_beyond_at_ask_depth": 3, "u_beyond_at_ask_orders": 1, "u_beyond_at_ask_filled": 2,
                "u_beyond_near_ask_pulled": 7,
                "u_approach_near_bid_pulled": 10,
                "u_approach_at_bid_depth": 10, "u_approach_at_bid_orders": 1, "u_approach_at_bid_added": 10,
                "f_beyond_at_ask_depth": 3, "f_beyond_at_ask_orders": 1, "f_beyond_at_ask_added": 3,
                "f_approach_at_ask_depth": 3, "f_approach_at_ask_orders": 1, "f_approach_at_ask_filled": 2,
                "f_approach_near_ask_pulled": 7,
                "f_beyond_at_bid_depth": 10, "f_beyond_at_bid_orders": 1, "f_beyond_at_bid_added": 10, "f_beyond_at_bid_pulled": 10,
            ],
            [  // window 1: ask 100.00 3 → 5; bid 95.00 +4; bid 99.75 filled 1 (9 left).
                "u_approach_at_ask_depth": 5, "u_approach_at_ask_orders": 1, "u_approach_at_ask_added": 2,
                "u_beyond_at_ask_depth": 3, "u_beyond_at_ask_orders": 1,
                "u_approach_at_bid_depth": 9, "u_approach_at_bid_orders": 1, "u_approach_at_bid_filled": 1,
                "f_beyond_at_ask_depth": 5, "f_beyond_at_ask_orders": 1, "f_beyond_at_ask_added": 2,
                "f_approach_at_ask_depth": 3, "f_approach_at_ask_orders": 1,
                "f_beyond_at_bid_depth": 9, "f_beyond_at_bid_orders": 1, "f_beyond_at_bid_filled": 1,
                "f_beyond_far_bid_depth": 4, "f_beyond_far_bid_orders": 1, "f_beyond_far_bid_added": 4,
            ],
        ]
        let base = VacuumZones.frameNames.flatMap { f in VacuumZones.zoneNames.flatMap { z in VacuumZones.sideNames.flatMap { s in
            VacuumZones.quantityNames.map { "\(f)_\(z)_\(s)_\($0)" } } } }
        for (r, want) in expected.enumerated() {
            for name in base {
                let got = rows[r][name] ?? nil
                #expect(got == (want[name] ?? 0), "window \(r) \(name): \(String(describing: got)), expected \(want[name] ?? 0)")
            }
        }
        // The best quotes in each frame by the same formulas: bid 99.75, ask 100.00 at both window ends.
        #expect(rows[1]["u_x_bid"] == -2 && rows[1]["u_x_ask"] == -1 && rows[1]["f_x_bid"] == 1 && rows[1]["f_x_ask"] == 0)
        #expect(rows[0]["level_ticks"] == 400)  // ⌊100.10 / 0.25⌋
    }

    /// Every numeric column of a frame, read one value at a time with `SilverValue` (as the engine
    /// reads its features), equals the column `SilverTable.columns` builds, on and off the grid.
    @Test func silverValuesEqualTheColumns() throws {
        let levels = [Self.L, LevelVacuumEngine.Level(id: "or_low", price: Self.level + 100_000_000, knownAt: Self.at(0))]
        var engine = LevelVacuumEngine(levels: levels, tick: Self.tick, gridStart: Self.at(0), windowSeconds: 5, windowCount: 2,
                                       coverage: Self.at(-100)..<Self.at(10))
        for e in Self.events { engine.apply(e) }
        engine.finish(at: Self.at(10))
        let cols = SilverTable.columns(rows: engine.rows, levels: levels, tick: Self.tick, root: "ES", contract: "ESH4",
                                       tradeDate: CivilDate(year: 2024, month: 1, day: 2))
        var checked = 0
        for (f, c) in zip(SilverTable.fields, cols) where f.name.hasPrefix("u_") || f.name.hasPrefix("f_") {
            let v = try #require(SilverValue(name: f.name), "\(f.name) does not resolve")
            for (i, r) in engine.rows.enumerated() {
                let expected: Double? = switch c {
                case .int64(let x): x[i].map(Double.init)
                case .double(let x): x[i]
                default: nil
                }
                #expect(v.value(r, levelPrice: levels[r.level].price, tick: Self.tick) == expected, "\(f.name) row \(i)")
                checked += 1
            }
        }
        #expect(checked == 4 * (SilverTable.fields.count - 14))
        #expect(SilverValue(name: "u_nothing") == nil && SilverValue(name: "level_price") == nil)
    }
}
