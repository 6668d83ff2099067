import Foundation
import PrecedentCore
import PrecedentFeatures
import PrecedentLake

/// The versioned list of base features a trigger vector is built from
/// (`config/features-v1.txt`): frame-neutral silver column names (the
/// trigger's frame prefix `u_`/`f_` is added), one per line, `#` comments.
public struct FeatureList: Sendable, Equatable {
    public var version: String
    public var features: [String]

    /// Blocks of every vector, in order (docs/SETUPS.md): the trigger window, means and
    /// deltas over the last 3, 9 and 24 windows, and first to third differences.
    public static let blocks = ["w0", "w3_mean", "w3_delta", "w9_mean", "w9_delta", "w24_mean", "w24_delta", "d1", "d2", "d3"]
    /// Earlier windows a complete vector needs (w24_delta looks 24 windows back).
    public static let history = 24

    public var dimension: Int { features.count * Self.blocks.count }
    /// Component names, block-major: `w0__beyond_at_ask_depth`, …
    public var componentNames: [String] { Self.blocks.flatMap { b in features.map { "\(b)__\($0)" } } }

    public init(version: String, features: [String]) { self.version = version; self.features = features }

    /// Reads a list file: `# version: v1` names the version; other `#` lines are comments.
    public static func load(path: String) throws -> FeatureList {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FeatureError("cannot read the feature list \(path)")
        }
        var version = "", features: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("# version:") { version = line.dropFirst(10).trimmingCharacters(in: .whitespaces); continue }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let known = Set(SilverTable.fields.map(\.name).filter { $0.hasPrefix("u_") }.map { String($0.dropFirst(2)) })
            guard known.contains(line) else {
                throw FeatureError("\(path): '\(line)' is not a silver feature of a frame (e.g. beyond_at_ask_depth; see docs/FEATURES.md)")
            }
            features.append(line)
        }
        guard !version.isEmpty, !features.isEmpty else { throw FeatureError("\(path): needs a '# version:' line and at least one feature") }
        return FeatureList(version: version, features: features)
    }
}

/// Silver rows of one level in window order, as named numeric columns.
public struct LevelSeries: Sendable {
    public var levelID: String
    public var levelPrice: Int64
    public var windowIndex: [Int]
    /// Window bounds, UTC ns (kept as integers: a Double cannot hold them exactly).
    public var windowStart: [UInt64]
    public var windowEnd: [UInt64]
    /// Column name → values (nil: null).
    public var columns: [String: [Double?]]

    public init(levelID: String, levelPrice: Int64, windowIndex: [Int], windowStart: [UInt64], windowEnd: [UInt64],
                columns: [String: [Double?]]) {
        self.levelID = levelID; self.levelPrice = levelPrice; self.windowIndex = windowIndex
        self.windowStart = windowStart; self.windowEnd = windowEnd
        self.columns = columns
    }

    /// Series from silver columns as written (`SilverTable.fields` order or a file read back), split
    /// by level: levels in order of first appearance, each level's rows in window order, the numeric
    /// columns as Double (booleans as 0/1), taken per level straight from the columns.
    public static func from(silver columns: [(name: String, column: ParquetColumn)]) -> [LevelSeries] {
        var ids: [String] = [], prices: [Int64] = [], windows: [Int] = [], starts: [UInt64] = [], ends: [UInt64] = []
        var numeric: [(name: String, column: ParquetColumn)] = []
        for (name, c) in columns {
            switch (name, c) {
            case ("level_id", .bytes(let v)): ids = (0..<v.count).map { v.string($0) ?? "" }
            case ("level_price", .int64(let v)): prices = v.map { $0 ?? 0 }
            case ("window_index", .int32(let v)): windows = v.map { Int($0 ?? 0) }
            case ("window_start", .int64(let v)): starts = v.map { UInt64($0 ?? 0) }
            case ("window_end", .int64(let v)): ends = v.map { UInt64($0 ?? 0) }
            default: numeric.append((name, c))
            }
        }
        var order: [String] = [], rowsOf: [String: [Int]] = [:]
        for (i, id) in ids.enumerated() {
            if rowsOf[id] == nil { order.append(id) }
            rowsOf[id, default: []].append(i)
        }
        return order.map { id in
            let r = rowsOf[id]!.sorted { windows[$0] < windows[$1] }
            var cols: [String: [Double?]] = [:]
            for (name, c) in numeric {
                switch c {
                case .int64(let v): cols[name] = r.map { v[$0].map(Double.init) }
                case .int32(let v): cols[name] = r.map { v[$0].map(Double.init) }
                case .double(let v): cols[name] = r.map { v[$0] }
                case .boolean(let v): cols[name] = r.map { v[$0].map { $0 ? 1 : 0 } }
                default: break
                }
            }
            return LevelSeries(levelID: id, levelPrice: prices[r[0]], windowIndex: r.map { windows[$0] },
                               windowStart: r.map { starts[$0] }, windowEnd: r.map { ends[$0] }, columns: cols)
        }
    }
}

