import Foundation
import PrecedentCore
import PrecedentLake

/// What `precedent run` was asked to do.
public struct RunOptions: Sendable {
    public var layer = "all"
    public var roots: [String] = []
    public var dates: ClosedRange<CivilDate>?
    public var workers = 1
    public var overwrite = false
    /// `(i, n)`: only the dates whose position in the sorted date list is i mod n.
    public var shard: (index: Int, count: Int)?
    /// Run these stages (registry names, run in registry order) instead of `layer`'s.
    public var stageNames: [String]?
    public init() {}

    /// The stages to run, in order.
    public var stages: [StageSpec] {
        stageNames.map { names in Registry.stages.filter { names.contains($0.name) } } ?? Registry.stages(layer: layer)
    }
}

/// One partition's outcome in the run report.
public struct PartitionReport: Codable, Sendable {
    public enum Status: String, Codable, Sendable { case done, skipped, missing, failed }
    public var stage: String
    public var symbol: String
    public var date: String
    public var status: Status
    public var rows: Int?
    public var seconds: Double
    /// What happened: the stage's note, why it was skipped, or the error.
    public var detail: String?
    /// For a failure: true when the environment was at fault (an I/O error, a full disk…) and a
    /// retry may succeed; false when the input or the configuration was (a retry fails the same way).
    public var transient: Bool? = nil
}

/// True when `error` is a failure of the environment a retry may not meet again (`ParquetError.isTransient`).
func isTransient(_ error: Error) -> Bool {
    (error as? ParquetError)?.isTransient ?? false
}

/// The run report: every partition, and totals per stage.
public struct RunReport: Codable, Sendable {
    public struct StageTotals: Codable, Sendable {
        public var stage: String
        public var done = 0, skipped = 0, missing = 0, failed = 0
        public var rows = 0
        public var seconds = 0.0
    }
    public var lake: String
    public var layer: String
    public var symbols: [String]
    public var startedAt: String
    public var seconds: Double
    public var stages: [StageTotals]
    public var partitions: [PartitionReport]
    /// Raw files present but not used, with the reason.
    public var ignoredInputs: [String]

    public var failed: Int { stages.reduce(0) { $0 + $1.failed } }
    /// True when every failed partition failed for a transient reason (a retry may succeed).
    public var onlyTransientFailures: Bool { partitions.allSatisfy { $0.status != .failed || $0.transient == true } }

