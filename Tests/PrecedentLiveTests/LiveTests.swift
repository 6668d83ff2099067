import Foundation
import PrecedentCore
import PrecedentDBN
@testable import PrecedentLive
import PrecedentTestSupport
import Testing

// MARK: - helpers

/// A test key of the mock gateway only (32 characters, like Databento's).
let mockKey = "db-mockgatewaytestkey000000ABCDE"
let esFiles = ["dbn/cme/esh4-glbx-mdp3-20231224.mbo.dbn.zst", "dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst"].map(Fixtures.path)
let liveScripts = Fixtures.repositoryRoot.appendingPathComponent("Tests/Live").path

/// The Python mock gateway (Tests/Live/mock_gateway.py) serving `files`, on a free port.
final class MockGateway {
    let process = Process()
    let port: Int
    let log: String

    init(files: [String] = esFiles, _ extra: [String] = []) throws {
        log = Oracle.temporaryPath(".jsonl")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", liveScripts + "/mock_gateway.py", "--key", mockKey, "--log", log]
            + files.flatMap { ["--file", $0] } + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // First line: `PORT <n> RECORDS <m>`.
        var line = Data()
        while true {
            let b = out.fileHandleForReading.readData(ofLength: 1)
            if b.isEmpty || b == Data([0x0A]) { break }
            line.append(b)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count >= 2, let p = Int(words[1]) else { throw LiveError.connection("the mock gateway did not start: \(String(decoding: line, as: UTF8.self))") }
        port = p
    }

    deinit { stop() }

    func stop() {
        // SIGKILL: a child of the test process was seen to ignore SIGTERM (the mask it inherits).
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    /// The mock's session log.
    func events() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    var sessions: Int { events().filter { $0["event"] as? String == "connect" }.count }
}

struct Run { var status: Int32; var stdout: String; var stderr: String }

func precedentBinary() throws -> String {
    let path = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent").path
    try #require(FileManager.default.isExecutableFile(atPath: path), "build the precedent product first")
    return path
}

/// Runs `precedent args` with `DATABENTO_API_KEY` set to `key` (unless nil).
func precedent(_ args: [String], key: String? = mockKey) throws -> Run {
    var env = ProcessInfo.processInfo.environment
    env["DATABENTO_API_KEY"] = key
    let r = try Oracle.capture(URL(fileURLWithPath: try precedentBinary()), args, environment: env)
    return Run(status: r.status, stdout: r.output, stderr: r.errors)
}

func rawFolder(_ lake: String) -> String {
    "\(lake)/raw/source=databento/product_type=future/symbol=ES/table=market_by_order_dbn"
}

func recordedFiles(_ lake: String) -> [String] {
    let folder = rawFolder(lake)
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".live.dbn") }.sorted().map { folder + "/" + $0 }
}

/// Tests/Live/compare_recorded.py: the recorded MBO records against the served files (databento_dbn reads both).
func compareRecorded(_ lake: String, prefix: Bool = false) throws -> (ok: Bool, report: [String: Any]) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", liveScripts + "/compare_recorded.py", "--served"] + esFiles + ["--recorded"] + recordedFiles(lake) + (prefix ? ["--prefix"] : [])
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let report = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? ["output": String(decoding: data, as: UTF8.self)]
    return (p.terminationStatus == 0, report)
}

func record(_ mock: MockGateway, lake: String, _ extra: [String], key: String? = mockKey) throws -> Run {
    try precedent(["live", "record", "--lake", lake, "--symbols", "ES.FUT", "--stype-in", "parent",
                   "--gateway", "127.0.0.1:\(mock.port)", "--backoff", "0.2"] + extra, key: key)
}

