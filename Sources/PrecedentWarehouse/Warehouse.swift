import Foundation
import GRDB
import PrecedentBars
import PrecedentCore
import PrecedentLake

/// What validation found before a load. A load goes ahead only when `passed`.
public struct ValidationReport: Codable, Sendable, Equatable {
    public var rows: Int
    public var firstDate: String?
    public var lastDate: String?
    /// Problems that stop the load: missing required fields, duplicate (symbol, date), prices off the
    /// tick grid or far from the series (spread contamination).
    public var errors: [String]
    /// Worth knowing, not blocking: weekdays without a row (gaps against the Monday–Friday calendar;
    /// exchange holidays appear here too), rows the warehouse already holds (they are replaced).
    public var gaps: [String]
    public var overlapWithWarehouse: Int
    public var passed: Bool { errors.isEmpty }
}

/// The result of a load.
public struct LoadReport: Codable, Sendable {
    public var status: String
    public var validation: ValidationReport
    public var rowsLoaded: Int
    public var batches: Int
    public var seconds: Double
    public var rowsPerSecond: Double
}

/// The price sanity check of a load: every close within `fraction` of a rolling reference, the
/// median close of the `neighbours` trade dates before it and the `neighbours` after it in the
/// same load (fewer at the ends; the row itself is left out). A price from another instrument — a
/// calendar spread quoted in an outright series — stands far from its neighbours and fails, while
/// a series that trends over years passes (a band around the whole load's median refused soybean
/// oil 1995–2002). A splice across years fails at its seam. A run of more than `neighbours`
/// consecutive contaminated dates would set its own reference and pass: the band catches isolated
/// rows and short runs.
public struct PriceBand: Sendable, Codable, Equatable {
    /// The largest accepted |close / reference − 1| (0.2: 20 %).
    public var fraction: Double
    /// Trade dates on each side whose closes' median is the reference.
    public var neighbours: Int
    public init(fraction: Double = 0.2, neighbours: Int = 10) {
        precondition(fraction > 0 && neighbours > 0, "PriceBand: fraction and neighbours must be positive")
        self.fraction = fraction; self.neighbours = neighbours
    }

    /// The reference for `closes[i]` (closes in date order); nil when the load has no other row.
    /// - Complexity: O(n log n) for n = `neighbours`.
    public func reference(_ closes: [Double], at i: Int) -> Double? {
        let around = (closes[max(0, i - neighbours)..<i] + closes[(i + 1)..<min(closes.count, i + 1 + neighbours)]).sorted()
        guard !around.isEmpty else { return nil }
        let n = around.count
        return n % 2 == 1 ? around[n / 2] : (around[n / 2 - 1] + around[n / 2]) / 2
    }
}

/// The embedded warehouse (SQLite through GRDB): the daily matrix keyed by (symbol, date),
/// loaded by idempotent upserts in one transaction, so a failed load leaves nothing behind.
public final class Warehouse {
    public let path: String
    let db: DatabaseQueue

    /// Flat column names of the matrix in the table (`market_close`, `pivots_r1`, …).
    public static let columns: [String] = {
        DailyMatrix.fields.dropFirst(2).flatMap { g in g.children.map { "\(g.name)_\($0.name)" } }
    }()

