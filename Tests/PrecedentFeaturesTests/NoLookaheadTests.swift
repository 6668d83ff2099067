import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentTestSupport
import Testing

/// Levels and features of a window must not change when anything after it is
/// altered or removed. Real data: the ESH4 Globex reopen of 2023-12-25
/// (18:00 ET = 23:00 UTC), 5-second windows over the following 30 minutes.
@Suite struct NoLookaheadTests {
    static let clock = try! ExchangeClock(timeZone: "America/New_York", boundary: LocalTime("18:00"))
    static let sessions = SessionWindows(rth: [LocalTime("18:00")!, LocalTime("18:30")!], premarket: [LocalTime("04:00")!, LocalTime("09:30")!],
                                         analysis: [LocalTime("18:00")!, LocalTime("18:30")!], openingRangeMinutes: 5)
    static let date = CivilDate(year: 2023, month: 12, day: 26)
    static let tick: Int64 = 250_000_000

    static func records() throws -> [MBOMsg] {
        var out: [MBOMsg] = []
        try Fixtures.reader(Fixtures.cmeMBO).forEachRecord { if let m = $0.mbo { out.append(m) } }
        return out
    }

    /// Levels from the records' trades, then the engine over the records: what the pipeline does for one contract-day.
    static func run(_ records: [MBOMsg], finishAt end: UnixNanos) -> (levels: [LevelValue], rows: [VacuumRow]) {
        let trades = records.compactMap { $0.action == .trade ? TradePrint(ts: $0.tsRecv, price: $0.price.rawValue, size: $0.size) : nil }
        let coverage = UnixNanos(rawValue: 0)..<UnixNanos(rawValue: UInt64.max - 1)
        let levels = LevelCalculator.compute(kinds: [.orHigh, .orLow], date: date, clock: clock, sessions: sessions,
                                             trades: trades, coverage: coverage, prior: nil)
        let analysis = clock.window(date, sessions.analysis[0], sessions.analysis[1])
        var engine = LevelVacuumEngine(levels: levels.compactMap { v in v.price.map { .init(id: v.kind.rawValue, price: $0, knownAt: v.knownAt) } },
                                       tick: tick, gridStart: analysis.lowerBound, windowCount: 360, coverage: coverage)
        for m in records { engine.apply(m) }
        engine.finish(at: end)
        return (levels, engine.rows)
    }

    @Test(arguments: [61, 150, 299])
    func windowsUpToACutIgnoreEverythingAfterIt(cut: Int) throws {
        let all = try Self.records()
        let analysis = Self.clock.window(Self.date, Self.sessions.analysis[0], Self.sessions.analysis[1])
        let cutEnd = UnixNanos(rawValue: analysis.lowerBound.rawValue + UInt64(cut + 1) * 5_000_000_000)
        let full = Self.run(all, finishAt: analysis.upperBound)
        try #require(full.rows.count > 400, "the reopen should give rows for both OR levels")

        let before = all.filter { $0.tsRecv < cutEnd }
        // 1. Everything after the cut removed.
        let removed = Self.run(before, finishAt: cutEnd)
        // 2. Everything after the cut altered: prices one tick up, sizes doubled, sides swapped.
        let altered = Self.run(before + all.filter { $0.tsRecv >= cutEnd }.map { m in
            var a = m
            if a.price.isDefined { a.price = Price(rawValue: a.price.rawValue + Self.tick) }
            a.size = a.size &* 2
            a.side = a.side == .bid ? .ask : a.side == .ask ? .bid : a.side
            return a
        }, finishAt: analysis.upperBound)

        let keep = { (r: VacuumRow) in r.window <= cut }
        #expect(removed.rows.filter(keep) == full.rows.filter(keep))
        #expect(altered.rows.filter(keep) == full.rows.filter(keep))
        #expect(!full.rows.filter(keep).isEmpty)
        // The alteration really changes later windows (so the comparison above could fail).
        #expect(altered.rows.filter { !keep($0) } != full.rows.filter { !keep($0) })
        for (a, b) in zip(full.levels, removed.levels) where a.knownAt <= cutEnd {
            #expect(a == b, "level \(a.kind) known at \(a.knownAt.iso8601 ?? "") changed when later records were removed")
        }
    }
}

