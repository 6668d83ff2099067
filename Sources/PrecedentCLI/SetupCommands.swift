import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline
import PrecedentStudies
import PrecedentSetups

/// Options shared by the commands that read a lake.
public struct LakeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Lake root folder (default $PRECEDENT_LAKE or ./lake).", valueName: "dir")) public var lake: String?
    @Option(help: ArgumentHelp("YAML configuration file (as given to precedent run).", valueName: "file")) public var config: String?

    public init() {}

    /// The lake (which must exist) and the configuration.
    func resolved() throws -> (lake: Lake, config: PipelineConfig) {
        let configuration = try config.map(PipelineConfig.load) ?? PipelineConfig()
        let root = lake ?? ProcessInfo.processInfo.environment["PRECEDENT_LAKE"] ?? "lake"
        guard FileManager.default.fileExists(atPath: root) else {
            throw ValidationError("no lake at \(root): run `precedent run --layer all …` first, or give --lake")
        }
        return (Lake(root: root), configuration)
    }

    public func context(_ roots: [String]) throws -> PipelineContext {
        let (lake, configuration) = try resolved()
        return try PipelineContext(lake: lake, config: configuration, roots: roots)
    }

    /// The read-only query library over the lake (opens no raw file).
    func queries(_ roots: [String]) throws -> LakeQueries {
        let (lake, configuration) = try resolved()
        return try LakeQueries(lake: lake, config: configuration, roots: roots)
    }
}

func jsonText<T: Encodable>(_ value: T) throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    e.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try e.encode(value), as: UTF8.self)
}

/// `precedent index build`
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Build the precedent indexes from the gold triggers.", subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One index per level kind and approach direction: every trigger with a label and a complete vector.",
            discussion: """
                Reads every complete gold triggers partition of the root (precedent run --layer gold) and writes \
                <lake>/index/product_type=<p>/symbol=<S>/level=<kind>/direction=<up|down>/index.parquet with \
                _manifest.json and _SUCCESS. Vectors are stored raw; queries normalise them with statistics of \
                the precedents eligible at the query moment only.

                Example:
                  precedent index build --symbol ES --lake lake --config config/sample.yaml
                """)
        @Option(help: "Root symbol.") var symbol: String
        @OptionGroup var lake: LakeOptions

        func run() throws {
            // The lake alone (no raw catalog): an index is built from the gold triggers.
            let context = try lake.queries([symbol]).context
            let differing = try context.mismatches(.triggers, root: symbol)
            guard differing.isEmpty else {
                throw PipelineError("the gold triggers of \(symbol) were built with other settings than this configuration:\n  "
                                    + differing.joined(separator: "\n  "), file: context.lake.root,
                                    hint: "run precedent run --layer all with this configuration first (it recomputes what the change affects)")
            }
            let built = try context.buildIndex(root: symbol)
            if built.isEmpty {
                print("no triggers with a label and a complete vector for \(symbol): nothing to index (run --layer gold; see the triggers table's reasons)")
                return
            }
            for b in built { print("\(b.level) \(b.direction.rawValue): \(b.count) precedents → \(b.path)") }
        }
    }
}

