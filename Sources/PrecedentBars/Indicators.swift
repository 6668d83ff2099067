/// Technical indicators with TA-Lib's definitions and start-up conventions (so
/// that they equal TA-Lib on the same input); nil before the first defined value.
public enum Indicators {
    /// RSI (Wilder): the first value at index `period`, from the average gain and
    /// loss of the first `period` changes; then Wilder smoothing. 0 when there was
    /// neither gain nor loss.
    public static func rsi(_ x: [Double], period: Int = 14) -> [Double?] {
        var out = [Double?](repeating: nil, count: x.count)
        guard period > 0, x.count > period else { return out }
        var gain = 0.0, loss = 0.0
        for i in 1...period {
            let d = x[i] - x[i - 1]
            if d > 0 { gain += d } else { loss -= d }
        }
        gain /= Double(period); loss /= Double(period)
        func value() -> Double { gain + loss == 0 ? 0 : 100 * gain / (gain + loss) }
        out[period] = value()
        for i in (period + 1)..<x.count {
            let d = x[i] - x[i - 1]
            gain = (gain * Double(period - 1) + max(d, 0)) / Double(period)
            loss = (loss * Double(period - 1) + max(-d, 0)) / Double(period)
            out[i] = value()
        }
        return out
    }

    /// Exponential moving average as TA-Lib computes it from `start`: seeded with
    /// the simple mean of the `period` values ending at `start`, k = 2 / (period + 1).
    static func ema(_ x: [Double?], period: Int, start: Int) -> [Double?] {
        var out = [Double?](repeating: nil, count: x.count)
        guard start >= period - 1, start < x.count else { return out }
        let k = 2 / Double(period + 1)
        var prev = 0.0
        for i in (start - period + 1)...start { prev += x[i]! }
        prev /= Double(period)
        out[start] = prev
        for i in (start + 1)..<x.count {
            prev = (x[i]! - prev) * k + prev
            out[i] = prev
        }
        return out
    }

    /// MACD(fast, slow, signal) as TA-Lib: both EMAs start at index slow − 1 (each
    /// seeded with the mean of its own last `period` values there); the signal is
    /// the EMA of the MACD line from there; all three outputs start at
    /// (slow − 1) + (signal − 1).
    public static func macd(_ x: [Double], fast: Int = 12, slow: Int = 26, signal: Int = 9)
        -> (macd: [Double?], signal: [Double?], histogram: [Double?]) {
        let n = x.count
        let none = [Double?](repeating: nil, count: n)
        let start = slow - 1, first = start + signal - 1
        guard n > first else { return (none, none, none) }
        let values = x.map { Optional($0) }
        let f = ema(values, period: fast, start: start), s = ema(values, period: slow, start: start)
        var line = none
        for i in start..<n { line[i] = f[i]! - s[i]! }
        let sig = ema(line, period: signal, start: first)
        var m = none, g = none, h = none
        for i in first..<n { m[i] = line[i]; g[i] = sig[i]; h[i] = line[i]! - sig[i]! }
        return (m, g, h)
    }

    /// Bollinger bands (SMA `period`, ± `deviations` population standard deviations).
    public static func bollinger(_ x: [Double], period: Int = 20, deviations: Double = 2)
        -> (upper: [Double?], middle: [Double?], lower: [Double?]) {
        var u = [Double?](repeating: nil, count: x.count), m = u, l = u
        guard period > 0, x.count >= period else { return (u, m, l) }
        for i in (period - 1)..<x.count {
            let w = x[(i - period + 1)...i]
            let mean = w.reduce(0, +) / Double(period)
            let variance = w.reduce(0) { $0 + $1 * $1 } / Double(period) - mean * mean
            let sd = variance > 0 ? variance.squareRoot() : 0
            m[i] = mean; u[i] = mean + deviations * sd; l[i] = mean - deviations * sd
        }
        return (u, m, l)
    }

    /// ATR (Wilder): true range from the second bar; the first ATR at index
    /// `period` is the mean of the first `period` true ranges, then Wilder smoothing.
    public static func atr(high: [Double], low: [Double], close: [Double], period: Int = 14) -> [Double?] {
        let n = close.count
        var out = [Double?](repeating: nil, count: n)
        guard period > 0, n > period else { return out }
        func tr(_ i: Int) -> Double {
            max(high[i] - low[i], abs(high[i] - close[i - 1]), abs(low[i] - close[i - 1]))
        }
        var a = 0.0
        for i in 1...period { a += tr(i) }
        a /= Double(period)
        out[period] = a
        for i in (period + 1)..<n {
            a = (a * Double(period - 1) + tr(i)) / Double(period)
            out[i] = a
        }
        return out
    }
}