@Suite struct ExchangeClockTests {
    static let et = try! ExchangeClock(timeZone: "America/New_York", boundary: LocalTime("18:00"))

    @Test func tradeDatesFollowTheGlobexBoundaryAndWeekends() throws {
        func utc(_ y: Int, _ m: Int, _ d: Int, _ h: UInt64, _ min: UInt64 = 0) -> UnixNanos {
            UnixNanos(rawValue: UnixNanos(utcMidnightOf: CivilDate(year: y, month: m, day: d)).rawValue + (h * 3600 + min * 60) * 1_000_000_000)
        }
        // Winter (EST, UTC−5): 2023-12-25 23:00 UTC is 18:00 ET Monday → trade date Tuesday 2023-12-26.
        #expect(Self.et.tradeDate(utc(2023, 12, 25, 23)) == CivilDate(year: 2023, month: 12, day: 26))
        #expect(Self.et.tradeDate(utc(2023, 12, 25, 22, 59)) == CivilDate(year: 2023, month: 12, day: 25))
        // Friday 18:00 ET and Sunday's snapshot belong to Monday.
        #expect(Self.et.tradeDate(utc(2023, 12, 22, 23, 30)) == CivilDate(year: 2023, month: 12, day: 25))
        #expect(Self.et.tradeDate(utc(2023, 12, 24, 13)) == CivilDate(year: 2023, month: 12, day: 25))
        // Summer (EDT, UTC−4): 2024-05-07 22:00 UTC is 18:00 ET → 2024-05-08.
        #expect(Self.et.tradeDate(utc(2024, 5, 7, 22)) == CivilDate(year: 2024, month: 5, day: 8))
        #expect(Self.et.tradeDate(utc(2024, 5, 7, 21, 59)) == CivilDate(year: 2024, month: 5, day: 7))
        // Spans: Monday's starts Friday 18:00; Tuesday's Monday 18:00; across the DST change of 2024-03-10.
        #expect(Self.et.span(CivilDate(year: 2023, month: 12, day: 25)) == utc(2023, 12, 22, 23)..<utc(2023, 12, 25, 23))
        #expect(Self.et.span(CivilDate(year: 2024, month: 3, day: 11)) == utc(2024, 3, 8, 23)..<utc(2024, 3, 11, 22))
        // Session-relative times: 18:30 on trade date 2023-12-26 is 2023-12-25 18:30 ET; 09:30 is the date itself.
        #expect(Self.et.moment(CivilDate(year: 2023, month: 12, day: 26), LocalTime("18:30")!) == utc(2023, 12, 25, 23, 30))
        #expect(Self.et.moment(CivilDate(year: 2024, month: 5, day: 8), LocalTime("09:30")!) == utc(2024, 5, 8, 13, 30))
        let local = Self.et.local(utc(2024, 5, 8, 13, 30))
        #expect(local.date == CivilDate(year: 2024, month: 5, day: 8) && local.seconds == 9 * 3600 + 1800)
    }

    @Test func localTimesAndDecimalPricesParseStrictly() {
        #expect(LocalTime("09:30")?.seconds == 34_200)
        #expect(LocalTime("24:00") == nil && LocalTime("9:30") == nil && LocalTime("09:60") == nil)
        #expect(Price(decimal: "4799.25")?.rawValue == 4_799_250_000_000)
        #expect(Price(decimal: "-0.05")?.rawValue == -50_000_000)
        #expect(Price(decimal: "0.0000000001") == nil && Price(decimal: "1e3") == nil && Price(decimal: "") == nil)
    }
}
