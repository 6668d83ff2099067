import Foundation
@testable import PrecedentBars
import PrecedentCore
import PrecedentTestSupport
import Testing

@Suite struct ContinuousTests {
    /// Lean's own continuous mapping (map_files/es.csv): rows `date, symbol id, exchange, mode`,
    /// the symbol mapped up to and including the date; mode 2 is Lean's open-interest rule.
    static func leanMapping(mode: Int) throws -> [(until: CivilDate, id: String)] {
        let text = try String(contentsOfFile: Fixtures.path("bars/lean-es/map_files/es.csv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ",")
            guard f.count == 4, Int(f[3]) == mode, let d = CivilDate(yyyymmdd: UInt32(f[0]) ?? 0) else { return nil }
            return (d, String(f[1]))
        }
    }

    @Test func leanESRollsFromZ3ToH4OnceNeverBack() throws {
        let (records, rejections) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        #expect(rejections.isEmpty, "\(rejections.prefix(3))")
        let autumn = records.filter { $0.date >= CivilDate(year: 2013, month: 10, day: 1) && $0.date <= CivilDate(year: 2014, month: 1, day: 31) }
        let (rows, rolls) = Continuous.build(autumn, root: "ES", rule: .volume(window: 7))
        #expect(rolls.count == 1)
        let roll = try #require(rolls.first)
        #expect(roll.from == "ESZ3" && roll.to == "ESH4")
        // Never back: once ESH4, always ESH4.
        let firstH4 = try #require(rows.firstIndex { $0.contract == "ESH4" })
        #expect(rows[firstH4...].allSatisfy { $0.contract == "ESH4" } && rows[..<firstH4].allSatisfy { $0.contract == "ESZ3" })
        // Lean's open-interest mapping holds ESZ3 through 2013-12-17 (ESH4 from the 18th); its
        // last-trading-day mapping through 2013-12-19. Volume leads open interest: our roll comes
        // in the roll week, no later than Lean's open-interest switch.
        let leanOI = try Self.leanMapping(mode: 2).first { $0.until >= CivilDate(year: 2013, month: 12, day: 1) }!
        #expect(leanOI.until == CivilDate(year: 2013, month: 12, day: 17))
        #expect(roll.date > CivilDate(year: 2013, month: 12, day: 5) && roll.date <= CivilDate(year: 2013, month: 12, day: 18),
                "volume roll on \(roll.date), Lean's open-interest roll after \(leanOI.until)")
        print("ES continuous: \(roll); Lean open-interest mapping switches after \(leanOI.until)")
    }

