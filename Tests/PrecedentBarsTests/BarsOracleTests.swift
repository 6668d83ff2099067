import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// The bars side against its references on the real Lean ES minute data (14 days across the
/// December 2013 roll): resampling against pandas, indicators against TA-Lib.
@Suite struct BarsOracleTests {
    static let zips: [String] = {
        let dir = Fixtures.path("bars/lean-es/minute")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix("_trade.zip") }.sorted().map { dir + "/" + $0 }
    }()

    @Test func minuteFilesParseWithoutRejections() throws {
        #expect(Self.zips.count == 14)
        var contracts = Set<String>()
        for z in Self.zips {
            let (bars, rejections) = try LeanMinuteTrades.read(zip: z)
            #expect(rejections.isEmpty, "\(rejections.prefix(3))")
            #expect(!bars.isEmpty)
            contracts.formUnion(bars.map(\.contract))
        }
        #expect(contracts.contains("ESZ3") && contracts.contains("ESH4"))
    }

    /// Each contract's minutes of all 14 days as one series, as pandas resamples it by default
    /// (origin at midnight of the series' first day): lengths that do not divide a day (7, 13, 100
    /// minutes) run on across midnights; 45, 90 and 240 divide it.
    @Test(arguments: [7, 13, 45, 90, 100, 240])
    func resamplingAcrossDaysEqualsPandas(minutes: Int) throws {
        var bars: [Bar] = []
        for z in Self.zips { bars += try LeanMinuteTrades.read(zip: z).bars }
        let mine = Resampler.resample(bars, minutes: minutes)
        let r = try Oracle.run("bars_oracle.py", ["resample-series", String(minutes)] + Self.zips)
        try #require(r.status == 0, "\(r.output)")
        struct Row: Decodable { var contract: String; var start_ns: Int64; var open, high, low, close: Double; var volume: Int64 }
        let theirs = try r.output.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        let byKey = Dictionary(uniqueKeysWithValues: theirs.map { ("\($0.contract)|\($0.start_ns)", $0) })
        #expect(mine.count == theirs.count, "\(minutes) min: \(mine.count) bars, pandas \(theirs.count)")
        var missing = 0
        for b in mine {
            guard let t = byKey["\(b.contract)|\(b.start.rawValue)"] else { missing += 1; continue }
            #expect(b.open.doubleValue == t.open && b.high.doubleValue == t.high && b.low.doubleValue == t.low
                    && b.close.doubleValue == t.close && b.volume == t.volume, "\(b.contract) \(b.start.iso8601 ?? "")")
        }
        #expect(missing == 0, "\(minutes) min: \(missing) of our bars start where pandas has none")
    }

    @Test(arguments: [5, 7, 15, 30, 45, 60, 90, 240])
    func resamplingEqualsPandasPerContract(minutes: Int) throws {
        for z in Self.zips {
            let mine = Resampler.resample(try LeanMinuteTrades.read(zip: z).bars, minutes: minutes)
            let r = try Oracle.run("bars_oracle.py", ["resample", z, String(minutes)])
            try #require(r.status == 0, "\(r.output)")
            struct Row: Decodable { var contract: String; var start_ns: Int64; var open, high, low, close: Double; var volume: Int64 }
            let theirs = try r.output.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
            // pandas groups by contract file; compare as sets of (contract, start).
            let key = { (c: String, s: Int64) in "\(c)|\(s)" }
            let byKey = Dictionary(uniqueKeysWithValues: theirs.map { (key($0.contract, $0.start_ns), $0) })
            #expect(mine.count == theirs.count, "\(z) \(minutes) min: \(mine.count) bars, pandas \(theirs.count)")
            for b in mine {
                guard let t = byKey[key(b.contract, Int64(b.start.rawValue))] else {
                    Issue.record("\(z): \(b.contract) \(b.start.iso8601 ?? "") not in pandas"); continue
                }
                #expect(b.open.doubleValue == t.open && b.high.doubleValue == t.high && b.low.doubleValue == t.low
                        && b.close.doubleValue == t.close && b.volume == t.volume, "\(z) \(b.contract) \(b.start.iso8601 ?? "")")
            }
        }
    }

    @Test(arguments: [1, 60])
    func indicatorsEqualTALib(minutes: Int) throws {
        // The real ESZ3 series across all 14 days (1-minute, and resampled to 60 minutes).
        var bars: [Bar] = []
        for z in Self.zips { bars += try LeanMinuteTrades.read(zip: z).bars.filter { $0.contract == "ESZ3" } }
        bars = Resampler.resample(bars, minutes: minutes)
        try #require(bars.count > 100)
        let h = bars.map { $0.high.doubleValue! }, l = bars.map { $0.low.doubleValue! }, c = bars.map { $0.close.doubleValue! }
        let path = Oracle.temporaryPath(".json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JSONSerialization.data(withJSONObject: ["high": h, "low": l, "close": c]).write(to: URL(fileURLWithPath: path))
        let r = try Oracle.run("bars_oracle.py", ["talib", path])
        try #require(r.status == 0, "\(r.output)")
        let t = try JSONDecoder().decode([String: [Double?]].self, from: Data(r.output.utf8))
        let macd = Indicators.macd(c), bb = Indicators.bollinger(c)
        let mine: [String: [Double?]] = [
            "rsi": Indicators.rsi(c), "macd": macd.macd, "macd_signal": macd.signal, "macd_hist": macd.histogram,
            "bb_upper": bb.upper, "bb_middle": bb.middle, "bb_lower": bb.lower, "atr": Indicators.atr(high: h, low: l, close: c),
        ]
        for (name, values) in mine {
            let theirs = try #require(t[name])
            #expect(values.count == theirs.count)
            var compared = 0
            for (i, (a, b)) in zip(values, theirs).enumerated() {
                switch (a, b) {
                case (nil, nil): continue
                case let (x?, y?):
                    compared += 1
                    if abs(x - y) > 1e-9 * max(1, abs(y)) { Issue.record("\(name)[\(i)] = \(x), TA-Lib \(y)") }
                default: Issue.record("\(name)[\(i)]: \(String(describing: a)) vs TA-Lib \(String(describing: b))")
                }
            }
            #expect(compared > 50, "\(name): only \(compared) values compared")
        }
    }
}

