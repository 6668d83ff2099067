import Foundation
import PrecedentCore
import PrecedentLake
import PrecedentTestSupport
import Testing

/// A lake built with one configuration and used with another: what is stale is recomputed and
/// says why, what is not is skipped, queries refuse a lake built with other settings, indexes hold
/// exactly the current setups, and queries need no raw files.
@Suite struct StaleLakeTests {
    /// config/sample.yaml with the ES opening range at 10 minutes instead of 5.
    static func changedConfig() throws -> String {
        let text = try String(contentsOfFile: RunCommandTests.config, encoding: .utf8)
        try #require(text.contains("opening_range_minutes: 5"))
        let path = Oracle.temporaryPath(".yaml")
        try text.replacingOccurrences(of: "opening_range_minutes: 5", with: "opening_range_minutes: 10")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func run(_ lake: String, config: String, _ extra: [String] = []) throws -> [String: [String: Any]] {
        let report = Oracle.temporaryPath(".json")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let r = try runPrecedent(["run", "--layer", "all", "--symbol", "ES", "--symbol", "AMZN", "--lake", lake, "--config", config,
                                  "--quiet", "--report", report] + extra)
        try #require(r.status == 0, "\(r.stdout)\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        var out: [String: [String: Any]] = [:]
        for p in json["partitions"] as! [[String: Any]] { out["\(p["stage"]!) \(p["symbol"]!) \(p["date"]!)"] = p }
        return out
    }

    /// (level, direction) → precedents, from the index folders that are complete.
    static func indexes(_ lake: String, root: String, product: String) throws -> [String: Int] {
        let base = "\(lake)/index/product_type=\(product)/symbol=\(root)"
        var out: [String: Int] = [:]
        for level in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
            for direction in try FileManager.default.contentsOfDirectory(atPath: base + "/" + level) {
                let folder = "\(base)/\(level)/\(direction)"
                guard FileManager.default.fileExists(atPath: folder + "/_SUCCESS") else { continue }
                out["\(level)/\(direction)"] = try ParquetReader(path: folder + "/index.parquet").rowCount
            }
        }
        return out
    }

    @Test func aChangedOpeningRangeRecomputesWhatItAffectsAndQueriesRefuseTheOldLake() throws {
        let lake = Oracle.temporaryPath("-lake"), fresh = Oracle.temporaryPath("-lake"), changed = try Self.changedConfig()
        defer { for p in [lake, fresh, changed] { try? FileManager.default.removeItem(atPath: p) } }
        try RunCommandTests.makeRaw(lake)
        _ = try Self.run(lake, config: RunCommandTests.config)
        for root in ["ES", "AMZN"] {
            let r = try runPrecedent(["index", "build", "--symbol", root, "--lake", lake, "--config", RunCommandTests.config])
            try #require(r.status == 0, "\(r.stderr)")
        }
        let before = try Self.indexes(lake, root: "ES", product: "future")

        // Querying the old lake with the new configuration is refused, naming the key.
        let query = ["query", "--symbol", "ES", "--date", "2023-12-26", "--time", "18:22:50", "--level", "or_high", "--lake", lake]
        let refused = try runPrecedent(query + ["--config", changed])
        #expect(refused.status != 0 && refused.stderr.contains("instruments.ES.sessions.opening_range_minutes: lake 5, configuration 10"),
                "\(refused.stdout)\(refused.stderr)")

        // The run with the new configuration: ES levels and everything after them recomputed, with the reason;
        // ES bronze and selection (which do not read the opening range) and all of AMZN skipped.
        let second = try Self.run(lake, config: changed)
        for (key, p) in second {
            let recomputed = key.contains(" ES ") && ["levels", "silver", "triggers", "pressure"].contains(String(key.split(separator: " ")[0]))
            #expect((p["status"] as! String) == (recomputed ? "done" : "skipped"), "\(key): \(p)")
            if recomputed {
                #expect((p["detail"] as? String)?.hasPrefix("stale: config changed: instruments.ES.sessions.opening_range_minutes; recomputed") == true,
                        "\(key): \(p["detail"] ?? "")")
            }
        }
        // By hand: the ES session opens 2023-12-25 18:00 ET (23:00 UTC); a 10-minute opening range is known at 23:10 UTC.
        let levels = try ParquetReader(path: lake + "/silver/product_type=future/symbol=ES/table=levels/dt=2023-12-26/part-00000.parquet")
        let columns = Dictionary(uniqueKeysWithValues: zip(levels.fields.map(\.name), try levels.readAll()))
        guard case .bytes(let ids)? = columns["level_id"], case .int64(let known)? = columns["known_at"] else {
            Issue.record("levels table without level_id or known_at"); return
        }
        let orHigh = try #require((0..<ids.count).first { ids.string($0) == "or_high" })
        #expect(known[orHigh].map { UnixNanos(rawValue: UInt64($0)).iso8601 } == "2023-12-25T23:10:00.000000000Z")

        // An unchanged re-run skips everything.
        #expect(try Self.run(lake, config: changed).values.allSatisfy { ($0["status"] as! String) == "skipped" })

        // Recomputed partitions equal a lake built from scratch with the new configuration.
        try RunCommandTests.makeRaw(fresh)
        _ = try Self.run(fresh, config: changed)
        let a = try Fixtures.parquetFiles(under: lake).filter { !$0.key.hasPrefix("index/") }, b = try Fixtures.parquetFiles(under: fresh)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, bytes) in b { #expect(a[name] == bytes, "\(name) differs from a lake built with the new configuration") }

        // Rebuilt indexes hold exactly the current setups: an index whose setups are gone is removed.
        let rebuilt = try runPrecedent(["index", "build", "--symbol", "ES", "--lake", lake, "--config", changed])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        for root in ["ES"] {
            let r = try runPrecedent(["index", "build", "--symbol", root, "--lake", fresh, "--config", changed])
            #expect(r.status == 0)
        }
        let after = try Self.indexes(lake, root: "ES", product: "future")
        #expect(after == (try Self.indexes(fresh, root: "ES", product: "future")))
        #expect(after != before, "the change should alter the ES setups (before \(before), after \(after))")
        #expect(try runPrecedent(query + ["--config", changed]).stderr.contains("other settings") == false)

        // Queries and evaluation read the lake alone: without its raw folder they answer the same.
        let withRaw = try runPrecedent(query + ["--config", changed, "--json"])
        try FileManager.default.removeItem(atPath: lake + "/raw")
        let withoutRaw = try runPrecedent(query + ["--config", changed, "--json"])
        #expect(withoutRaw.status == withRaw.status && withoutRaw.stdout == withRaw.stdout, "\(withoutRaw.stderr)")
        let amzn = ["query", "--symbol", "AMZN", "--date", "2012-06-21", "--time", "12:21:35", "--level", "or_low", "--k", "5",
                    "--lake", lake, "--config", changed, "--json"]
        let answer = try runPrecedent(amzn)
        #expect(answer.status == 0 && answer.stdout.contains("\"eligible_precedents\""), "\(answer.stderr)")
    }
}
