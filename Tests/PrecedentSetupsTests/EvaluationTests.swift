import Foundation
import PrecedentCore
import PrecedentSetups
import Testing

/// Walk-forward evaluation when k is at least the number of eligible precedents: the neighbour
/// answer is then the base rate itself, and the report must say so rather than show skill 0.000.
@Suite struct EvaluationTests {
    /// 20 hand-made setups one minute apart, each complete before the next fires, outcomes
    /// cycling through the four classes; vectors are one number (the setup's index).
    static let setups: [Precedent] = (0..<20).map { i in
        let t = UnixNanos(rawValue: 1_700_000_000_000_000_000 + UInt64(i) * 60_000_000_000)
        return Precedent(symbol: "ES", contract: "ESH4", date: CivilDate(year: 2023, month: 11, day: 14), levelID: "or_high",
                         levelPrice: 4_500_000_000_000, direction: .up, triggerTime: t,
                         outcomeCompleteAt: UnixNanos(rawValue: t.rawValue + 30_000_000_000),
                         outcome: Outcome.allCases[i % 4], mfe: 0, mae: 0, penetration: 0, timeToBarrier: nil, vector: [Double(i)])
    }

    @Test func kAboveEveryEligibleSetIsTheBaseRateByConstruction() {
        // Setup i has i eligible precedents; scored from i = 10 (the minimum): 10 setups, 10…19 eligible.
        let r = Evaluation.run(Self.setups, k: 50, minimumPrecedents: 10)
        #expect(r.scored == 10 && r.skippedTooFewPrecedents == 10)
        #expect(r.k == 50 && r.kClipped == 10 && r.baseRateByConstruction == 10 && r.maxEligible == 19)
        #expect(r.rpsKNN == r.rpsBase && r.skill == 0)
        #expect(r.verdict.contains("base rate by construction") && r.verdict.contains("at most 19 eligible"), "\(r.verdict)")
    }

    @Test func kBelowSomeEligibleSetsSaysHowManyAreTheBaseRate() {
        // k = 14: setups 10…14 have at most 14 eligible (10…13 fewer than k); 15…19 have real neighbours.
        let r = Evaluation.run(Self.setups, k: 14, minimumPrecedents: 10)
        #expect(r.scored == 10 && r.kClipped == 4 && r.baseRateByConstruction == 5)
        #expect(r.verdict.contains("5 of 10 scored setups had at most k = 14 eligible precedents (4 fewer than k)"), "\(r.verdict)")
        let none = Evaluation.run(Self.setups, k: 5, minimumPrecedents: 10)
        #expect(none.kClipped == 0 && none.baseRateByConstruction == 0 && !none.verdict.contains("by construction"))
    }
}
