import Foundation
import Hummingbird
import HummingbirdTesting
import PrecedentCore
import PrecedentLake
import PrecedentLOBSTER
import PrecedentPipeline
@testable import PrecedentServer
import PrecedentTestSupport
import Testing

/// The demo lake (real sample files: the CME days linked in place, the LOBSTER AMZN day imported),
/// built once per test process with its indexes, and the server's parts over it.
enum ServedLake {
    static let configPath = Fixtures.repositoryRoot.appendingPathComponent("config/sample.yaml").path
    static let config = try! PipelineConfig.load(path: configPath)
    static let roots = ["AMZN", "ES"]

    static let path: String = {
        let lake = Oracle.temporaryPath("-served-lake")
        let fm = FileManager.default
        let es = lake + "/raw/source=databento/product_type=future/symbol=ES"
        for (table, names) in [
            ("market_by_order_dbn", ["esh4-glbx-mdp3-20231224.mbo.dbn.zst", "esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst"]),
            ("definition_dbn", ["definition-glbx-es-fut.dbn.zst", "definition-glbx-es-futspread.dbn.zst"]),
        ] {
            try! fm.createDirectory(atPath: "\(es)/table=\(table)", withIntermediateDirectories: true)
            for n in names { try! fm.createSymbolicLink(atPath: "\(es)/table=\(table)/\(n)", withDestinationPath: Fixtures.path("dbn/cme/\(n)")) }
        }
        let amzn = lake + "/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn"
        try! fm.createDirectory(atPath: amzn, withIntermediateDirectories: true)
        var options = LOBSTERImporter.Options(symbol: "AMZN", date: CivilDate(year: 2012, month: 6, day: 21))
        options.timeZone = "America/New_York"
        _ = try! LOBSTERImporter.run(messages: Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv"),
                                     orderbook: Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv"),
                                     options: options, output: amzn + "/amzn-20120621.mbo.dbn.zst")
        var run = RunOptions()
        run.layer = "all"; run.roots = roots; run.workers = 2
        let context = try! PipelineContext(lake: Lake(root: lake), config: config, roots: roots)
        let report = PipelineRunner(context: context, options: run).run()
        precondition(report.failed == 0, report.text())
        for r in roots { _ = try! context.buildIndex(root: r) }
        return lake
    }()

    static func api() throws -> LakeAPI {
        LakeAPI(queries: try LakeQueries(lake: Lake(root: path), config: config, roots: roots), roots: roots)
    }

    static func hub(_ api: LakeAPI, speed: Double = 1000, metrics: ServerMetrics = ServerMetrics()) -> ReplayHub {
        ReplayHub(context: api.queries.context, source: .lake, speed: speed, settings: StreamSettings(), metrics: metrics,
                  book: { try api.queries.book(root: $0, k: 50) })
    }
}