func gapLog(_ lake: String) -> [[String: Any]] {
    let text = (try? String(contentsOfFile: rawFolder(lake) + "/_gaps.jsonl", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
}

// MARK: - the protocol, without sockets

@Suite struct GatewayProtocolTests {
    /// The authentication line's response equals the official client's `get_challenge_response`.
    @Test func challengeResponseMatchesTheOfficialClient() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sys; from databento.common.cram import get_challenge_response as g; print(g(sys.argv[1], sys.argv[2]))",
                       "R2Zsb3dlcnM=", mockKey]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let official = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        p.waitUntilExit()
        let key = try APIKey(mockKey)
        #expect(key.response(to: "R2Zsb3dlcnM=") == official)
        #expect(official.hasSuffix("-ABCDE"))
        #expect("\(key)" == "…ABCDE")
    }

    /// The text phase, fed one byte at a time: greeting, challenge, reply; then the lines it sends.
    @Test func textPhaseByteByByte() throws {
        var request = LiveRequest(dataset: "GLBX.MDP3", schema: .mbo, stypeIn: .parent, symbols: ["ES.FUT"])
        request.start = 1_703_376_000_000_000_000
        request.heartbeatInterval = 10
        var proto = GatewayProtocol(request: request, key: try APIKey(mockKey))
        var sent: [String] = []
        var session: String?
        for b in Array("lsg_version=0.4.2\ncram=abc\nsuccess=1|session_id=77|\n".utf8) {
            try [b].withUnsafeBytes { raw in
                try proto.receive(raw) { e in
                    if case .send(let l) = e { sent.append(l) }
                    if case .authenticated(let id) = e { session = id }
                }
            }
        }
        let key = try APIKey(mockKey)
        #expect(session == "77")
        #expect(sent == [
            "auth=\(key.response(to: "abc"))|dataset=GLBX.MDP3|encoding=dbn|ts_out=0|compression=none|heartbeat_interval_s=10|client=Precedent\n",
            "schema=mbo|stype_in=parent|symbols=ES.FUT|start=1703376000000000000|snapshot=0|is_last=1\n",
            "start_session=0\n",
        ])
        #expect(proto.phase == .streaming)
    }

    @Test func refusalIsAnAuthenticationError() throws {
        var proto = GatewayProtocol(request: LiveRequest(dataset: "GLBX.MDP3", schema: .mbo, stypeIn: .parent, symbols: ["ES.FUT"]),
                                    key: try APIKey(mockKey))
        #expect(throws: LiveError.authentication("Authentication failed.")) {
            try Array("lsg_version=x\ncram=c\nsuccess=0|error=Authentication failed.\n".utf8).withUnsafeBytes { try proto.receive($0) { _ in } }
        }
    }

    /// 1,201 symbols: three lines of at most 500, `is_last` only on the last.
    @Test func symbolsAreBatched() {
        let symbols = (0..<1201).map { "S\($0)" }
        let lines = LiveRequest(dataset: "XNAS.ITCH", schema: .trades, stypeIn: .rawSymbol, symbols: symbols).subscriptionLines()
        #expect(lines.count == 3)
        let counts = lines.map { l in GatewayProtocol.fields(String(l.dropLast()))["symbols"]!.split(separator: ",").count }
        #expect(counts == [500, 500, 201])
        #expect(lines.map { GatewayProtocol.fields(String($0.dropLast()))["is_last"]! } == ["0", "0", "1"])
        #expect(lines.flatMap { GatewayProtocol.fields(String($0.dropLast()))["symbols"]!.split(separator: ",").map(String.init) } == symbols)
    }

    /// Where a replay resumes, worked by hand: the last record was received at 10 s with ts_event 9.5 s,
    /// so the replay starts at min(9.5, 10 − 1) = 9 s, and the gateway (filtering on ts_event) sends
    /// again the delivered records with ts_event ≥ 9 s, in order: (9.2, 9.0), (9.8, 9.1), (10, 9.5);
    /// not (9.6, 8.9), received later but stamped earlier.
    @Test func resumePointByHand() {
        var r = ResumePoint()
        let s: UInt64 = 1_000_000_000
        for (recv, event) in [(8 * s, 7 * s), (9 * s + s / 5, 9 * s), (9 * s + 6 * s / 10, 8 * s + 9 * s / 10), (9 * s + 8 * s / 10, 9 * s + s / 10), (10 * s, 9 * s + s / 2)] {
            r.append(recv: recv, event: event)
        }
        let (start, replayed) = r.resume()!
        #expect(start == 9 * s)
        #expect(replayed.map(\.recv) == [9 * s + s / 5, 9 * s + 8 * s / 10, 10 * s])
    }
}

