import Synchronization
import PrecedentCore
import PrecedentFeatures

/// Triggers of levels found window by window, as silver rows arrive (docs/SETUPS.md): the approach
/// episodes of `TriggerDetector.detect` and the vectors of `TriggerDetector.vector`, computed
/// from the rows seen so far. It keeps the last `FeatureList.history` + 1 rows of each level
/// and, per level, the approach state, so memory does not grow with the day. Fed a level's
/// whole series it finds exactly the triggers of the batch gold stage — which is how that stage
/// computes them. A row is either the values of `columns` (the batch stage reads them from
/// silver) or a window row of the level-vacuum engine, whose values are read (`SilverValue`)
/// only when a trigger needs its vector.
public struct TriggerTracker: Sendable {
    public enum Row: Sendable {
        case values([Double?])
        case window(VacuumRow, levelPrice: Int64)
    }

    public let parameters: SetupParameters
    public let features: FeatureList
    /// Tick size (1e-9) for reading window rows.
    public let tick: Int64
    /// The values a row gives, in this order: the up-frame mid offset, then every feature in both frames.
    public let columns: [String]
    let extractors: [SilverValue]
    /// Per frame (`u`, `f`), the indices into `columns` of that frame's features: a vector reads only those.
    let frameColumns: [String: [Int]]

    struct LevelState: Sendable {
        /// The last `keep` rows as a ring: slot `n % keep` holds row n.
        var window: [Int] = [], start: [UInt64] = [], end: [UInt64] = []
        var rows: [Row] = []
        var count = 0
        var armedUp = true, armedDown = true
        var side: Direction? = nil
        var episodesUp = 0, episodesDown = 0
    }
    var slotOf: [String: Int] = [:]
    var slotBySlot: [Int?] = []
    var states: [LevelState] = []
    let keep = FeatureList.history + 1

    public init(parameters: SetupParameters, features: FeatureList, tick: Int64) {
        self.parameters = parameters
        self.features = features
        self.tick = tick
        var seen = Set<String>()
        columns = (["u_x_mid"] + Direction.allCases.flatMap { d in features.features.map { "\(d.frame)_\($0)" } })
            .filter { seen.insert($0).inserted }
        extractors = Self.extractors(columns)
        let names = columns
        frameColumns = Dictionary(uniqueKeysWithValues: Direction.allCases.map { d in
            (d.frame, features.features.compactMap { names.firstIndex(of: "\(d.frame)_\($0)") })
        })
    }

    /// The silver values of `columns`, parsed once per list of names (an engine is made per trade date).
    static func extractors(_ columns: [String]) -> [SilverValue] {
        let key = columns.joined(separator: ",")
        if let known = parsed.withLock({ $0[key] }) { return known }
        let values = columns.map { name in
            guard let v = SilverValue(name: name) else { preconditionFailure("feature \(name) is not a silver column (FeatureList.load checks)") }
            return v
        }
        parsed.withLock { $0[key] = values }
        return values
    }
    private static let parsed = Mutex<[String: [SilverValue]]>([:])

    func values(_ row: Row) -> [Double?] {
        switch row {
        case .values(let v): return v
        case .window(let r, let price): return extractors.map { $0.value(r, levelPrice: price, tick: tick) }
        }
    }

    /// The values of the columns at `indices` only.
    func values(_ row: Row, _ indices: [Int]) -> [Double?] {
        switch row {
        case .values(let v): return indices.map { v[$0] }
        case .window(let r, let price): return indices.map { extractors[$0].value(r, levelPrice: price, tick: tick) }
        }
    }

    /// Adds the rows of one level's series (in window order, after the rows already added for it).
    public mutating func add(_ s: LevelSeries) -> [Trigger] {
        let picked = columns.map { s.columns[$0] }
        var out: [Trigger] = []
        for r in s.windowIndex.indices {
            let values = picked.map { $0?[r] ?? nil }
            out += add(levelID: s.levelID, levelPrice: s.levelPrice, window: s.windowIndex[r], start: s.windowStart[r],
                       end: s.windowEnd[r], xMid: values[0], row: .values(values))
        }
        return out
    }

