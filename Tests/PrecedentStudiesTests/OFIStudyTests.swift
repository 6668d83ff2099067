import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentLake
import PrecedentLOBSTER
import PrecedentPipeline
import PrecedentStudies
import PrecedentTestSupport
import Testing

/// The OFI study against an independent computation from LOBSTER's own files
/// (Tests/Oracle/ofi_lobster.py reads the order-book rows, not our book).
@Suite(.serialized) struct OFIStudyTests {
    static let message = Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv")
    static let orderbook = Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv")

    /// A lake with the AMZN day's bronze partition and selection map.
    static let lake: String = {
        let lake = Oracle.temporaryPath("-ofi-lake")
        let amzn = lake + "/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn"
        try! FileManager.default.createDirectory(atPath: amzn, withIntermediateDirectories: true)
        var options = LOBSTERImporter.Options(symbol: "AMZN", date: CivilDate(year: 2012, month: 6, day: 21))
        options.timeZone = "America/New_York"
        _ = try! LOBSTERImporter.run(messages: message, orderbook: orderbook, options: options, output: amzn + "/amzn-20120621.mbo.dbn.zst")
        var run = RunOptions()
        run.stageNames = ["bronze", "selection"]; run.roots = ["AMZN"]
        let report = PipelineRunner(context: try! context(lake), options: run).run()
        precondition(report.failed == 0, report.text())
        return lake
    }()

    static func context(_ lake: String) throws -> PipelineContext {
        try PipelineContext(lake: Lake(root: lake), config: try PipelineConfig.load(path: Fixtures.repositoryRoot.appendingPathComponent("config/sample.yaml").path),
                            roots: ["AMZN"])
    }

    @Test(arguments: [(10, 1800), (60, 3600)])
    func equalsTheComputationFromLOBSTERRows(interval: Int, window: Int) throws {
        var options = OFIStudy.Options()
        options.interval = UInt64(interval) * 1_000_000_000
        options.window = UInt64(window) * 1_000_000_000
        let days = try OFIStudy.run(context: try Self.context(Self.lake), root: "AMZN", dates: nil, options: options)
        #expect(days.count == 1)
        let ours = try #require(JSONSerialization.jsonObject(with: Data(OFIReport.json(root: "AMZN", days: days, options: options, intervals: true).utf8))
                                as? [String: Any])
        let result = try Oracle.run("ofi_lobster.py", [Self.message, Self.orderbook, "2012-06-21", "America/New_York",
                                                       "--interval", String(interval), "--window", String(window)])
        #expect(result.status == 0, "\(result.output)")
        let theirs = try #require(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output.prefix(500))")