    @Test func adjustmentsShiftOrScaleEverythingBeforeTheRoll() throws {
        let (records, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        let autumn = records.filter { $0.date >= CivilDate(year: 2013, month: 10, day: 1) && $0.date <= CivilDate(year: 2014, month: 1, day: 31) }
        let plain = Continuous.build(autumn, root: "ES", rule: .volume(window: 7))
        let roll = try #require(plain.rolls.first)
        let old = autumn.first { $0.contract == "ESZ3" && $0.date == roll.date }!.close.doubleValue!
        let new = autumn.first { $0.contract == "ESH4" && $0.date == roll.date }!.close.doubleValue!
        let diff = Continuous.build(autumn, root: "ES", rule: .volume(window: 7), adjustment: .difference).rows
        let ratio = Continuous.build(autumn, root: "ES", rule: .volume(window: 7), adjustment: .ratio).rows
        for (i, r) in plain.rows.enumerated() {
            if r.date < roll.date {
                #expect(abs(diff[i].close - (r.close + new - old)) < 1e-9 && abs(ratio[i].close - r.close * new / old) < 1e-9)
            } else {
                #expect(diff[i].close == r.close && ratio[i].close == r.close)
            }
        }
    }

    @Test func zlSettlementSeriesListsEveryRoll() throws {
        let (records, rejections) = try Settlements.read(csv: Fixtures.path("bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv"), root: "ZL")
        let lines = try String(contentsOfFile: Fixtures.path("bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).count - 1
        #expect(records.count + rejections.count == lines)
        #expect(records.filter { $0.volume == nil }.count > 50)  // blank volumes kept as missing, not zero
        #expect(rejections.isEmpty, "\(rejections.prefix(3))")
        #expect(records.allSatisfy { $0.contract.range(of: #"^ZL[FGHJKMNQUVXZ]\d{1,2}$"#, options: .regularExpression) != nil })
        let (rows, rolls) = Continuous.build(records, root: "ZL", rule: .volume(window: 7))
        #expect(rows.first?.date.year == 1995 && rows.last?.date.year == 2002)
        #expect(rows.allSatisfy { $0.open == nil && $0.high == nil })  // settlements only: nothing made up
        // Forward only, and every roll before the old contract's expiry month.
        for r in rolls {
            let a = contractMonth(r.from, root: "ZL", near: r.date)!, b = contractMonth(r.to, root: "ZL", near: r.date)!
            #expect(b.year * 12 + b.month > a.year * 12 + a.month, "\(r)")
            #expect(r.date.year * 12 + r.date.month <= a.year * 12 + a.month, "\(r): rolled after \(r.from) expired")
        }
        #expect(rolls.count >= 24, "\(rolls.count) rolls in 8 years")
        print("ZL continuous 1995–2002: \(rolls.count) rolls; first \(rolls.first!), last \(rolls.last!)")
    }

    @Test func contractMonthsOfExchangeNames() {
        #expect(contractMonth("ESZ3", root: "ES", near: CivilDate(year: 2013, month: 12, day: 1))! == (2013, 12))
        #expect(contractMonth("ESH4", root: "ES", near: CivilDate(year: 2013, month: 12, day: 1))! == (2014, 3))
        #expect(contractMonth("ZLF00", root: "ZL", near: CivilDate(year: 1999, month: 12, day: 1))! == (2000, 1))
    }
}

@Suite struct DailyBarsTests {
    /// Daily bars by trade date from the real ES trades: the session that opens Sunday 2013-09-01
    /// 17:00 CT (18:00 ET) belongs to Monday 2013-09-02; every trade counts once; RTH-only keeps
    /// 09:30–16:00 ET.
    @Test func tradeDateAndRTHDailyBarsFromRealTrades() throws {
        let (ticks, _) = try TicksCSV.read(path: Fixtures.path("ticks/es_trades_2013-09-01_03.csv.zst"), timeZone: "America/Chicago")
        let minutes = Resampler.minuteBars(ticks, contract: "ESU3")
        let clock = try ExchangeClock(timeZone: "America/New_York", boundary: LocalTime("18:00"))
        let daily = DailyBars.byTradeDate(minutes, clock: clock, source: "mlfinpy")
        #expect(daily.map(\.date) == [CivilDate(year: 2013, month: 9, day: 2), CivilDate(year: 2013, month: 9, day: 3)])
        #expect(daily.reduce(0) { $0 + ($1.volume ?? 0) } == ticks.reduce(0) { $0 + $1.size })
        #expect(daily[0].open == ticks[0].price)
        // By hand from the trades: the first trade date's high and low.
        let sep2 = ticks.filter { clock.tradeDate($0.ts) == CivilDate(year: 2013, month: 9, day: 2) }
        #expect(daily[0].high == sep2.map(\.price).max() && daily[0].low == sep2.map(\.price).min() && daily[0].close == sep2.last!.price)
        let rth = DailyBars.byTradeDate(minutes, clock: clock, rth: (LocalTime("09:30")!, LocalTime("16:00")!), source: "mlfinpy")
        // 2013-09-02 was Labor Day (no regular session); 2013-09-03 has one until the file ends.
        #expect(rth.map(\.date).allSatisfy { $0 == CivilDate(year: 2013, month: 9, day: 3) || $0 == CivilDate(year: 2013, month: 9, day: 2) })
        let rthVolume = ticks.filter {
            let d = clock.tradeDate($0.ts)
            return clock.window(d, LocalTime("09:30")!, LocalTime("16:00")!).contains(UnixNanos(rawValue: $0.ts.rawValue / 60_000_000_000 * 60_000_000_000))
        }.reduce(0) { $0 + $1.size }
        #expect(rth.reduce(0) { $0 + ($1.volume ?? 0) } == rthVolume)
    }
}

@Suite struct CalendarRollTests {
    @Test func calendarRollsNDaysBeforeTheLastTradingDay() throws {
        // ES: ESZ3's last trading day is the third Friday of December 2013, the 20th; 8 days before
        // it the series moves to ESH4, on the first date after 2013-12-12 with both trading.
        let (records, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        let autumn = records.filter { $0.date.year == 2013 || ($0.date.year == 2014 && $0.date.month <= 2) }
        let (_, rolls) = Continuous.build(autumn, root: "ES", rule: .calendar(daysBeforeExpiry: 8))
        #expect(rolls.count == 1 && rolls[0].from == "ESZ3" && rolls[0].to == "ESH4")
        #expect(rolls[0].date >= CivilDate(year: 2013, month: 12, day: 12) && rolls[0].date <= CivilDate(year: 2013, month: 12, day: 16))
        // ZL: the file states each contract's last trading day; every roll happens at least 5 days before it.
        let (zl, _) = try Settlements.read(csv: Fixtures.path("bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv"), root: "ZL")
        let last = Dictionary(zl.compactMap { r in r.lastTradeDate.map { (r.contract, $0) } }, uniquingKeysWith: { a, _ in a })
        let zlRolls = Continuous.build(zl, root: "ZL", rule: .calendar(daysBeforeExpiry: 5)).rolls
        #expect(zlRolls.count >= 40)
        for r in zlRolls { #expect(r.date.daysSinceEpoch >= last[r.from]!.daysSinceEpoch - 5, "\(r)") }
    }
}
