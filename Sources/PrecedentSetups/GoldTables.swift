import PrecedentCore
import PrecedentFeatures
import PrecedentLake

extension FeatureList {
    /// The built-in default list (`config/features-v1.txt` holds the same): depth and
    /// flows in the `at` and `near` zones on both sides of the level — where the
    /// seeds' "vacuum" conditions live (asks beyond the level pulled, bids on the
    /// approach side retreating) — their slopes, and the approach itself (mid offset,
    /// order-flow imbalance, aggressor volume toward and away, volume beyond).
    public static let v1 = FeatureList(version: "v1", features: [
        "beyond_at_bid_depth", "beyond_at_ask_depth", "beyond_near_bid_depth", "beyond_near_ask_depth",
        "approach_at_bid_depth", "approach_at_ask_depth", "approach_near_bid_depth", "approach_near_ask_depth",
        "beyond_at_ask_added", "beyond_at_ask_pulled", "beyond_at_ask_filled",
        "beyond_at_bid_added", "beyond_at_bid_pulled", "beyond_at_bid_filled",
        "approach_at_bid_added", "approach_at_bid_pulled", "approach_at_bid_filled",
        "approach_at_ask_added", "approach_at_ask_pulled", "approach_at_ask_filled",
        "beyond_ask_inner_slope", "beyond_bid_inner_slope", "approach_bid_inner_slope", "approach_ask_inner_slope",
        "x_mid", "ofi", "toward_volume", "away_volume", "beyond_volume",
    ])
}

/// Gold `triggers`: one row per trigger with its label and vector.
public enum TriggerTable {
    public static func fields(_ list: FeatureList) -> [ParquetField] {
        [
            ParquetField("symbol", .byteArray, logical: .string, doc: "root"),
            ParquetField("contract", .byteArray, logical: .string, doc: "contract"),
            ParquetField("trade_date", .int32, logical: .date, doc: "trade date"),
            ParquetField("level_id", .byteArray, logical: .string, doc: "level kind"),
            ParquetField("level_price", .int64, doc: "level price, fixed point 1e-9"),
            ParquetField("direction", .byteArray, logical: .string, doc: "up (from below, frame u) or down (from above, frame f)"),
            ParquetField("episode", .int32, doc: "approach episode number of this level and direction on this date, from 1"),
            ParquetField("window_index", .int32, doc: "the trigger window"),
            ParquetField("trigger_time", .int64, logical: .timestamp(.nanos, utc: true), doc: "end of the trigger window: when the trigger is known"),
            ParquetField("x_mid", .double, doc: "mid offset from the level in ticks at the trigger, in the approach frame (≤ 0 before crossing)"),
            ParquetField("label", .byteArray, logical: .string, nullable: true, doc: "break, reject, failed_break or chop; null when the data ends before the horizon"),
            ParquetField("label_reason", .byteArray, logical: .string, nullable: true, doc: "why label is null"),
            ParquetField("outcome_complete_at", .int64, logical: .timestamp(.nanos, utc: true), doc: "trigger_time + horizon: from then on the trigger may serve as a precedent"),
            ParquetField("time_to_barrier_ns", .int64, nullable: true, doc: "nanoseconds from the trigger to the first barrier; null for chop or no label"),
            ParquetField("mfe_ticks", .int64, nullable: true, doc: "maximum favourable excursion: max over the horizon of the trade offset beyond the level, ticks"),
            ParquetField("mae_ticks", .int64, nullable: true, doc: "maximum adverse excursion: max over the horizon of the offset back on the approach side, ticks"),
            ParquetField("penetration_ticks", .int64, nullable: true, doc: "deepest penetration beyond the level, max(0, mfe), ticks"),
            ParquetField("feature_list", .byteArray, logical: .string, doc: "version of the feature list of the vector"),
            ParquetField("vector_reason", .byteArray, logical: .string, nullable: true, doc: "why the vector is null"),
            .group("vector", list.componentNames.map { ParquetField($0, .double, doc: "trigger vector component (docs/SETUPS.md)") },
                   nullable: true, doc: "the trigger vector in the approach frame; null when incomplete"),
        ]
    }

