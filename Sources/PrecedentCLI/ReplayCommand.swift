import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline
import PrecedentSetups

/// `precedent replay`: the engine over DBN files, its events as they happen.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay DBN MBO files through the engine and print what it learns, as it learns it.",
        discussion: """
            Each trade date the files cover is decoded as the bronze stage decodes it (books seeded at \
            the trade-date start, spreads excluded), its contract picked by the selection rules, and its \
            records fed to the engine one at a time. The engine prints, in time order:
              level    a level's window ended: its value (or why it has none) — the levels table's fields
              window   a 5-second window closed: one silver row per known level — level_vacuum_5s's fields
              trigger  price came within reach of a level: the trigger and its vector — the triggers table's
                       fields; with --lake, also `answer`, the precedents' outcomes as query --json prints them
              outcome  the trigger's horizon ended (or the input did): the trigger with its label
            Every line has `type` and `ts`, the UTC nanosecond at which the engine could first know it. \
            The values equal what `precedent run` writes for the same files (tested). --speed paces \
            the records by their ts_recv (2 = twice real time); by default as fast as possible. With \
            --lake, the prior trade date (pd_* levels) and earlier selections come from the lake's \
            bronze and selection tables, and triggers are answered from its indexes; the lake is only \
            read, and must have been built with the same configuration.

            Example:
              precedent replay out/lake/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn/*.dbn.zst \\
                --symbol AMZN --config config/sample.yaml --lake out/lake | head
            """)

    @Argument(help: ArgumentHelp("DBN MBO files of one root (and definition files, for spreads).", valueName: "file")) var files: [String]
    @Option(help: "Root the files belong to (ES, AMZN…).") var symbol: String
    @Option(help: ArgumentHelp("YAML configuration (as given to precedent run).", valueName: "file")) var config: String?
    @Option(help: ArgumentHelp("A lake to read the prior date, selections and precedent indexes from (read only).", valueName: "dir"))
    var lake: String?
    @Option(help: ArgumentHelp("Only trade dates A:B.", valueName: "A:B")) var dates: String?
    @Option(help: "jsonl (one JSON object per line) or pretty (a line a person reads).") var format = "jsonl"
    @Option(help: ArgumentHelp("Pace records by ts_recv at this multiple of real time (e.g. 1, 10, 100).", valueName: "x")) var speed: Double?
    @Option(help: "Neighbours in the answers (with --lake).") var k = 50

    func validate() throws {
        guard format == "jsonl" || format == "pretty" else { throw ValidationError("--format must be jsonl or pretty; got \(format)") }
        if let speed, !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be a positive multiple of real time; got \(speed)") }
        guard k > 0 else { throw ValidationError("--k must be positive; got \(k)") }
        for f in files where !FileManager.default.fileExists(atPath: f) { throw ValidationError("no file \(f)") }
        if let lake, !FileManager.default.fileExists(atPath: lake) { throw ValidationError("no lake at \(lake)") }
        if let dates { _ = try RunCommand.parseDates(dates) }
    }

    func run() throws {
        let configuration = try config.map(PipelineConfig.load) ?? PipelineConfig()
        let range = try dates.map(RunCommand.parseDates)
        // Without --lake, an empty folder stands in for it: nothing is read from it or written to it.
        let scratch = lake == nil ? NSTemporaryDirectory() + "precedent-replay-\(ProcessInfo.processInfo.processIdentifier)" : nil
        if let scratch { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) }
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let theLake = Lake(root: lake ?? scratch!)
        let context = try PipelineContext(lake: theLake, config: configuration, roots: [symbol], files: [symbol: files])
        var book: PrecedentBook? = nil
        if lake != nil {
            let queries = try LakeQueries(lake: theLake, config: configuration, roots: [symbol])
            try queries.context.requireSameSettings(root: symbol, dates: nil)
            book = try queries.book(root: symbol, k: k)
        }
        let catalog = context.catalogs[symbol]!
        for (path, reason) in catalog.ignored { printError("replay: ignoring \(path): \(reason)") }
        let days = catalog.tradeDates(context.clocks[symbol]!).filter { range?.contains($0) ?? true }
        guard !days.isEmpty else {
            throw ValidationError("the files hold no MBO data of a trade date\(dates.map { " in \($0)" } ?? "")")
        }
        var out = StandardOutput()
        var previous: (date: CivilDate, contract: String, trades: [TradePrint], coverage: Range<UnixNanos>)? = nil
        var pacer = speed.map { Pacer(speed: $0) }
        for date in days {
            guard let day = try context.replayDay(root: symbol, date: date) else { continue }
            guard !day.contract.isEmpty else {
                printError("replay: \(symbol) \(date): no contract selected (see the selection rules, docs/PIPELINE.md); nothing to replay")
                continue
            }
            let prior = try context.priorFromLake(root: symbol, date: date, contract: day.contract)
                ?? previous.flatMap { p in p.date == context.priorDate(root: symbol, date) ? (p.date, p.contract == day.contract ? p.trades : [], p.coverage) : nil }
            let setup = try context.engineSetup(root: symbol, date: date, contract: day.contract, coverage: day.coverage, prior: prior)
            var engine = Engine(setup, precedents: book)
            var counts: [String: Int] = [:]
            func emit(_ events: [EngineEvent]) throws {
                for e in events {
                    counts[e.kind, default: 0] += 1
                    if format == "jsonl" {
                        for line in try EngineEventJSON.lines(e, setup: setup, book: book) { out.line(line) }
                    } else {
                        for line in Self.pretty(e, setup: setup) { out.line(line) }
                    }
                }
                if pacer != nil && !events.isEmpty { out.flush() }
            }
            printError("replay: \(symbol) \(date), contract \(day.contract): \(day.records.count) records")
            for m in day.records {
                pacer?.wait(until: m.tsRecv)
                try emit(engine.apply(m))
            }
            try emit(engine.finish(at: day.coverage.upperBound))
            out.flush()
            printError("replay: \(symbol) \(date): " + ["level", "window", "trigger", "outcome"].map { "\(counts[$0] ?? 0) \($0)s" }.joined(separator: ", "))
            previous = (date, day.contract, day.trades, day.coverage)
        }
    }

    /// A line a person reads: local time, what happened, the main numbers.
    static func pretty(_ e: EngineEvent, setup: EngineSetup) -> [String] {
        let when = QueryReport.local(e.ts, setup.clock)
        func price(_ p: Int64) -> String { Price(rawValue: p).decimalString ?? String(p) }
        switch e {
        case .level(let v):
            return ["\(when)  level    \(v.kind.rawValue) " + (v.price.map(price) ?? "— \(v.reason ?? "")")]
        case .window(let w):
            return w.rows.map { r in
                let l = setup.levels[r.level].rawValue
                let at = { (side: Int, q: Int) in r.value(frame: 0, zone: 0, side: side, quantity: q) }
                return "\(when)  window   \(l): bid \(r.bid.map(price) ?? "–") ask \(r.ask.map(price) ?? "–"); beyond-at asks \(at(1, 0)) "
                    + "(+\(at(1, 2)) −\(at(1, 3)) filled \(at(1, 4))), ofi \(r.ofi.map(String.init) ?? "–"), volume \(r.volume)"
            }
        case .trigger(let t, let answer):
            var line = "\(when)  TRIGGER  \(t.levelID) \(price(t.levelPrice)) \(t.direction.rawValue), mid \(String(format: "%.1f", t.xMid)) ticks"
                + (t.vector == nil ? " (no vector: \(t.vectorReason ?? ""))" : "")
            if let a = answer, a.eligible > 0 {
                let shares = Outcome.allCases.map { o in "\(o.rawValue) \(String(format: "%.2f", a.distribution.share(o) ?? 0))" }
                line += "; \(a.neighbours.count) of \(a.eligible) precedents: " + shares.joined(separator: ", ")
            }
            return [line]
        case .outcome(let t):
            return ["\(when)  outcome  \(t.levelID) \(t.direction.rawValue) from \(QueryReport.local(t.time, setup.clock).suffix(8)): "
                    + (t.label.map { "\($0.outcome.rawValue), MFE \($0.maxFavourable) MAE \($0.maxAdverse) ticks" } ?? "none (\(t.labelReason ?? ""))")]
        }
    }
}

/// Sleeps so that records come out at `speed` times the pace of their `ts_recv`.
struct Pacer {
    let speed: Double
    var origin: (ts: UnixNanos, wall: UInt64)? = nil

    mutating func wait(until ts: UnixNanos) {
        let now = monotonicNanos()
        guard let o = origin else { origin = (ts, now); return }
        guard ts > o.ts else { return }
        let due = o.wall + UInt64(Double(ts.rawValue - o.ts.rawValue) / speed)
        if due > now { usleep(useconds_t(min(UInt64(UInt32.max), (due - now) / 1_000))) }
    }
}