/// Runs the `precedent` executable built by `swift build --build-tests`.
func precedent(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let r = try Oracle.capture(Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent"), args)
    return (r.status, r.output, r.errors)
}

/// One request's answer.
struct Answer {
    var status: Int; var body: String; var contentType: String?
    func json() throws -> [String: Any] { try #require(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) }
}

@Suite(.serialized) struct RouteTests {
    /// Asks a router over the served lake (no sockets) each of `requests`, in order.
    func ask(_ requests: [(String, HTTPRequest.Method, HTTPFields)], token: String? = nil) async throws -> [Answer] {
        let api = try ServedLake.api()
        let hub = ServedLake.hub(api)
        let router = ViewServer.router(api: api, hub: hub, access: AccessSettings(token: token, maxClients: 4), metrics: ServerMetrics())
        let out = AnswerList()
        try await Application(router: router).test(.router) { client in
            for (uri, method, headers) in requests {
                try await client.execute(uri: uri, method: method, headers: headers) { r in
                    out.append(Answer(status: Int(r.status.code), body: String(buffer: r.body), contentType: r.headers[.contentType]))
                }
            }
        }
        return out.items
    }
    func get(_ uris: String...) async throws -> [Answer] { try await ask(uris.map { ($0, .get, [:]) }) }

    @Test func symbolsAreTheLakesCompleteSilverDates() async throws {
        // Independently: the folders with _SUCCESS under the silver level_vacuum_5s tables.
        func dates(_ product: String, _ root: String) throws -> [String] {
            let dir = ServedLake.path + "/silver/product_type=\(product)/symbol=\(root)/table=level_vacuum_5s"
            return try FileManager.default.contentsOfDirectory(atPath: dir).filter { FileManager.default.fileExists(atPath: "\(dir)/\($0)/_SUCCESS") }
                .map { String($0.dropFirst(3)) }.sorted()
        }
        let r = try await get("/api/symbols")[0]
        #expect(r.status == 200)
        let symbols = try #require(try r.json()["symbols"] as? [[String: Any]])
        let byRoot = Dictionary(uniqueKeysWithValues: symbols.map { ($0["symbol"] as! String, $0["dates"] as! [String]) })
        #expect(byRoot["AMZN"] == (try dates("equity", "AMZN")))
        #expect(byRoot["ES"] == (try dates("future", "ES")))
        #expect(byRoot["ES"]?.contains("2023-12-25") == true)
    }

    @Test func levelsWindowsAndTriggersAreTheLakesRows() async throws {
        // Independently: pyarrow reads the same partitions.
        let lake = ServedLake.path
        func pyarrow(_ table: String, _ layer: String) throws -> [[String: Any]] {
            let file = "\(lake)/\(layer)/product_type=equity/symbol=AMZN/table=\(table)/dt=2012-06-21/part-00000.parquet"
            let script = "import pyarrow.parquet as pq, json, sys; t = pq.read_table(sys.argv[1]).to_pylist(); "
                + "print(json.dumps([{k: v for k, v in r.items() if not isinstance(v, (dict, list))} for r in t], default=str))"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", script, file]
            let out = Pipe(); p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        }
        let levels = try pyarrow("levels", "silver"), triggers = try pyarrow("triggers", "gold"), windows = try pyarrow("level_vacuum_5s", "silver")
        let r = try await get("/api/levels?symbol=AMZN&date=2012-06-21", "/api/triggers?symbol=AMZN&date=2012-06-21",
                              "/api/windows?symbol=AMZN&date=2012-06-21&level=or_low&limit=20000",
                              "/api/windows?symbol=AMZN&date=2012-06-21&level=or_low&from=10:00&to=10:01")
        #expect(r[0].status == 200)
        let levelRows = try #require(try r[0].json()["levels"] as? [[String: Any]])
        #expect(levelRows.map { $0["level_id"] as! String } == levels.map { $0["level_id"] as! String })
        #expect(levelRows.map { ($0["price"] as? NSNumber)?.int64Value } == levels.map { ($0["price"] as? NSNumber)?.int64Value })
        let triggerRows = try #require(try r[1].json()["triggers"] as? [[String: Any]])
        #expect(triggerRows.count == triggers.count && !triggerRows.isEmpty)
        #expect(triggerRows.map { $0["label"] as? String } == triggers.map { $0["label"] as? String })
        let orLow = windows.filter { $0["level_id"] as? String == "or_low" }
        let windowRows = try #require(try r[2].json()["windows"] as? [[String: Any]])
        #expect(windowRows.count == orLow.count && !windowRows.isEmpty)
        #expect(windowRows.map { ($0["u_beyond_at_ask_depth"] as? NSNumber)?.int64Value }
                == orLow.map { ($0["u_beyond_at_ask_depth"] as? NSNumber)?.int64Value })
        // 10:00 to 10:01 local is 12 windows.
        #expect((try r[3].json()["windows"] as? [[String: Any]])?.count == 12)
        // Every id opens its setup, with the same label.
        let ids = triggerRows.prefix(3).map { $0["id"] as! String }
        let setups = try await ask(ids.map { ("/api/setups/\($0)", .get, [:]) })
        for (row, s) in zip(triggerRows, setups) {
            #expect(s.status == 200)
            let setup = try s.json()
            #expect(setup["label"] as? String == row["label"] as? String)
            #expect((setup["replay"] as? [String: Any])?["date"] as? String == "2012-06-21")
        }
    }

    @Test func queryAnswersAsTheCommandDoes() async throws {
        let cli = try precedent(["query", "--symbol", "AMZN", "--date", "2012-06-21", "--time", "12:21:35", "--level", "or_low",
                                 "--lake", ServedLake.path, "--config", ServedLake.configPath, "--json"])
        try #require(cli.status == 0, "\(cli.stdout)\(cli.stderr)")
        let expected = try #require(JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSDictionary)
        // A moment without a trigger: the command names the nearest one; so does the API.
        let none = try precedent(["query", "--symbol", "AMZN", "--date", "2012-06-21", "--time", "11:00:00", "--level", "or_low",
                                  "--lake", ServedLake.path, "--config", ServedLake.configPath])
        #expect(none.status == 3)
        let nearest = try #require(none.stdout.components(separatedBy: "query --time ").last?.prefix(8))
        let r = try await get("/api/query?symbol=AMZN&date=2012-06-21&time=12:21:35&level=or_low",
                              "/api/query?symbol=AMZN&date=2012-06-21&time=11:00:00&level=or_low")
        #expect(r[0].status == 200)
        let got = try #require(JSONSerialization.jsonObject(with: Data(r[0].body.utf8)) as? NSDictionary)
        #expect(got == expected)
        #expect(r[1].status == 404)
        let body = try r[1].json()
        #expect((body["nearest"] as? [String: Any])?["time"] as? String == String(nearest))
        #expect(body["parameter"] as? String == "time")
    }

    @Test func badRequestsGetAJSONErrorNamingTheParameter() async throws {
        let long = String(repeating: "9", count: 65)
        let cases: [(String, HTTPRequest.Method, Int, String?)] = [
            ("/api/levels?symbol=NOPE&date=2012-06-21", .get, 404, "symbol"),
            ("/api/levels?symbol=AMZN&date=2012-13-45", .get, 400, "date"),
            ("/api/levels?symbol=AMZN&date=2012-06-22", .get, 404, "date"),
            ("/api/levels?symbol=AMZN", .get, 400, "date"),
            ("/api/levels?symbol=..&date=2012-06-21", .get, 400, "symbol"),
            ("/api/levels?symbol=AMZN&date=..%2F..%2Fetc", .get, 400, "date"),
            ("/api/windows?symbol=AMZN&date=2012-06-21&level=..", .get, 400, "level"),
            ("/api/windows?symbol=AMZN&date=2012-06-21&level=or_low&from=\(long)", .get, 400, "from"),
            ("/api/windows?symbol=AMZN&date=2012-06-21&level=or_low&from=25:99", .get, 400, "from"),
            ("/api/windows?symbol=AMZN&date=2012-06-21&level=nope", .get, 404, "level"),
            ("/api/windows?symbol=AMZN&date=2012-06-21&level=or_low&limit=0", .get, 400, "limit"),
            ("/api/query?symbol=AMZN&date=2012-06-21&time=12:21&level=or_low&k=-1", .get, 400, "k"),
            ("/api/query?symbol=AMZN&date=2012-06-21&time=noon&level=or_low", .get, 400, "time"),
            ("/api/query?symbol=AMZN&date=2012-06-21&time=12:21:35&level=or_low&direction=sideways", .get, 400, "direction"),
            ("/api/query?symbol=AMZN&date=2012-06-21&time=12:21:35&level=or_low&path=x", .get, 400, "path"),
            ("/api/setups/AMZN.2012-06-21.or_low.up", .get, 400, "id"),
            ("/api/setups/AMZN.2012-06-21.or_low.up.1", .get, 404, "id"),
            ("/api/setups/..", .get, 400, "id"),
            ("/api/replay?action=fly", .post, 400, "action"),
            ("/api/replay?action=speed&speed=0", .post, 400, "speed"),
            ("/api/replay?action=load&symbol=AMZN&date=1999-01-01", .post, 404, "date"),
            ("/api/columns?last=\(long)", .get, 400, "last"),
            ("/etc/passwd", .get, 404, nil),
            ("/api/../etc/passwd", .get, 404, nil),
        ]
        let answers = try await ask(cases.map { ($0.0, $0.1, [:]) })
        for ((uri, _, status, parameter), r) in zip(cases, answers) {
            #expect(r.status == status, "\(uri)")
            #expect(r.contentType == "application/json", "\(uri)")
            let body = try r.json()
            #expect(body["error"] is String, "\(uri)")
            #expect(body["parameter"] as? String == parameter, "\(uri): \(body)")
        }
    }

    @Test func aTokenIsRequiredWhenSet() async throws {
        let token = "s3cret-token-of-the-test-0123456789"
        let cases: [(HTTPFields, String, Int)] = [
            ([:], "/healthz", 401), ([.authorization: "Bearer wrong"], "/healthz", 401),
            ([.authorization: "Bearer \(token)x"], "/api/symbols", 401), ([.authorization: "Bearer \(token)"], "/api/symbols", 200),
            ([:], "/api/symbols?token=\(token)", 200), ([:], "/?token=wrong", 401), ([:], "/ws", 401),
        ]
        let answers = try await ask(cases.map { ($0.1, .get, $0.0) }, token: token)
        for (c, r) in zip(cases, answers) {
            #expect(r.status == c.2, "\(c.1) \(c.0)")
            #expect(!r.body.contains(token))
        }
        #expect(TokenMiddleware<BasicRequestContext>.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!TokenMiddleware<BasicRequestContext>.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!TokenMiddleware<BasicRequestContext>.equal(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!TokenMiddleware<BasicRequestContext>.equal([], Array("a".utf8)))
    }

    @Test func pageHealthAndMetrics() async throws {
        let r = try await get("/", "/healthz", "/metrics")
        #expect(r[0].status == 200)
        #expect(r[0].body.contains("<canvas id=\"heat\""))
        // Nothing from elsewhere: no script or stylesheet source, no http(s) address.
        #expect(!r[0].body.contains("src="))
        #expect(!r[0].body.contains("http://") && !r[0].body.contains("https://"))
        #expect(r[1].status == 200)
        for name in ["precedent_clients", "precedent_frames_sent_total", "precedent_frames_dropped_total",
                     "precedent_replay_clock_seconds", "precedent_query_duration_seconds"] {
            #expect(r[2].body.contains(name), "\(name)")
        }
    }
}

/// Answers collected inside the test client's closure.
final class AnswerList: @unchecked Sendable {
    private var list: [Answer] = []
    private let lock = NSLock()
    func append(_ a: Answer) { lock.withLock { list.append(a) } }
    var items: [Answer] { lock.withLock { list } }
}

@Suite struct OutboxTests {
    @Test func aFullQueueDropsColumnsFirstAndSaysSo() async throws {
        let box = Outbox(capacity: 3)
        for i in 0..<5 { box.push(Frame("{\"type\":\"column\",\"i\":\(i)}", droppable: true)) }
        #expect(box.queued == 3 && box.dropped == 2)
        // A trigger makes room by dropping the oldest column.
        box.push(Frame("{\"type\":\"trigger\"}"))
        #expect(box.queued == 3 && box.dropped == 3)
        let notice = await box.next()
        #expect(notice?.text == "{\"type\":\"lagging\",\"dropped\":3,\"dropped_total\":3}")
        var rest: [String] = []
        box.close()
        while let f = await box.next() { rest.append(f.text) }
        #expect(rest == ["{\"type\":\"column\",\"i\":1}", "{\"type\":\"column\",\"i\":2}", "{\"type\":\"trigger\"}"])
        #expect(!box.push(Frame("late")))
    }

    @Test func aWaitingReaderGetsTheNextFrame() async throws {
        let box = Outbox(capacity: 2)
        // No Task.sleep here: in a full parallel run its timer was seen never to fire.
        let reader = Task { await box.next()?.text }
        usleep(50_000)
        box.push(Frame("x"))
        // A reader that is never woken fails the test after 60 s instead of hanging it.
        let watchdog = Thread { usleep(60_000_000); box.close() }
        watchdog.start()
        #expect(await reader.value == "x")
    }
}

/// Starts `precedent serve args` on a free port; returns the process and its base URL.
func startServe(_ args: [String], environment: [String: String] = [:]) throws -> (Process, String) {
    let p = Process()
    p.executableURL = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent")
    p.arguments = ["serve", "--lake", ServedLake.path, "--config", ServedLake.configPath, "--port", "0"] + args
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    var text = ""
    let deadline = Date().addingTimeInterval(120)
    while !text.contains("/\n") && Date() < deadline && p.isRunning {
        text += String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
    }
    guard let r = text.range(of: "open http://") else { p.terminate(); throw CocoaError(.fileReadUnknown) }
    let url = String(text[r.lowerBound...].dropFirst(5).prefix { $0 != "\n" && $0 != " " })
    return (p, url)
}

@Suite(.serialized) struct BrowserTests {
    /// The page in real headless Chromium (Tests/Browser/view_check.py): no console errors, the
    /// heatmap's pixels on exactly the rows the API reports size in, the level lines on their rows,
    /// a trigger's counts equal to `precedent query --json`; a screenshot in .build/artifacts.
    @Test func thePageDrawsWhatTheAPIReports() throws {
        let (server, url) = try startServe(["--symbol", "AMZN", "--date", "2012-06-21", "--time", "12:25", "--speed", "20"])
        defer { server.interrupt(); server.waitUntilExit() }
        _ = try viewCheck(url, shot: "serve-view.png")
    }
}

/// The evaluation report (`precedent evaluate --html`) in headless Chromium against `precedent
/// evaluate --json` (Tests/Browser/report_check.py), and `GET /report` of `precedent serve` is the
/// same page.
@Suite(.serialized) struct ReportTests {
    @Test func evaluationReportShowsTheJSONsNumbers() throws {
        let html = Oracle.temporaryPath("-report.html"), json = Oracle.temporaryPath("-evaluate.json")
        defer { try? FileManager.default.removeItem(atPath: html); try? FileManager.default.removeItem(atPath: json) }
        let evaluate = Process()
        evaluate.executableURL = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent")
        evaluate.arguments = ["evaluate", "--symbol", "AMZN", "--lake", ServedLake.path, "--config", ServedLake.configPath,
                              "--k", "5", "--minimum-precedents", "5", "--html", html, "--json"]
        FileManager.default.createFile(atPath: json, contents: nil)
        evaluate.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: json))
        try evaluate.run()
        evaluate.waitUntilExit()
        #expect(evaluate.terminationStatus == 0)

        let artifacts = Fixtures.repositoryRoot.appendingPathComponent(".build/artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let (status, o, e) = try Oracle.check("Tests/Browser/report_check.py",
                                              ["file://" + html, json, artifacts.appendingPathComponent("evaluate-report.png").path])
        #expect(status == 0, "\(o)\(e)")
        print("report check: \(o)")

        let (server, url) = try startServe(["--symbol", "AMZN", "--date", "2012-06-21", "--speed", "1"])
        defer { server.interrupt(); server.waitUntilExit() }
        let served = try String(contentsOf: URL(string: url + "report?symbol=AMZN&k=5&minimum_precedents=5")!, encoding: .utf8)
        #expect(served == (try String(contentsOfFile: html, encoding: .utf8)))
    }
}

