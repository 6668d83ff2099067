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
}
