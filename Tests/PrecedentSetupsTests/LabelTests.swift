import PrecedentCore
import PrecedentFeatures
@testable import PrecedentSetups
import Foundation
import PrecedentTestSupport
import Testing

/// Labels on hand-written price paths (tick 0.25, level 100.00, B = R = 8, P = 4, T = 300 s).
@Suite struct LabelTests {
    static let tick: Int64 = 250_000_000, level: Int64 = 100_000_000_000
    static let t0 = UnixNanos(rawValue: 1_000_000_000_000)
    static let p = SetupParameters()
    /// A trade `ticks` from the level (positive above), `seconds` after the trigger.
    static func trade(_ seconds: Double, _ ticks: Int64) -> TradePrint {
        TradePrint(ts: UnixNanos(rawValue: t0.rawValue + UInt64(seconds * 1e9)), price: level + ticks * tick, size: 1)
    }
    static func label(_ d: Direction, _ path: [TradePrint], covered: UInt64 = 400) -> Label? {
        Labeler.label(direction: d, level: level, tick: tick, start: t0, trades: path, parameters: p,
                      coveredUntil: UnixNanos(rawValue: t0.rawValue + covered * 1_000_000_000))
    }

    @Test func breakWhenTradesReachBBeyondFirst() {
        let l = Self.label(.up, [Self.trade(1, -1), Self.trade(2, 3), Self.trade(3, 8), Self.trade(4, -9)])!
        #expect(l.outcome == .break && l.timeToBarrier == 3_000_000_000)
        // Excursions run over the whole horizon, after the barrier too.
        #expect(l.maxFavourable == 8 && l.maxAdverse == 9 && l.penetration == 8)
    }

    @Test func rejectWhenPriceFallsBackWithoutPenetrating() {
        let l = Self.label(.up, [Self.trade(1, -2), Self.trade(2, 3), Self.trade(5, -8)])!
        #expect(l.outcome == .reject && l.timeToBarrier == 5_000_000_000 && l.penetration == 3)
    }

    @Test func failedBreakWhenItPenetratedPFirst() {
        // Penetration exactly P = 4 counts (≥ P).
        let l = Self.label(.up, [Self.trade(1, 4), Self.trade(2, -8)])!
        #expect(l.outcome == .failedBreak && l.timeToBarrier == 2_000_000_000)
    }

    @Test func downIsTheMirror() {
        #expect(Self.label(.down, [Self.trade(1, -8)])!.outcome == .break)
        #expect(Self.label(.down, [Self.trade(1, 8)])!.outcome == .reject)
        #expect(Self.label(.down, [Self.trade(1, -5), Self.trade(2, 9)])!.outcome == .failedBreak)
    }

    @Test func tiesAndTheHorizonEnd() {
        // Exactly B beyond is a break; exactly R back is a barrier too.
        #expect(Self.label(.up, [Self.trade(1, 8)])!.outcome == .break)
        #expect(Self.label(.up, [Self.trade(1, -8)])!.outcome == .reject)
        // Two barrier trades at the same nanosecond: the first in record order wins.
        #expect(Self.label(.up, [Self.trade(7, 9), Self.trade(7, -9)])!.outcome == .break)
        #expect(Self.label(.up, [Self.trade(7, -9), Self.trade(7, 9)])!.outcome == .reject)
        // The horizon is [t, t + 300 s): a barrier at 299.999999999 s counts, at 300 s not.
        let last = TradePrint(ts: UnixNanos(rawValue: Self.t0.rawValue + 300_000_000_000 - 1), price: Self.level + 8 * Self.tick, size: 1)
        #expect(Self.label(.up, [last])!.outcome == .break)
        let chop = Self.label(.up, [Self.trade(1, 2), Self.trade(300, 20)])!
        #expect(chop.outcome == .chop && chop.timeToBarrier == nil && chop.maxFavourable == 2)
        // No trade at all: chop at the level.
        let none = Self.label(.up, [])!
        #expect(none.outcome == .chop && none.maxFavourable == 0 && none.maxAdverse == 0)
        // A trade before the trigger does not count.
        #expect(Self.label(.up, [TradePrint(ts: UnixNanos(rawValue: Self.t0.rawValue - 1), price: Self.level + 20 * Self.tick, size: 1)])!.outcome == .chop)
    }

    @Test func noLabelWhenTheDataEndsBeforeTheHorizon() {
        #expect(Self.label(.up, [Self.trade(1, 9)], covered: 299) == nil)
        #expect(Self.label(.up, [Self.trade(1, 9)], covered: 300) != nil)
    }

