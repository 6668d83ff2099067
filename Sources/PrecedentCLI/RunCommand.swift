import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline

/// `precedent run`: the pipeline over roots and trade dates.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run pipeline stages: raw DBN → bronze → selection map, levels → silver features.",
        discussion: """
            Raw input: Databento MBO files (and LOBSTER days imported with `precedent import lobster`) \
            under <lake>/raw/source=<vendor>/product_type=<p>/symbol=<ROOT>/ in any subfolder and with \
            any file name; each file's metadata decides what it is. Definition files there decide \
            outright vs spread (else the root's strict pattern, ^ES[FGHJKMNQUVXZ][0-9]{1,2}$).

            Stages (--layer bronze: the first; silver: the next three; gold: the last two; all: every one):
              bronze     raw → bronze/…/table=mbo: outright contracts × CME trade date, book seeded at its start
              selection  → silver/…/table=selection_map: the contract for each date, with every reason
              levels     → silver/…/table=levels: pm/on/or/pd levels, their windows and when they became known
              silver     → silver/…/table=level_vacuum_5s: 5-second level-vacuum features (docs/FEATURES.md)
              triggers   → gold/…/table=triggers: approach triggers, their vectors and labels (docs/SETUPS.md)
              pressure   → gold/…/table=pressure: depth and flows above/below each level per window

            A partition whose _SUCCESS exists is skipped unless --overwrite; a failed partition is \
            reported and the others go on. Exit status: 0 when nothing failed; 75 when every failure \
            was transient (an I/O error, a full disk, a file taken away: a retry may succeed); 1 when a \
            failure was permanent (damaged or missing input, a bug: a retry fails the same way); 2 for a \
            bad configuration or lake. Same inputs and configuration \
            give byte-identical Parquet files. Configuration: built-in defaults (see --print-config), \
            overridden by a YAML --config file.

            Examples:
              precedent run --layer all --symbol ES --lake lake --config config/sample.yaml
              precedent run --layer silver --symbol ES --dates 2023-12-25:2024-05-08 --workers 2
              precedent run --layer bronze --symbol ES --shard 0/4     # one of four batch jobs
            """)

    @Option(help: "bronze, silver, gold or all.") var layer = "all"
    @Option(name: .customLong("symbol"), help: ArgumentHelp("Root symbol (repeat for several): ES, MES, NQ, AMZN…", valueName: "root"))
    var symbols: [String] = []
    @Option(help: ArgumentHelp("Trade dates A:B (inclusive) or one date; default: every date the inputs cover.", valueName: "A:B"))
    var dates: String?
    @Option(help: "Partitions (with --layer all: trade dates) processed in parallel.") var workers = 1
    @Flag(help: "Redo partitions that are already complete.") var overwrite = false
    @Option(help: ArgumentHelp("Process only dates i, i+n, i+2n… of the sorted list (for batch schedulers).", valueName: "i/n"))
    var shard: String?
    @Option(help: ArgumentHelp("Lake root folder (default $PRECEDENT_LAKE or ./lake).", valueName: "dir")) var lake: String?
    @Option(help: ArgumentHelp("YAML configuration file.", valueName: "file")) var config: String?
    @Flag(help: "Print the run report as JSON on standard output.") var json = false
    @Option(help: ArgumentHelp("Also write the JSON run report to this file.", valueName: "file")) var report: String?
    @Flag(help: "Print the effective configuration (defaults plus --config) as YAML and exit.") var printConfig = false
    @Flag(help: "No progress lines on standard error.") var quiet = false
    @Flag(help: "List the work instead of doing it: per root and trade date, the stages of --layer whose partition is missing or stale (with --json: one JSON object; what cluster/ray_run.py reads).")
    var listWork = false

    func validate() throws {
        guard ["bronze", "silver", "gold", "all"].contains(layer) else { throw ValidationError("--layer must be bronze, silver, gold or all") }
        guard workers >= 1 && workers <= 64 else { throw ValidationError("--workers must be 1…64") }
        if !printConfig && symbols.isEmpty { throw ValidationError("give at least one --symbol (e.g. --symbol ES)") }
        if let dates { _ = try Self.parseDates(dates) }
        if let shard { _ = try Self.parseShard(shard) }
    }

    /// `--list-work`: each (root, trade date) with the stages still to do.
    func printWork(context: PipelineContext, options: RunOptions, root: String) throws {
        let runner = PipelineRunner(context: context, options: options)
        var items: [(symbol: String, date: CivilDate, todo: [(String, String)])] = []
        for symbol in options.roots {
            for date in runner.dates(symbol) {
                var todo: [(String, String)] = []
                for stage in options.stages {
                    let kind = Stage(rawValue: stage.name)!
                    let key = context.key(kind.output, symbol, date)
                    if options.overwrite || !context.lake.isComplete(key) {
                        todo.append((stage.name, options.overwrite ? "overwrite" : "missing"))
                    } else if let why = try? context.staleness(kind, root: symbol, date: date) {
                        todo.append((stage.name, why))
                    }
                }
                items.append((symbol, date, todo))
            }
        }
        if json {
            print(JSONText.object([
                ("lake", JSONText.quoted(root)), ("layer", JSONText.quoted(layer)),
                ("work", JSONText.array(items.map { i in
                    JSONText.object([("symbol", JSONText.quoted(i.symbol)), ("date", JSONText.quoted(i.date.description)),
                                     ("todo", JSONText.array(i.todo.map { JSONText.object([("stage", JSONText.quoted($0.0)), ("why", JSONText.quoted($0.1))]) }))])
                })),
            ]))
        } else {
            for i in items {
                print("\(i.symbol) \(i.date): " + (i.todo.isEmpty ? "complete" : i.todo.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")))
            }
        }
    }

    /// Exit status when every failed partition failed for a transient reason (EX_TEMPFAIL).
    static let transientFailure: Int32 = 75

    static func parseDates(_ text: String) throws -> ClosedRange<CivilDate> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), let a = CivilDate(iso: parts[0]), let b = CivilDate(iso: parts.last!), a <= b else {
            throw ValidationError("--dates must be YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD with the first not after the second (got '\(text)')")
        }
        return a...b
    }

    static func parseShard(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (0..<n).contains(i) else {
            throw ValidationError("--shard must be i/n with 0 ≤ i < n (got '\(text)')")
        }
        return (i, n)
    }

    func run() throws {
        let configuration: PipelineConfig
        do {
            configuration = try config.map(PipelineConfig.load) ?? PipelineConfig()
        } catch {
            printError("precedent run: \(error)")
            throw ExitCode(2)
        }
        if printConfig {
            print(try configuration.yaml(), terminator: "")
            return
        }
        let root = lake ?? ProcessInfo.processInfo.environment["PRECEDENT_LAKE"] ?? "lake"
        var options = RunOptions()
        options.layer = layer
        options.roots = symbols
        options.dates = try dates.map(Self.parseDates)
        options.workers = workers
        options.overwrite = overwrite
        options.shard = try shard.map(Self.parseShard)
        let context: PipelineContext
        do {
            context = try PipelineContext(lake: Lake(root: root), config: configuration, roots: symbols)
        } catch {
            printError("precedent run: \(error)")
            throw ExitCode(2)
        }
        for s in symbols where context.catalogs[s]!.mbo.isEmpty {
            let spec = context.specs[s]!
            printError("precedent run: note: no raw MBO files for \(s) under \(root)/raw/source=*/product_type=\(spec.productType)/symbol=\(s)/ "
                + "(bronze has nothing to do; later stages use what bronze already holds)")
        }
        if listWork {
            try printWork(context: context, options: options, root: root)
            return
        }
        let toStandardError: @Sendable (String) -> Void = { @Sendable line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let progress: (@Sendable (String) -> Void)? = quiet ? nil : toStandardError
        let runner = PipelineRunner(context: context, options: options, progress: progress)
        let result = runner.run()
        if json {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            e.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try e.encode(result), as: UTF8.self))
        } else {
            print(result.text(), terminator: "")
        }
        if let report {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            e.keyEncodingStrategy = .convertToSnakeCase
            try e.encode(result).write(to: URL(fileURLWithPath: report))
        }
        if result.failed > 0 { throw ExitCode(result.onlyTransientFailures ? Self.transientFailure : 1) }
    }
}
