import Foundation
@testable import PrecedentBars
import PrecedentCore
import PrecedentTestSupport
import Testing

/// The daily-by-contract vendor format beyond the ZL sample's years and root: contract names of
/// later years, other commodities, and the continuous series when a contract expires.
@Suite struct VendorFilesTests {
    static let zlPath = Fixtures.path("bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv")

    /// The sample file with each contract name rewritten by `rename` (prices, dates and volumes untouched).
    static func rewritten(_ rename: (String, String) -> String) throws -> String {
        let lines = try String(contentsOfFile: zlPath, encoding: .utf8).split(whereSeparator: \.isNewline)
        let out = [String(lines[0])] + lines.dropFirst().map { line -> String in
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[2] = rename(f[2], f[0])
            return f.joined(separator: ",")
        }
        let path = Oracle.temporaryPath(".csv")
        try out.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What a reader must keep of a row, whatever the name form it came in.
    static func essence(_ r: DailyRecord) -> String {
        "\(r.date) \(r.contract) \(r.close.rawValue) \(r.volume.map(String.init) ?? "-") \(r.openInterest.map(String.init) ?? "-") "
            + "\(r.expiryMonth.map(String.init) ?? "-") \(r.lastTradeDate.map(\.description) ?? "-")"
    }

    /// `BOF95 Comdty` → `BOF5 Comdty` (one-digit year) and `BOF5 95 Comdty` (suffix form) on every
    /// real row: both read back as the same contracts as the two-digit names, across 1999 → 2000.
    @Test func oneDigitAndSuffixNamesReadAsTheTwoDigitNames() throws {
        let (original, none) = try Settlements.read(csv: Self.zlPath, root: "ZL")
        #expect(none.isEmpty && original.count > 10_000)
        // By hand: the sample's first row is BOF95 on 1995-01-03, last trading 1995-01-20.
        #expect(Self.essence(original[0]) == "1995-01-03 ZLF95 29280000000 5764 14901 \(1995 * 12) 1995-01-20")
        let oneDigit = try Self.rewritten { name, _ in
            let p = name.split(separator: " ")
            return "\(p[0].dropLast(2))\(p[0].last!) Comdty"  // BOF95 → BOF5
        }
        let suffix = try Self.rewritten { name, _ in
            let p = name.split(separator: " ")
            return "\(p[0].dropLast(2))\(p[0].last!) \(p[0].suffix(2)) Comdty"  // BOF95 → BOF5 95
        }
        defer { for p in [oneDigit, suffix] { try? FileManager.default.removeItem(atPath: p) } }
        for path in [oneDigit, suffix] {
            let (records, rejections) = try Settlements.read(csv: path, root: "ZL")
            #expect(rejections.isEmpty, "\(rejections.prefix(3))")
            #expect(records.map(Self.essence) == original.map(Self.essence))
        }
        // The decade comes from the row's date: BOF0 in December 1999 is January 2000.
        let (records, _) = try Settlements.read(csv: oneDigit, root: "ZL")
        #expect(records.contains { $0.date == CivilDate(year: 1999, month: 12, day: 1) && $0.contract == "ZLF00" })
    }

    /// Names worked out by hand, for every form and several roots.
    @Test func vendorNamesByHand() {
        func name(_ text: String, _ date: String, last: String? = nil) -> String {
            switch VendorContract.parse(text, rowDate: CivilDate(iso: date)!, lastTrade: last.flatMap(CivilDate.init(iso:))) {
            case .success(let c): return c.name
            case .failure(let e): return "rejected: \(e)"
            }
        }
        #expect(name("BOF95 Comdty", "1995-01-03") == "ZLF95")
        #expect(name("BOF0 Comdty", "2009-12-01") == "ZLF10")  // January 2000 is past: the next year ending in 0
        #expect(name("BOV9 Comdty", "2009-03-02") == "ZLV09")
        #expect(name("BOZ9 Comdty", "2009-12-14") == "ZLZ09")  // the row's own month is not past
        #expect(name("BOQ8 08 Comdty", "2007-12-03") == "ZLQ08")
        #expect(name("BOQ8 09 Comdty", "2007-12-03").contains("ambiguous"))
        #expect(name("C Z4 Comdty", "2004-06-01") == "ZCZ04")  // a one-letter root padded with a space
        #expect(name("CZ4 Comdty", "2004-06-01") == "ZCZ04")
        #expect(name("SMF5 Comdty", "2004-06-01") == "ZMF05")
        #expect(name("LCG5 Comdty", "2004-06-01") == "LEG05")
        #expect(name("LBF5 Comdty", "2004-06-01") == "LBSF05")
        #expect(name("HOF5 Comdty", "2004-12-01", last: "2004-12-31") == "HOF05")  // heating oil stops the month before
        // The row says BOF0 last trades in January 2000, but in February 2000 it would read as 2010.
        #expect(name("BOF0 Comdty", "2000-02-01", last: "2000-01-14").contains("ambiguous"))
        #expect(name("CF5 Comdty", "2004-06-01").contains("not a ZC contract month"))
        #expect(name("XXF5 Comdty", "2004-06-01").contains("not in the root table"))
        #expect(name("BO1.COMB.Comdty", "2004-06-01").contains("not a vendor contract name"))
    }

    @Test func rootTableAndLastTradingDays() {
        let pairs = CommodityRoot.all.map { "\($0.vendor)→\($0.exchange)" }
        #expect(pairs == ["BO→ZL", "C→ZC", "S→ZS", "SM→ZM", "W→ZW", "HO→HO", "LC→LE", "KC→KC", "HG→HG", "LB→LBS"])
        #expect(CommodityRoot.named("zc") == CommodityRoot.named("C"))
        // By hand from calendars: the business day before 15 January 1995 (a Sunday) is Friday the 13th;
        // the sample file states 1995-01-20 for BOF95 — the stated day is used whenever there is one.
        #expect(CommodityRoot.named("ZL")!.lastTradeDate(year: 1995, month: 1) == CivilDate(year: 1995, month: 1, day: 13))
        // Heating oil: the last business day of the prior month (31 December 2004, a Friday).
        #expect(CommodityRoot.named("HO")!.lastTradeDate(year: 2005, month: 1) == CivilDate(year: 2004, month: 12, day: 31))
        // Copper: the third-last business day of March 2005 (the 31st is a Thursday → the 29th).
        #expect(CommodityRoot.named("HG")!.lastTradeDate(year: 2005, month: 3) == CivilDate(year: 2005, month: 3, day: 29))
        // Live cattle: the last business day of April 2005 (the 30th is a Saturday → the 29th).
        #expect(CommodityRoot.named("LE")!.lastTradeDate(year: 2005, month: 4) == CivilDate(year: 2005, month: 4, day: 29))
    }

    /// Hand-written rows (two corn contracts and a soybean-oil one in one file): `--root` picks one
    /// root; the others are rejections counted by reason.
    @Test func anotherRootIsReadFromTheSameFormat() throws {
        let path = Oracle.temporaryPath(".csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            date,generic,contract,last_trade_date,settle,ttm_days,open_interest,volume
            2004-06-01,C 1 Comdty,C N4 Comdty,2004-07-14,3.1,43.0,100.0,10.0
            2004-06-01,C 2 Comdty,C U4 Comdty,2004-09-14,3.2,105.0,50.0,5.0
            2004-06-01,BO1 Comdty,BON4 Comdty,2004-07-14,29.0,43.0,70.0,7.0
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let (corn, rejected) = try Settlements.read(csv: path, root: "ZC")
        #expect(corn.map(\.contract) == ["ZCN04", "ZCU04"] && corn.map(\.expiryMonth) == [2004 * 12 + 6, 2004 * 12 + 8])
        #expect(corn.map(\.close) == [Price(decimal: "3.1"), Price(decimal: "3.2")])
        #expect(rejected.map(\.line) == [4] && Rejection.counts(rejected).map(\.kind) == ["root ZL, not the selected ZC"])
        #expect(throws: BarsError.self) { try Settlements.read(csv: path, root: "QQ") }
    }
}

/// The continuous series when the current contract stops trading: hand-written days whose rolls
/// are worked out by hand, then the real Lean ES and ZL series.
@Suite struct ExpiryRollTests {
    static func day(_ d: Int) -> CivilDate { CivilDate(year: 2001, month: 3, day: d) }
    static func row(_ c: String, _ d: Int, _ volume: Int64) -> DailyRecord {
        DailyRecord(contract: c, date: day(d), open: nil, high: nil, low: nil, close: Price(decimal: "20")!, volume: volume,
                    openInterest: nil, source: "hand")
    }

    /// ZLH01 trades heavily on 5–7 March and has no row from the 8th; ZLK01 trades every day with
    /// less volume. Its 7-day volume (5 × 10) never beats ZLH01's trailing 3 × 1,000 within the
    /// window, so only the expiry can move the series: on the 8th, to ZLK01.
    @Test func rollsOnTheFirstDateTheContractHasNoRow() {
        let records = [5, 6, 7].map { Self.row("ZLH01", $0, 1_000) } + [5, 6, 7, 8, 9].map { Self.row("ZLK01", $0, 10) }
        let (rows, rolls) = Continuous.build(records, root: "ZL", rule: .volume(window: 7))
        #expect(rolls.map { "\($0.date) \($0.from) \($0.to)" } == ["2001-03-08 ZLH01 ZLK01"])
        #expect(rolls.first?.reason.hasPrefix("expiry: ZLH01 has no row from 2001-03-08 on (last row 2001-03-07)") == true)
        #expect(rolls.first?.reason.contains("GAP") == false)
        #expect(rows.map(\.contract) == ["ZLH01", "ZLH01", "ZLH01", "ZLK01", "ZLK01"])
        #expect(rows.map(\.date) == [5, 6, 7, 8, 9].map(Self.day))
    }

    /// A contract whose last row is 10 days back: the expiry roll says the series has a gap.
    @Test func anExpiryRollAcrossAStretchWithoutDataCarriesAGapNote() {
        let records = [Self.row("ZLH01", 1, 1_000), Self.row("ZLK01", 1, 10), Self.row("ZLK01", 11, 10)]
        let (rows, rolls) = Continuous.build(records, root: "ZL", rule: .volume(window: 7))
        #expect(rolls.count == 1 && rolls[0].date == Self.day(11) && rolls[0].reason.contains("GAP: ZLH01 last traded 2001-03-01"))
        #expect(rows.map(\.contract) == ["ZLH01", "ZLK01"])
    }

    /// A day missing for the current contract that trades again later is not an expiry: no roll,
    /// and no row that day.
    @Test func aMissingDayIsNotAnExpiry() {
        let records = [5, 7].map { Self.row("ZLH01", $0, 1_000) } + [5, 6, 7].map { Self.row("ZLK01", $0, 10) }
        let (rows, rolls) = Continuous.build(records, root: "ZL", rule: .volume(window: 7))
        #expect(rolls.isEmpty && rows.map(\.date) == [Self.day(5), Self.day(7)] && rows.allSatisfy { $0.contract == "ZLH01" })
    }

    /// The real Lean ES zip holds 2013–2014 and 2020 contracts: ESH4's last row is in 2014, and the
    /// series moves to ESH0 on the first 2020 date as an expiry roll with a GAP note.
    @Test func leanESMovesAcrossItsGapByExpiry() throws {
        let (records, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        let (rows, rolls) = Continuous.build(records, root: "ES", rule: .volume(window: 7))
        let lastH4 = records.filter { $0.contract == "ESH4" }.map(\.date).max()!
        let roll = try #require(rolls.first { $0.from == "ESH4" })
        #expect(roll.reason.hasPrefix("expiry: ESH4 has no row from \(roll.date) on (last row \(lastH4))") && roll.reason.contains("GAP"))
        #expect(roll.date == records.map(\.date).filter { $0 > lastH4 }.min())
        // Never held past its last row: every series row is of a contract that has a record that day.
        let held = Set(records.map { "\($0.contract)|\($0.date)" })
        #expect(rows.allSatisfy { held.contains("\($0.contract)|\($0.date)") })
    }

    /// On the ZL sample every roll happens while the old contract still trades: the series is
    /// the one the volume rule gave before the expiry rule (2,017 rows, 46 rolls), and no contract
    /// is held past its last row.
    @Test func zlSampleSeriesIsUnchanged() throws {
        let (records, _) = try Settlements.read(csv: VendorFilesTests.zlPath, root: "ZL")
        let (rows, rolls) = Continuous.build(records, root: "ZL", rule: .volume(window: 7))
        #expect(rows.count == 2_017 && rolls.count == 46 && !rolls.contains { $0.reason.hasPrefix("expiry") })
        let last = Dictionary(grouping: records, by: \.contract).mapValues { $0.map(\.date).max()! }
        for (a, b) in zip(rows, rows.dropFirst()) where a.contract == b.contract {
            #expect(b.date <= last[a.contract]!)
        }
    }
}
