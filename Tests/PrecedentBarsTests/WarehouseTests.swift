import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentTestSupport
import PrecedentWarehouse
import Testing

@Suite struct WarehouseTests {
    static func esRows() throws -> [ContinuousRow] {
        let (records, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        return Continuous.build(records.filter { $0.date.year == 2013 || ($0.date.year == 2014 && $0.date.month <= 3) },
                                root: "ES", rule: .volume(window: 7)).rows
    }

    @Test func loadingTheSameMatrixTwiceLeavesIdenticalContents() throws {
        let path = Oracle.temporaryPath(".sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = try Self.esRows()
        let w = try Warehouse(path: path)
        let first = try w.load(rows, root: "ES", tick: 0.25, batchSize: 16)
        #expect(first.status == "loaded" && first.rowsLoaded == rows.count && first.batches == (rows.count + 15) / 16)
        #expect(first.validation.overlapWithWarehouse == 0 && first.validation.passed)
        let once = try w.dump()
        #expect(once.count == rows.count)
        let second = try w.load(rows, root: "ES", tick: 0.25)
        #expect(second.validation.overlapWithWarehouse == rows.count)
        #expect(try w.dump() == once)
        #expect(try w.inventory().first.map { $0.rows } == rows.count)
    }

    @Test func aBatchThatFailsValidationLoadsNothing() throws {
        let path = Oracle.temporaryPath(".sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = try Self.esRows()
        let w = try Warehouse(path: path)
        // One ES day carrying a calendar-spread price: off the 0.25 grid and far from the series.
        var contaminated = rows
        contaminated[20].close = 60.15
        let failed = try w.load(contaminated, root: "ES", tick: 0.25)
        #expect(failed.rowsLoaded == 0 && !failed.validation.passed)
        #expect(failed.validation.errors.contains { $0.contains("off the 0.25 grid") } && failed.validation.errors.contains { $0.contains("spread price") })
        #expect(try w.dump().isEmpty)
        // A duplicate (symbol, date) fails too, after a good load: the good contents stay as they were.
        _ = try w.load(rows, root: "ES", tick: 0.25)
        let good = try w.dump()
        let duplicated = rows + [rows[5]]
        let again = try w.load(duplicated, root: "ES", tick: 0.25)
        #expect(again.rowsLoaded == 0 && again.validation.errors.contains { $0.contains("duplicate") })
        #expect(try w.dump() == good)
    }

    /// Soybean oil 1995–2002 trends from about 29 to 15 cents and back: a band around the whole
    /// load's median refused it; the rolling reference loads it. A real calendar-spread price from
    /// the same file (the settle of the current contract minus that of the next, on one date) put in
    /// place of one close is still caught.
    @Test func aTrendingSeriesLoadsAndASpreadPriceInItIsCaught() throws {
        let (records, _) = try Settlements.read(csv: Fixtures.path("bars/zl-daily/soybean_oil_daily_by_contract_1995-2002.csv"), root: "ZL")
        let rows = Continuous.build(records, root: "ZL", rule: .volume(window: 7)).rows
        let closes = rows.map(\.close)
        #expect(closes.max()! / closes.min()! > 1.5, "the sample should trend by more than the band")
        let path = Oracle.temporaryPath(".sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try Warehouse(path: path)
        let loaded = try w.load(rows, root: "ZL", tick: 0.01)
        #expect(loaded.status == "loaded" && loaded.rowsLoaded == rows.count, "\(loaded.validation.errors.prefix(3))")
        // Row 500's date: its contract and the next-expiring contract trading that day.
        let i = 500, date = rows[i].date
        let sameDay = records.filter { $0.date == date }.sorted { $0.expiryMonth! < $1.expiryMonth! }
        let k = sameDay.firstIndex { $0.contract == rows[i].contract }!
        let spread = (sameDay[k].close.doubleValue! - sameDay[k + 1].close.doubleValue!)
        var contaminated = rows
        contaminated[i].close = (spread * 100).rounded() / 100
        let other = Oracle.temporaryPath(".sqlite")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let failed = try Warehouse(path: other).load(contaminated, root: "ZL", tick: 0.01)
        #expect(failed.rowsLoaded == 0 && failed.validation.errors.count == 1
                && failed.validation.errors[0].hasPrefix("\(date) \(rows[i].contract): close"), "\(failed.validation.errors)")
        // The band is the caller's: at 0.1 % the real day-to-day moves fail it.
        #expect(!(try Warehouse(path: other).validate(rows, root: "ZL", tick: 0.01, band: PriceBand(fraction: 0.001, neighbours: 3)).passed))
    }
}