/// Runs Tests/Browser/view_check.py on the server at `url` (extra arguments: `--live`, `--at T`),
/// expects it to pass, and returns its findings; the screenshot goes to .build/artifacts/`shot`.
func viewCheck(_ url: String, _ extra: [String] = [], shot: String) throws -> [String: Any] {
    let artifacts = Fixtures.repositoryRoot.appendingPathComponent(".build/artifacts")
    try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
    let (status, o, e) = try Oracle.check("Tests/Browser/view_check.py", [
        url, Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent").path, ServedLake.path, ServedLake.configPath,
        artifacts.appendingPathComponent(shot).path,
    ] + extra)
    #expect(status == 0, "\(o)\(e)")
    let findings = try #require(JSONSerialization.jsonObject(with: Data(o.utf8)) as? [String: Any], "\(o)\(e)")
    #expect((findings["failures"] as? [Any])?.isEmpty == true, "\(o)")
    print("browser check (\(shot)): \(o)")
    return findings
}

@Suite(.serialized) struct ServeFilesTests {
    static let files = ["esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst", "definition-glbx-es-fut.dbn.zst", "definition-glbx-es-futspread.dbn.zst"]
        .map { Fixtures.path("dbn/cme/\($0)") }

    /// DBN files outside the lake: the first trade date with a selected contract (the ES reopen;
    /// the file's Christmas-day data selects none), answered from the lake's indexes.
    @Test func filesReplayTheirFirstSelectedDate() throws {
        let (server, url) = try startServe(["--replay"] + Self.files + ["--symbol", "ES", "--speed", "50"])
        defer { server.interrupt(); server.waitUntilExit() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The state once the day is loaded (decoding the files takes a while on a busy machine).
        let script = """
            import json, sys, time, urllib.request
            for _ in range(600):
                state = urllib.request.urlopen(sys.argv[1]).read().decode()
                if json.loads(state)["symbol"]: break
                time.sleep(0.2)
            print(state)
            """
        p.arguments = ["python3", "-c", script, url + "api/replay"]
        let out = Pipe(); p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let state = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(state["symbol"] as? String == "ES")
        #expect(state["date"] as? String == "2023-12-26")
        #expect(state["contract"] as? String == "ESH4")
    }

    @Test func aDateWithoutASelectedContractIsRefused() throws {
        let r = try precedent(["serve", "--lake", ServedLake.path, "--config", ServedLake.configPath, "--replay"] + Self.files
                              + ["--symbol", "ES", "--date", "2023-12-25", "--port", "0"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("no selected contract of ES on trade date 2023-12-25"))
    }
}
