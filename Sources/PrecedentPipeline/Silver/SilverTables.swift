import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake

/// Silver `selection_map`: one row per trade date and contract seen in bronze
/// (or one row with a null contract when there was none), with the decision
/// and its reason.
public enum SelectionTable {
    public static let fields: [ParquetField] = [
        ParquetField("trade_date", .int32, logical: .date, doc: "exchange trade date"),
        ParquetField("symbol", .byteArray, logical: .string, doc: "root (ES)"),
        ParquetField("contract", .byteArray, logical: .string, nullable: true, doc: "contract; null when the date has no outright records"),
        ParquetField("volume", .int64, doc: "contracts traded in the analysis window (T records)"),
        ParquetField("share", .double, nullable: true, doc: "volume / root volume in the analysis window; null when the root traded nothing"),
        ParquetField("rank", .int32, doc: "1 = most volume (ties: contract name order)"),
        ParquetField("selected", .boolean, doc: "this contract represents the root on this date"),
        ParquetField("reason", .byteArray, logical: .string, doc: "why it was or was not selected"),
    ]
    public static func schema() -> TableSchema {
        TableSchema(name: "selection_map", doc: "Contract-day selection map (docs/PIPELINE.md)", fields: fields)
    }
}

/// Silver `levels`: one row per contract, trade date and level kind.
public enum LevelsTable {
    public static let fields: [ParquetField] = [
        ParquetField("trade_date", .int32, logical: .date, doc: "exchange trade date"),
        ParquetField("symbol", .byteArray, logical: .string, doc: "root (ES)"),
        ParquetField("contract", .byteArray, logical: .string, doc: "contract the level is computed on"),
        ParquetField("level_id", .byteArray, logical: .string, doc: "level kind (pm_high, or_low, pd_close, …)"),
        ParquetField("price", .int64, nullable: true, doc: "level price, fixed point 1e-9; null when not computable (see reason)"),
        ParquetField("price_ticks", .int64, nullable: true, doc: "⌊price / tick⌋"),
        ParquetField("window_start", .int64, logical: .timestamp(.nanos, utc: true), doc: "start of the window the level comes from (UTC ns, inclusive)"),
        ParquetField("window_end", .int64, logical: .timestamp(.nanos, utc: true), doc: "end of that window (UTC ns, exclusive)"),
        ParquetField("known_at", .int64, logical: .timestamp(.nanos, utc: true), doc: "the moment the level became known (= window_end); features use it only from then on"),
        ParquetField("trades", .int64, doc: "trades in the window"),
        ParquetField("volume", .int64, doc: "contracts traded in the window"),
        ParquetField("reason", .byteArray, logical: .string, nullable: true, doc: "why price is null; null when it is not"),
    ]
    public static func schema() -> TableSchema {
        TableSchema(name: "levels", doc: "Key price levels per contract and trade date (docs/PIPELINE.md)", fields: fields)
    }

    /// Columns of `values` (contract, level) of `root` on `date`, in `fields` order.
    public static func columns(_ values: [(String, LevelValue)], root: String, date: CivilDate, tick: Int64) -> [ParquetColumn] {
        let day = Int32(date.daysSinceEpoch)
        var columns: [ParquetColumn] = []
        columns.append(.int32(values.map { _ in day }))
        columns.append(.byteArray(values.map { _ in Array(root.utf8) }))
        columns.append(.byteArray(values.map { v -> [UInt8]? in Array(v.0.utf8) }))
        columns.append(.byteArray(values.map { v -> [UInt8]? in Array(v.1.kind.rawValue.utf8) }))
        columns.append(.int64(values.map { v -> Int64? in v.1.price }))
        columns.append(.int64(values.map { v -> Int64? in v.1.price.map { $0.floorDivided(by: tick) } }))
        columns.append(.int64(values.map { v -> Int64? in Int64(v.1.window.lowerBound.rawValue) }))
        columns.append(.int64(values.map { v -> Int64? in Int64(v.1.window.upperBound.rawValue) }))
        columns.append(.int64(values.map { v -> Int64? in Int64(v.1.knownAt.rawValue) }))
        columns.append(.int64(values.map { v -> Int64? in Int64(v.1.trades) }))
        columns.append(.int64(values.map { v -> Int64? in v.1.volume }))
        columns.append(.byteArray(values.map { v -> [UInt8]? in v.1.reason.map { Array($0.utf8) } }))
        return columns
    }
}