    /// A plain-text summary for the terminal.
    public func text() -> String {
        var out = "run report: lake \(lake), layer \(layer), symbols \(symbols.joined(separator: ",")), \(String(format: "%.1f", seconds)) s\n"
        out += "  stage        done  skipped  missing  failed        rows   seconds\n"
        for s in stages {
            out += "  " + s.stage.padding(toLength: 10, withPad: " ", startingAt: 0)
                + [s.done, s.skipped, s.missing, s.failed].map { String($0).leftPad(7) }.joined(separator: "  ")
                + String(s.rows).leftPad(12) + String(format: "%10.2f", s.seconds) + "\n"
        }
        for p in partitions where p.status == .failed || p.status == .missing {
            out += "  \(p.status.rawValue.uppercased()) \(p.stage) \(p.symbol) \(p.date): \(p.detail ?? "")\n"
        }
        for i in ignoredInputs { out += "  ignored input: \(i)\n" }
        return out
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// Runs stages over roots and trade dates with a pool of workers. Stages run
/// one after the other; the partitions of a stage run in parallel. A partition
/// that fails is reported and does not stop the others. A partition whose
/// `_SUCCESS` exists is skipped unless `overwrite`.
///
/// When a run makes bronze and the three silver stages, it goes date by date
/// instead (`runDays`): a trade date's raw records are decoded once, bronze is
/// written on another thread while selection, levels and silver are computed
/// from the same records in memory, and the silver partitions are written once
/// bronze is complete. The files are the same as stage by stage.
public final class PipelineRunner: @unchecked Sendable {
    public let context: PipelineContext
    public let options: RunOptions
    private let progress: (@Sendable (String) -> Void)?
    private let lock = NSLock()

    public init(context: PipelineContext, options: RunOptions, progress: (@Sendable (String) -> Void)? = nil) {
        self.context = context; self.options = options; self.progress = progress
    }

    /// Trade dates of `root` to process: those the raw files cover plus those
    /// already in bronze, within `--dates`, then the shard's part.
    public func dates(_ root: String) -> [CivilDate] {
        let clock = context.clocks[root]!
        var set = Set(context.catalogs[root]!.tradeDates(clock))
        let product = context.specs[root]!.productType
        for k in context.lake.completePartitions(layer: "bronze", table: Registry.bronzeMBO.table, symbol: root) where k.productType == product {
            set.insert(k.date)
        }
        var list = set.filter { options.dates?.contains($0) ?? true }.sorted()
        if let shard = options.shard { list = list.enumerated().filter { $0.offset % shard.count == shard.index }.map(\.element) }
        return list
    }

    public func run() -> RunReport {
        let started = Date()
        var partitions: [PartitionReport] = []
        var totals: [RunReport.StageTotals] = []
        var stages = options.stages[...]
        var done: [(StageSpec, [PartitionReport], Double)] = []
        if stages.prefix(4).map(\.name) == Self.dayStages {
            var items: [(String, CivilDate)] = []
            for root in options.roots { for d in dates(root) { items.append((root, d)) } }
            // The stages after silver (triggers, pressure) follow on the same date, from the silver columns in memory.
            let day = Array(stages.prefix(4) + stages.dropFirst(4).prefix { $0.name != "bronze" })
            let results = runDays(stages: day, items: items)
            for (n, stage) in day.enumerated() {
                done.append((stage, results[n], results[n].reduce(0) { $0 + $1.seconds }))
            }
            stages = stages.dropFirst(day.count)
        }
        if stages.count > 1 && !stages.contains(where: { $0.name == "bronze" }) {
            // Stages reading bronze and each other: date by date, so that each date's inputs are read once.
            var items: [(String, CivilDate)] = []
            for root in options.roots { for d in dates(root) { items.append((root, d)) } }
            let results = runChain(stages: Array(stages), items: items)
            for (n, stage) in stages.enumerated() {
                done.append((stage, results[n], results[n].reduce(0) { $0 + $1.seconds }))
            }
            stages = []
        }
        for stage in stages {
            var items: [(String, CivilDate)] = []
            for root in options.roots { for d in dates(root) { items.append((root, d)) } }
            let stageStart = Date()
            done.append((stage, runParallel(stage: stage, items: items), 0))
            done[done.count - 1].2 = Date().timeIntervalSince(stageStart)
        }
        for (stage, results, seconds) in done {
            var t = RunReport.StageTotals(stage: stage.name)
            for r in results {
                switch r.status {
                case .done: t.done += 1
                case .skipped: t.skipped += 1
                case .missing: t.missing += 1
                case .failed: t.failed += 1
                }
                t.rows += r.rows ?? 0
            }
            t.seconds = seconds
            totals.append(t)
            partitions += results
        }
        let ignored = options.roots.flatMap { r in context.catalogs[r]!.ignored.map { "\($0.path): \($0.reason)" } }
        return RunReport(lake: context.lake.root, layer: options.layer, symbols: options.roots,
                         startedAt: UnixNanos(rawValue: UInt64(started.timeIntervalSince1970) * UnixNanos.nanosPerSecond).iso8601 ?? "",
                         seconds: Date().timeIntervalSince(started), stages: totals, partitions: partitions, ignoredInputs: ignored)
    }

    private func runParallel(stage: StageSpec, items: [(String, CivilDate)]) -> [PartitionReport] {
        final class Shared: @unchecked Sendable {  // guarded by the runner's lock
            var results: [PartitionReport?]
            var finished = 0
            init(_ n: Int) { results = Array(repeating: nil, count: n) }
        }
        let shared = Shared(items.count)
        onWorkers(items.count, sizes: workSizes(items)) { [self] i in
            let r = runOne(stage: stage, root: items[i].0, date: items[i].1)
            lock.lock()
            shared.results[i] = r
            shared.finished += 1
            let n = shared.finished
            lock.unlock()
            announce(stage, n, items.count, r)
        }
        return shared.results.map { $0! }
    }

    /// Calls `body` with 0..<count on `--workers` threads; returns when all are done. With one
    /// worker the indices go in order. With more, a free worker takes the largest item (`sizes`)
    /// among those `ready` given which are taken — the longest first, so that a large date is not
    /// left for last while the other workers sit idle.
    private func onWorkers(_ count: Int, sizes: [Int64]? = nil, ready: (@Sendable (Int, [Bool]) -> Bool)? = nil,
                           _ body: @escaping @Sendable (Int) -> Void) {
        final class Taken: @unchecked Sendable { var flags: [Bool]; init(_ n: Int) { flags = Array(repeating: false, count: n) } }  // guarded by the runner's lock
        let taken = Taken(count)
        let workers = max(1, min(options.workers, count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread { [self] in
                while true {
                    lock.lock()
                    var pick: Int? = nil
                    for i in 0..<count where !taken.flags[i] && (ready?(i, taken.flags) ?? true) {
                        if workers == 1 || sizes == nil { pick = i; break }
                        if pick == nil || sizes![i] > sizes![pick!] { pick = i }
                    }
                    if let i = pick { taken.flags[i] = true }
                    lock.unlock()
                    guard let i = pick else { break }
                    body(i)
                }
                group.leave()
            }
        }
        group.wait()
    }

    /// How much work each (root, trade date) is, roughly — the bytes of its complete bronze data file,
    /// else of the raw MBO files that cover it — to take large dates first; nil with one worker
    /// (the order is then the list's).
    func workSizes(_ items: [(String, CivilDate)]) -> [Int64]? {
        guard options.workers > 1 && items.count > 1 else { return nil }
        func size(_ path: String) -> Int64 {
            var s = stat()
            return stat(path, &s) == 0 ? Int64(s.st_size) : 0
        }
        var raw: [String: [CivilDate: Int64]] = [:]
        for root in Set(items.map(\.0)) {
            let clock = context.clocks[root]!
            var sizes: [CivilDate: Int64] = [:]
            for f in context.catalogs[root]!.mbo {
                let bytes = size(f.path), last = clock.tradeDate(UnixNanos(rawValue: f.end.rawValue - 1))
                var d = clock.tradeDate(f.start)
                while d <= last { sizes[d, default: 0] += bytes; d = CivilDate(daysSinceEpoch: d.daysSinceEpoch + 1) }
            }
            raw[root] = sizes
        }
        return items.map { root, date in
            let bronze = context.key(Registry.bronzeMBO, root, date)
            return context.lake.isComplete(bronze) ? size(context.lake.path(bronze) + "/" + Lake.dataFile) : raw[root]?[date] ?? 0
        }
    }

    private func announce(_ stage: StageSpec, _ n: Int, _ count: Int, _ r: PartitionReport) {
        progress?("[\(stage.name)] \(n)/\(count) \(r.symbol) \(r.date) \(r.status.rawValue)"
            + (r.rows.map { " \($0) rows" } ?? "") + String(format: " %.2f s", r.seconds)
            + (r.detail.map { " — \($0)" } ?? ""))
    }

    static let dayStages = ["bronze", "selection", "levels", "silver"]

    /// Stages that read only bronze (complete before the run) and each other's partitions of the
    /// same date, run date by date: a worker takes a date and runs every stage on it in order,
    /// sharing what they read through a `DayMemo`. The files are the same as stage by stage.
    /// Returns each stage's reports in item order.
    private func runChain(stages: [StageSpec], items: [(String, CivilDate)]) -> [[PartitionReport]] {
        final class Shared: @unchecked Sendable {  // guarded by the runner's lock
            var results: [[PartitionReport?]]
            var finished: [Int]
            init(_ stages: Int, _ n: Int) {
                results = Array(repeating: Array(repeating: nil, count: n), count: stages)
                finished = Array(repeating: 0, count: stages)
            }
        }
        let shared = Shared(stages.count, items.count)
        onWorkers(items.count, sizes: workSizes(items)) { [self] i in
            let (root, date) = items[i]
            let memo = DayMemo()
            for (s, stage) in stages.enumerated() {
                let r = runOne(stage: stage, root: root, date: date, memo: memo)
                lock.lock()
                shared.results[s][i] = r
                shared.finished[s] += 1
                let n = shared.finished[s]
                lock.unlock()
                announce(stage, n, items.count, r)
            }
        }
        return shared.results.map { $0.map { $0! } }
    }

    /// Bronze and the silver stages date by date: see the type's documentation. Workers take the
    /// largest date first among those whose root's earlier dates are already taken; a date's
    /// selection and levels wait until bronze of the root's earlier dates in the run is finished,
    /// as stage by stage. Returns each stage's reports in item order.
    private func runDays(stages: [StageSpec], items: [(String, CivilDate)]) -> [[PartitionReport]] {
        final class Shared: @unchecked Sendable {  // guarded by `condition`
            var results: [[PartitionReport?]]
            var bronzeFinished: [Bool]
            var finished: [Int]
            init(_ stages: Int, _ n: Int) {
                results = Array(repeating: Array(repeating: nil, count: n), count: stages)
                bronzeFinished = Array(repeating: false, count: n)
                finished = Array(repeating: 0, count: stages)
            }
        }
        let shared = Shared(stages.count, items.count)
        let condition = NSCondition()
        @Sendable func record(_ s: Int, _ i: Int, _ r: PartitionReport) {
            condition.lock()
            shared.results[s][i] = r
            shared.finished[s] += 1
            let n = shared.finished[s]
            if s == 0 { shared.bronzeFinished[i] = true; condition.broadcast() }
            condition.unlock()
            announce(stages[s], n, items.count, r)
        }
        @Sendable func awaitEarlierBronze(_ i: Int) {
            condition.lock()
            while (0..<i).contains(where: { items[$0].0 == items[i].0 && !shared.bronzeFinished[$0] }) { condition.wait() }
            condition.unlock()
        }
        // Largest first, but a root's dates are taken in date order: a date waits for the bronze of
        // the root's earlier dates, so those must already be in a worker's hands (no deadlock). A
        // root's items are contiguous and in date order, so that is: the item before is taken or
        // belongs to another root.
        onWorkers(items.count, sizes: workSizes(items),
                  ready: { i, taken in i == 0 || items[i - 1].0 != items[i].0 || taken[i - 1] }) { [self] i in
            runDay(stages: stages, root: items[i].0, date: items[i].1,
                   record: { record($0, i, $1) }, awaitEarlierBronze: { awaitEarlierBronze(i) })
        }
        return shared.results.map { $0.map { $0! } }
    }

    /// One trade date of `runDays`. Dates with any of the four partitions already complete
    /// (and no `--overwrite`) go stage by stage, each partition skipped or made as `runOne` does.
    /// Stages after the four (triggers, pressure) then run on the date as `runChain` runs them.
    private func runDay(stages: [StageSpec], root: String, date: CivilDate,
                        record: (Int, PartitionReport) -> Void, awaitEarlierBronze: () -> Void) {
        let memo = DayMemo()
        func report(_ s: Int, _ status: PartitionReport.Status, _ rows: Int?, _ seconds: Double, _ detail: String?,
                    transient: Bool? = nil) -> PartitionReport {
            PartitionReport(stage: stages[s].name, symbol: root, date: date.description, status: status, rows: rows,
                            seconds: seconds, detail: detail, transient: transient)
        }
        func stageByStage() {
            record(0, runOne(stage: stages[0], root: root, date: date))
            awaitEarlierBronze()
            for s in 1..<stages.count { record(s, runOne(stage: stages[s], root: root, date: date, memo: memo)) }
        }
        let outputs = stages.prefix(4).map { stage in context.key(Registry.datasets.first { $0.keyTemplate == stage.output }!, root, date) }
        if !options.overwrite && outputs.contains(where: context.lake.isComplete) { return stageByStage() }

        var clock = monotonicSeconds()
        func lap() -> Double { let now = monotonicSeconds(); defer { clock = now }; return now - clock }
        let day: BronzeDay
        do {
            guard let decoded = try context.decodeBronze(root: root, date: date) else { return stageByStage() }
            day = decoded
        } catch {
            record(0, report(0, .failed, nil, lap(), "\(error)", transient: isTransient(error)))
            awaitEarlierBronze()
            for s in 1..<stages.count { record(s, runOne(stage: stages[s], root: root, date: date, memo: memo)) }
            return
        }
        let decodeSeconds = lap()

        // Bronze is written on its own thread while the silver partitions are computed here.
        final class BronzeWrite: @unchecked Sendable {  // written by the thread before `done` is signalled
            var outcome: Result<StageResult, Error>?
            var seconds = 0.0
            let done = DispatchSemaphore(value: 0)
        }
        let write = BronzeWrite()
        Thread.detachNewThread { [context] in
            let start = monotonicSeconds()
            write.outcome = Result { try context.writeBronze(day) }
            write.seconds = monotonicSeconds() - start
            write.done.signal()
        }
        awaitEarlierBronze()
        _ = lap()
        let selection = Result { try context.selection(root: root, date: date, bronze: day.facts) }
        let selectionSeconds = lap()
        // The prior trade date, read once for the levels and the engine of the silver stage.
        let prior = Result { try context.priorDay(root: root, date: date) }
        let levels = Result { try context.levels(root: root, date: date, trades: day.trades, coverage: day.facts.coverage, prior: prior.get()) }
        let levelsSeconds = lap()
        let silver: Result<PendingPartition, Error>
        switch (selection, levels) {
        case (.success(let sel), .success):
            let selected = sel.facts.selected ?? ""
            silver = Result {
                try context.silver(root: root, date: date, selected: selected, coverage: day.facts.coverage, prior: { try prior.get() },
                                   records: { day.contracts.first { $0.contract == selected }?.records ?? [] })
            }
        case (.failure, _): silver = .failure(PipelineError("not computed: the selection stage failed on this date", file: nil, hint: "see the selection partition's error"))
        case (_, .failure): silver = .failure(PipelineError("not computed: the levels stage failed on this date", file: nil, hint: "see the levels partition's error"))
        }
        let silverSeconds = lap()

        write.done.wait()
        _ = lap()
        switch write.outcome! {
        case .success(let r): record(0, report(0, .done, r.rows, decodeSeconds + write.seconds, r.note))
        case .failure(let error):
            record(0, report(0, .failed, nil, decodeSeconds + write.seconds, "\(error)", transient: isTransient(error)))
            for s in 1..<stages.count {
                record(s, report(s, .failed, nil, 0, "not written: the bronze partition of this date failed", transient: isTransient(error)))
            }
            return
        }
        let computed: [(Result<PendingPartition, Error>, Double)] = [
            (selection.map(\.partition), selectionSeconds), (levels.map(\.partition), levelsSeconds), (silver, silverSeconds),
        ]
        // The three partitions are independent: selection and levels (small) are written on a
        // second thread while silver is written here, so their fsyncs overlap. Not with
        // `concurrentPerform`: inside it the silver writer's own `concurrentPerform` over its
        // 274 pages would run nested, which libdispatch serialises on one thread.
        final class Writes: @unchecked Sendable {  // `outcomes` guarded by `lock`
            var outcomes: [(Result<StageResult, Error>, Double)?] = [nil, nil, nil]
            let lock = NSLock()
            let done = DispatchSemaphore(value: 0)
        }
        let writes = Writes()
        @Sendable func writePartition(_ n: Int) {
            let start = monotonicSeconds()
            let outcome = Result { try context.write(computed[n].0.get()) }
            writes.lock.withLock { writes.outcomes[n] = (outcome, monotonicSeconds() - start) }
        }
        Thread.detachNewThread {
            writePartition(0)
            writePartition(1)
            writes.done.signal()
        }
        writePartition(2)
        writes.done.wait()
        for (n, slot) in writes.outcomes.enumerated() {
            let (outcome, seconds) = slot!
            switch outcome {
            case .success(let r): record(n + 1, report(n + 1, .done, r.rows, computed[n].1 + seconds, r.note))
            case .failure(let error): record(n + 1, report(n + 1, .failed, nil, computed[n].1 + seconds, "\(error)", transient: isTransient(error)))
            }
        }
        // What the later stages read, as written: the silver columns, the selected contract's records, the prior date.
        if case .success? = writes.outcomes[2]?.0, case .success(let s) = silver, case .success(let sel) = selection {
            let selected = sel.facts.selected ?? ""
            memo.silver = (selected, s.columns)
            if let records = day.contracts.first(where: { $0.contract == selected })?.records { memo.records[selected] = records }
            if case .success(let p) = prior { memo.prior = .some(p) }
        }
        for s in 4..<stages.count { record(s, runOne(stage: stages[s], root: root, date: date, memo: memo)) }
    }

    private func runOne(stage: StageSpec, root: String, date: CivilDate, memo: DayMemo? = nil) -> PartitionReport {
        let start = Date()
        let output = Registry.datasets.first { $0.keyTemplate == stage.output }!
        let key = context.key(output, root, date)
        func report(_ s: PartitionReport.Status, _ rows: Int?, _ detail: String?) -> PartitionReport {
            PartitionReport(stage: stage.name, symbol: root, date: date.description, status: s, rows: rows,
                            seconds: Date().timeIntervalSince(start), detail: detail)
        }
        let kind = Stage(rawValue: stage.name)!
        var stale: String? = nil
        if !options.overwrite && context.lake.isComplete(key) {
            do { stale = try context.staleness(kind, root: root, date: date) } catch {
                stale = "stale: its manifest cannot be read (\(error))"
            }
            guard stale != nil else { return report(.skipped, nil, "complete and current (_SUCCESS exists; --overwrite to redo)") }
        }
        do {
            let result: StageResult?
            switch kind {
            case .bronze: result = try context.bronze(root: root, date: date)
            case .selection: result = try context.selection(root: root, date: date)
            case .levels: result = try context.levels(root: root, date: date, memo: memo)
            case .silver: result = try context.silver(root: root, date: date, memo: memo)
            case .triggers: result = try context.triggers(root: root, date: date, memo: memo)
            case .pressure: result = try context.pressure(root: root, date: date, memo: memo)
            }
            guard let result else {
                return report(.missing, nil, "no raw MBO file covers this trade date" + (stale.map { " (the partition is \($0))" } ?? ""))
            }
            return report(.done, result.rows, [stale.map { $0 + "; recomputed" }, result.note].compactMap { $0 }.joined(separator: " — "))
        } catch {
            var r = report(.failed, nil, (stale.map { $0 + "; " } ?? "") + "\(error)")
            r.transient = isTransient(error)
            return r
        }
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
