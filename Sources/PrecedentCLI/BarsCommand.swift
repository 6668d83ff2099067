import ArgumentParser
import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentWarehouse

/// `precedent bars …` (the bars side; issue 7 in progress).
struct BarsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bars",
        abstract: "Per-contract bars, resampling, indicators and continuous series (the daily research side).",
        subcommands: [Resample.self, ContinuousSeries.self])

    struct Resample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lean minute trade zips → N-minute bars per contract (CSV), with RSI, MACD, Bollinger and ATR.",
            discussion: """
                Buckets of --minutes from midnight UTC, per contract, never mixing contracts (equal to pandas \
                resample; tested). Indicators follow TA-Lib's definitions (tested equal within 1e-9) and are \
                empty before their first defined value. Rows that do not parse are counted and reported.

                Example:
                  precedent bars resample ../shared/data/bars/lean-es/minute/*_trade.zip --minutes 60 --contract ESZ3
                """)
        @Argument(help: ArgumentHelp("Lean minute trade zips.", valueName: "zip")) var files: [String]
        @Option(help: "Bar length in minutes (1 keeps the minute bars).") var minutes = 5
        @Option(help: "Only this contract (ESZ3…).") var contract: String?

        func run() throws {
            var bars: [Bar] = [], rejected: [Rejection] = []
            for f in files.sorted() {
                let (b, r) = try LeanMinuteTrades.read(zip: f)
                bars += b; rejected += r
            }
            if let contract { bars = bars.filter { $0.contract == contract } }
            var out = StandardOutput()
            out.line("contract,start,open,high,low,close,volume,rsi14,macd,macd_signal,macd_hist,bb_upper,bb_middle,bb_lower,atr14")
            for c in Set(bars.map(\.contract)).sorted() {
                let series = Resampler.resample(bars.filter { $0.contract == c }, minutes: minutes)
                let close = series.map { $0.close.doubleValue! }, high = series.map { $0.high.doubleValue! }, low = series.map { $0.low.doubleValue! }
                let rsi = Indicators.rsi(close), macd = Indicators.macd(close), bb = Indicators.bollinger(close)
                let atr = Indicators.atr(high: high, low: low, close: close)
                func f(_ x: Double?) -> String { x.map { String($0) } ?? "" }
                for (i, b) in series.enumerated() {
                    out.line([b.contract, b.start.iso8601 ?? "", b.open.decimalString ?? "", b.high.decimalString ?? "", b.low.decimalString ?? "",
                              b.close.decimalString ?? "", String(b.volume), f(rsi[i]), f(macd.macd[i]), f(macd.signal[i]), f(macd.histogram[i]),
                              f(bb.upper[i]), f(bb.middle[i]), f(bb.lower[i]), f(atr[i])].joined(separator: ","))
                }
            }
            out.flush()
            if !rejected.isEmpty { printError("\(rejected.count) rows rejected, e.g. \(rejected[0])") }
        }
    }

    struct ContinuousSeries: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "continuous",
            abstract: "A continuous daily series per root with its roll log (highest volume over a rolling window, never rolling back).",
            discussion: """
                Inputs: a Lean daily trade zip (--lean-daily es_trade.zip) or the ZL settlement CSV \
                (--zl-csv FILE; Bloomberg names BOF95 Comdty mapped to ZLF95, settlements only). Every row \
                keeps its source contract and data source; --adjust difference|ratio back-adjusts the \
                prices before each roll by the two contracts' closes on the roll date.

                Example:
                  precedent bars continuous --lean-daily ../shared/data/bars/lean-es/daily/es_trade.zip --root ES --rolls-only
                """)
        @Option(help: "Lean daily trade zip.") var leanDaily: String?
        @Option(help: "ZL settlement CSV (schwartz97).") var zlCsv: String?
        @Option(help: "Root (ES, ZL).") var root: String
        @Option(help: ArgumentHelp("Only dates A:B (inclusive).", valueName: "A:B")) var dates: String?
        @Option(help: "Rolling volume window, calendar days.") var window = 7
        @Option(help: ArgumentHelp("Roll by calendar instead: this many days before each contract's last trading day.", valueName: "days"))
        var daysBeforeExpiry: Int?
        @Option(help: "none, difference or ratio.") var adjust = "none"
        @Flag(help: "Print the roll log only.") var rollsOnly = false
        @Option(help: ArgumentHelp("Also write the daily matrix (Parquet with nested groups, BigQuery and Avro schemas) here.", valueName: "dir"))
        var matrix: String?
        @Option(help: ArgumentHelp("Also validate and upsert the daily matrix into this SQLite warehouse (nothing loads if validation fails).", valueName: "file"))
        var warehouse: String?
        @Option(help: "Tick size for the tick-grid check of the load (omit for ratio-adjusted series).") var tick: Double?
        @Option(help: ArgumentHelp("Regime calendar CSV (start,end,name,weight) for the matrix's regime group.", valueName: "file"))
        var regimes: String?
        @Option(name: .customLong("extra"), help: ArgumentHelp("A user table joined by date into the matrix as group NAME (CSV date,col…); repeatable.", valueName: "NAME=file"))
        var extras: [String] = []

        func validate() throws {
            guard (leanDaily == nil) != (zlCsv == nil) else { throw ValidationError("give one of --lean-daily or --zl-csv") }
            guard Adjustment(rawValue: adjust) != nil else { throw ValidationError("--adjust must be none, difference or ratio") }
            guard window > 0 else { throw ValidationError("--window must be positive") }
        }

        func run() throws {
            var (records, rejected) = try leanDaily.map(LeanDailyTrades.read(zip:)) ?? ZLSettlements.read(csv: zlCsv!)
            if let dates {
                let range = try RunCommand.parseDates(dates)
                records = records.filter { range.contains($0.date) }
            }
            let rule: RollRule = daysBeforeExpiry.map { .calendar(daysBeforeExpiry: $0) } ?? .volume(window: window)
            let (rows, rolls) = Continuous.build(records, root: root, rule: rule, adjustment: Adjustment(rawValue: adjust)!)
            print("# \(rows.count) rows, \(rolls.count) rolls, \(rejected.count) input rows rejected")
            for r in rolls { print("# roll \(r)") }
            let calendar = try regimes.map(RegimeCalendar.init(csv:))
            if let calendar {
                let c = calendar.coverage(rows.map(\.date))
                print("# regime calendar: \(calendar.ranges) ranges cover \(c.covered) of \(c.total) dates"
                      + (c.uncovered.isEmpty ? "" : "; not covered: \(c.uncovered.prefix(5).map(\.description).joined(separator: ", "))\(c.uncovered.count > 5 ? " …" : "")"))
            }
            let tables = try extras.map { spec -> ExtraTable in
                let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--extra must be NAME=file (got '\(spec)')") }
                let t = try ExtraTable(csv: parts[1], name: parts[0])
                if !t.rejections.isEmpty { printError("\(parts[1]): \(t.rejections.count) rows rejected, e.g. \(t.rejections[0])") }
                return t
            }
            if let matrix { print("# matrix: \(try DailyMatrix.write(rows, root: root, to: matrix, regimes: calendar, extras: tables))") }
            if let warehouse {
                let report = try Warehouse(path: warehouse).load(rows, root: root, tick: adjust == "ratio" ? nil : tick, regimes: calendar)
                print("# warehouse load report:")
                print(try jsonText(report).split(separator: "\n").map { "#   " + $0 }.joined(separator: "\n"))
                if !report.validation.passed { throw ExitCode(1) }
            }
            if rollsOnly { return }
            var out = StandardOutput()
            out.line("date,contract,open,high,low,close,volume,source")
            func f(_ x: Double?) -> String { x.map { String($0) } ?? "" }
            for r in rows {
                out.line([r.date.description, r.contract, f(r.open), f(r.high), f(r.low), String(r.close),
                          r.volume.map(String.init) ?? "", r.source].joined(separator: ","))
            }
            out.flush()
        }
    }
}
