import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN

/// The order-flow-imbalance study of Cont, Kukanov and Stoikov (2014), "The price impact of order
/// book events" (docs/STUDIES.md): over short intervals, the mid-price change in ticks against the
/// order-flow imbalance at the best quotes, one OLS per window, the same with the trade imbalance
/// alone, and the slope of log β against log average depth across windows.
///
/// The book is replayed record by record; its state is read at the end of each venue event (the
/// record flagged `F_LAST`), where it is consistent. Between consecutive event-end states
/// (bid price/size `Pᴮ qᴮ`, ask `Pᴬ qᴬ`; an empty side is price −∞/+∞ with size 0) the event's
/// contribution is the paper's, with its non-strict inequalities:
///
///     e = 1{Pᴮₙ ≥ Pᴮₙ₋₁}·qᴮₙ − 1{Pᴮₙ ≤ Pᴮₙ₋₁}·qᴮₙ₋₁ − 1{Pᴬₙ ≤ Pᴬₙ₋₁}·qᴬₙ + 1{Pᴬₙ ≥ Pᴬₙ₋₁}·qᴬₙ₋₁
public enum OFIStudy {
    public struct Options: Sendable {
        /// Interval length, ns.
        public var interval: UInt64 = 10_000_000_000
        /// Regression window length, ns (a whole number of intervals).
        public var window: UInt64 = 1_800_000_000_000
        public init() {}
    }

    /// One interval `[start, start + interval)`.
    public struct Interval: Sendable, Equatable {
        public var start: UnixNanos
        /// Σ e over the events ending in the interval (shares or contracts).
        public var ofi: Int64 = 0
        /// Buyer-initiated minus seller-initiated traded size (trades without an aggressor side are left out).
        public var tradeImbalance: Int64 = 0
        /// Mid at the interval's end minus mid at its start, in ticks; nil when either mid is undefined
        /// (a side empty, or no book yet).
        public var midChangeTicks: Double?
        /// Venue events ending in the interval.
        public var events = 0
    }

    /// An OLS fit y = α + β·x with classical standard errors.
    public struct Regression: Sendable, Equatable {
        public var n: Int
        public var alpha: Double?, beta: Double?, tAlpha: Double?, tBeta: Double?, r2: Double?

        public static func fit(_ x: [Double], _ y: [Double]) -> Regression {
            let n = x.count
            guard n >= 3 else { return Regression(n: n) }
            let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
            var sxx = 0.0, sxy = 0.0, syy = 0.0
            for i in 0..<n {
                let dx = x[i] - mx, dy = y[i] - my
                sxx += dx * dx; sxy += dx * dy; syy += dy * dy
            }
            guard sxx > 0 else { return Regression(n: n) }
            let beta = sxy / sxx, alpha = my - beta * mx
            var ssr = 0.0
            for i in 0..<n { let r = y[i] - alpha - beta * x[i]; ssr += r * r }
            let s2 = ssr / Double(n - 2)
            let seBeta = (s2 / sxx).squareRoot(), seAlpha = (s2 * (1 / Double(n) + mx * mx / sxx)).squareRoot()
            return Regression(n: n, alpha: alpha, beta: beta, tAlpha: seAlpha > 0 ? alpha / seAlpha : nil, tBeta: seBeta > 0 ? beta / seBeta : nil,
                              r2: syy > 0 ? 1 - ssr / syy : nil)
        }

        init(n: Int, alpha: Double? = nil, beta: Double? = nil, tAlpha: Double? = nil, tBeta: Double? = nil, r2: Double? = nil) {
            self.n = n; self.alpha = alpha; self.beta = beta; self.tAlpha = tAlpha; self.tBeta = tBeta; self.r2 = r2
        }
    }

    /// One regression window of one trade date.
    public struct Window: Sendable {
        public var date: CivilDate
        public var start: UnixNanos, end: UnixNanos
        /// ΔP on OFI, and ΔP on the trade imbalance, over the window's intervals with a defined ΔP.
        public var ofi: Regression, trade: Regression
        /// Time-weighted average of (qᴮ + qᴬ)/2 over the part of the window with a book; nil: none.
        public var averageDepth: Double?
        public var events: Int
    }

