import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentPipeline
import PrecedentStudies

/// `precedent study …`: checks of the features against published results.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Studies that check what the books say against published results (docs/STUDIES.md).",
        subcommands: [OFIStudyCommand.self])
}

/// `precedent study ofi`
struct OFIStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofi",
        abstract: "Cont, Kukanov & Stoikov (2014): mid-price changes against the order-flow imbalance at the best quotes.",
        discussion: """
            From the lake's bronze MBO of the selected contract of each date, replayed through the \
            book (read at the end of each venue event): the paper's event-level order-flow imbalance at \
            the best bid and ask, summed per --interval; the mid-price change in ticks over each \
            interval; per --window of the configuration's regular session (whole windows from its \
            start) an OLS of the mid change on OFI (α, β, their t-statistics, R²) and on the trade \
            imbalance alone; across windows, the slope of log β on log average best-quote depth. \
            Every figure comes with its n; an interval without a mid at either end is left out and \
            counted.

            Example:
              precedent study ofi --lake out/lake --config config/sample.yaml --symbol AMZN --html out/ofi-amzn.html
            """)

    @Option(help: "Root symbol.") var symbol: String
    @Option(help: ArgumentHelp("Trade dates A:B.", valueName: "A:B")) var dates: String?
    @Option(help: ArgumentHelp("Interval length: 10s, 1m…", valueName: "duration")) var interval = "10s"
    @Option(help: ArgumentHelp("Regression window: 30m, 1h… (a whole number of intervals).", valueName: "duration")) var window = "30m"
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "With --json: every interval too (start, ofi, trade_imbalance, mid_change_ticks, events).") var intervals = false
    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page (SVG figures).", valueName: "file")) var html: String?
    @OptionGroup var lake: LakeOptions

    static func duration(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000)]
        for (u, ns) in units where text.hasSuffix(u) {
            guard let v = UInt64(text.dropLast(u.count)), v > 0 else { return nil }
            return v * ns
        }
        return nil
    }

    func validate() throws {
        guard let i = Self.duration(interval) else { throw ValidationError("--interval must be a positive duration like 10s or 1m; got \(interval)") }
        guard let w = Self.duration(window) else { throw ValidationError("--window must be a positive duration like 30m or 1h; got \(window)") }
        guard w % i == 0, w >= 3 * i else {
            throw ValidationError("--window must be a whole number (at least 3) of intervals; \(window) / \(interval) is not")
        }
        if let dates { _ = try RunCommand.parseDates(dates) }
    }

    func run() throws {
        var options = OFIStudy.Options()
        options.interval = Self.duration(interval)!
        options.window = Self.duration(window)!
        let context = try lake.context([symbol])
        let days = try OFIStudy.run(context: context, root: symbol, dates: try dates.map(RunCommand.parseDates), options: options) { printError("study: \($0)") }
        guard !days.isEmpty else {
            throw ValidationError("no complete bronze partition of \(symbol)\(dates.map { " in \($0)" } ?? "") with a selected contract: run precedent run --layer silver")
        }
        if let html {
            try OFIReport.html(root: symbol, days: days, options: options, clock: context.clocks[symbol]!)
                .write(toFile: html, atomically: true, encoding: .utf8)
            printError("study: wrote \(html)")
        }
        if json {
            print(OFIReport.json(root: symbol, days: days, options: options, intervals: intervals))
            return
        }
        let s = OFIStudy.summary(days)
        let clock = context.clocks[symbol]!
        func f(_ x: Double?, _ d: Int = 3) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "–" }
        print("\(symbol): ΔP (ticks) on OFI over \(interval) intervals, one OLS per \(window) window of the regular session")
        print("window             n  events        β      t(β)     R²   R² trade   avg depth")
        for w in days.flatMap(\.windows) {
            let (d, sec) = clock.local(w.start)
            print(String(format: "%@ %02d:%02d  %4d  %6d  %9@  %7@  %5@   %6@   %9@", d.description, sec / 3600, sec / 60 % 60, w.ofi.n, w.events,
                         w.ofi.beta.map { String(format: "%.3g", $0) } ?? "–", f(w.ofi.tBeta, 2), f(w.ofi.r2), f(w.trade.r2), f(w.averageDepth, 1)))
        }
        print("R² on OFI: mean \(f(s.r2Mean)), range \(f(s.r2Min))–\(f(s.r2Max)) (n = \(s.windows) of \(s.windowsTotal) windows; the paper: about 0.65)")
        print("β > 0 in \(s.betaPositive) of \(s.windows) windows; R² on the trade imbalance alone: mean \(f(s.tradeR2Mean))")
        print("log β on log average depth: slope \(f(s.depth.beta)) (n = \(s.depth.n), R² \(f(s.depth.r2)); the paper: β ∝ 1/depth, a slope near −1)")
    }
}