@Suite struct TicksTests {
    /// The 500,000 real ES trades (US Central times) → 1-minute UTC bars, equal to pandas.
    @Test func tradesToMinuteBarsEqualPandas() throws {
        let path = Fixtures.path("ticks/es_trades_2013-09-01_03.csv.zst")
        let (ticks, rejections) = try TicksCSV.read(path: path, timeZone: "America/Chicago")
        #expect(ticks.count == 500_000 && rejections.isEmpty)
        let mine = Resampler.minuteBars(ticks, contract: "ESU3")
        let r = try Oracle.run("bars_oracle.py", ["ticks", path])
        try #require(r.status == 0, "\(r.output)")
        struct Row: Decodable { var start_ns: Int64; var open, high, low, close: Double; var volume: Int64 }
        let theirs = try r.output.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        #expect(mine.count == theirs.count)
        for (a, b) in zip(mine, theirs) {
            #expect(Int64(a.start.rawValue) == b.start_ns && a.open.doubleValue == b.open && a.high.doubleValue == b.high
                    && a.low.doubleValue == b.low && a.close.doubleValue == b.close && a.volume == b.volume, "\(a.start.iso8601 ?? "")")
        }
        // 2013-09-01 17:00:00.083 CDT is 22:00:00.083 UTC.
        #expect(ticks[0].ts.iso8601 == "2013-09-01T22:00:00.083000000Z")
    }

    /// A trade dated where UTC nanoseconds since 1970 cannot go (before 1970, after 2554) is a
    /// rejection with its line, not an overflow (a crash, found by `scripts/fuzz.sh text`). The
    /// lines are the file's first two trades; copies of the second are re-dated by hand.
    @Test func timesOutsideUTCNanosecondsAreRejected() throws {
        let text = try String(decoding: Zstd.decompress(Array(FileManager.default.contents(
            atPath: Fixtures.path("ticks/es_trades_2013-09-01_03.csv.zst"))!)).prefix(4096), as: UTF8.self)
        let lines = text.split(separator: "\n").prefix(3).map(String.init)
        let path = Oracle.temporaryPath(".csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let redated = ["1969-12-31", "2600-01-01"].map { $0 + lines[2].dropFirst(10) }
        try ([lines[0], lines[1]] + redated + [lines[2]]).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (ticks, rejections) = try TicksCSV.read(path: path, timeZone: "America/Chicago")
        #expect(ticks.count == 2 && ticks[0].ts.iso8601 == "2013-09-01T22:00:00.083000000Z")
        #expect(rejections.map(\.line) == [3, 4] && rejections.allSatisfy { $0.reason.contains("outside 1970") }, "\(rejections)")
    }
}
