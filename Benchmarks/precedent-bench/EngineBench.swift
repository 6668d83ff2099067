import ArgumentParser
import PrecedentCLI
import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline

/// `precedent-bench engine FILES…`
struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "The engine over records in memory against the book alone with change recording, in one run.",
        discussion: """
            Each trade date of the files is decoded once (as replay does) into the selected contract's \
            records. Then, alternating --repeat times: book_with_changes applies them to a fresh L3 \
            book recording every add/pull/fill change (the floor of any feature pass); engine feeds them \
            to a fresh engine (book, levels, 5-second windows, triggers with vectors and labels; nothing \
            written). Prints the best time of each, their ratio (book time / engine time: 1 is as fast \
            as the book alone) and the latency from the record that closes a window to the engine's \
            return with its rows (p50, p99, max over every window of every pass).
            """)

    @Argument(help: ArgumentHelp("DBN MBO files of one root.", valueName: "file")) var files: [String]
    @Option(help: "Root the files belong to.") var symbol = "ES"
    @Option(help: ArgumentHelp("YAML configuration.", valueName: "file")) var config: String?
    @Option(help: "Number of passes of each.") var `repeat` = 10
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Time the engine alone (for a profiler).") var engineOnly = false

    func validate() throws {
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be 1 or more; got \(self.repeat)") }
    }

    func run() throws {
        let configuration = try config.map(PipelineConfig.load) ?? PipelineConfig()
        let scratch = NSTemporaryDirectory() + "precedent-bench-engine-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let context = try PipelineContext(lake: Lake(root: scratch), config: configuration, roots: [symbol], files: [symbol: files])
        var days: [(setup: EngineSetup, records: [MBOMsg])] = []
        for date in context.catalogs[symbol]!.tradeDates(context.clocks[symbol]!) {
            guard let day = try context.replayDay(root: symbol, date: date), !day.contract.isEmpty else { continue }
            days.append((try context.engineSetup(root: symbol, date: date, contract: day.contract, coverage: day.coverage, prior: nil),
                         day.records))
        }
        guard !days.isEmpty else { throw ValidationError("no trade date with a selected contract in the files") }
        let records = days.reduce(0) { $0 + $1.records.count }
        // The known levels of each day (a first engine pass), for the windows alone.
        let known: [[LevelVacuumEngine.Level]] = days.map { day in
            var engine = Engine(day.setup)
            var levels: [LevelVacuumEngine.Level] = []
            for m in day.records { for case .level(let v) in engine.apply(m) { if let p = v.price { levels.append(.init(id: v.kind.rawValue, price: p, knownAt: v.knownAt)) } } }
            return day.setup.levels.compactMap { k in levels.first { $0.id == k.rawValue } }
        }
        var bookBest = Double.infinity, engineBest = Double.infinity, windowsBest = Double.infinity
        var latencies: [UInt64] = []
        var windows = 0, triggers = 0, check = 0
        for _ in 0..<self.repeat {
            var start = monotonicNanos()
            for day in days where !engineOnly {
                var book = OrderBook(instrumentID: day.records.first?.hd.instrumentID ?? 0, recordsChanges: true)
                for m in day.records {
                    book.apply(m)
                    check &+= book.changes.count  // Safe: a checksum that keeps the work from being optimised away.
                    book.removeAllChanges()
                }
            }
            bookBest = min(bookBest, Double(monotonicNanos() - start) / 1e9)
            start = monotonicNanos()
            for (d, day) in days.enumerated() where !engineOnly {
                let grid = day.setup.grid
                var vacuum = LevelVacuumEngine(levels: known[d], tick: day.setup.tick, zones: day.setup.zones, gridStart: grid.start,
                                               windowSeconds: day.setup.windowSeconds, windowCount: grid.count, coverage: day.setup.coverage)
                for m in day.records { vacuum.apply(m) }
                vacuum.finish(at: day.setup.coverage.upperBound)
                check &+= vacuum.rows.count  // Safe: a checksum that keeps the work from being optimised away.
            }
            windowsBest = min(windowsBest, Double(monotonicNanos() - start) / 1e9)
            start = monotonicNanos()
            windows = 0; triggers = 0
            for day in days {
                var engine = Engine(day.setup)
                for m in day.records {
                    for e in engine.apply(m) {
                        if case .window = e { windows += 1 }
                        if case .trigger = e { triggers += 1 }
                    }
                }
                _ = engine.finish(at: day.setup.coverage.upperBound)
            }
            engineBest = min(engineBest, Double(monotonicNanos() - start) / 1e9)
        }
        // Latency, in a pass of its own (reading the clock around every record costs throughput):
        // from handing the engine the record that closes a window to getting the window's rows back.
        for day in days {
            var engine = Engine(day.setup)
            for m in day.records {
                let t0 = monotonicNanos()
                let events = engine.apply(m)
                let t1 = monotonicNanos()
                if events.contains(where: { if case .window = $0 { return true } else { return false } }) { latencies.append(t1 - t0) }
            }
        }
        latencies.sort()
        func q(_ p: Double) -> Double { latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))]) / 1e3 }
        let ratio = bookBest / engineBest
        if json {
            print(JSONText.object([
                ("files", JSONText.array(files.map(JSONText.quoted))), ("records", String(records)), ("passes", String(self.repeat)),
                ("book_with_changes_s", String(bookBest)), ("windows_only_s", String(windowsBest)), ("engine_s", String(engineBest)),
                ("ratio", String(ratio)),
                ("windows", String(windows)), ("triggers", String(triggers)),
                ("window_latency_us_p50", String(q(0.5))), ("window_latency_us_p99", String(q(0.99))),
                ("window_latency_us_max", String(latencies.last.map { Double($0) / 1e3 } ?? 0)), ("checksum", String(check)),
            ]))
        } else {
            print("\(grouped(records)) records of \(days.count) trade date(s), best of \(self.repeat) passes each:")
            print(String(format: "  book_with_changes  %8.2f ms  (%@ records/s)", bookBest * 1e3, grouped(Int(Double(records) / bookBest))))
            print(String(format: "  windows_only       %8.2f ms  (the level-vacuum windows of the known levels, as the silver stage computes them)", windowsBest * 1e3))
            print(String(format: "  engine             %8.2f ms  (%@ records/s), %d windows, %d triggers", engineBest * 1e3,
                         grouped(Int(Double(records) / engineBest)), windows, triggers))
            print(String(format: "  ratio book/engine  %.2f (the target is ≥ 0.5)", ratio))
            print(String(format: "  window latency     p50 %.1f µs, p99 %.1f µs, max %.1f µs (%d records that closed windows)", q(0.5), q(0.99),
                         (latencies.last.map { Double($0) } ?? 0) / 1e3, latencies.count))
        }
    }
}
