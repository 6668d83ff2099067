import Foundation
import PrecedentCore
import PrecedentEngine
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// The answer at a trigger, as `precedent query --json` prints it and the engine's trigger
/// events carry it: the setup, its precedents' outcome distribution beside the base rate, the
/// excursions and the nearest precedents.
public struct QueryReport: Encodable, Sendable {
    public struct Share: Encodable, Sendable {
        public var outcome: String; public var count: Int; public var share: Double?; public var wilson95: [Double]?
        public var weighted: Double?; public var baseRate: Double?
    }
    public struct Neighbour: Encodable, Sendable {
        public var date: String; public var time: String; public var contract: String; public var distance: Double
        public var label: String; public var mfeTicks: Int64; public var maeTicks: Int64
    }
    public var symbol: String; public var contract: String; public var tradeDate: String; public var level: String
    public var levelPrice: String
    public var direction: String; public var triggerTime: String; public var triggerTimeLocal: String; public var xMidTicks: Double
    public var eligiblePrecedents: Int; public var neighbours: Int; public var k: Int
    /// Setups in the index of this level kind and direction (complete before the trigger or not).
    public var indexSize: Int
    public var outcomes: [Share]; public var baseRateN: Int
    public var excursions: [String: [Double?]]
    public var nearest: [Neighbour]
    public var warnings: [String]

    /// `answer` of the trigger of `root`'s `contract` at `time` (mid `xMid` ticks from the level in
    /// its approach frame), among an index of `indexSize` precedents; local times by `clock`.
    public init(root: String, contract: String, tradeDate: CivilDate, level: String, levelPrice: Int64, direction: Direction,
                time: UnixNanos, xMid: Double, answer: QueryAnswer, k: Int, indexSize: Int, clock: ExchangeClock) {
        func local(_ t: UnixNanos) -> String { Self.local(t, clock) }
        var warnings: [String] = []
        if indexSize == 0 { warnings.append("no index for \(level) \(direction.rawValue): run precedent index build --symbol \(root)") }
        if answer.eligible < 30 {
            warnings.append("only \(answer.eligible) precedents completed before this trigger: shares this uncertain say little (see the intervals)")
        }
        let ns = answer.neighbours
        symbol = root; self.contract = contract; self.tradeDate = tradeDate.description; self.level = level
        self.levelPrice = Price(rawValue: levelPrice).decimalString ?? ""
        self.direction = direction.rawValue; triggerTime = time.iso8601 ?? ""; triggerTimeLocal = local(time); xMidTicks = xMid
        eligiblePrecedents = answer.eligible; neighbours = ns.count; self.k = k; self.indexSize = indexSize
        outcomes = Outcome.allCases.map { o in
            Share(outcome: o.rawValue, count: answer.distribution.counts[o] ?? 0, share: answer.distribution.share(o),
                  wilson95: answer.distribution.wilson(o).map { [$0.0, $0.1] }, weighted: answer.distribution.weighted.map { $0[o] ?? 0 },
                  baseRate: answer.baseRate.share(o))
        }
        baseRateN = answer.baseRate.total
        excursions = [
            "mfe_ticks_q25_q50_q75": [0.25, 0.5, 0.75].map { Retrieval.quantile(ns.map { Double($0.precedent.mfe) }, $0) },
            "mae_ticks_q25_q50_q75": [0.25, 0.5, 0.75].map { Retrieval.quantile(ns.map { Double($0.precedent.mae) }, $0) },
            "time_to_barrier_s_q25_q50_q75": [0.25, 0.5, 0.75].map {
                Retrieval.quantile(ns.compactMap { $0.precedent.timeToBarrier.map { Double($0) / 1e9 } }, $0)
            },
        ]
        nearest = ns.map { n in
            Neighbour(date: n.precedent.date.description, time: local(n.precedent.triggerTime), contract: n.precedent.contract,
                      distance: Double(n.distance).squareRoot(), label: n.precedent.outcome.rawValue,
                      mfeTicks: n.precedent.mfe, maeTicks: n.precedent.mae)
        }
        self.warnings = warnings
    }

    /// `YYYY-MM-DD HH:MM:SS` in the clock's zone, session-relative like the configuration.
    public static func local(_ t: UnixNanos, _ clock: ExchangeClock) -> String {
        let l = clock.local(t)
        let s = l.seconds
        return String(format: "%@ %02d:%02d:%02d", l.date.description, s / 3600, s / 60 % 60, s % 60)
    }

    /// One line of JSON (snake_case keys, sorted), as the engine's events carry it.
    public func jsonLine() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}

/// What a question at a moment finds.
public enum MomentAnswer: Sendable {
    /// The trigger current at the moment and its answer.
    case answer(QueryReport, trigger: GoldTrigger)
    /// No trigger fired at or within one window before the moment; the nearest one that day, if any.
    case noTrigger(nearest: GoldTrigger?)
    /// The trigger has no complete vector (its reason).
    case noVector(GoldTrigger)
}

/// Questions to a lake that only reads it: the gold triggers, the precedent indexes and the
/// bronze partitions (placebo levels), never a raw file. Indexes are read once and kept for
/// later questions, so a server asks without re-reading them. Safe to share across threads.
public final class LakeQueries: @unchecked Sendable {  // `indexes` is guarded by `lock`
    public let context: PipelineContext
    private var indexes: [String: [Precedent]] = [:]
    private let lock = NSLock()