        // Every interval: start, OFI, trade imbalance and mid change exactly.
        let a = try #require(ours["intervals"] as? [[String: Any]]), b = try #require(theirs["intervals"] as? [[String: Any]])
        #expect(a.count == 23_400 / window * (window / interval) && a.count == b.count)  // the intervals of whole windows
        var differing: [String] = []
        for (x, y) in zip(a, b) {
            func same(_ p: Any?, _ q: Any?) -> Bool {
                guard let p = p as? NSNumber, let q = q as? NSNumber else { return p is NSNull && q is NSNull }
                return p.doubleValue == q.doubleValue && p.int64Value == q.int64Value
            }
            for field in ["start", "ofi", "trade_imbalance", "mid_change_ticks"] where !same(x[field], y[field]) {
                differing.append("interval \(x["start"] ?? "?") \(field): ours \(x[field] ?? "nil"), LOBSTER rows \(y[field] ?? "nil")")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        // Something to compare: OFI and mid changes that are not all zero.
        #expect(a.contains { ($0["ofi"] as? Int ?? 0) != 0 } && a.contains { ($0["mid_change_ticks"] as? Double ?? 0) != 0 })

        // Every window's regressions and depth, to rounding.
        let wa = try #require(ours["windows"] as? [[String: Any]]), wb = try #require(theirs["windows"] as? [[String: Any]])
        #expect(wa.count == 23_400 / window && wa.count == wb.count)  // whole windows of the 6.5-hour session
        func close(_ x: Any?, _ y: Any?) -> Bool {
            guard let p = (x as? NSNumber)?.doubleValue, let q = (y as? NSNumber)?.doubleValue else { return x is NSNull && y is NSNull }
            return abs(p - q) <= 1e-9 * max(1, abs(q))
        }
        for (x, y) in zip(wa, wb) {
            #expect(close(x["average_depth"], y["average_depth"]), "depth \(x["average_depth"] ?? "nil") vs \(y["average_depth"] ?? "nil")")
            for kind in ["ofi", "trade"] {
                let rx = try #require(x[kind] as? [String: Any]), ry = try #require(y[kind] as? [String: Any])
                #expect((rx["n"] as? Int) == (ry["n"] as? Int))
                for field in ["alpha", "beta", "t_alpha", "t_beta", "r2"] {
                    #expect(close(rx[field], ry[field]), "window \(x["start"] ?? "?") \(kind) \(field): \(rx[field] ?? "nil") vs \(ry[field] ?? "nil")")
                }
            }
        }
    }

    /// A hand-worked sequence: the non-strict inequalities count queue changes at an unchanged price.
    @Test func eventContributionsByHand() throws {
        func m(_ t: UInt64, _ action: Action, _ side: Side, _ id: UInt64, _ price: Int64, _ size: UInt32) -> MBOMsg {
            MBOMsg(hd: RecordHeader(byteSize: MBOMsg.recordSize, rtype: RType.mbo, publisherID: 1, instrumentID: 7, tsEvent: UnixNanos(rawValue: t)),
                   orderID: id, price: Price(rawValue: price * 10_000_000), size: size, flags: .last, channelID: 0, action: action, side: side,
                   tsRecv: UnixNanos(rawValue: t), tsInDelta: 0, sequence: 0)
        }
        let s: UInt64 = 1_000_000_000
        // Ticks of 0.01 (1e7 units). Before the session: bid 100 @ 10.00, ask 50 @ 10.02.
        let records = [
            m(1, .add, .bid, 1, 1000, 100), m(2, .add, .ask, 2, 1002, 50),
            // Interval 0 [10 s, 20 s): bid queue grows by 30 at the same price: e = 130 − 100 = +30.
            m(11 * s, .add, .bid, 3, 1000, 30),
            // A new better bid 10.01 × 20: e = +20 (price up: the new queue counts, the old one not).
            m(12 * s, .add, .bid, 4, 1001, 20),
            // Interval 1 [20 s, 30 s): the ask at 10.02 is taken away (cancelled): ask side empty → +∞, e = +50 (the old ask queue).
            m(21 * s, .cancel, .ask, 2, 1002, 50),
            // A new ask at 10.03 × 40 (the ask from +∞ to 10.03): e = −40.
            m(22 * s, .add, .ask, 5, 1003, 40),
        ]
        var options = OFIStudy.Options()
        options.interval = 10 * s
        options.window = 30 * s
        let day = OFIStudy.day(date: CivilDate(year: 1970, month: 1, day: 1), contract: "X", records: records,
                               session: UnixNanos(rawValue: 10 * s)..<UnixNanos(rawValue: 40 * s), coveredUntil: UnixNanos(rawValue: 40 * s),
                               tick: 10_000_000, options: options)
        #expect(day.intervals.map(\.ofi) == [50, 10, 0])
        // Mids in ticks ×2: at 10 s 1000+1002; at 20 s 1001+1002; at 30 s 1001+1003; at 40 s the same.
        #expect(day.intervals.map(\.midChangeTicks) == [0.5, 0.5, 0])
        #expect(day.windows.count == 1 && day.windows[0].ofi.n == 3)
    }
}
