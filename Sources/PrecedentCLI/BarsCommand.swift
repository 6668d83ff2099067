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
                Buckets of --minutes from midnight UTC of each contract's first day, running on across \
                midnights (pandas resample's default origin, start_day; tested equal to pandas for lengths \
                that divide a day and for 7, 45 and 90 minutes), per contract, never mixing contracts. Indicators follow TA-Lib's definitions (tested equal within 1e-9) and are \
                empty before their first defined value. Rows that do not parse are counted and reported.

                Example:
                  precedent bars resample ../shared/data/bars/lean-es/minute/*_trade.zip --minutes 60 --contract ESZ3
                """)
        @Argument(help: ArgumentHelp("Lean minute trade zips.", valueName: "zip")) var files: [String]
        @Option(help: "Bar length in minutes (1 keeps the minute bars).") var minutes = 5
        @Option(help: "Only this contract (ESZ3…).") var contract: String?

        func validate() throws {
            guard (1...10_080).contains(minutes) else { throw ValidationError("--minutes must be 1 to 10080 (one week); got \(minutes)") }
        }

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
                Inputs: a Lean daily trade zip (--lean-daily es_trade.zip) or a vendor daily-by-contract \
                settlement CSV (--settlements FILE, the format of the ZL sample) for any root of the root \
                table (ZL, ZC, ZS, ZM, ZW, HO, LE, KC, HG, LBS; --root names the exchange or the vendor \
                root): vendor names such as BOF95 Comdty, BOF0 Comdty and BOQ8 08 Comdty become ZLF95, \
                ZLF00 and ZLQ08 (docs/BARS.md), settlements only. Every row keeps its source contract and \
                data source. The series rolls to a later contract when its measure beats the current \
                contract's, and on the first date the current contract has no row and never trades \
                again (an expiry roll, with a GAP note when its last row is more than a week back). \
                --adjust difference|ratio back-adjusts the prices before each roll by the two contracts' \
                closes on the roll date.

                Output: `#` lines (summary, rolls, reports) first, then the CSV, all through one writer, so \
                `> out.csv` holds whole lines; rejected input rows are counted by reason on standard error, \
                and a file none of whose rows is accepted is an error (exit 1).

                Example:
                  precedent bars continuous --lean-daily ../shared/data/bars/lean-es/daily/es_trade.zip --root ES --rolls-only
                """)
        @Option(help: "Lean daily trade zip.") var leanDaily: String?
        @Option(name: [.customLong("settlements"), .customLong("zl-csv")],
                help: ArgumentHelp("Vendor daily-by-contract settlement CSV (date,generic,contract,last_trade_date,settle,ttm_days,open_interest,volume).",
                                   valueName: "file"))
        var settlements: String?
        @Option(help: "Root: ES for Lean; for settlements an exchange root (ZL, ZC, …) or its vendor root (BO, C, …).") var root: String
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
        @Option(help: ArgumentHelp("Price sanity band of the load: the largest accepted |close / reference − 1|.", valueName: "fraction"))
        var sanityBand = 0.2
        @Option(help: ArgumentHelp("Trade dates on each side whose median close is a row's sanity reference.", valueName: "n"))
        var sanityDates = 10
        @Option(help: ArgumentHelp("Regime calendar CSV (start,end,name,weight) for the matrix's regime group.", valueName: "file"))
        var regimes: String?
        @Option(name: .customLong("extra"), help: ArgumentHelp("A user table joined by date into the matrix as group NAME (CSV date,col…); repeatable.", valueName: "NAME=file"))
        var extras: [String] = []

        func validate() throws {
            guard (leanDaily == nil) != (settlements == nil) else { throw ValidationError("give one of --lean-daily or --settlements") }
            guard Adjustment(rawValue: adjust) != nil else { throw ValidationError("--adjust must be none, difference or ratio") }
            guard window > 0 else { throw ValidationError("--window must be positive; got \(window)") }
            if let daysBeforeExpiry, daysBeforeExpiry < 0 { throw ValidationError("--days-before-expiry must be 0 or more; got \(daysBeforeExpiry)") }
            if let tick, !(tick > 0 && tick.isFinite) { throw ValidationError("--tick must be a positive price step; got \(tick)") }
            guard sanityBand > 0 && sanityBand.isFinite else { throw ValidationError("--sanity-band must be a positive fraction; got \(sanityBand)") }
            guard sanityDates > 0 else { throw ValidationError("--sanity-dates must be positive; got \(sanityDates)") }
            if settlements != nil, CommodityRoot.named(root) == nil {
                throw ValidationError("--root \(root) is not in the settlement root table; known: "
                                      + CommodityRoot.all.map { "\($0.exchange) (\($0.vendor))" }.joined(separator: ", "))
            }
        }

        func run() throws {
            var (records, rejected) = try leanDaily.map(LeanDailyTrades.read(zip:)) ?? Settlements.read(csv: settlements!, root: root)
            if !rejected.isEmpty {
                let input = leanDaily ?? settlements!
                printError("\(input): \(rejected.count) input rows rejected:")
                for (kind, n) in Rejection.counts(rejected) { printError("  \(n) \(kind)") }
                for r in rejected.prefix(5) { printError("  e.g. \(r)") }
            }
            guard !records.isEmpty else {
                printError("error: no row of \(leanDaily ?? settlements!) was accepted for \(root): no series")
                throw ExitCode(1)
            }
            let exchangeRoot = settlements != nil ? CommodityRoot.named(root)!.exchange : root
            if let dates {
                let range = try RunCommand.parseDates(dates)
                records = records.filter { range.contains($0.date) }
            }
            let rule: RollRule = daysBeforeExpiry.map { .calendar(daysBeforeExpiry: $0) } ?? .volume(window: window)
            let (rows, rolls) = Continuous.build(records, root: exchangeRoot, rule: rule, adjustment: Adjustment(rawValue: adjust)!)
            // One writer for standard output: the `#` lines and the CSV must not interleave when piped.
            var out = StandardOutput()
            out.line("# \(rows.count) rows, \(rolls.count) rolls, \(rejected.count) input rows rejected")
            for r in rolls { out.line("# roll \(r)") }
            let calendar = try regimes.map(RegimeCalendar.init(csv:))
            if let calendar {
                let c = calendar.coverage(rows.map(\.date))
                out.line("# regime calendar: \(calendar.ranges) ranges cover \(c.covered) of \(c.total) dates"
                         + (c.uncovered.isEmpty ? "" : "; not covered: \(c.uncovered.prefix(5).map(\.description).joined(separator: ", "))\(c.uncovered.count > 5 ? " …" : "")"))
            }
            let tables = try extras.map { spec -> ExtraTable in
                let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--extra must be NAME=file (got '\(spec)')") }
                let t = try ExtraTable(csv: parts[1], name: parts[0])
                if !t.rejections.isEmpty { printError("\(parts[1]): \(t.rejections.count) rows rejected, e.g. \(t.rejections[0])") }
                return t
            }
            if let matrix { out.line("# matrix: \(try DailyMatrix.write(rows, root: exchangeRoot, to: matrix, regimes: calendar, extras: tables))") }
            if let warehouse {
                let report = try Warehouse(path: warehouse).load(rows, root: exchangeRoot, tick: adjust == "ratio" ? nil : tick,
                                                                 band: PriceBand(fraction: sanityBand, neighbours: sanityDates), regimes: calendar)
                out.line("# warehouse load report:")
                for line in try jsonText(report).split(separator: "\n") { out.line("#   " + line) }
                if !report.validation.passed { out.flush(); throw ExitCode(1) }
            }
            if !rollsOnly {
                out.line("date,contract,open,high,low,close,volume,source")
                func f(_ x: Double?) -> String { x.map { String($0) } ?? "" }
                for r in rows {
                    out.line([r.date.description, r.contract, f(r.open), f(r.high), f(r.low), String(r.close),
                              r.volume.map(String.init) ?? "", r.source].joined(separator: ","))
                }
            }
            out.flush()
        }
    }
}