    public static func columns(_ t: [Trigger], list: FeatureList, root: String, contract: String, date: CivilDate) -> [ParquetColumn] {
        let d = Int32(date.daysSinceEpoch)
        var c: [ParquetColumn] = []
        c.append(.strings(t.map { _ in root }))
        c.append(.strings(t.map { _ in contract }))
        c.append(.int32(t.map { _ in d }))
        c.append(.strings(t.map { $0.levelID }))
        c.append(.int64(t.map { $0.levelPrice }))
        c.append(.strings(t.map { $0.direction.rawValue }))
        c.append(.int32(t.map { Int32($0.episode) }))
        c.append(.int32(t.map { Int32($0.window) }))
        c.append(.int64(t.map { Int64($0.time.rawValue) }))
        c.append(.double(t.map { $0.xMid }))
        c.append(.strings(t.map { $0.label?.outcome.rawValue }))
        c.append(.strings(t.map { $0.labelReason }))
        c.append(.int64(t.map { Int64($0.outcomeCompleteAt.rawValue) }))
        c.append(.int64(t.map { $0.label?.timeToBarrier.map { Int64($0) } }))
        c.append(.int64(t.map { $0.label?.maxFavourable }))
        c.append(.int64(t.map { $0.label?.maxAdverse }))
        c.append(.int64(t.map { $0.label?.penetration }))
        c.append(.strings(t.map { _ in list.version }))
        c.append(.strings(t.map { $0.vectorReason }))
        let comps: [ParquetColumn] = (0..<list.dimension).map { j in .double(t.map { $0.vector?[j] }) }
        c.append(.group(comps, present: t.map { $0.vector != nil }))
        return c
    }
}

/// Gold `pressure`: per window and level, depth, adds, pulls and fills per zone
/// above and below the level, both book sides together (for the view).
public enum PressureTable {
    static let bands = VacuumZones.bandNames
    static let quantities = ["depth", "added", "pulled", "filled"]

    public static let fields: [ParquetField] = {
        var f: [ParquetField] = [
            ParquetField("symbol", .byteArray, logical: .string, doc: "root"),
            ParquetField("contract", .byteArray, logical: .string, doc: "contract"),
            ParquetField("level_id", .byteArray, logical: .string, doc: "level kind"),
            ParquetField("level_price", .int64, doc: "level price, fixed point 1e-9"),
            ParquetField("window_start", .int64, logical: .timestamp(.nanos, utc: true), doc: "window start"),
            ParquetField("mid_ticks", .double, nullable: true, doc: "mid offset from the level in ticks (up frame: positive above)"),
        ]
        for side in ["above", "below"] { for b in bands { for q in quantities {
            f.append(ParquetField("\(side)_\(b)_\(q)", .int64, doc: "\(q) in the \(b) zone \(side) the level, bids and asks together, contracts"))
        } } }
        return f
    }()

    /// From a silver level series: above = the up frame's beyond zones, below = its approach zones.
    public static func columns(_ series: [LevelSeries], root: String, contract: String) -> [ParquetColumn] {
        var c: [ParquetColumn] = []
        c.append(.strings(series.flatMap { s in s.windowIndex.map { _ in root } }))
        c.append(.strings(series.flatMap { s in s.windowIndex.map { _ in contract } }))
        c.append(.strings(series.flatMap { s in s.windowIndex.map { _ in s.levelID } }))
        c.append(.int64(series.flatMap { s in s.windowIndex.map { _ in s.levelPrice } }))
        c.append(.int64(series.flatMap { s in s.windowStart.map { Int64($0) } }))
        c.append(.double(series.flatMap { s in s.columns["u_x_mid"] ?? [] }))
        for half in ["beyond", "approach"] { for b in bands { for q in quantities {  // above, then below
            c.append(.int64(series.flatMap { s in
                let bid = s.columns["u_\(half)_\(b)_bid_\(q)"]!, ask = s.columns["u_\(half)_\(b)_ask_\(q)"]!
                return zip(bid, ask).map { Int64(($0 ?? 0) + ($1 ?? 0)) }
            }))
        } } }
        return c
    }
}
