import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PrecedentCore
import PrecedentTestSupport
import Testing

/// `precedent serve --live` against the mock gateway (Tests/Live/mock_gateway.py) serving the
/// AMZN day's DBN file until 12:25 ET, with a disconnect in the middle of the stream: the page in
/// headless Chromium passes the view's browser check, shows the gap, and holds exactly what a
/// replay of the lake's same day moved to the same moment shows (columns, levels, triggers with
/// their labels and answers, last window).
@Suite(.serialized) struct LiveViewTests {
    static let amzn = ServedLake.path + "/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn/amzn-20120621.mbo.dbn.zst"

    @Test func liveViewShowsWhatAReplayOfTheSameRecordsShows() throws {
        let clock = try ExchangeClock(timeZone: "America/New_York", boundary: nil)
        let day = CivilDate(year: 2012, month: 6, day: 21)
        let open = clock.moment(day, LocalTime("09:30")!), until = clock.moment(day, LocalTime("12:25")!)
        let key = "db-" + String((0..<29).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement()! })

        let mock = Process()
        mock.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        mock.arguments = ["python3", Fixtures.repositoryRoot.appendingPathComponent("Tests/Live/mock_gateway.py").path, "--file", Self.amzn,
                          "--key", key, "--until", String(until.rawValue), "--disconnect-after", "15000"]
        let mockOut = Pipe()
        mock.standardOutput = mockOut
        try mock.run()
        defer { kill(mock.processIdentifier, SIGKILL); mock.waitUntilExit() }
        var banner = ""
        while !banner.contains("\n") {
            let d = mockOut.fileHandleForReading.availableData
            if d.isEmpty { break }
            banner += String(decoding: d, as: UTF8.self)
        }
        let port = try #require(banner.split(separator: " ").dropFirst().first.flatMap { Int($0) }, "mock: \(banner)")

        let (live, liveURL) = try startServe(["--live", "--symbol", "AMZN", "--symbols", "AMZN", "--stype-in", "raw_symbol", "--dataset", "XNAS.ITCH",
                                              "--gateway", "127.0.0.1:\(port)", "--start", String(open.rawValue), "--backoff", "0.2"],
                                             environment: ["DATABENTO_API_KEY": key])
        defer { live.interrupt(); live.waitUntilExit() }

        // The feed has delivered everything served when its clock stops moving in the last second before `until`.
        var state: [String: Any] = [:]
        var quiet = 0
        for _ in 0..<600 where quiet < 4 {
            Thread.sleep(forTimeInterval: 0.5)
            let data = try Data(contentsOf: URL(string: liveURL + "api/replay")!)
            let now = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let clockNow = (now["clock"] as? NSNumber)?.uint64Value ?? 0
            quiet = clockNow + 1_000_000_000 >= until.rawValue && (now["records"] as? Int) == (state["records"] as? Int) ? quiet + 1 : 0
            state = now
        }
        #expect(quiet >= 4, "the live view did not reach \(until): \(state)")
        #expect(state["live"] as? Bool == true)
        #expect(state["gaps"] as? Int == 1, "one disconnect, one gap: \(state)")
        #expect(state["error"] is NSNull, "\(state)")
        let last = try #require((state["clock"] as? NSNumber)?.uint64Value)
        let at = String((state["clock_local"] as? String ?? "").suffix(8))

        // The replay controls are refused.
        var pause = URLRequest(url: URL(string: liveURL + "api/replay?action=pause")!)
        pause.httpMethod = "POST"
        #expect(try Self.status(pause) == 409)

        let liveFindings = try viewCheck(liveURL, ["--live"], shot: "serve-live.png")
        let gaps = liveFindings["gaps"] as? [String] ?? []
        #expect(gaps.contains { $0.contains("closed by replay") }, "the page's gap log: \(gaps)")
        let (replay, replayURL) = try startServe(["--symbol", "AMZN", "--date", "2012-06-21", "--time", at, "--speed", "1"])
        defer { replay.interrupt(); replay.waitUntilExit() }
        let replayFindings = try viewCheck(replayURL, ["--at", at], shot: "serve-replay-at.png")

        let livePage = try #require(liveFindings["page"] as? [String: Any]), replayPage = try #require(replayFindings["page"] as? [String: Any])
        #expect((livePage["last"] as? [String]) == [String(last)])
        #expect((livePage["columns"] as? Int ?? 0) >= 300)
        #expect(((livePage["triggers"] as? [Any])?.count ?? 0) > 0)
        for field in ["columns", "first", "last", "columns_sha256", "levels", "triggers", "last_window"] {
            let a = try JSONSerialization.data(withJSONObject: ["v": livePage[field] ?? NSNull()], options: .sortedKeys)
            let b = try JSONSerialization.data(withJSONObject: ["v": replayPage[field] ?? NSNull()], options: .sortedKeys)
            #expect(a == b, "\(field): live \(String(decoding: a, as: UTF8.self).prefix(300)) vs replay \(String(decoding: b, as: UTF8.self).prefix(300))")
        }
    }

    static func status(_ request: URLRequest) throws -> Int {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var code = 0
        URLSession.shared.dataTask(with: request) { _, response, _ in
            code = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }.resume()
        done.wait()
        return code
    }
}
