import Foundation
import PrecedentCore
import PrecedentLake

/// Floor pivots from the prior day's high, low and close: P = (H + L + C) / 3,
/// R1 = 2P − L, S1 = 2P − H, R2 = P + (H − L), S2 = P − (H − L), R3 = H + 2(P − L),
/// S3 = L − 2(H − P), R4 = R3 + (R2 − R1), S4 = S3 − (S1 − S2); M1…M8 the midpoints
/// between consecutive levels from S4 up to R4.
public struct FloorPivots: Sendable, Equatable {
    /// S4, S3, S2, S1, P, R1, R2, R3, R4.
    public var levels: [Double]
    public var midpoints: [Double]

    public init(high h: Double, low l: Double, close c: Double) {
        let p = (h + l + c) / 3
        let r1 = 2 * p - l, s1 = 2 * p - h, r2 = p + (h - l), s2 = p - (h - l)
        let r3 = h + 2 * (p - l), s3 = l - 2 * (h - p)
        let r4 = r3 + (r2 - r1), s4 = s3 - (s1 - s2)
        let all = [s4, s3, s2, s1, p, r1, r2, r3, r4]
        levels = all
        midpoints = (0..<8).map { (all[$0] + all[$0 + 1]) / 2 }
    }

    public static let levelNames = ["s4", "s3", "s2", "s1", "p", "r1", "r2", "r3", "r4"]
}

/// The daily feature matrix of one root (docs/BARS.md), so far with the groups
/// `market`, `indicators` and `pivots`: one row per date of the continuous series.
public enum DailyMatrix {
    static func leaf(_ n: String, _ doc: String, nullable: Bool = true) -> ParquetField { ParquetField(n, .double, nullable: nullable, doc: doc) }

    public static let fields: [ParquetField] = [
        ParquetField("symbol", .byteArray, logical: .string, doc: "root (ES)"),
        ParquetField("date", .int32, logical: .date, doc: "trade date"),
        .group("market", [
            ParquetField("contract", .byteArray, logical: .string, doc: "source contract of the continuous row"),
            leaf("open", "open, price units; null when the source has none (settlements)"),
            leaf("high", "high; null when the source has none"),
            leaf("low", "low; null when the source has none"),
            leaf("close", "close or settlement (back-adjusted when the series is)", nullable: false),
            ParquetField("volume", .int64, nullable: true, doc: "contracts; null when the source left it blank"),
            ParquetField("source", .byteArray, logical: .string, doc: "data source of the row"),
        ], doc: "the continuous series' row"),
        .group("indicators", [
            leaf("rsi14", "RSI(14), TA-Lib definition; null in the warm-up"),
            leaf("macd", "MACD(12, 26) line"), leaf("macd_signal", "MACD signal (9)"), leaf("macd_hist", "MACD − signal"),
            leaf("bb_upper", "Bollinger(20, 2) upper"), leaf("bb_middle", "Bollinger middle (SMA 20)"), leaf("bb_lower", "Bollinger lower"),
            leaf("atr14", "ATR(14); null without high and low"),
        ], doc: "technical indicators on the continuous closes"),
        .group("pivots", FloorPivots.levelNames.map { leaf($0, "floor pivot \($0.uppercased()) from the prior row's high, low, close; null on the first row or without high/low") }
            + (1...8).map { leaf("m\($0)", "midpoint M\($0) between consecutive pivot levels (S4 … R4)") }
            + FloorPivots.levelNames.map { leaf("close_minus_\($0)", "close − \($0.uppercased()), price units") },
               doc: "floor pivots of the prior session and the close's distance from them"),
        .group("fibonacci", [
            ParquetField("swing_up", .boolean, nullable: true, doc: "the last confirmed swing runs up (low → high); null before two swings are confirmed"),
            leaf("swing_low", "low of the last confirmed swing"), leaf("swing_high", "high of the last confirmed swing"),
        ] + Fibonacci.retracements.map { leaf("ret_\(String($0).replacingOccurrences(of: ".", with: "_"))", "retracement \($0) of the last confirmed swing (docs/BARS.md)") }
          + Fibonacci.extensions.map { leaf("ext_\(String($0).replacingOccurrences(of: ".", with: "_"))", "extension \($0) of the last confirmed swing") },
               doc: "Fibonacci levels from the last swing confirmed by this date (3 days either side)"),
        .group("regime", [
            ParquetField("name", .byteArray, logical: .string, nullable: true, doc: "regime of the date from the regime calendar; null when not covered or no calendar"),
            leaf("weight", "the regime's weight"),
        ], doc: "regime calendar lookup"),
    ]