    public struct Day: Sendable {
        public var date: CivilDate
        public var contract: String
        public var session: Range<UnixNanos>
        public var intervals: [Interval]
        public var windows: [Window]
    }

    /// What the windows of every date say together.
    public struct Summary: Sendable {
        /// Windows with a fitted regression (of all windows).
        public var windows: Int, windowsTotal: Int
        public var r2Mean: Double?, r2Min: Double?, r2Max: Double?
        /// Windows with β > 0 and their share of the fitted ones.
        public var betaPositive: Int
        public var betaPositiveShare: Double?
        public var tradeR2Mean: Double?
        /// log β on log average depth across windows with β > 0 and a depth (the paper: β ∝ 1/depth^λ, λ ≈ 1).
        public var depth: Regression
    }

    /// The study of one trade date: `records` are the contract's MBO records in order (the
    /// bronze partition's), `session` the regular trading hours, cut into whole windows from its
    /// start; `coveredUntil` the end of the data (a boundary after it has no mid).
    public static func day(date: CivilDate, contract: String, records: [MBOMsg], session: Range<UnixNanos>, coveredUntil: UnixNanos, tick: Int64,
                           options: Options = Options()) -> Day {
        let start = session.lowerBound.rawValue
        let windowCount = Int((session.upperBound.rawValue - start) / options.window)
        let perWindow = Int(options.window / options.interval)
        let count = windowCount * perWindow
        let end = start + UInt64(count) * options.interval
        var intervals = (0..<count).map { Interval(start: UnixNanos(rawValue: start + UInt64($0) * options.interval)) }
        // Bid + ask (price units) at each interval boundary: the state after the events before it.
        var midSum = [Int64?](repeating: nil, count: count + 1)
        var nextBoundary = 0
        var depthIntegral = [Double](repeating: 0, count: windowCount), depthTime = [Double](repeating: 0, count: windowCount)
        var events = [Int](repeating: 0, count: windowCount)

        typealias State = (bp: Int64, bq: Int64, ap: Int64, aq: Int64)
        var prev: State? = nil
        var prevT: UInt64 = 0
        func mid(_ s: State?) -> Int64? {
            guard let s, s.bp != .min, s.ap != .max else { return nil }
            return s.bp + s.ap
        }
        /// Adds the state's depth over [from, to) to the windows it spans.
        func integrate(_ s: State, from: UInt64, to: UInt64) {
            let a = max(from, start), b = min(to, end)
            guard a < b else { return }
            let depth = Double(s.bq + s.aq) / 2
            var w = Int((a - start) / options.window), t = a
            while t < b {
                let wEnd = min(b, start + UInt64(w + 1) * options.window)
                depthIntegral[w] += depth * Double(wEnd - t)
                depthTime[w] += Double(wEnd - t)
                t = wEnd; w += 1
            }
        }

        var book = OrderBook(instrumentID: records.first?.hd.instrumentID ?? 0)
        for m in records {
            book.apply(m)
            let t = m.tsRecv.rawValue
            if m.action == .trade, t >= start, t < end, m.side != .none {
                let k = Int((t - start) / options.interval)
                intervals[k].tradeImbalance += (m.side == .bid ? 1 : -1) * Int64(m.size)
            }
            guard m.flags.contains(.last) else { continue }
            // Boundaries this event is at or past: their mid is the state before it.
            while nextBoundary <= count && start + UInt64(nextBoundary) * options.interval <= t {
                midSum[nextBoundary] = mid(prev)
                nextBoundary += 1
            }
            let b = book.bestBid, a = book.bestAsk
            let s: State = (b.map { $0.price.rawValue } ?? .min, Int64(b?.size ?? 0), a.map { $0.price.rawValue } ?? .max, Int64(a?.size ?? 0))
            if let p = prev {
                integrate(p, from: prevT, to: t)
                if t >= start && t < end {
                    var e: Int64 = 0
                    if s.bp >= p.bp { e += s.bq }
                    if s.bp <= p.bp { e -= p.bq }
                    if s.ap <= p.ap { e -= s.aq }
                    if s.ap >= p.ap { e += p.aq }
                    let k = Int((t - start) / options.interval)
                    intervals[k].ofi += e
                    intervals[k].events += 1
                    events[k / perWindow] += 1
                }
            }
            prev = s; prevT = t
        }
        // Boundaries after the last event that the data still covers hold the last state.
        if let p = prev { integrate(p, from: prevT, to: min(coveredUntil.rawValue, end)) }
        while nextBoundary <= count && start + UInt64(nextBoundary) * options.interval <= coveredUntil.rawValue {
            midSum[nextBoundary] = mid(prev)
            nextBoundary += 1
        }
        for k in 0..<count {
            if let a = midSum[k], let b = midSum[k + 1] { intervals[k].midChangeTicks = Double(b - a) / Double(2 * tick) }
        }
        let windows = (0..<windowCount).map { w -> Window in
            let part = intervals[w * perWindow..<(w + 1) * perWindow].filter { $0.midChangeTicks != nil }
            let y = part.map { $0.midChangeTicks! }
            return Window(date: date, start: UnixNanos(rawValue: start + UInt64(w) * options.window),
                          end: UnixNanos(rawValue: start + UInt64(w + 1) * options.window),
                          ofi: .fit(part.map { Double($0.ofi) }, y), trade: .fit(part.map { Double($0.tradeImbalance) }, y),
                          averageDepth: depthTime[w] > 0 ? depthIntegral[w] / depthTime[w] : nil, events: events[w])
        }
        return Day(date: date, contract: contract, session: session, intervals: intervals, windows: windows)
    }

