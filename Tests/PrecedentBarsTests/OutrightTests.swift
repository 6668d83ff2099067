import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Spreads never reach an outright series (docs/BARS.md), on the real CME definitions and bars.
@Suite struct OutrightTests {
    @Test func spreadsAreExcludedAndCountedByDefinitionOrPattern() throws {
        let paths = ["dbn/cme/definition-glbx-es-fut.dbn.zst", "dbn/cme/definition-glbx-es-futspread.dbn.zst"].map(Fixtures.path)
        let defs = try InstrumentDefinitions.load(paths: paths)
        let filter = try OutrightFilter(root: "ES", definitions: defs)
        var verdicts: [OutrightFilter.Verdict: [String]] = [:]
        for (id, d) in defs.byID.sorted(by: { $0.key < $1.key }) {
            verdicts[filter.classify(symbol: d.rawSymbol.string, instrumentID: id), default: []].append(d.rawSymbol.string)
        }
        // The real files: one outright (ESM3) and two calendar spreads (instrument_class S).
        #expect(verdicts[.outright] == ["ESM3"])
        #expect(verdicts[.spread]?.sorted() == ["ESH5-ESM5", "ESM4-ESU4"])
        // Without a definition, the strict pattern decides.
        let bare = try OutrightFilter(root: "ES")
        #expect(bare.classify(symbol: "ESU4") == .outright && bare.classify(symbol: "ESM4-ESU4") == .spread)
        #expect(bare.classify(symbol: "NQU4") == .otherRoot && bare.classify(symbol: "ESU24X") == .spread)
    }

    @Test func aSpreadPriceCannotEnterAnOutrightSeries() throws {
        // Real ESU4 and NQU4 1-minute bars from DBN; keep ES outrights only.
        let (bars, unmapped) = try DBNBars.read(path: Fixtures.path("dbn/cme/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst"))
        #expect(unmapped == 0)
        let filter = try OutrightFilter(root: "ES")
        let es = bars.filter { filter.classify(symbol: $0.contract) == .outright }
        #expect(es.count == 30 && es.allSatisfy { $0.contract == "ESU4" })
        #expect(bars.filter { filter.classify(symbol: $0.contract) == .otherRoot }.count == 30)  // NQU4, counted apart
        let tick = Price(decimal: "0.25")!
        #expect(PriceSanity.check(es, tick: tick).isEmpty, "the real outright series passes")
        // One bar quoted as a calendar spread (60.25 points on the spread's 0.05 grid: 60.15) slipped in.
        var bad = es[10]
        bad.open = Price(decimal: "60.25")!; bad.high = Price(decimal: "60.25")!; bad.low = Price(decimal: "60.15")!; bad.close = Price(decimal: "60.15")!
        let issues = PriceSanity.check(es + [bad], tick: tick)
        #expect(issues.contains { $0.reason.contains("tick grid") } && issues.contains { $0.reason.contains("from the median") })
        #expect(issues.allSatisfy { $0.start == bad.start })
    }
}

/// Databento JSON/NDJSON OHLCV: the real ESU4/NQU4 1-minute records written both ways Databento
/// writes JSON (raw: nested `hd`, 64-bit values as strings; pretty: ISO times and decimal prices)
/// read back equal to the DBN file.
@Suite struct JSONBarsTests {
    @Test func bothJSONFormsEqualTheDBNRecords() throws {
        let dbn = Fixtures.path("dbn/cme/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst")
        let (bars, _) = try DBNBars.read(path: dbn)
        let ids: [String: UInt32] = ["ESU4": 118, "NQU4": 4358]
        var raw = "", pretty = ""
        for b in bars {
            raw += #"{"hd":{"ts_event":"\#(b.start.rawValue)","rtype":33,"publisher_id":1,"instrument_id":\#(ids[b.contract]!)},"#
                + #""open":"\#(b.open.rawValue)","high":"\#(b.high.rawValue)","low":"\#(b.low.rawValue)","close":"\#(b.close.rawValue)","volume":"\#(b.volume)"}"# + "\n"
            pretty += #"{"hd":{"ts_event":"\#(b.start.iso8601!)","instrument_id":\#(ids[b.contract]!)},"open":"\#(b.open.decimalString!)","#
                + #""high":"\#(b.high.decimalString!)","low":"\#(b.low.decimalString!)","close":"\#(b.close.decimalString!)","volume":\#(b.volume)}"# + "\n"
        }
        raw += "{\"hd\":{\"ts_event\":\"x\"}}\n"  // a broken line: counted, not coerced
        let p1 = Oracle.temporaryPath(".json"), p2 = Oracle.temporaryPath(".json")
        defer { for p in [p1, p2] { try? FileManager.default.removeItem(atPath: p) } }
        try raw.write(toFile: p1, atomically: true, encoding: .utf8)
        try pretty.write(toFile: p2, atomically: true, encoding: .utf8)
        let names = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
        let a = try DatabentoJSONBars.read(path: p1, prices: .fixed, symbols: names)
        let b = try DatabentoJSONBars.read(path: p2, prices: .decimal, symbols: names)
        #expect(a.bars == bars && b.bars == bars)
        #expect(a.rejections.count == 1 && a.rejections[0].line == bars.count + 1 && b.rejections.isEmpty)
        // The first bar re-dated by hand to days UTC nanoseconds cannot hold: rejected with their
        // lines, not an overflow (a crash, found by `scripts/fuzz.sh text`).
        let first = pretty.split(separator: "\n")[0]
        let iso = bars[0].start.iso8601!
        try ["1969-12-31", "2600-01-01"].map { first.replacingOccurrences(of: String(iso.prefix(10)), with: $0) }
            .joined(separator: "\n").write(toFile: p2, atomically: true, encoding: .utf8)
        let c = try DatabentoJSONBars.read(path: p2, prices: .decimal, symbols: names)
        #expect(c.bars.isEmpty && c.rejections.map(\.line) == [1, 2] && c.rejections.allSatisfy { $0.reason.contains("ts_event") })
    }
}
