import Foundation
import PrecedentCore
import PrecedentLake
import PrecedentRetrieval

/// One historical setup in an index: when, where, what happened, and its raw vector.
public struct Precedent: Sendable, Equatable {
    public var symbol: String
    public var contract: String
    public var date: CivilDate
    public var levelID: String
    public var levelPrice: Int64
    public var direction: Direction
    public var triggerTime: UnixNanos
    public var outcomeCompleteAt: UnixNanos
    public var outcome: Outcome
    public var mfe: Int64
    public var mae: Int64
    public var penetration: Int64
    public var timeToBarrier: Int64?
    public var vector: [Double]

    public init(symbol: String, contract: String, date: CivilDate, levelID: String, levelPrice: Int64, direction: Direction,
                triggerTime: UnixNanos, outcomeCompleteAt: UnixNanos, outcome: Outcome, mfe: Int64, mae: Int64,
                penetration: Int64, timeToBarrier: Int64?, vector: [Double]) {
        self.symbol = symbol; self.contract = contract; self.date = date; self.levelID = levelID; self.levelPrice = levelPrice
        self.direction = direction; self.triggerTime = triggerTime; self.outcomeCompleteAt = outcomeCompleteAt
        self.outcome = outcome; self.mfe = mfe; self.mae = mae; self.penetration = penetration
        self.timeToBarrier = timeToBarrier; self.vector = vector
    }
}

/// The outcome distribution of a set of setups.
public struct Distribution: Sendable {
    public var counts: [Outcome: Int]
    public var total: Int
    /// Shares weighted by 1 / (1 + distance) (only for neighbours).
    public var weighted: [Outcome: Double]?

    public func share(_ o: Outcome) -> Double? { total == 0 ? nil : Double(counts[o] ?? 0) / Double(total) }

    /// 95 % Wilson score interval of the share of `o`.
    public func wilson(_ o: Outcome, z: Double = 1.959964) -> (Double, Double)? {
        guard total > 0 else { return nil }
        let n = Double(total), p = Double(counts[o] ?? 0) / n
        let d = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / d
        let half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Probabilities in `Outcome.allCases` order (uniform over nothing: nil).
    public var probabilities: [Double]? { total == 0 ? nil : Outcome.allCases.map { share($0)! } }

    public static func of(_ outcomes: [Outcome], distances: [Float]? = nil) -> Distribution {
        var counts: [Outcome: Int] = [:]
        for o in outcomes { counts[o, default: 0] += 1 }
        var weighted: [Outcome: Double]? = nil
        if let distances {
            var w: [Outcome: Double] = [:]
            var sum = 0.0
            for (o, d) in zip(outcomes, distances) {
                let x = 1 / (1 + Double(d).squareRoot())
                w[o, default: 0] += x; sum += x
            }
            weighted = sum > 0 ? w.mapValues { $0 / sum } : nil
        }
        return Distribution(counts: counts, total: outcomes.count, weighted: weighted)
    }
}

/// Robust z-score normalisation fitted on eligible precedents only (docs/SETUPS.md):
/// z = (x − median) / s, clipped at ±8, with s = 1.4826 · MAD. Order-book counts
/// are sparse (most windows add, pull or fill nothing in a zone), so the MAD is
/// often 0 while the component still varies: then s = 1.2533 · mean absolute
/// deviation from the median (the same scale for normal data). Only a component
/// that is constant among the eligible is set to 0.
public struct RobustScaler: Sendable {
    public var median: [Double]
    public var scale: [Double]

    public init(fit vectors: [[Double]]) {
        let d = vectors.first?.count ?? 0
        median = []; scale = []
        for j in 0..<d {
            let col = vectors.map { $0[j] }.sorted()
            let m = Self.median(col)
            let deviations = col.map { abs($0 - m) }
            let mad = Self.median(deviations.sorted())
            let meanAD = deviations.reduce(0, +) / Double(max(1, deviations.count))
            median.append(m); scale.append(mad > 0 ? 1.4826 * mad : 1.253314 * meanAD)
        }
    }

    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        guard n > 0 else { return 0 }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    public func transform(_ v: [Double]) -> [Float] {
        (0..<v.count).map { j in scale[j] > 0 ? Float(max(-8, min(8, (v[j] - median[j]) / scale[j]))) : 0 }
    }
}

/// A query's answer.
public struct QueryAnswer: Sendable {
    public var eligible: Int
    public var neighbours: [(precedent: Precedent, distance: Float)]
    public var distribution: Distribution
    public var baseRate: Distribution
    public var scaler: RobustScaler?
}

public enum Retrieval {
    /// The `k` nearest precedents of `vector` among those whose outcome was complete
    /// before `moment` — the only ones also used for normalisation and the base rate.
    public static func query(_ vector: [Double], at moment: UnixNanos, in precedents: [Precedent], k: Int) -> QueryAnswer {
        let eligible = precedents.filter { $0.outcomeCompleteAt < moment }
        let base = Distribution.of(eligible.map(\.outcome))
        guard !eligible.isEmpty else {
            return QueryAnswer(eligible: 0, neighbours: [], distribution: Distribution.of([]), baseRate: base, scaler: nil)
        }
        let scaler = RobustScaler(fit: eligible.map(\.vector))
        // Built for this one query (the eligible set and its normalisation depend on the moment):
        // fitting principal-component bounds would cost more than the one scan they speed up.
        var index = FlatL2Index(dimension: vector.count, pruning: false)
        index.add(eligible.flatMap { scaler.transform($0.vector) })
        let found = index.search(scaler.transform(vector), k: k)
        let neighbours = found.map { (eligible[$0.index], $0.distance) }
        return QueryAnswer(eligible: eligible.count, neighbours: neighbours,
                           distribution: Distribution.of(neighbours.map(\.0.outcome), distances: found.map(\.distance)),
                           baseRate: base, scaler: scaler)
    }