    /// A read-only view of `lake` for `roots` with `config` (`context.requireSameSettings` and
    /// `context.mismatches` say whether the lake was built with the same settings).
    public init(lake: Lake, config: PipelineConfig, roots: [String]) throws {
        // No raw catalog: the questions read the lake's tables only.
        context = try PipelineContext(lake: lake, config: config, roots: roots, files: Dictionary(uniqueKeysWithValues: roots.map { ($0, []) }))
    }

    /// The precedents of one index, read once.
    public func precedents(root: String, level: String, direction: Direction) throws -> [Precedent] {
        let key = "\(root)|\(level)|\(direction.rawValue)"
        if let known = lock.withLock({ indexes[key] }) { return known }
        let loaded = try context.precedents(root: root, level: level, direction: direction)
        lock.withLock { indexes[key] = loaded }
        return loaded
    }

    /// Every index of `root` as the engine's precedent book.
    public func book(root: String, k: Int) throws -> PrecedentBook {
        var out: [String: [Precedent]] = [:]
        for level in context.config.levels {
            for d in Direction.allCases {
                let p = try precedents(root: root, level: level.rawValue, direction: d)
                if !p.isEmpty { out[PrecedentBook.key(level.rawValue, d)] = p }
            }
        }
        return PrecedentBook(k: k, precedents: out)
    }

    /// The answer at `time` (local, session-relative) on `date` for `level`: the trigger that
    /// fired at or within one feature window before that moment (never a later one), its k nearest
    /// precedents complete before it and their outcomes beside the base rate.
    public func answer(root: String, date: CivilDate, time: LocalTime, level: String, direction: Direction?, k: Int) throws -> MomentAnswer {
        let clock = context.clocks[root]!
        let moment = clock.moment(date, time)
        let all = try context.goldTriggers(root: root, dates: date...date).filter { $0.precedent.levelID == level }
        guard !all.isEmpty || !context.lake.completePartitions(layer: "gold", table: "triggers", symbol: root, dates: date...date).isEmpty else {
            throw PipelineError("no gold triggers partition for \(root) on \(date)", file: context.lake.root,
                                hint: "run precedent run --layer gold (and check the date)")
        }
        let windowNs = UInt64(context.config.windowSeconds) * UnixNanos.nanosPerSecond
        let sameDirection = all.filter { direction == nil || $0.precedent.direction == direction }
        guard let trigger = GoldTrigger.firedAt(moment, within: windowNs, among: sameDirection) else {
            return .noTrigger(nearest: all.min { absDistance($0.precedent.triggerTime, moment) < absDistance($1.precedent.triggerTime, moment) })
        }
        guard trigger.hasVector else { return .noVector(trigger) }
        let p = trigger.precedent
        let precedents = try precedents(root: root, level: level, direction: p.direction)
        let answer = Retrieval.query(p.vector, at: p.triggerTime, in: precedents, k: k)
        return .answer(QueryReport(root: root, contract: p.contract, tradeDate: date, level: level, levelPrice: p.levelPrice,
                                   direction: p.direction, time: p.triggerTime, xMid: trigger.xMid, answer: answer, k: k,
                                   indexSize: precedents.count, clock: clock), trigger: trigger)
    }

    /// One (level kind, direction) of an evaluation: at real levels and at placebo levels.
    public struct EvaluationGroup: Encodable, Sendable {
        public var level: String; public var direction: String; public var real: EvaluationReport; public var placebo: EvaluationReport?
    }

    /// Walk-forward evaluation of `root` over `dates` (`docs/SETUPS.md`).
    public func evaluate(root: String, dates: ClosedRange<CivilDate>?, level: String?, k: Int, minimumPrecedents: Int,
                         placebo: Bool) throws -> [EvaluationGroup] {
        let real = try context.goldTriggers(root: root, dates: dates).filter { $0.hasLabel && $0.hasVector && (level == nil || $0.precedent.levelID == level) }
        let fake = placebo ? try context.placeboTriggers(root: root, dates: dates, offsets: [-40, -30, -20, -10, 10, 20, 30, 40])
            .filter { level == nil || $0.levelID == level } : []
        var groups: [EvaluationGroup] = []
        let keys = Set(real.map { "\($0.precedent.levelID)|\($0.precedent.direction.rawValue)" } + fake.map { "\($0.levelID)|\($0.direction.rawValue)" }).sorted()
        for key in keys {
            let parts = key.split(separator: "|").map(String.init)
            let r = real.map(\.precedent).filter { $0.levelID == parts[0] && $0.direction.rawValue == parts[1] }
            let f = fake.filter { $0.levelID == parts[0] && $0.direction.rawValue == parts[1] }
            groups.append(EvaluationGroup(level: parts[0], direction: parts[1], real: Evaluation.run(r, k: k, minimumPrecedents: minimumPrecedents),
                                          placebo: placebo ? Evaluation.run(f, k: k, minimumPrecedents: minimumPrecedents) : nil))
        }
        return groups
    }
}

/// |a − b| in nanoseconds.
public func absDistance(_ a: UnixNanos, _ b: UnixNanos) -> UInt64 { a.rawValue > b.rawValue ? a.rawValue - b.rawValue : b.rawValue - a.rawValue }
