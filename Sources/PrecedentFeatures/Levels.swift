import PrecedentCore

/// The key price levels (docs/PIPELINE.md). `level_id` is the raw value.
public enum LevelKind: String, CaseIterable, Codable, Sendable {
    case pmHigh = "pm_high", pmLow = "pm_low", onHigh = "on_high", onLow = "on_low"
    case orHigh = "or_high", orLow = "or_low", pdHigh = "pd_high", pdLow = "pd_low", pdClose = "pd_close"

    /// The default set: `pm_high, pm_low, or_high, or_low, pd_high, pd_low`.
    public static let defaultSet: [LevelKind] = [.pmHigh, .pmLow, .orHigh, .orLow, .pdHigh, .pdLow]

    public var usesPriorSession: Bool { self == .pdHigh || self == .pdLow || self == .pdClose }
}

/// One executed trade (an MBO `T` record): time, price (1e-9), size.
public struct TradePrint: Sendable, Equatable {
    public var ts: UnixNanos
    public var price: Int64
    public var size: UInt32
    public init(ts: UnixNanos, price: Int64, size: UInt32) { self.ts = ts; self.price = price; self.size = size }
}

/// A level of one contract and trade date: its price, the window it comes
/// from and the moment it became known (the window's end). `price` is nil
/// when the window holds no trade, with the reason.
public struct LevelValue: Sendable, Equatable {
    public var kind: LevelKind
    public var price: Int64?
    public var window: Range<UnixNanos>
    public var knownAt: UnixNanos
    public var trades: Int
    public var volume: Int64
    public var reason: String?
}

public enum LevelCalculator {
    /// Computes `kinds` for trade date `date` from that date's trades and the
    /// prior trade date's (`prior`: its date and trades; nil when it is not in
    /// the lake). Only trades inside a level's window count, so no level depends
    /// on anything after the moment it becomes known.
    /// `coverage`: the span the date's input really covers (a window outside it
    /// gives no level, rather than a level from partial data).
    public static func compute(kinds: [LevelKind], date: CivilDate, clock: ExchangeClock, sessions: SessionWindows,
                               trades: [TradePrint], coverage: Range<UnixNanos>,
                               prior: (date: CivilDate, trades: [TradePrint], coverage: Range<UnixNanos>)?) -> [LevelValue] {
        let rthStart = clock.moment(date, sessions.rth[0])
        let orEnd = UnixNanos(rawValue: rthStart.rawValue + UInt64(sessions.openingRangeMinutes) * 60 * UnixNanos.nanosPerSecond)
        return kinds.map { kind in
            let window: Range<UnixNanos>
            var source = trades
            var covered = coverage
            switch kind {
            case .pmHigh, .pmLow: window = clock.window(date, sessions.premarket[0], sessions.premarket[1])
            case .onHigh, .onLow: window = clock.span(date).lowerBound..<max(rthStart, clock.span(date).lowerBound)
            case .orHigh, .orLow: window = rthStart..<orEnd
            case .pdHigh, .pdLow, .pdClose:
                guard let prior else {
                    let w = clock.window(clock.previousWeekday(date), sessions.rth[0], sessions.rth[1])
                    return LevelValue(kind: kind, price: nil, window: w, knownAt: w.upperBound, trades: 0, volume: 0,
                                      reason: "prior trade date not in the lake")
                }
                window = clock.window(prior.date, sessions.rth[0], sessions.rth[1])
                source = prior.trades
                covered = prior.coverage
            }
            guard window.isEmpty || (covered.lowerBound <= window.lowerBound && window.upperBound <= covered.upperBound) else {
                return LevelValue(kind: kind, price: nil, window: window, knownAt: window.upperBound, trades: 0, volume: 0,
                                  reason: "window not covered by the input data")
            }
            var hi = Int64.min, lo = Int64.max, last: Int64?, n = 0, volume: Int64 = 0
            for t in source where window.contains(t.ts) {
                hi = max(hi, t.price); lo = min(lo, t.price); last = t.price; n += 1; volume += Int64(t.size)
            }
            let extreme: Int64? = switch kind {
            case .pmHigh, .onHigh, .orHigh, .pdHigh: hi
            case .pmLow, .onLow, .orLow, .pdLow: lo
            case .pdClose: last
            }
            let price = n == 0 ? nil : extreme
            return LevelValue(kind: kind, price: price, window: window, knownAt: window.upperBound, trades: n, volume: volume,
                              reason: n == 0 ? (window.isEmpty ? "empty window" : "no trades in the window") : nil)
        }
    }
}

extension ExchangeClock {
    /// The weekday before `d` (Friday for Monday).
    public func previousWeekday(_ d: CivilDate) -> CivilDate {
        var p = CivilDate(daysSinceEpoch: d.daysSinceEpoch - 1)
        while p.weekday == 0 || p.weekday == 6 { p = CivilDate(daysSinceEpoch: p.daysSinceEpoch - 1) }
        return p
    }
}
