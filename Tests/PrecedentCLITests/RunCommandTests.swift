import Foundation
import PrecedentCore
import PrecedentLake
import PrecedentTestSupport
import Testing

/// `precedent run` end to end on the sample data, as the demo lays it out.
@Suite struct RunCommandTests {
    static let config = Fixtures.repositoryRoot.appendingPathComponent("config/sample.yaml").path

    /// Raw inputs: the CME files linked in place, the LOBSTER day imported with `precedent import lobster`.
    static func makeRaw(_ lake: String) throws {
        let fm = FileManager.default
        let mbo = lake + "/raw/source=databento/product_type=future/symbol=ES/table=market_by_order_dbn"
        let defs = lake + "/raw/source=databento/product_type=future/symbol=ES/table=definition_dbn"
        let amzn = lake + "/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn"
        for d in [mbo, defs, amzn] { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
        for n in ["esh4-glbx-mdp3-20231224.mbo.dbn.zst", "esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst",
                  "esm4-glbx-mdp3-20240508T000000-000002.mbo.dbn.zst"] {
            try fm.createSymbolicLink(atPath: mbo + "/" + n, withDestinationPath: Fixtures.path("dbn/cme/" + n))
        }
        for n in ["definition-glbx-es-fut.dbn.zst", "definition-glbx-es-futspread.dbn.zst"] {
            try fm.createSymbolicLink(atPath: defs + "/" + n, withDestinationPath: Fixtures.path("dbn/cme/" + n))
        }
        let r = try runPrecedent(["import", "lobster", "--symbol", "AMZN", "--date", "2012-06-21", "--out", amzn + "/amzn.mbo.dbn.zst",
                                  "--message", Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv"),
                                  "--orderbook", Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv")])
        try #require(r.status == 0, "\(r.stderr)")
    }

    static func runArgs(_ lake: String, _ extra: [String] = []) -> [String] {
        ["run", "--layer", "all", "--symbol", "ES", "--symbol", "AMZN", "--lake", lake, "--config", config, "--quiet"] + extra
    }

    /// Killing the runner with SIGKILL at random moments, then running again,
    /// gives exactly the files of an uninterrupted run; in between, no
    /// partition is marked complete without its data, and every visible data
    /// file is a whole Parquet file.
    @Test func sigkillMidRunThenRerunEqualsAnUninterruptedRun() throws {
        let reference = Oracle.temporaryPath("-lake"), killed = Oracle.temporaryPath("-lake")
        defer { for d in [reference, killed] { try? FileManager.default.removeItem(atPath: d) } }
        try Self.makeRaw(reference)
        try Self.makeRaw(killed)
        let ok = try runPrecedent(Self.runArgs(reference))
        try #require(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        let expected = try Fixtures.parquetFiles(under: reference)
        try #require(expected.count == 24)

        var random = SeededRandom(seed: 20_231_226)
        var kills = 0
        for round in 0..<10 {
            // Every other round rewrites complete partitions, so kills also land in overwrites.
            let args = Self.runArgs(killed, round % 2 == 1 ? ["--overwrite", "--workers", "2"] : [])
            if try runPrecedentKilled(args, after: 20_000...2_500_000, using: &random) { kills += 1 }
            let lake = Lake(root: killed)
            for key in lake.partitions() where key.layer != "raw" {
                let dir = lake.path(key)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
                if lake.isComplete(key) {
                    #expect(names.contains(Lake.dataFile) && names.contains(Lake.manifestFile), "round \(round): \(key) complete without its files")
                }
                for n in names where n.hasSuffix(".parquet") {
                    #expect((try? ParquetReader(path: dir + "/" + n)) != nil, "round \(round): \(dir)/\(n) is visible but not a whole Parquet file")
                }
            }
        }
        #expect(kills >= 5, "too few runs were killed mid-way (\(kills)) for the test to mean anything")
        let final = try runPrecedent(Self.runArgs(killed))
        #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
        #expect(try Fixtures.parquetFiles(under: killed) == expected)
    }

    @Test func helpAndErrorsTeach() throws {
        let help = try runPrecedent(["run", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--layer") && help.stdout.contains("selection"))
        let noSymbol = try runPrecedent(["run", "--lake", "/nonexistent"])
        #expect(noSymbol.status != 0 && noSymbol.stderr.contains("--symbol"))
        let badDates = try runPrecedent(["run", "--symbol", "ES", "--dates", "2024-05-08:2024-01-01"])
        #expect(badDates.status != 0 && badDates.stderr.contains("--dates"))
        let unknown = try runPrecedent(["run", "--symbol", "XYZ", "--lake", Oracle.temporaryPath("-lake")])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown root 'XYZ'") && unknown.stderr.contains("--config"))
        let printed = try runPrecedent(["run", "--print-config"])
        #expect(printed.status == 0 && printed.stdout.contains("window_seconds: 5") && printed.stdout.contains("dominance: 0.8"))
    }
}

@Suite struct AuditCommandTests {
    @Test func auditListsEveryTableOfTheLakeAndTheWarehouse() throws {
        let lake = Oracle.temporaryPath("-lake"), warehouse = Oracle.temporaryPath(".sqlite")
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: warehouse) }
        try RunCommandTests.makeRaw(lake)
        let run = try runPrecedent(RunCommandTests.runArgs(lake))
        try #require(run.status == 0, "\(run.stderr)")
        let load = try runPrecedent(["bars", "continuous", "--lean-daily", Fixtures.path("bars/lean-es/daily/es_trade.zip"), "--root", "ES",
                                     "--dates", "2013-10-01:2014-03-31", "--rolls-only", "--warehouse", warehouse, "--tick", "0.25"])
        #expect(load.status == 0, "\(load.stdout)\(load.stderr)")
        let audit = try runPrecedent(["audit", "--lake", lake, "--warehouse", warehouse, "--json"])
        try #require(audit.status == 0, "\(audit.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as! [String: Any]
        let tables = report["tables"] as! [[String: Any]]
        // Six stages' tables for each of ES and AMZN.
        #expect(tables.count == 12)
        let esBronze = try #require(tables.first { $0["layer"] as? String == "bronze" && $0["symbol"] as? String == "ES" })
        #expect(esBronze["partitions"] as? Int == 3 && (esBronze["contracts"] as? [String]) == ["ESH4", "ESM4"])
        #expect((esBronze["rows"] as? Int ?? 0) > 70_000)
        let held = try #require(report["warehouse"] as? [[String: Any]])
        #expect(held.count == 1 && held[0]["symbol"] as? String == "ES" && (held[0]["rows"] as? Int ?? 0) > 40)
    }
}