/// `precedent query`
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "The nearest past setups of the trigger at a moment, and what happened after them.",
        discussion: """
            Finds the trigger of --level current at --time on trade date --date (the latest that fired at \
            or before that moment, at most one feature window earlier; one that fires later has not \
            happened yet), then its --k nearest precedents among those \
            whose outcome was complete before the trigger, on vectors normalised with those precedents' \
            robust statistics. Prints the outcome distribution (counts, shares with 95% Wilson intervals, \
            distance-weighted shares), the base rate of the same level kind and direction, excursion \
            quantiles and the neighbours. Times are in the root's time zone, session-relative like the \
            configuration (ES 18:12 on trade date 2023-12-26 is 2023-12-25 18:12 ET). Exit status 3 \
            when there is no trigger at that moment (the nearest one is named) or it has no vector.

            Example:
              precedent query --symbol ES --date 2023-12-26 --time 18:12:35 --level or_high --lake lake --config config/sample.yaml
            """)
    @Option(help: "Root symbol.") var symbol: String
    @Option(help: ArgumentHelp("Trade date YYYY-MM-DD.", valueName: "date")) var date: String
    @Option(help: ArgumentHelp("Local time HH:MM[:SS].", valueName: "time")) var time: String
    @Option(help: "Level kind (or_high, pm_low, …).") var level: String
    @Option(help: "up (from below) or down (from above); default: whichever fired.") var direction: String?
    @Option(help: "Neighbours.") var k = 50
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var lake: LakeOptions

    func validate() throws {
        guard CivilDate(iso: date) != nil else { throw ValidationError("--date must be YYYY-MM-DD") }
        guard LocalTime(time) != nil else { throw ValidationError("--time must be HH:MM or HH:MM:SS") }
        if let direction, Direction(rawValue: direction) == nil { throw ValidationError("--direction must be up or down") }
        guard k > 0 else { throw ValidationError("--k must be positive") }
    }

    func run() throws {
        let queries = try lake.queries([symbol])
        try queries.context.requireSameSettings(root: symbol, dates: nil)
        let clock = queries.context.clocks[symbol]!
        let day = CivilDate(iso: date)!
        let moment = clock.moment(day, LocalTime(time)!)
        func local(_ t: UnixNanos) -> String { QueryReport.local(t, clock) }
        switch try queries.answer(root: symbol, date: day, time: LocalTime(time)!, level: level, direction: direction.flatMap(Direction.init), k: k) {
        case .noTrigger(let nearest):
            print("no trigger of \(level) fired at \(local(moment)) (\(moment.iso8601 ?? "")) or in the \(queries.context.config.windowSeconds) s before it.")
            if let n = nearest {
                let gap = Double(absDistance(n.precedent.triggerTime, moment)) / 1e9
                print("nearest trigger of \(level) on \(date): \(local(n.precedent.triggerTime)) (\(n.precedent.direction.rawValue)), "
                      + String(format: "%.0f s away", gap) + " — query --time \(local(n.precedent.triggerTime).suffix(8))")
            } else {
                print("\(level) has no trigger on \(date).")
            }
            throw ExitCode(3)
        case .noVector(let trigger):
            print("the trigger at \(local(trigger.precedent.triggerTime)) has no complete vector: \(trigger.vectorReason ?? "")")
            throw ExitCode(3)
        case .answer(let out, let trigger):
            if json { print(try jsonText(out)); return }
            print(Self.text(out, trigger: trigger, symbol: symbol, date: date, level: level, k: k, local: local))
        }
    }

    /// The answer as text for people.
    static func text(_ out: QueryReport, trigger: GoldTrigger, symbol: String, date: String, level: String, k: Int,
                     local: (UnixNanos) -> String) -> String {
        let p = trigger.precedent
        var lines: [String] = []
        lines.append("setup: \(symbol) \(p.contract) trade date \(date), \(level) \(out.levelPrice), approaching \(p.direction == .up ? "from below (up)" : "from above (down)")")
        lines.append("       trigger \(out.triggerTimeLocal) (\(out.triggerTime)), mid \(String(format: "%.1f", trigger.xMid)) ticks from the level")
        guard out.eligiblePrecedents > 0 else {
            lines.append("precedents: none completed before this trigger (the \(level) \(p.direction.rawValue) index holds \(out.indexSize) "
                         + "setup(s), none finished by then): nothing to compare with, and no base rate.")
            for w in out.warnings.dropLast() { lines.append("note: \(w)") }
            return lines.joined(separator: "\n")
        }
        lines.append("precedents: \(out.eligiblePrecedents) complete before the trigger; \(out.neighbours) nearest (k = \(k))")
        lines.append("  outcome        n  share   95% Wilson    weighted  base rate (n=\(out.baseRateN))")
        func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "  – " }
        for s in out.outcomes {
            lines.append("  " + s.outcome.padding(toLength: 13, withPad: " ", startingAt: 0) + String(s.count).leftPadded(3) + "   " + f(s.share)
                         + "   " + (s.wilson95.map { "\(f($0[0]))–\(f($0[1]))" } ?? "   –     ") + "    " + f(s.weighted) + "      " + f(s.baseRate))
        }
        for (name, q) in out.excursions.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name): " + q.map { $0.map { String(format: "%.1f", $0) } ?? "–" }.joined(separator: " / "))
        }
        if !out.nearest.isEmpty { lines.append("  nearest:") }
        for n in out.nearest.prefix(20) {
            lines.append("    \(n.time)  \(n.contract)  distance \(String(format: "%.2f", n.distance))  \(n.label)  MFE \(n.mfeTicks) MAE \(n.maeTicks)")
        }
        for w in out.warnings { lines.append("note: \(w)") }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// `precedent evaluate`
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Walk-forward skill of the neighbour distributions against the base rate, at real and placebo levels.",
        discussion: """
            Every labelled setup with a complete vector in --dates is predicted from the setups whose \
            outcome completed before it (earlier days and earlier in its own day): by the outcome shares \
            of its k nearest neighbours, and by the base rate of the same eligible set. Prints Brier and \
            ranked probability scores, the skill 1 − RPS(kNN)/RPS(base) with a 95% day-bootstrap interval, \
            a reliability table, and the same at placebo levels (each real level shifted by ±10, ±20, ±30, \
            ±40 ticks, features recomputed from bronze). Says plainly when the sample is too small.

            Example:
              precedent evaluate --symbol AMZN --dates 2012-06-21:2012-06-21 --lake lake --config config/sample.yaml
            """)
    @Option(help: "Root symbol.") var symbol: String
    @Option(help: ArgumentHelp("Trade dates A:B.", valueName: "A:B")) var dates: String?
    @Option(help: "Only this level kind.") var level: String?
    @Option(help: "Neighbours.") var k = 50
    @Option(help: "Fewest eligible precedents for a setup to be scored.") var minimumPrecedents = 10
    @Flag(inversion: .prefixedNo, help: "Also evaluate placebo levels.") var placebo = true
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page (SVG figures; the same page as precedent serve's /report).",
                               valueName: "file")) var html: String?
    @OptionGroup var lake: LakeOptions

    func validate() throws {
        guard k > 0 else { throw ValidationError("--k must be positive; got \(k)") }
        guard minimumPrecedents > 0 else { throw ValidationError("--minimum-precedents must be positive; got \(minimumPrecedents)") }
    }

    func run() throws {
        let range = try dates.map(RunCommand.parseDates)
        let queries = try lake.queries([symbol])
        let differing = try queries.context.mismatches(.triggers, root: symbol, dates: range)
        guard differing.isEmpty else {
            throw PipelineError("the gold triggers of \(symbol) were built with other settings than this configuration:\n  "
                                + differing.joined(separator: "\n  "), file: queries.context.lake.root,
                                hint: "give the configuration the lake was built with, or run precedent run --layer all with this one "
                                    + "(it recomputes what the change affects)")
        }
        let groups = try queries.evaluate(root: symbol, dates: range, level: level, k: k, minimumPrecedents: minimumPrecedents, placebo: placebo)
        if let html {
            let page = EvaluationPage.html(groups, settings: .init(root: symbol, dates: dates ?? "all", k: k, minimumPrecedents: minimumPrecedents))
            try page.write(toFile: html, atomically: true, encoding: .utf8)
            printError("evaluate: wrote \(html)")
        }
        if json { print(try jsonText(groups)); return }
        if groups.isEmpty { print("no labelled setups with vectors for \(symbol)\(dates.map { " in \($0)" } ?? ""): run precedent run --layer gold"); return }
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        for g in groups {
            print("\(symbol) \(g.level) \(g.direction)")
            for (name, r) in [("real levels", g.real)] + (g.placebo.map { [("placebo ±10–40 ticks", $0)] } ?? []) {
                print("  \(name): \(r.setups) setups, \(r.scored) scored on \(r.days) day(s), \(r.skippedTooFewPrecedents) skipped (fewer than \(minimumPrecedents) precedents)")
                if r.baseRateByConstruction > 0 {
                    print("    k = \(r.k) took every eligible precedent for \(r.baseRateByConstruction) of \(r.scored) scored setups "
                          + "(\(r.kClipped) had fewer than k; at most \(r.maxEligible)): their answer is the base rate by construction")
                }
                print("    Brier kNN \(f(r.brierKNN)) base \(f(r.brierBase)); RPS kNN \(f(r.rpsKNN)) base \(f(r.rpsBase)); skill \(f(r.skill))"
                      + (r.skillInterval.map { " [\(f($0[0])), \(f($0[1]))]" } ?? " (no interval: fewer than 2 days)"))
                for rel in r.reliability { print("    reliability \(rel.outcome) \(rel.bin): n \(rel.count), predicted \(f(rel.meanPredicted)), observed \(f(rel.observed))") }
                print("    → \(r.verdict)")
            }
        }
    }
}