    /// The fields with one extra group per user table.
    public static func fields(extras: [ExtraTable]) -> [ParquetField] {
        fields + extras.map { t in
            .group(t.name, t.columns.map { ParquetField($0, .double, nullable: true, doc: "\(t.name).\($0) joined by date; null when the table has no row or value") },
                   doc: "user table \(t.name) joined by date")
        }
    }

    public static func schema(root: String, extras: [ExtraTable] = []) -> TableSchema {
        TableSchema(name: "daily_matrix_\(root.lowercased())", doc: "Daily feature matrix of \(root) (docs/BARS.md)", fields: fields(extras: extras))
    }

    /// Columns for the continuous `rows` of `root`.
    public static func columns(_ rows: [ContinuousRow], root: String, regimes: RegimeCalendar? = nil) -> [ParquetColumn] {
        let close = rows.map(\.close)
        let hasHL = rows.allSatisfy { $0.high != nil && $0.low != nil }
        let rsi = Indicators.rsi(close), macd = Indicators.macd(close), bb = Indicators.bollinger(close)
        let atr: [Double?] = hasHL ? Indicators.atr(high: rows.map { $0.high! }, low: rows.map { $0.low! }, close: close)
            : Array(repeating: nil, count: rows.count)
        let pivots: [FloorPivots?] = rows.indices.map { i in
            guard i > 0, let h = rows[i - 1].high, let l = rows[i - 1].low else { return nil }
            return FloorPivots(high: h, low: l, close: rows[i - 1].close)
        }
        var piv: [ParquetColumn] = []
        for j in 0..<9 { piv.append(.double(pivots.map { $0?.levels[j] })) }
        for j in 0..<8 { piv.append(.double(pivots.map { $0?.midpoints[j] })) }
        for j in 0..<9 { piv.append(.double(rows.indices.map { i in pivots[i].map { rows[i].close - $0.levels[j] } })) }
        return [
            .strings(rows.map { _ in root }),
            .int32(rows.map { Int32($0.date.daysSinceEpoch) }),
            .group([.strings(rows.map(\.contract)), .double(rows.map(\.open)), .double(rows.map(\.high)), .double(rows.map(\.low)),
                    .double(rows.map(\.close)), .int64(rows.map(\.volume)), .strings(rows.map(\.source))], present: nil),
            .group([.double(rsi), .double(macd.macd), .double(macd.signal), .double(macd.histogram),
                    .double(bb.upper), .double(bb.middle), .double(bb.lower), .double(atr)], present: nil),
            .group(piv, present: nil),
            fibonacciGroup(rows),
            .group([.strings(rows.map { regimes?[$0.date]?.name }), .double(rows.map { regimes?[$0.date]?.weight })], present: nil),
        ]
    }

    static func fibonacciGroup(_ rows: [ContinuousRow]) -> ParquetColumn {
        let f = Fibonacci.levels(high: rows.map(\.high), low: rows.map(\.low))
        var c: [ParquetColumn] = [.boolean(f.map { $0?.up }), .double(f.map { $0?.swingLow }), .double(f.map { $0?.swingHigh })]
        for j in Fibonacci.retracements.indices { c.append(.double(f.map { $0?.retracement[j] })) }
        for j in Fibonacci.extensions.indices { c.append(.double(f.map { $0?.extension_[j] })) }
        return .group(c, present: nil)
    }

    /// Writes `<out>/<root>_daily_matrix.parquet` with its BigQuery (`.bq.json`) and Avro (`.avsc`) schemas.
    @discardableResult
    public static func write(_ rows: [ContinuousRow], root: String, to folder: String, regimes: RegimeCalendar? = nil,
                             extras: [ExtraTable] = []) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = "\(folder)/\(root.lowercased())_daily_matrix"
        let w = try ParquetWriter(path: base + ".parquet", fields: fields(extras: extras))
        let extraColumns: [ParquetColumn] = extras.map { t in
            .group(t.columns.indices.map { j in .double(rows.map { t.values[$0.date]?[j] }) }, present: nil)
        }
        try w.write(rowGroup: columns(rows, root: root, regimes: regimes) + extraColumns)
        try w.close()
        try schema(root: root, extras: extras).bigQueryJSON().write(toFile: base + ".bq.json", atomically: true, encoding: .utf8)
        try schema(root: root, extras: extras).avroJSON().write(toFile: base + ".avsc", atomically: true, encoding: .utf8)
        return base + ".parquet"
    }
}