/// A trigger: price came within `approach` ticks of a level from one side.
public struct Trigger: Sendable {
    public var levelID: String
    public var levelPrice: Int64
    public var direction: Direction
    /// Position in the level's series and the window index.
    public var row: Int
    public var window: Int
    /// The trigger window's end: the moment the trigger is known.
    public var time: UnixNanos
    /// Mid offset in ticks at the trigger, in the approach frame.
    public var xMid: Double
    public var episode: Int
    public var vector: [Double]?
    public var vectorReason: String?
    public var label: Label?
    public var labelReason: String?
    public var outcomeCompleteAt: UnixNanos
}

public enum TriggerDetector {
    /// Approach episodes of one level (docs/SETUPS.md). The side price comes from is that
    /// of its last mid more than `approach` ticks away; a trigger fires when the mid
    /// is within `approach` ticks (or across the level) and that side is armed; the
    /// side re-arms once the mid has been `rearm` ticks away on it again. Every side
    /// starts armed. Only mids at window ends are used (nothing after a window).
    public static func detect(_ s: LevelSeries, parameters p: SetupParameters) -> [(row: Int, direction: Direction, xMid: Double)] {
        guard let mids = s.columns["u_x_mid"] else { return [] }
        var armed: [Direction: Bool] = [.up: true, .down: true]
        var side: Direction? = nil
        var out: [(Int, Direction, Double)] = []
        for (r, m) in mids.enumerated() {
            guard let x = m else { continue }  // no two-sided book at the window end
            if abs(x) > Double(p.approach) {
                side = x < 0 ? .up : .down
                if abs(x) >= Double(p.rearm) { armed[side!] = true }
                continue
            }
            guard let from = side, armed[from] == true else { continue }
            armed[from] = false
            out.append((r, from, from == .up ? x : -x))
        }
        return out
    }

    /// The trigger vector at row `r` of `s` in `frame`: blocks of `FeatureList.blocks`;
    /// nil with a reason when history is short or a feature is null.
    public static func vector(_ s: LevelSeries, row r: Int, frame: String, features: FeatureList) -> ([Double]?, String?) {
        guard r >= FeatureList.history else {
            return (nil, "needs \(FeatureList.history) earlier windows, has \(r)")
        }
        // Consecutive windows are required for the blocks to mean what they say.
        guard s.windowIndex[r] - s.windowIndex[r - FeatureList.history] == FeatureList.history else {
            return (nil, "the \(FeatureList.history) windows before the trigger are not consecutive")
        }
        var series: [[Double]] = []
        for f in features.features {
            guard let col = s.columns["\(frame)_\(f)"] else { return (nil, "silver has no column \(frame)_\(f)") }
            var v: [Double] = []
            for k in (r - FeatureList.history)...r {
                guard let x = col[k] else { return (nil, "\(frame)_\(f) is null in window \(s.windowIndex[k])") }
                v.append(x)
            }
            series.append(v)  // v[24] is the trigger window
        }
        let h = FeatureList.history
        func mean(_ v: [Double], _ n: Int) -> Double { v[(h - n + 1)...h].reduce(0, +) / Double(n) }
        var out: [Double] = []
        for block in FeatureList.blocks {
            for v in series {
                switch block {
                case "w0": out.append(v[h])
                case "w3_mean": out.append(mean(v, 3))
                case "w3_delta": out.append(v[h] - v[h - 3])
                case "w9_mean": out.append(mean(v, 9))
                case "w9_delta": out.append(v[h] - v[h - 9])
                case "w24_mean": out.append(mean(v, 24))
                case "w24_delta": out.append(v[h] - v[h - 24])
                case "d1": out.append(v[h] - v[h - 1])
                case "d2": out.append(v[h] - 2 * v[h - 1] + v[h - 2])
                default: out.append(v[h] - 3 * v[h - 1] + 3 * v[h - 2] - v[h - 3])
                }
            }
        }
        return (out, nil)
    }

    /// Triggers of every level with vectors and labels: the levels' whole series through a
    /// `TriggerTracker`, the trades through a `LabelTracker` — the code the streaming engine runs
    /// window by window.
    public static func triggers(series: [LevelSeries], trades: [TradePrint], tick: Int64, parameters p: SetupParameters,
                                features: FeatureList, coveredUntil: UnixNanos) -> [Trigger] {
        var tracker = TriggerTracker(parameters: p, features: features, tick: tick)
        var labels = LabelTracker(tick: tick, parameters: p)
        for s in series { for t in tracker.add(s) { labels.watch(t) } }
        for t in trades { labels.trade(t) }
        return labels.finish(coveredUntil: coveredUntil)
            .sorted { ($0.time, $0.levelID, $0.direction.rawValue) < ($1.time, $1.levelID, $1.direction.rawValue) }
    }
}
