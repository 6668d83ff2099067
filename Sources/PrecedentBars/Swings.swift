import Foundation
import PrecedentCore

/// Fibonacci levels from the last confirmed swing (docs/BARS.md).
///
/// Swing confirmation: the high of day i is a swing high when it is the highest high of days
/// i − N … i + N (N = `strength`, 3 by default; ties go to the earliest day), and it becomes
/// known — confirmed — only at day i + N; swing lows likewise. On each day only swings confirmed
/// by that day count (no lookahead). The last swing runs from the latest confirmed swing point of
/// one kind to the latest of the other kind before it: low → high is an up swing, high → low a
/// down swing. Retracements (0.236, 0.382, 0.5, 0.618, 0.786) measure back from the swing's end:
/// up: H − r·(H − L); down: L + r·(H − L). Extensions (1.272, 1.618, 2.0, 2.618) project from the
/// swing's start: up: L + e·(H − L); down: H − e·(H − L).
public enum Fibonacci {
    public static let retracements = [0.236, 0.382, 0.5, 0.618, 0.786]
    public static let extensions = [1.272, 1.618, 2.0, 2.618]

    public struct Levels: Sendable, Equatable {
        public var up: Bool
        public var swingLow: Double, swingHigh: Double
        public var retracement: [Double]
        public var extension_: [Double]
    }

    public static func levels(high: [Double?], low: [Double?], strength n: Int = 3) -> [Levels?] {
        let count = high.count
        var out = [Levels?](repeating: nil, count: count)
        // Swing points by the day they are confirmed.
        var highs: [(day: Int, value: Double)] = [], lows: [(day: Int, value: Double)] = []
        var confirmedAt: [Int: [(isHigh: Bool, day: Int, value: Double)]] = [:]
        for i in 0..<count where i - n >= 0 && i + n < count {
            let window = (i - n)...(i + n)
            if let h = high[i], window.allSatisfy({ high[$0] != nil }) {
                let m = window.map { high[$0]! }.max()!
                if h == m && window.first(where: { high[$0]! == m }) == i { confirmedAt[i + n, default: []].append((true, i, h)) }
            }
            if let l = low[i], window.allSatisfy({ low[$0] != nil }) {
                let m = window.map { low[$0]! }.min()!
                if l == m && window.first(where: { low[$0]! == m }) == i { confirmedAt[i + n, default: []].append((false, i, l)) }
            }
        }
        for t in 0..<count {
            for s in confirmedAt[t] ?? [] {
                if s.isHigh { highs.append((s.day, s.value)) } else { lows.append((s.day, s.value)) }
            }
            guard let h = highs.last, let l = lows.last, h.value > l.value else { continue }
            let up = h.day > l.day
            let range = h.value - l.value
            out[t] = Levels(up: up, swingLow: l.value, swingHigh: h.value,
                            retracement: retracements.map { up ? h.value - $0 * range : l.value + $0 * range },
                            extension_: extensions.map { up ? l.value + $0 * range : h.value - $0 * range })
        }
        return out
    }
}

/// A regime calendar: date ranges with a name and a weight (a CSV `start,end,name,weight`, ISO
/// dates, inclusive), looked up in O(1) by day; overlapping ranges are an error.
public struct RegimeCalendar: Sendable {
    public struct Regime: Sendable, Equatable { public var name: String; public var weight: Double }
    private var byDay: [Int: Regime] = [:]
    public private(set) var ranges = 0

    public init(csv path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BarsError("\(path): cannot read") }
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if i == 0 && f.first == "start" { continue }
            guard f.count == 4, let a = CivilDate(iso: f[0]), let b = CivilDate(iso: f[1]), a <= b, !f[2].isEmpty, let w = Double(f[3]) else {
                throw BarsError("\(path):\(i + 1): expected start,end,name,weight with ISO dates, start ≤ end")
            }
            for d in a.daysSinceEpoch...b.daysSinceEpoch {
                if let other = byDay[d] { throw BarsError("\(path):\(i + 1): \(f[2]) overlaps \(other.name) on \(CivilDate(daysSinceEpoch: d))") }
                byDay[d] = Regime(name: f[2], weight: w)
            }
            ranges += 1
        }
    }

    public subscript(date: CivilDate) -> Regime? { byDay[date.daysSinceEpoch] }

    /// How much of `dates` the calendar covers, and which dates it does not.
    public func coverage(_ dates: [CivilDate]) -> (covered: Int, total: Int, uncovered: [CivilDate]) {
        let missing = dates.filter { self[$0] == nil }
        return (dates.count - missing.count, dates.count, missing)
    }
}
