import Foundation
import PrecedentTestSupport
import Testing

/// `precedent replay` on the AMZN day: its events equal the silver and gold rows `precedent run`
/// wrote for the same file, read back independently by pyarrow.
@Suite struct ReplayCommandTests {
    @Test func replayOfTheAMZNDayEqualsTheLake() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try RunCommandTests.makeRaw(lake)
        let run = try runPrecedent(RunCommandTests.runArgs(lake))
        try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
        let amzn = lake + "/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn/amzn.mbo.dbn.zst"
        let replay = try runPrecedent(["replay", amzn, "--symbol", "AMZN", "--config", RunCommandTests.config])
        try #require(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("9 levels, 1980 windows, 26 triggers, 26 outcomes"), "\(replay.stderr)")
        let events = Oracle.temporaryPath(".jsonl")
        defer { try? FileManager.default.removeItem(atPath: events) }
        try replay.stdout.write(toFile: events, atomically: true, encoding: .utf8)
        let check = try Oracle.run("replay_check.py", [lake, "equity", "AMZN", "2012-06-21", events])
        #expect(check.status == 0, "\(check.output)")

        // With the lake, triggers that have a vector carry the answer query --json gives at that moment.
        let answered = try runPrecedent(["index", "build", "--symbol", "AMZN", "--lake", lake, "--config", RunCommandTests.config])
        try #require(answered.status == 0, "\(answered.stderr)")
        let withLake = try runPrecedent(["replay", amzn, "--symbol", "AMZN", "--config", RunCommandTests.config, "--lake", lake, "--k", "5"])
        try #require(withLake.status == 0, "\(withLake.stderr)")
        let triggers = withLake.stdout.split(separator: "\n").filter { $0.contains("\"type\":\"trigger\"") && $0.contains("\"answer\"") }
        let line = try #require(triggers.first { $0.contains("\"trigger_time\":1340295695000000000") }, "no answered trigger at 12:21:35")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let query = try runPrecedent(["query", "--symbol", "AMZN", "--date", "2012-06-21", "--time", "12:21:35", "--level", "or_low",
                                      "--k", "5", "--lake", lake, "--config", RunCommandTests.config, "--json"])
        try #require(query.status == 0, "\(query.stdout)\(query.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(query.stdout.utf8)) as! NSDictionary
        #expect((object["answer"] as! NSDictionary) == expected)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        for (args, what) in [(["replay", "/nonexistent.dbn.zst", "--symbol", "ES"], "no file"),
                             (["replay", Fixtures.path(Fixtures.cmeMBO), "--symbol", "ES", "--speed", "0"], "--speed"),
                             (["replay", Fixtures.path(Fixtures.cmeMBO), "--symbol", "ES", "--format", "xml"], "--format")] {
            let r = try runPrecedent(args)
            #expect(r.status == 64 && r.stderr.contains(what), "\(args): \(r.status) \(r.stderr)")
        }
    }
}