    /// The `q`-quantile (linear interpolation) of `values`; nil when empty.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        let s = values.sorted()
        guard !s.isEmpty else { return nil }
        let x = q * Double(s.count - 1)
        let i = Int(x.rounded(.down)), f = x - Double(i)
        return i + 1 < s.count ? s[i] + f * (s[i + 1] - s[i]) : s[i]
    }
}

/// The index of one (symbol, level kind, direction): Parquet with the precedents
/// in trigger-time order and their raw vectors, under
/// `<lake>/index/product_type=<p>/symbol=<S>/level=<kind>/direction=<dir>/index.parquet`.
public enum PrecedentIndexFile {
    public static func fields(dimension: Int) -> [ParquetField] {
        [
            ParquetField("symbol", .byteArray, logical: .string, doc: "root"),
            ParquetField("contract", .byteArray, logical: .string, doc: "contract"),
            ParquetField("trade_date", .int32, logical: .date, doc: "trade date"),
            ParquetField("level_id", .byteArray, logical: .string, doc: "level kind"),
            ParquetField("level_price", .int64, doc: "level price, fixed point 1e-9"),
            ParquetField("direction", .byteArray, logical: .string, doc: "up or down"),
            ParquetField("trigger_time", .int64, logical: .timestamp(.nanos, utc: true), doc: "when the setup was known"),
            ParquetField("outcome_complete_at", .int64, logical: .timestamp(.nanos, utc: true), doc: "eligible as a precedent strictly after this"),
            ParquetField("label", .byteArray, logical: .string, doc: "break, reject, failed_break, chop"),
            ParquetField("mfe_ticks", .int64, doc: "maximum favourable excursion, ticks"),
            ParquetField("mae_ticks", .int64, doc: "maximum adverse excursion, ticks"),
            ParquetField("penetration_ticks", .int64, doc: "deepest penetration, ticks"),
            ParquetField("time_to_barrier_ns", .int64, nullable: true, doc: "ns to the first barrier; null for chop"),
            .group("vector", (0..<dimension).map { ParquetField("v\($0)", .double, doc: "raw (unnormalised) component \($0)") }),
        ]
    }

    public static func write(_ precedents: [Precedent], dimension: Int, to path: String) throws {
        let p = precedents
        let w = try ParquetWriter(path: path, fields: fields(dimension: dimension))
        var c: [ParquetColumn] = []
        c.append(.strings(p.map(\.symbol)))
        c.append(.strings(p.map(\.contract)))
        c.append(.int32(p.map { Int32($0.date.daysSinceEpoch) }))
        c.append(.strings(p.map(\.levelID)))
        c.append(.int64(p.map(\.levelPrice)))
        c.append(.strings(p.map { $0.direction.rawValue }))
        c.append(.int64(p.map { Int64($0.triggerTime.rawValue) }))
        c.append(.int64(p.map { Int64($0.outcomeCompleteAt.rawValue) }))
        c.append(.strings(p.map { $0.outcome.rawValue }))
        c.append(.int64(p.map(\.mfe)))
        c.append(.int64(p.map(\.mae)))
        c.append(.int64(p.map(\.penetration)))
        c.append(.int64(p.map(\.timeToBarrier)))
        c.append(.group((0..<dimension).map { j in .double(p.map { $0.vector[j] }) }, present: nil))
        try w.write(rowGroup: c)
        try w.close()
    }

    public static func read(_ path: String) throws -> [Precedent] {
        let r = try ParquetReader(path: path)
        let cols = try r.readAll()
        guard cols.count == 14, case .bytes(let sym) = cols[0], case .bytes(let con) = cols[1], case .int32(let date) = cols[2],
              case .bytes(let lvl) = cols[3], case .int64(let price) = cols[4], case .bytes(let dir) = cols[5],
              case .int64(let tt) = cols[6], case .int64(let oc) = cols[7], case .bytes(let label) = cols[8],
              case .int64(let mfe) = cols[9], case .int64(let mae) = cols[10], case .int64(let pen) = cols[11],
              case .int64(let ttb) = cols[12], case .group(let vec, _) = cols[13]
        else { throw ParquetError("is not a precedent index of this program", file: path) }
        let comps: [[Double?]] = vec.map { if case .double(let v) = $0 { v } else { [] } }
        return (0..<sym.count).compactMap { i in
            guard let d = Direction(rawValue: dir.string(i) ?? ""), let o = Outcome(rawValue: label.string(i) ?? "") else { return nil }
            return Precedent(symbol: sym.string(i) ?? "", contract: con.string(i) ?? "", date: CivilDate(daysSinceEpoch: Int(date[i]!)),
                             levelID: lvl.string(i) ?? "", levelPrice: price[i]!, direction: d,
                             triggerTime: UnixNanos(rawValue: UInt64(tt[i]!)), outcomeCompleteAt: UnixNanos(rawValue: UInt64(oc[i]!)),
                             outcome: o, mfe: mfe[i]!, mae: mae[i]!, penetration: pen[i]!, timeToBarrier: ttb[i],
                             vector: comps.map { $0[i] ?? .nan })
        }
    }
}
