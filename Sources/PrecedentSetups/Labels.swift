import PrecedentCore
import PrecedentFeatures

/// Direction of an approach: `up` from below the level (frame `u`), `down` from above (frame `f`).
public enum Direction: String, Sendable, Codable, CaseIterable {
    case up, down
    public var frame: String { self == .up ? "u" : "f" }
}

/// Outcome classes, in the order the ranked probability score uses
/// (from the most against a breakout to the most for it).
public enum Outcome: String, Sendable, Codable, CaseIterable {
    case reject, failedBreak = "failed_break", chop, `break`
}

/// Trigger and label parameters, in ticks and seconds (docs/SETUPS.md).
public struct SetupParameters: Codable, Sendable, Equatable {
    /// A trigger fires when price comes within `approach` ticks of the level.
    public var approach = 4
    /// The episode re-arms after price has been at least `rearm` ticks away on that side.
    public var rearm = 12
    /// `break`: trades at least `breakTicks` beyond the level.
    public var breakTicks = 8
    /// `reject`: `rejectTicks` back on the approach side…
    public var rejectTicks = 8
    /// …while never penetrating `penetrationTicks` (else `failed_break`).
    public var penetrationTicks = 4
    /// Horizon T, seconds.
    public var horizonSeconds = 300

    enum CodingKeys: String, CodingKey {
        case approach, rearm, breakTicks = "break_ticks", rejectTicks = "reject_ticks"
        case penetrationTicks = "penetration_ticks", horizonSeconds = "horizon_seconds"
    }
    public init() {}
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SetupParameters()
        approach = try c.decodeIfPresent(Int.self, forKey: .approach) ?? d.approach
        rearm = try c.decodeIfPresent(Int.self, forKey: .rearm) ?? d.rearm
        breakTicks = try c.decodeIfPresent(Int.self, forKey: .breakTicks) ?? d.breakTicks
        rejectTicks = try c.decodeIfPresent(Int.self, forKey: .rejectTicks) ?? d.rejectTicks
        penetrationTicks = try c.decodeIfPresent(Int.self, forKey: .penetrationTicks) ?? d.penetrationTicks
        horizonSeconds = try c.decodeIfPresent(Int.self, forKey: .horizonSeconds) ?? d.horizonSeconds
        guard approach >= 0, rearm > approach, breakTicks > 0, rejectTicks > 0, penetrationTicks > 0,
              penetrationTicks <= breakTicks, horizonSeconds > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription:
                "setups need approach ≥ 0, rearm > approach, break/reject/penetration > 0, penetration ≤ break, horizon > 0"))
        }
    }
}

/// What happened after a trigger (docs/SETUPS.md), all distances in ticks in the
/// approach direction (positive = beyond the level).
public struct Label: Sendable, Equatable {
    public var outcome: Outcome
    /// Time from the trigger to the first barrier; nil for `chop`.
    public var timeToBarrier: UInt64?
    /// Over the whole horizon: MFE = max p, MAE = max(−p) (signed: MFE < 0 when price never reached the level).
    public var maxFavourable: Int64
    public var maxAdverse: Int64
    /// Deepest penetration beyond the level, max(0, max p).
    public var penetration: Int64
}

public enum Labeler {
    /// Labels a trigger at `start` (the trigger window's end) against level `level`
    /// from the trades after it, in record order, over `[start, start + T)`.
    /// First barrier wins: a trade ≥ B beyond is `break`; a trade ≥ R back on the
    /// approach side is `failed_break` if some earlier trade (or this one's path)
    /// penetrated ≥ P, else `reject`; no barrier by T is `chop`. With no trade in
    /// the horizon, MFE/MAE/penetration are those of the level itself (0).
    /// Returns nil when the data does not cover the horizon (`coveredUntil`).
    public static func label(direction: Direction, level: Int64, tick: Int64, start: UnixNanos,
                             trades: [TradePrint], parameters p: SetupParameters, coveredUntil: UnixNanos) -> Label? {
        let horizonEnd = start.rawValue + UInt64(p.horizonSeconds) * UnixNanos.nanosPerSecond
        guard horizonEnd <= coveredUntil.rawValue else { return nil }
        var outcome: Outcome? = nil, barrierTime: UInt64? = nil
        var maxP = Int64.min, minP = Int64.max, deepest: Int64 = 0
        for t in trades where t.ts.rawValue >= start.rawValue && t.ts.rawValue < horizonEnd {
            let diff = direction == .up ? t.price - level : level - t.price
            let x = diff.floorDivided(by: tick)
            maxP = max(maxP, x); minP = min(minP, x)
            if outcome == nil {
                deepest = max(deepest, x)
                if x >= Int64(p.breakTicks) {
                    outcome = .break
                } else if -x >= Int64(p.rejectTicks) {
                    outcome = deepest >= Int64(p.penetrationTicks) ? .failedBreak : .reject
                }
                if outcome != nil { barrierTime = t.ts.rawValue - start.rawValue }
            }
        }
        if maxP == Int64.min { maxP = 0; minP = 0 }
        return Label(outcome: outcome ?? .chop, timeToBarrier: barrierTime, maxFavourable: maxP,
                     maxAdverse: -minP, penetration: max(0, maxP))
    }
}
