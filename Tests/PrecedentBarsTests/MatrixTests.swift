import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentLake
import PrecedentTestSupport
import Testing

@Suite struct MatrixTests {
    @Test func floorPivotsByHand() {
        // H 110, L 90, C 100: P 100, R1 110, S1 90, R2 120, S2 80, R3 130, S3 70, R4 140, S4 60.
        let p = FloorPivots(high: 110, low: 90, close: 100)
        #expect(p.levels == [60, 70, 80, 90, 100, 110, 120, 130, 140])
        #expect(p.midpoints == [65, 75, 85, 95, 105, 115, 125, 135])
    }

    /// The ES daily matrix from the continuous series: DuckDB reads it through its nested
    /// groups with our values, and the BigQuery and Avro schemas describe exactly its columns.
    @Test func duckDBReadsTheNestedMatrixAndTheSchemasMatch() throws {
        let (records, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        let autumn = records.filter { $0.date.year == 2013 || ($0.date.year == 2014 && $0.date.month <= 3) }
        let rows = Continuous.build(autumn, root: "ES", rule: .volume(window: 7)).rows
        try #require(rows.count > 40)
        let dir = Oracle.temporaryPath("-matrix")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try DailyMatrix.write(rows, root: "ES", to: dir)
        let base = String(path.dropLast(".parquet".count))
        let schemas = try Oracle.run("parquet_oracle.py", ["schema-check", path, base + ".avsc", base + ".bq.json"])
        #expect(schemas.status == 0, "\(schemas.output)")
        let r = try Oracle.run("bars_oracle.py", ["matrix-check", path])
        try #require(r.status == 0, "\(r.output)")
        let got = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as! [[Any]]
        #expect(got.count == rows.count)
        let rsi = Indicators.rsi(rows.map(\.close))
        // Values pass through JSON text: equal to 1e-12 relative (the parser may drop the last digit).
        func near(_ a: Any, _ b: Double?) -> Bool {
            guard let b else { return a is NSNull }
            guard let x = (a as? NSNumber)?.doubleValue else { return false }
            return abs(x - b) <= 1e-12 * max(1, abs(b))
        }
        for (i, row) in got.enumerated() {
            #expect(row[0] as? String == rows[i].date.description && row[1] as? String == rows[i].contract)
            #expect(near(row[2], rows[i].close) && near(row[3], rsi[i]), "row \(i)")
            if i > 0 {
                let p = FloorPivots(high: rows[i - 1].high!, low: rows[i - 1].low!, close: rows[i - 1].close)
                #expect(near(row[4], p.levels[4]) && near(row[5], rows[i].close - p.levels[5]), "row \(i)")
            } else {
                #expect(row[4] is NSNull)
            }
        }
    }
}

@Suite struct SwingAndRegimeTests {
    @Test func fibonacciFromTheLastConfirmedSwing() {
        // Highs/lows by day: a low of 90 on day 3 and a high of 120 on day 8, each the extreme of
        // three days either side. The low is confirmed on day 6, the high on day 11.
        let high: [Double?] = [100, 99, 98, 95, 97, 101, 105, 110, 120, 115, 112, 111, 113, 114]
        let low: [Double?] = [95, 94, 92, 90, 93, 96, 100, 104, 112, 108, 106, 105, 107, 109]
        let f = Fibonacci.levels(high: high, low: low)
        #expect(f[10] == nil)  // before the high is confirmed there is only a low: no swing
        let at = f[11]!
        #expect(at.up && at.swingLow == 90 && at.swingHigh == 120)
        #expect(at.retracement.map { ($0 * 1000).rounded() / 1000 } == [112.92, 108.54, 105, 101.46, 96.42])
        #expect(at.extension_.map { ($0 * 1000).rounded() / 1000 } == [128.16, 138.54, 150, 168.54])
        #expect(f[13] == at)  // unchanged until another swing is confirmed
    }

