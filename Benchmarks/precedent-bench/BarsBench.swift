import ArgumentParser
import PrecedentCLI
import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentDBN

/// `precedent-bench bars FILE`
struct BarsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bars",
        abstract: "Trades CSV → 1-minute bars → RSI, MACD, Bollinger, ATR, end to end (used by Benchmarks/bars_pipeline.py).",
        discussion: "Each pass reads the (zstd) CSV, parses and converts local times, builds the bars and computes the four indicators.")
    @Argument(help: ArgumentHelp("Trades CSV (DateTime,Price,Volume), .zst allowed.", valueName: "file")) var file: String
    @Option(help: "Time zone of the CSV's times.") var timeZone = "America/Chicago"
    @Option(help: "Number of passes.") var `repeat` = 5
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be 1 or more; got \(self.repeat)") }
    }

    func run() throws {
        var best = Double.infinity, trades = 0, bars = 0, check = 0.0
        for _ in 0..<self.repeat {
            let start = monotonicNanos()
            let (ticks, rejected) = try TicksCSV.read(path: file, timeZone: timeZone)
            guard rejected.isEmpty else { throw ValidationError("\(rejected.count) rows rejected, e.g. \(rejected[0])") }
            let b = Resampler.minuteBars(ticks, contract: "ES")
            let c = b.map { $0.close.doubleValue! }, h = b.map { $0.high.doubleValue! }, l = b.map { $0.low.doubleValue! }
            let rsi = Indicators.rsi(c), macd = Indicators.macd(c), bb = Indicators.bollinger(c)
            let atr = Indicators.atr(high: h, low: l, close: c)
            check += (rsi.last ?? 0) ?? 0
            check += ((macd.macd.last ?? 0) ?? 0) + ((bb.upper.last ?? 0) ?? 0) + ((atr.last ?? 0) ?? 0)
            best = min(best, Double(monotonicNanos() - start) / 1e9)
            trades = ticks.count; bars = b.count
        }
        if json {
            print(JSONText.object([("tool", "\"precedent\""), ("trades", String(trades)), ("bars", String(bars)),
                                   ("seconds", String(best)), ("checksum", String(check))]))
        } else {
            print("\(file): \(trades) trades → \(bars) one-minute bars with indicators, best of \(self.repeat): \(String(format: "%.4f", best)) s")
        }
    }
}