    /// Adds one row of a level: its window, its up-frame mid offset (nil: no two-sided book at the
    /// window end) and the row. Returns the trigger it fires, if any, with its vector and without
    /// a label (`outcomeCompleteAt` set).
    /// - Complexity: O(1) per row; O(columns × history) when a trigger fires.
    /// `slot`: a small number that stands for the level in every call (the engine's level slot),
    /// which saves hashing its name per row; nil to go by the name.
    public mutating func add(levelID: String, slot: Int? = nil, levelPrice: Int64, window: Int, start: UInt64, end: UInt64, xMid: Double?,
                             row: Row) -> [Trigger] {
        let s: Int
        if let slot, slot < slotBySlot.count, let known = slotBySlot[slot] { s = known } else if let known = slotOf[levelID] { s = known } else {
            s = states.count
            slotOf[levelID] = s
            states.append(LevelState())
        }
        if let slot {
            while slotBySlot.count <= slot { slotBySlot.append(nil) }
            slotBySlot[slot] = s
        }
        // Taken out while it changes (an empty state allocates nothing), so its arrays are not copied on write.
        var state = states[s]
        states[s] = LevelState()
        defer { states[s] = state }
        if state.rows.count < keep {
            state.window.append(window); state.start.append(start); state.end.append(end); state.rows.append(row)
        } else {
            let slot = state.count % keep
            state.window[slot] = window; state.start[slot] = start; state.end[slot] = end; state.rows[slot] = row
        }
        let n = state.count
        state.count += 1
        // The approach state machine of `TriggerDetector.detect`, one mid at a time.
        guard let x = xMid else { return [] }
        if abs(x) > Double(parameters.approach) {
            let side: Direction = x < 0 ? .up : .down
            state.side = side
            if abs(x) >= Double(parameters.rearm) { if side == .up { state.armedUp = true } else { state.armedDown = true } }
            return []
        }
        guard let from = state.side, from == .up ? state.armedUp : state.armedDown else { return [] }
        let episode: Int
        if from == .up { state.armedUp = false; state.episodesUp += 1; episode = state.episodesUp } else {
            state.armedDown = false; state.episodesDown += 1; episode = state.episodesDown
        }
        // The vector from the kept rows; short of history, the reason names the row in the whole series.
        let vector: [Double]?, why: String?
        if n < FeatureList.history {
            (vector, why) = (nil, "needs \(FeatureList.history) earlier windows, has \(n)")
        } else {
            let order = (0..<keep).map { (state.count + $0) % keep }  // oldest first
            let wanted = frameColumns[from.frame] ?? []  // the vector reads the trigger's frame only
            let rows = order.map { values(state.rows[$0], wanted) }
            var cols: [String: [Double?]] = [:]
            for (j, c) in wanted.enumerated() { cols[columns[c]] = rows.map { $0[j] } }
            let recent = LevelSeries(levelID: levelID, levelPrice: levelPrice, windowIndex: order.map { state.window[$0] },
                                     windowStart: order.map { state.start[$0] }, windowEnd: order.map { state.end[$0] }, columns: cols)
            (vector, why) = TriggerDetector.vector(recent, row: keep - 1, frame: from.frame, features: features)
        }
        let time = UnixNanos(rawValue: end)
        return [Trigger(levelID: levelID, levelPrice: levelPrice, direction: from, row: n, window: window,
                        time: time, xMid: from == .up ? x : -x, episode: episode, vector: vector,
                        vectorReason: why, label: nil, labelReason: nil,
                        outcomeCompleteAt: UnixNanos(rawValue: time.rawValue + UInt64(parameters.horizonSeconds) * UnixNanos.nanosPerSecond))]
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

    /// The earliest end of an open trigger's horizon (`UnixNanos.max` when none is open).
    public var nextDue: UnixNanos { open.lazy.map(\.outcomeCompleteAt).min() ?? UnixNanos(rawValue: .max) }

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