    @Test func regimeCalendarLooksUpDatesAndReportsCoverage() throws {
        let path = Oracle.temporaryPath(".csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "start,end,name,weight\n2013-10-01,2013-11-30,autumn,0.5\n2013-12-01,2013-12-31,december,1\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let c = try RegimeCalendar(csv: path)
        #expect(c[CivilDate(year: 2013, month: 11, day: 30)]?.name == "autumn" && c[CivilDate(year: 2013, month: 11, day: 30)]?.weight == 0.5)
        #expect(c[CivilDate(year: 2013, month: 12, day: 1)]?.name == "december" && c[CivilDate(year: 2014, month: 1, day: 1)] == nil)
        let cov = c.coverage([CivilDate(year: 2013, month: 10, day: 7), CivilDate(year: 2014, month: 1, day: 2)])
        #expect(cov.covered == 1 && cov.total == 2 && cov.uncovered == [CivilDate(year: 2014, month: 1, day: 2)])
        try "2013-10-01,2013-11-30,a,1\n2013-11-15,2013-12-31,b,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: BarsError.self) { try RegimeCalendar(csv: path) }
    }
}

@Suite struct BridgeAndExtrasTests {
    /// A documented bridge between two real sources: the mlfinpy ES trades (September 2013, ESU3)
    /// before the Lean daily files (from October 2013), by an explicit priority table.
    @Test func sourcePriorityBridgesVendorsVisibly() throws {
        let (ticks, _) = try TicksCSV.read(path: Fixtures.path("ticks/es_trades_2013-09-01_03.csv.zst"), timeZone: "America/Chicago")
        let clock = try ExchangeClock(timeZone: "America/New_York", boundary: LocalTime("18:00"))
        let early = DailyBars.byTradeDate(Resampler.minuteBars(ticks, contract: "ESU3"), clock: clock, source: "mlfinpy")
        let (lean, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        let table = SourcePriority(entries: [
            .init(source: "lean", from: CivilDate(year: 2013, month: 10, day: 1), to: CivilDate(year: 2014, month: 12, day: 31), priority: 1),
            .init(source: "mlfinpy", from: CivilDate(year: 2013, month: 9, day: 1), to: CivilDate(year: 2013, month: 9, day: 30), priority: 2),
        ])
        let merged = table.merge(early + lean)
        #expect(merged.used["mlfinpy"] == 2 && (merged.used["lean"] ?? 0) > 50)
        #expect((merged.dropped["lean"] ?? 0) > 0)  // Lean's 2020 contracts are outside every range
        let (rows, rolls) = Continuous.build(merged.records, root: "ES", rule: .volume(window: 7))
        #expect(rows.prefix(2).allSatisfy { $0.source == "mlfinpy" && $0.contract == "ESU3" })
        #expect(rows.dropFirst(2).allSatisfy { $0.source.hasPrefix("lean:") })
        #expect(rolls.first?.from == "ESU3" && rolls.first?.to == "ESZ3" && rolls.first?.reason.contains("GAP") == true)
    }

    @Test func userTablesJoinByDateIntoTheMatrix() throws {
        let (lean, _) = try LeanDailyTrades.read(zip: Fixtures.path("bars/lean-es/daily/es_trade.zip"))
        let rows = Continuous.build(lean.filter { $0.date.year == 2013 }, root: "ES", rule: .volume(window: 7)).rows
        let dir = Oracle.temporaryPath("-extras")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A user's own table (not market data): a score on two dates, one blank.
        try "date,score,flag\n\(rows[3].date),1.5,\n\(rows[7].date),-2,1\n".write(toFile: dir + "/user.csv", atomically: true, encoding: .utf8)
        let extra = try ExtraTable(csv: dir + "/user.csv", name: "user")
        #expect(extra.rejections.isEmpty && extra.columns == ["score", "flag"])
        let path = try DailyMatrix.write(rows, root: "ES", to: dir, extras: [extra])
        let base = String(path.dropLast(".parquet".count))
        let check = try Oracle.run("parquet_oracle.py", ["schema-check", path, base + ".avsc", base + ".bq.json"])
        #expect(check.status == 0, "\(check.output)")
        let r = try ParquetReader(path: path)
        let cols = try r.readAll()
        guard case .group(let user, _) = cols.last!, case .double(let score) = user[0], case .double(let flag) = user[1] else {
            Issue.record("no user group"); return
        }
        #expect(score[3] == 1.5 && flag[3] == nil && score[7] == -2 && flag[7] == 1 && score[0] == nil)
    }
}