    public static func summary(_ days: [Day]) -> Summary {
        let all = days.flatMap(\.windows)
        let fitted = all.filter { $0.ofi.r2 != nil }
        let r2 = fitted.map { $0.ofi.r2! }
        let positive = fitted.filter { ($0.ofi.beta ?? 0) > 0 }
        let trade = all.compactMap(\.trade.r2)
        let depthPairs = positive.compactMap { w in w.averageDepth.flatMap { $0 > 0 ? (log($0), log(w.ofi.beta!)) : nil } }
        func mean(_ a: [Double]) -> Double? { a.isEmpty ? nil : a.reduce(0, +) / Double(a.count) }
        return Summary(windows: fitted.count, windowsTotal: all.count, r2Mean: mean(r2), r2Min: r2.min(), r2Max: r2.max(),
                       betaPositive: positive.count, betaPositiveShare: fitted.isEmpty ? nil : Double(positive.count) / Double(fitted.count),
                       tradeR2Mean: mean(trade), depth: .fit(depthPairs.map(\.0), depthPairs.map(\.1)))
    }
}

import PrecedentPipeline

extension OFIStudy {
    /// The study over the lake's bronze partitions of `root` (the selected contract of each
    /// complete date in `dates`), in the configuration's regular trading hours.
    public static func run(context: PipelineContext, root: String, dates: ClosedRange<CivilDate>?, options: Options = Options(),
                           progress: ((String) -> Void)? = nil) throws -> [Day] {
        guard let spec = context.specs[root], let clock = context.clocks[root] else {
            throw PipelineError("unknown symbol \(root)", file: nil, hint: "the configuration's instruments name the roots")
        }
        let list = context.lake.completePartitions(layer: "bronze", table: Registry.bronzeMBO.table, symbol: root)
            .filter { $0.productType == spec.productType && (dates?.contains($0.date) ?? true) }.map(\.date).sorted()
        var days: [Day] = []
        for date in list {
            guard let d = try context.lakeDay(root: root, date: date) else {
                progress?("\(root) \(date): no complete selection map; skipped (run precedent run --layer silver)")
                continue
            }
            guard !d.contract.isEmpty else {
                progress?("\(root) \(date): no contract selected; skipped")
                continue
            }
            let session = clock.window(date, spec.sessions.rth[0], spec.sessions.rth[1])
            days.append(day(date: date, contract: d.contract, records: d.records, session: session, coveredUntil: d.coverage.upperBound,
                            tick: spec.tick, options: options))
            progress?("\(root) \(date) \(d.contract): \(d.records.count) records")
        }
        return days
    }
}