    public init(path: String) throws {
        self.path = path
        db = try DatabaseQueue(path: path)
        try db.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS daily_matrix (
                  symbol TEXT NOT NULL, date TEXT NOT NULL,
                  \(Self.columns.map { "\($0) \($0.hasSuffix("contract") || $0.hasSuffix("source") || $0 == "regime_name" ? "TEXT" : $0 == "market_volume" || $0 == "fibonacci_swing_up" ? "INTEGER" : "REAL")" }.joined(separator: ", ")),
                  PRIMARY KEY (symbol, date))
                """)
            let existing = try Row.fetchAll(db, sql: "PRAGMA table_info(daily_matrix)").map { $0["name"] as String }
            guard existing == ["symbol", "date"] + Self.columns else {
                throw WarehouseError("\(path): its daily_matrix table has other columns than this program's matrix; "
                                     + "load into a new warehouse file (or delete this one) to rebuild it")
            }
        }
    }

    /// Validation of `rows` of `root` (see `ValidationReport`). `tick` enables the tick-grid check
    /// (leave nil for ratio-adjusted series, which leave the grid); `band` is the price sanity check.
    public func validate(_ rows: [ContinuousRow], root: String, tick: Double?, band: PriceBand = PriceBand()) throws -> ValidationReport {
        var errors: [String] = [], gaps: [String]
        var seen = Set<CivilDate>()
        for r in rows {
            if !seen.insert(r.date).inserted { errors.append("duplicate (\(root), \(r.date))") }
            if r.contract.isEmpty || r.source.isEmpty { errors.append("\(r.date): contract or source missing") }
            if !r.close.isFinite { errors.append("\(r.date): close missing") }
        }
        let ordered = rows.sorted { $0.date < $1.date }
        let closes = ordered.map(\.close)
        for (i, r) in ordered.enumerated() {
            if let reference = band.reference(closes, at: i), reference > 0, abs(r.close / reference - 1) > band.fraction {
                errors.append("\(r.date) \(r.contract): close \(r.close) is \(Int((abs(r.close / reference - 1) * 100).rounded())) % from \(reference), "
                              + "the median close of the \(band.neighbours) trade dates either side (a spread price, or a splice?)")
            }
            if let tick {
                for (name, v) in [("open", r.open), ("high", r.high), ("low", r.low), ("close", r.close as Double?)] {
                    if let v, abs((v / tick).rounded() * tick - v) > 1e-9 { errors.append("\(r.date) \(r.contract): \(name) \(v) is off the \(tick) grid") }
                }
            }
        }
        let dates = rows.map(\.date).sorted()
        gaps = CivilDate.missingWeekdays(in: seen).map(\.description)
        let held = try db.read { db in
            try Set(String.fetchAll(db, sql: "SELECT date FROM daily_matrix WHERE symbol = ?", arguments: [root]))
        }
        return ValidationReport(rows: rows.count, firstDate: dates.first?.description, lastDate: dates.last?.description,
                                errors: errors, gaps: gaps, overlapWithWarehouse: rows.filter { held.contains($0.date.description) }.count)
    }

    /// Validates, then upserts every row in batches inside one transaction: all rows or none.
    public func load(_ rows: [ContinuousRow], root: String, tick: Double?, band: PriceBand = PriceBand(), batchSize: Int = 500,
                     regimes: RegimeCalendar? = nil) throws -> LoadReport {
        let start = Date()
        let report = try validate(rows, root: root, tick: tick, band: band)
        guard report.passed else {
            return LoadReport(status: "failed validation: nothing loaded", validation: report, rowsLoaded: 0, batches: 0, seconds: 0, rowsPerSecond: 0)
        }
        let cols = DailyMatrix.columns(rows, root: root, regimes: regimes)
        // Flatten the groups' columns in table order.
        var flat: [ParquetColumnValues] = []
        for c in cols.dropFirst(2) {
            if case .group(let children, _) = c { flat += children.map(ParquetColumnValues.init) }
        }
        let names = ["symbol", "date"] + Self.columns
        let sql = "INSERT INTO daily_matrix (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", "))) "
            + "ON CONFLICT(symbol, date) DO UPDATE SET " + Self.columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        var batches = 0
        try db.write { db in
            let statement = try db.cachedStatement(sql: sql)
            var i = 0
            while i < rows.count {
                let end = min(rows.count, i + batchSize)
                for r in i..<end {
                    var values: [(any DatabaseValueConvertible)?] = [root, rows[r].date.description]
                    for c in flat { values.append(c.value(r)) }
                    try statement.execute(arguments: StatementArguments(values))
                }
                batches += 1
                i = end
            }
        }
        let seconds = Date().timeIntervalSince(start)
        return LoadReport(status: "loaded", validation: report, rowsLoaded: rows.count, batches: batches, seconds: seconds,
                          rowsPerSecond: seconds > 0 ? Double(rows.count) / seconds : 0)
    }

    /// Every row as text, ordered (for comparing warehouse contents).
    public func dump() throws -> [String] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM daily_matrix ORDER BY symbol, date").map { $0.description }
        }
    }

    /// Row count per symbol, first and last date.
    public func inventory() throws -> [(symbol: String, rows: Int, first: String, last: String)] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT symbol, COUNT(*), MIN(date), MAX(date) FROM daily_matrix GROUP BY symbol ORDER BY symbol").map {
                ($0[0], $0[1], $0[2], $0[3])
            }
        }
    }
}

public struct WarehouseError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

/// One Parquet column's values as SQLite values.
struct ParquetColumnValues {
    let value: (Int) -> (any DatabaseValueConvertible)?
    init(_ c: ParquetColumn) {
        switch c {
        case .double(let v): value = { v[$0] }
        case .int64(let v): value = { v[$0] }
        case .int32(let v): value = { v[$0].map { Int64($0) } }
        case .bytes(let v): value = { v.string($0) }
        case .boolean(let v): value = { v[$0] }
        default: value = { _ in nil }
        }
    }
}
