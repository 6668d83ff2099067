import Foundation
import PrecedentCore

/// Walk-forward evaluation (docs/SETUPS.md): every setup is predicted from the setups
/// whose outcome completed before it (earlier days, and earlier setups of its
/// own day), by its k nearest neighbours and by the base rate of the same
/// eligible set; both are scored against what happened.
public struct EvaluationReport: Sendable, Codable {
    public struct Reliability: Sendable, Codable {
        public var outcome: String
        public var bin: String
        public var count: Int
        public var meanPredicted: Double
        public var observed: Double
    }
    public var setups: Int
    public var scored: Int
    public var skippedTooFewPrecedents: Int
    /// The k asked for.
    public var k: Int
    /// Scored setups with fewer eligible precedents than k: k was clipped to what there was.
    public var kClipped: Int
    /// Scored setups with at most k eligible precedents: their neighbours are the whole eligible
    /// set, so the neighbour answer is the base rate itself and scores exactly as it does.
    public var baseRateByConstruction: Int
    /// The most eligible precedents any scored setup had.
    public var maxEligible: Int
    public var days: Int
    public var brierKNN: Double?
    public var brierBase: Double?
    public var rpsKNN: Double?
    public var rpsBase: Double?
    /// 1 − RPS(kNN) / RPS(base rate).
    public var skill: Double?
    /// 95 % day-bootstrap interval of the skill (nil with fewer than 2 days).
    public var skillInterval: [Double]?
    public var reliability: [Reliability]
    public var verdict: String
    /// The setups' outcomes: how many of each (every outcome named, zeros included).
    public var outcomes: [String: Int]
}

public enum Evaluation {
    /// Brier score (sum over classes) and ranked probability score (classes in `Outcome.allCases` order).
    public static func scores(_ p: [Double], _ outcome: Outcome) -> (brier: Double, rps: Double) {
        let o = Outcome.allCases.map { $0 == outcome ? 1.0 : 0.0 }
        let brier = zip(p, o).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        var cp = 0.0, co = 0.0, rps = 0.0
        for j in 0..<(p.count - 1) { cp += p[j]; co += o[j]; rps += (cp - co) * (cp - co) }
        return (brier, rps / Double(p.count - 1))
    }

    public static func run(_ setups: [Precedent], k: Int, minimumPrecedents: Int = 10, bootstrap: Int = 2000) -> EvaluationReport {
        var rows: [(day: CivilDate, knn: [Double], base: [Double], outcome: Outcome)] = []
        var skipped = 0, clipped = 0, byConstruction = 0, maxEligible = 0
        for s in setups.sorted(by: { $0.triggerTime < $1.triggerTime }) {
            let answer = Retrieval.query(s.vector, at: s.triggerTime, in: setups, k: k)
            guard answer.eligible >= minimumPrecedents, let knn = answer.distribution.probabilities,
                  let base = answer.baseRate.probabilities else { skipped += 1; continue }
            rows.append((s.date, knn, base, s.outcome))
            if answer.eligible < k { clipped += 1 }
            if answer.eligible <= k { byConstruction += 1 }
            maxEligible = max(maxEligible, answer.eligible)
        }
        let days = Set(rows.map(\.day)).sorted()
        func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
        let sk = rows.map { scores($0.knn, $0.outcome) }, sb = rows.map { scores($0.base, $0.outcome) }
        let rpsK = mean(sk.map(\.rps)), rpsB = mean(sb.map(\.rps))
        let skill = rpsK.flatMap { k in rpsB.flatMap { $0 > 0 ? 1 - k / $0 : nil } }
        var interval: [Double]? = nil
        if days.count >= 2 {
            var rng = SplitMix(seed: 7)
            let byDay = Dictionary(grouping: rows.indices, by: { rows[$0].day })
            var skills: [Double] = []
            for _ in 0..<bootstrap {
                var k = 0.0, b = 0.0
                for _ in days {
                    let d = days[Int(rng.next() % UInt64(days.count))]
                    for i in byDay[d]! { k += sk[i].rps; b += sb[i].rps }
                }
                if b > 0 { skills.append(1 - k / b) }
            }
            interval = [Retrieval.quantile(skills, 0.025) ?? .nan, Retrieval.quantile(skills, 0.975) ?? .nan]
        }
        var reliability: [EvaluationReport.Reliability] = []
        for (ci, o) in Outcome.allCases.enumerated() {
            for b in 0..<5 {
                let lo = Double(b) / 5, hi = Double(b + 1) / 5
                let inBin = rows.filter { $0.knn[ci] >= lo && ($0.knn[ci] < hi || (b == 4 && $0.knn[ci] <= 1)) }
                guard !inBin.isEmpty else { continue }
                reliability.append(.init(outcome: o.rawValue, bin: String(format: "%.1f–%.1f", lo, hi), count: inBin.count,
                                         meanPredicted: inBin.map { $0.knn[ci] }.reduce(0, +) / Double(inBin.count),
                                         observed: Double(inBin.filter { $0.outcome == o }.count) / Double(inBin.count)))
            }
        }
        var verdict: String
        if !rows.isEmpty && byConstruction == rows.count {
            verdict = "no test of the neighbours: every scored setup had at most \(maxEligible) eligible precedents, so k = \(k) "
                + "took them all and the answer is the base rate by construction (skill 0); use a k below \(maxEligible) or more history"
        } else if rows.count < 30 || days.count < 5 {
            verdict = "too few setups to conclude anything (\(rows.count) scored on \(days.count) day(s); at least 30 on 5 days are needed for a usable interval)"
        } else if let interval, interval[0] > 0 {
            verdict = "the neighbours beat the base rate (skill interval above 0)"
        } else {
            verdict = "no evidence the neighbours beat the base rate (the skill interval includes 0)"
        }
        if byConstruction > 0 && byConstruction < rows.count {
            verdict += "; \(byConstruction) of \(rows.count) scored setups had at most k = \(k) eligible precedents "
                + "(\(clipped) fewer than k): for those the answer is the base rate by construction"
        }
        return EvaluationReport(setups: setups.count, scored: rows.count, skippedTooFewPrecedents: skipped, k: k, kClipped: clipped,
                                baseRateByConstruction: byConstruction, maxEligible: maxEligible, days: days.count,
                                brierKNN: mean(sk.map(\.brier)), brierBase: mean(sb.map(\.brier)), rpsKNN: rpsK, rpsBase: rpsB,
                                skill: skill, skillInterval: interval, reliability: reliability, verdict: verdict,
                                outcomes: Dictionary(uniqueKeysWithValues: Outcome.allCases.map { o in (o.rawValue, setups.filter { $0.outcome == o }.count) }))
    }
}

/// SplitMix64: a small deterministic generator for the bootstrap.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15  // Safe: SplitMix64 relies on wrapping arithmetic.
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