// MARK: - against the mock gateway

@Suite(.serialized) struct LiveRecordTests {
    /// The mock speaks the protocol the official client speaks: `databento.Live` receives every
    /// served record, equal field by field, and a wrong key is refused.
    @Test func mockIsCheckedByTheOfficialClient() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", liveScripts + "/official_client_check.py"] + esFiles
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("\"received\": 53096"), "\(text)")
    }

    /// A disconnect in the middle of the stream (inside a record): reconnect, intraday replay from
    /// just before the last record, and the files hold every served record once. Two UTC days → two
    /// files; `precedent run` reads them into the same bronze as the original files.
    @Test func disconnectIsReplayedWithNothingMissingOrTwice() throws {
        let mock = try MockGateway(["--disconnect-after", "20000"])
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let run = try record(mock, lake: lake, ["--duration", "4", "--start", "2023-12-24T00:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let (ok, report) = try compareRecorded(lake)
        #expect(ok, "\(report)")
        #expect(recordedFiles(lake).map { ($0 as NSString).lastPathComponent }
                == ["glbx-mdp3-mbo-2023-12-24.live.dbn", "glbx-mdp3-mbo-2023-12-25.live.dbn"])
        #expect(mock.sessions == 2)
        let subscriptions = mock.events().filter { $0["event"] as? String == "subscribe" }
        #expect(subscriptions.count == 2)
        let gaps = gapLog(lake).filter { $0["closed_by"] as? String == "replay" }
        #expect(gaps.count == 1, "\(gapLog(lake))")
        if let g = gaps.first {
            #expect((g["dropped"] as? Int ?? 0) > 0)
            #expect(g["mismatched"] as? Int == 0)
            #expect("\(subscriptions[1]["start"] ?? "")" == "\(g["resume_start"] ?? "-")")
        }
        for f in recordedFiles(lake) {
            let info = try precedent(["dbn", "info", f])
            #expect(info.status == 0, "\(info.stderr)")
        }
        // The raw tree is what `precedent run` reads: bronze equals the bronze of the original files.
        let original = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: original) }
        let folder = rawFolder(original)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for f in esFiles { try FileManager.default.createSymbolicLink(atPath: folder + "/" + (f as NSString).lastPathComponent, withDestinationPath: f) }
        let config = Fixtures.repositoryRoot.appendingPathComponent("config/sample.yaml").path
        for l in [lake, original] {
            let r = try precedent(["run", "--layer", "bronze", "--symbol", "ES", "--lake", l, "--config", config, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try Fixtures.parquetFiles(under: lake + "/bronze"), b = try Fixtures.parquetFiles(under: original + "/bronze")
        #expect(!a.isEmpty && a == b)
    }

    /// A wrong key: a clear error, a non-zero exit, and the key nowhere in the output.
    @Test func wrongKeyIsRefusedWithoutShowingTheKey() throws {
        let mock = try MockGateway()
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let wrong = "db-wrongkeywrongkeywrongkeyXYZ12"
        let run = try record(mock, lake: lake, ["--duration", "10"], key: wrong)
        #expect(run.status == 1)
        #expect(run.stderr.contains("authentication failed: Authentication failed."), "\(run.stderr)")
        #expect(!run.stderr.contains(wrong) && !run.stdout.contains(wrong))
        #expect(!run.stderr.contains(String(wrong.dropLast(5))))
        #expect(mock.sessions == 1)  // no retry with a refused key
        // Nothing of the key in the lake either.
        for f in (FileManager.default.enumerator(atPath: lake)?.allObjects as? [String]) ?? [] {
            let data = FileManager.default.contents(atPath: lake + "/" + f) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(String(wrong.dropLast(5))))
        }
    }

    /// A fatal error record ends the run with its message, exit 1, no reconnect; what came before is kept.
    @Test func fatalErrorEndsTheSession() throws {
        let mock = try MockGateway(["--error-after", "5000", "--error-code", "2", "--error-text", "API key deactivated."])
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let run = try record(mock, lake: lake, ["--duration", "10"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("gateway error 2 (API key deactivated): API key deactivated."), "\(run.stderr)")
        #expect(mock.sessions == 1)
        let (ok, report) = try compareRecorded(lake, prefix: true)
        #expect(ok, "\(report)")
        #expect(report["recorded"] as? Int == 5000)
    }

    /// Heartbeats keep a quiet session alive (interval 5 s, margin 2 s, 10 s of quiet after the
    /// records); their absence (the mock goes silent) triggers a reconnect and a replay.
    @Test func heartbeatsKeepAliveAndSilenceReconnects() throws {
        let quiet = try MockGateway()
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let run = try record(quiet, lake: lake, ["--duration", "12", "--heartbeat", "5", "--heartbeat-margin", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(quiet.sessions == 1, "\(run.stderr)")
        #expect(try compareRecorded(lake).ok)

        let silent = try MockGateway(["--silence-after", "30000"])
        let lake2 = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake2) }
        let run2 = try record(silent, lake: lake2, ["--duration", "12", "--heartbeat", "5", "--heartbeat-margin", "2"])
        #expect(run2.status == 0, "\(run2.stderr)")
        #expect(run2.stderr.contains("no record or heartbeat for 7 s"), "\(run2.stderr)")
        #expect(silent.sessions == 2)
        let (ok, report) = try compareRecorded(lake2)
        #expect(ok, "\(report)")
    }

    /// A slow-reader warning is shown and the stream goes on, complete; the zstd-compressed stream too.
    @Test func slowReaderWarningAndCompressedStream() throws {
        let mock = try MockGateway(["--slow-reader-after", "1000"])
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let run = try record(mock, lake: lake, ["--duration", "4", "--compression", "zstd"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("live: gateway: Warning: slow reading"), "\(run.stderr)")
        #expect(mock.sessions == 1)
        #expect(mock.events().contains { $0["event"] as? String == "auth" && $0["compression"] as? String == "zstd" })
        let (ok, report) = try compareRecorded(lake)
        #expect(ok, "\(report)")
    }

    /// The recorder killed with SIGKILL at random moments while the mock serves at 15,000 records/s:
    /// after each kill every file reads to its end, holds a prefix of the served records, and a
    /// restart (intraday replay from the last record on file) finally completes it.
    @Test func sigkillAtRandomMomentsLosesNothingFlushed() throws {
        let mock = try MockGateway(["--pace", "15000"])
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        var random = SystemRandomNumberGenerator()
        var kills = 0, lastCount = 0
        for round in 0..<5 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try precedentBinary())
            p.arguments = ["live", "record", "--lake", lake, "--symbols", "ES.FUT", "--gateway", "127.0.0.1:\(mock.port)",
                           "--backoff", "0.2", "--flush-seconds", "0.2", "--start", "2023-12-24T00:00:00Z"]
            var env = ProcessInfo.processInfo.environment
            env["DATABENTO_API_KEY"] = mockKey
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 600_000...1_400_000, using: &random))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            kills += 1
            for f in recordedFiles(lake) {
                let info = try precedent(["dbn", "info", f])
                #expect(info.status == 0, "round \(round): \(f): \(info.stderr)")
            }
            let (ok, report) = try compareRecorded(lake, prefix: true)
            #expect(ok, "round \(round): \(report)")
            let count = report["recorded"] as? Int ?? 0
            #expect(count >= lastCount, "round \(round): records on file went down")
            lastCount = count
        }
        // A last run to completion.
        let run = try record(mock, lake: lake, ["--duration", "6", "--flush-seconds", "0.2", "--start", "2023-12-24T00:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let (ok, report) = try compareRecorded(lake)
        #expect(ok, "\(report)")
        #expect(kills == 5)
        // Every replay lined up with what was on file.
        #expect(gapLog(lake).allSatisfy { ($0["mismatched"] as? Int ?? 0) == 0 }, "\(gapLog(lake))")
    }
}