    @Test func triggersFollowEpisodesAndRearming() {
        // Mid offsets (up frame, ticks) at successive window ends.
        let mids: [Double?] = [-10, -6, -3, -2, nil, -13, -4, 6, 3, 2.5, 14, 9, 0]
        let s = LevelSeries(levelID: "or_high", levelPrice: Self.level, windowIndex: Array(0..<mids.count),
                            windowStart: Array(repeating: 0, count: mids.count), windowEnd: Array(repeating: 0, count: mids.count),
                            columns: ["u_x_mid": mids])
        let found = TriggerDetector.detect(s, parameters: Self.p)
        // Row 2: first approach from below; row 6 after re-arming at −13; row 8 from above;
        // row 12 (at the level, from above) needs re-arming above first: 14 at row 10 did that.
        #expect(found.map(\.row) == [2, 6, 8, 12])
        #expect(found.map(\.direction) == [.up, .up, .down, .down])
        #expect(found.map(\.xMid) == [-3, -4, -3, 0])
    }

    @Test func vectorBlocksFollowTheirDefinitions() {
        // One feature whose value in window k is k²: every block has a closed form.
        let n = 30
        let s = LevelSeries(levelID: "x", levelPrice: Self.level, windowIndex: Array(0..<n), windowStart: Array(repeating: 0, count: n),
                            windowEnd: Array(repeating: 0, count: n),
                            columns: ["u_x_mid": (0..<n).map { Double($0 * $0) }])
        let list = FeatureList(version: "t", features: ["x_mid"])
        let (v, why) = TriggerDetector.vector(s, row: 27, frame: "u", features: list)
        #expect(why == nil)
        func f(_ k: Int) -> Double { Double(k * k) }
        let expected: [Double] = [
            f(27), (f(25) + f(26) + f(27)) / 3, f(27) - f(24), (19...27).map(f).reduce(0, +) / 9, f(27) - f(18),
            (4...27).map(f).reduce(0, +) / 24, f(27) - f(3), f(27) - f(26), f(27) - 2 * f(26) + f(25),
            f(27) - 3 * f(26) + 3 * f(25) - f(24),
        ]
        #expect(v == expected)
        #expect(expected[8] == 2 && expected[9] == 0)  // second difference of k² is 2, third 0
        #expect(TriggerDetector.vector(s, row: 23, frame: "u", features: list).0 == nil)
    }
}

@Suite struct FeatureListTests {
    @Test func theShippedFileIsTheBuiltInList() throws {
        let file = try FeatureList.load(path: PrecedentTestSupport.Fixtures.repositoryRoot.appendingPathComponent("config/features-v1.txt").path)
        #expect(file == FeatureList.v1)
        #expect(FeatureList.v1.dimension == 290)
    }

    @Test func unknownFeaturesAreRejectedByName() throws {
        let path = PrecedentTestSupport.Oracle.temporaryPath(".txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# version: x\nbeyond_at_ask_depth\nnot_a_feature\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FeatureError.self) { try FeatureList.load(path: path) }
    }
}

@Suite struct RobustScalerTests {
    @Test func medianMADWithAMeanDeviationFallbackAndClipping() {
        // Columns: ordinary (median 3, MAD 1), sparse (median 0, MAD 0, mean |x − 0| = 2), constant.
        let rows: [[Double]] = [[1, 0, 7], [2, 0, 7], [3, 0, 7], [4, 0, 7], [5, 10, 7]]
        let s = RobustScaler(fit: rows)
        #expect(s.median == [3, 0, 7])
        #expect(abs(s.scale[0] - 1.4826) < 1e-12 && abs(s.scale[1] - 1.253314 * 2) < 1e-12 && s.scale[2] == 0)
        let z = s.transform([5, 10, 8])
        #expect(abs(Double(z[0]) - 2 / 1.4826) < 1e-6 && abs(Double(z[1]) - 10 / (1.253314 * 2)) < 1e-5 && z[2] == 0)
        #expect(s.transform([1000, -1000, 0]).prefix(2) == [8, -8])  // clipped at ±8
    }

    @Test func wilsonIntervalMatchesTheFormula() {
        // 3 of 10: Wilson 95 % = (0.1078, 0.6032) (standard tables).
        let d = Distribution.of([.break, .break, .break] + Array(repeating: Outcome.reject, count: 7))
        let (lo, hi) = d.wilson(.break)!
        #expect(abs(lo - 0.1078) < 5e-4 && abs(hi - 0.6032) < 5e-4)
        #expect(d.share(.break) == 0.3 && d.share(.chop) == 0)
    }

    @Test func brierAndRankedProbabilityScores() {
        // Forecast (reject 0.5, failed 0, chop 0, break 0.5), outcome break:
        // Brier = 0.25 + 0 + 0 + 0.25 = 0.5; RPS = ((0.5−0)² + (0.5−0)² + (0.5−0)²) / 3 = 0.25.
        let s = Evaluation.scores([0.5, 0, 0, 0.5], .break)
        #expect(abs(s.brier - 0.5) < 1e-12 && abs(s.rps - 0.25) < 1e-12)
        #expect(Evaluation.scores([0, 0, 0, 1], .break) == (0, 0))
    }
}
