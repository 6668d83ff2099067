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
    public init() {}
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
        for stage in Registry.stages(layer: options.layer) {
            var items: [(String, CivilDate)] = []
            for root in options.roots { for d in dates(root) { items.append((root, d)) } }
            let stageStart = Date()
            let results = runParallel(stage: stage, items: items)
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
            t.seconds = Date().timeIntervalSince(stageStart)
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
            var next = 0, finished = 0
            init(_ n: Int) { results = Array(repeating: nil, count: n) }
        }
        let shared = Shared(items.count)
        let workers = max(1, min(options.workers, items.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread { [self] in
                while true {
                    lock.lock()
                    let i = shared.next
                    shared.next += 1
                    lock.unlock()
                    guard i < items.count else { break }
                    let r = runOne(stage: stage, root: items[i].0, date: items[i].1)
                    lock.lock()
                    shared.results[i] = r
                    shared.finished += 1
                    let n = shared.finished
                    lock.unlock()
                    progress?("[\(stage.name)] \(n)/\(items.count) \(r.symbol) \(r.date) \(r.status.rawValue)"
                        + (r.rows.map { " \($0) rows" } ?? "") + String(format: " %.2f s", r.seconds)
                        + (r.detail.map { " — \($0)" } ?? ""))
                }
                group.leave()
            }
        }
        group.wait()
        return shared.results.map { $0! }
    }

    private func runOne(stage: StageSpec, root: String, date: CivilDate) -> PartitionReport {
        let start = Date()
        let output = Registry.datasets.first { $0.keyTemplate == stage.output }!
        let key = context.key(output, root, date)
        func report(_ s: PartitionReport.Status, _ rows: Int?, _ detail: String?) -> PartitionReport {
            PartitionReport(stage: stage.name, symbol: root, date: date.description, status: s, rows: rows,
                            seconds: Date().timeIntervalSince(start), detail: detail)
        }
        if !options.overwrite && context.lake.isComplete(key) {
            return report(.skipped, nil, "complete (_SUCCESS exists; --overwrite to redo)")
        }
        do {
            let result: StageResult?
            switch stage.name {
            case "bronze": result = try context.bronze(root: root, date: date)
            case "selection": result = try context.selection(root: root, date: date)
            case "levels": result = try context.levels(root: root, date: date)
            case "triggers": result = try context.triggers(root: root, date: date)
            case "pressure": result = try context.pressure(root: root, date: date)
            default: result = try context.silver(root: root, date: date)
            }
            guard let result else { return report(.missing, nil, "no raw MBO file covers this trade date") }
            return report(.done, result.rows, result.note)
        } catch {
            return report(.failed, nil, "\(error)")
        }
    }
}
