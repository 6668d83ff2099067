import PrecedentCore
import PrecedentFeatures

/// Triggers of levels found window by window, as silver rows arrive (SPEC §8): the approach
/// episodes of `TriggerDetector.detect` and the vectors of `TriggerDetector.vector`, computed
/// from the rows seen so far. It keeps the last `FeatureList.history` + 1 rows of each level
/// and, per level, the approach state, so memory does not grow with the day. Fed a level's
/// whole series it finds exactly the triggers of the batch gold stage — which is how that stage
/// computes them.
public struct TriggerTracker: Sendable {
    public let parameters: SetupParameters
    public let features: FeatureList
    /// Columns a row must carry: the mid offset and every feature in both frames.
    public let columns: [String]

    struct LevelState: Sendable {
        var recent: LevelSeries
        var rows = 0
        var armed: [Direction: Bool] = [.up: true, .down: true]
        var side: Direction? = nil
        var episodes: [Direction: Int] = [:]
    }
    var states: [String: LevelState] = [:]

    public init(parameters: SetupParameters, features: FeatureList) {
        self.parameters = parameters
        self.features = features
        var seen = Set<String>()
        columns = (["u_x_mid"] + Direction.allCases.flatMap { d in features.features.map { "\(d.frame)_\($0)" } })
            .filter { seen.insert($0).inserted }
    }

    /// Adds the rows of one level (in window order, after the rows already added for it) and
    /// returns the triggers they fire, with vectors, without labels (`outcomeCompleteAt` set).
    /// - Complexity: O(rows × (features + history)).
    public mutating func add(_ s: LevelSeries) -> [Trigger] {
        var state = states[s.levelID] ?? LevelState(recent: LevelSeries(
            levelID: s.levelID, levelPrice: s.levelPrice, windowIndex: [], windowStart: [], windowEnd: [],
            columns: Dictionary(uniqueKeysWithValues: columns.map { ($0, []) })))
        var out: [Trigger] = []
        let keep = FeatureList.history + 1
        for r in s.windowIndex.indices {
            state.recent.windowIndex.append(s.windowIndex[r])
            state.recent.windowStart.append(s.windowStart[r])
            state.recent.windowEnd.append(s.windowEnd[r])
            for c in columns { state.recent.columns[c]!.append(s.columns[c]?[r] ?? nil) }
            if state.recent.windowIndex.count > keep {
                state.recent.windowIndex.removeFirst(); state.recent.windowStart.removeFirst(); state.recent.windowEnd.removeFirst()
                for c in columns { state.recent.columns[c]!.removeFirst() }
            }
            let row = state.rows
            state.rows += 1
            // The approach state machine of `TriggerDetector.detect`, one mid at a time.
            guard let x = s.columns["u_x_mid"]?[r] ?? nil else { continue }  // no two-sided book at the window end
            if abs(x) > Double(parameters.approach) {
                state.side = x < 0 ? .up : .down
                if abs(x) >= Double(parameters.rearm) { state.armed[state.side!] = true }
                continue
            }
            guard let from = state.side, state.armed[from] == true else { continue }
            state.armed[from] = false
            state.episodes[from, default: 0] += 1
            let last = state.recent.windowIndex.count - 1
            // The vector from the kept rows; short of history, the reason names the row in the whole series.
            let (vector, why) = row < FeatureList.history
                ? (nil, "needs \(FeatureList.history) earlier windows, has \(row)")
                : TriggerDetector.vector(state.recent, row: last, frame: from.frame, features: features)
            let time = UnixNanos(rawValue: s.windowEnd[r])
            out.append(Trigger(levelID: s.levelID, levelPrice: s.levelPrice, direction: from, row: row, window: s.windowIndex[r],
                               time: time, xMid: from == .up ? x : -x, episode: state.episodes[from]!, vector: vector, vectorReason: why,
                               label: nil, labelReason: nil,
                               outcomeCompleteAt: UnixNanos(rawValue: time.rawValue + UInt64(parameters.horizonSeconds) * UnixNanos.nanosPerSecond)))
        }
        states[s.levelID] = state
        return out
    }
}

/// Labels of triggers as the trades after them arrive: a trigger's label is decided when the
/// clock passes the end of its horizon (`Labeler.label` over the trades kept since the oldest
/// open trigger), or, when the input ends first, it has none ("the data ends before the
/// horizon"). Memory: the open triggers and the trades of one horizon.
public struct LabelTracker: Sendable {
    public let tick: Int64
    public let parameters: SetupParameters
    var open: [Trigger] = []
    var trades: [TradePrint] = []

    public init(tick: Int64, parameters: SetupParameters) { self.tick = tick; self.parameters = parameters }

    public mutating func watch(_ t: Trigger) { open.append(t) }

    /// A trade of the contract (in time order).
    public mutating func trade(_ t: TradePrint) {
        guard !open.isEmpty else { return }
        trades.append(t)
    }

    /// The triggers whose horizon ended at or before `ts`, labelled, in the order they were watched.
    public mutating func advance(to ts: UnixNanos) -> [Trigger] {
        close(coveredUntil: ts) { $0.outcomeCompleteAt <= ts }
    }

    /// Every open trigger at the end of the input, which covers the data until `coveredUntil`.
    public mutating func finish(coveredUntil: UnixNanos) -> [Trigger] {
        close(coveredUntil: coveredUntil) { _ in true }
    }

    private mutating func close(coveredUntil: UnixNanos, _ due: (Trigger) -> Bool) -> [Trigger] {
        guard open.contains(where: due) else { return [] }
        var done: [Trigger] = [], still: [Trigger] = []
        for var t in open {
            guard due(t) else { still.append(t); continue }
            t.label = Labeler.label(direction: t.direction, level: t.levelPrice, tick: tick, start: t.time, trades: trades,
                                    parameters: parameters, coveredUntil: coveredUntil)
            t.labelReason = t.label == nil ? "the data ends before the horizon" : nil
            done.append(t)
        }
        open = still
        let oldest = open.map(\.time).min()
        trades.removeAll { t in oldest.map { t.ts < $0 } ?? true }
        return done
    }
}
