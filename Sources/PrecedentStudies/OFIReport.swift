import Foundation
import PrecedentCore
import PrecedentDBN

/// The OFI study as JSON and as a self-contained HTML page with SVG figures (docs/STUDIES.md).
public enum OFIReport {
    static func num(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "null" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    static func regression(_ r: OFIStudy.Regression) -> String {
        JSONText.object([("n", String(r.n)), ("alpha", num(r.alpha)), ("t_alpha", num(r.tAlpha)), ("beta", num(r.beta)),
                         ("t_beta", num(r.tBeta)), ("r2", num(r.r2))])
    }

    /// One JSON object: the settings, every window, the summary and (with `intervals`) every interval.
    public static func json(root: String, days: [OFIStudy.Day], options: OFIStudy.Options, intervals: Bool) -> String {
        let s = OFIStudy.summary(days)
        let windows = days.flatMap(\.windows).map { w in
            JSONText.object([("date", JSONText.quoted(w.date.description)), ("start", String(w.start.rawValue)), ("end", String(w.end.rawValue)),
                             ("events", String(w.events)), ("average_depth", num(w.averageDepth)),
                             ("ofi", regression(w.ofi)), ("trade", regression(w.trade))])
        }
        var pairs: [(String, String)] = [
            ("symbol", JSONText.quoted(root)), ("interval_s", num(Double(options.interval) / 1e9)), ("window_s", num(Double(options.window) / 1e9)),
            ("dates", JSONText.array(days.map { JSONText.object([("date", JSONText.quoted($0.date.description)), ("contract", JSONText.quoted($0.contract)),
                                                                  ("session_start", String($0.session.lowerBound.rawValue)),
                                                                  ("session_end", String($0.session.upperBound.rawValue))]) })),
            ("windows", JSONText.array(windows)),
            ("summary", JSONText.object([
                ("windows", String(s.windows)), ("windows_total", String(s.windowsTotal)), ("r2_mean", num(s.r2Mean)), ("r2_min", num(s.r2Min)),
                ("r2_max", num(s.r2Max)), ("beta_positive", String(s.betaPositive)), ("beta_positive_share", num(s.betaPositiveShare)),
                ("trade_r2_mean", num(s.tradeR2Mean)), ("depth", regression(s.depth)),
            ])),
        ]
        if intervals {
            pairs.append(("intervals", JSONText.array(days.flatMap { d in d.intervals.map { i in
                JSONText.object([("date", JSONText.quoted(d.date.description)), ("start", String(i.start.rawValue)), ("ofi", String(i.ofi)),
                                 ("trade_imbalance", String(i.tradeImbalance)), ("mid_change_ticks", num(i.midChangeTicks)), ("events", String(i.events))])
            } })))
        }
        return JSONText.object(pairs)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A page with the summary beside the paper's figures, ΔP against OFI for every interval, R² and
    /// β per window, log β against log depth, and the table of windows. Missing values show as "–".
    public static func html(root: String, days: [OFIStudy.Day], options: OFIStudy.Options, clock: ExchangeClock) -> String {
        let s = OFIStudy.summary(days)
        let windows = days.flatMap(\.windows)
        func f(_ x: Double?, _ digits: Int = 3) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "–" }
        func local(_ t: UnixNanos) -> String {
            let (d, sec) = clock.local(t)
            return String(format: "%@ %02d:%02d", d.description, sec / 3600, sec / 60 % 60)
        }
        var body = "<h1>Order-flow imbalance and price changes: \(escape(root))</h1>\n"
        body += "<p>Cont, Kukanov and Stoikov (2014): over \(f(Double(options.interval) / 1e9, 0))-second intervals, the mid-price change in ticks "
            + "regressed on the order-flow imbalance at the best quotes, one OLS per \(f(Double(options.window) / 6e10, 0))-minute window of the "
            + "regular session. Dates: \(days.map { "\($0.date) (\(escape($0.contract)))" }.joined(separator: ", ")).</p>\n"
        body += "<table class=\"summary\"><tr><th></th><th>here</th><th>n</th><th>the paper (50 US stocks, NYSE TAQ)</th></tr>"
        body += "<tr><td>mean R², ΔP on OFI</td><td>\(f(s.r2Mean))</td><td>\(s.windows)</td><td>≈ 0.65</td></tr>"
        body += "<tr><td>R² range</td><td>\(f(s.r2Min)) – \(f(s.r2Max))</td><td>\(s.windows)</td><td></td></tr>"
        body += "<tr><td>share of windows with β &gt; 0</td><td>\(f(s.betaPositiveShare))</td><td>\(s.windows)</td><td>β &gt; 0: price moves with the imbalance</td></tr>"
        body += "<tr><td>mean R², ΔP on trade imbalance</td><td>\(f(s.tradeR2Mean))</td><td>\(windows.filter { $0.trade.r2 != nil }.count)</td><td>lower than on OFI (“noisy and less robust”)</td></tr>"
        body += "<tr><td>slope of log β on log depth</td><td>\(f(s.depth.beta))</td><td>\(s.depth.n)</td><td>≈ −1 (β ∝ 1/depth)</td></tr></table>\n"

        // ΔP against OFI, every interval with a ΔP.
        let points = days.flatMap(\.intervals).compactMap { i in i.midChangeTicks.map { (Double(i.ofi), $0) } }
        body += "<h2>ΔP (ticks) against OFI, every interval (n = \(points.count))</h2>\n"
        body += scatter(points, xLabel: "OFI", yLabel: "ΔP, ticks", lines: windows.compactMap { w in w.ofi.beta.map { (w.ofi.alpha!, $0) } }, id: "clip-ofi")
        body += "<h2>R² per window (ΔP on OFI: bars; on trade imbalance: dots)</h2>\n"
        body += bars(windows.map { ($0.ofi.r2, $0.trade.r2, local($0.start)) })
        let depthPoints = windows.compactMap { w -> (Double, Double)? in
            guard let b = w.ofi.beta, b > 0, let d = w.averageDepth, d > 0 else { return nil }
            return (log(d), log(b))
        }
        body += "<h2>log β against log average depth (windows with β &gt; 0, n = \(depthPoints.count); slope \(f(s.depth.beta)))</h2>\n"
        body += scatter(depthPoints, xLabel: "log depth", yLabel: "log β", lines: s.depth.beta.map { [(s.depth.alpha!, $0)] } ?? [], id: "clip-depth")
        body += "<h2>Windows</h2>\n<table><tr><th>window</th><th>n</th><th>events</th><th>α</th><th>t(α)</th><th>β</th><th>t(β)</th><th>R²</th>"
            + "<th>β trade</th><th>R² trade</th><th>avg depth</th></tr>\n"
        for w in windows {
            body += "<tr><td>\(local(w.start))</td><td>\(w.ofi.n)</td><td>\(w.events)</td><td>\(f(w.ofi.alpha))</td><td>\(f(w.ofi.tAlpha, 2))</td>"
                + "<td>\(w.ofi.beta.map { String(format: "%.3g", $0) } ?? "–")</td><td>\(f(w.ofi.tBeta, 2))</td><td>\(f(w.ofi.r2))</td>"
                + "<td>\(w.trade.beta.map { String(format: "%.3g", $0) } ?? "–")</td><td>\(f(w.trade.r2))</td><td>\(f(w.averageDepth, 1))</td></tr>\n"
        }
        body += "</table>\n"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>OFI study: \(escape(root))</title><link rel="icon" href="data:,">
            <style>
              body { margin: 20px; background: #fff; color: #1f2328; font: 14px/1.45 system-ui, sans-serif; max-width: 980px; }
              table { border-collapse: collapse; margin: 8px 0 16px; }
              td, th { padding: 3px 8px; text-align: right; border-bottom: 1px solid #d0d7de; white-space: nowrap; }
              td:first-child, th:first-child { text-align: left; }
              th { color: #59636e; font-weight: normal; }
              svg { background: #f6f8fa; border: 1px solid #d0d7de; }
              h2 { font-size: 15px; margin-top: 22px; }
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// An SVG scatter plot with optional fitted lines y = a + b·x.
    static func scatter(_ points: [(Double, Double)], xLabel: String, yLabel: String, lines: [(Double, Double)], id: String) -> String {
        let w = 900.0, h = 360.0, pad = 48.0
        guard !points.isEmpty, let x0 = points.map(\.0).min(), let x1 = points.map(\.0).max(),
              let y0 = points.map(\.1).min(), let y1 = points.map(\.1).max() else {
            return "<p class=\"missing\">no data to draw</p>\n"
        }
        let dx = x1 > x0 ? x1 - x0 : 1, dy = y1 > y0 ? y1 - y0 : 1
        func px(_ x: Double) -> Double { pad + (x - x0) / dx * (w - 2 * pad) }
        func py(_ y: Double) -> Double { h - pad - (y - y0) / dy * (h - 2 * pad) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\">"
        svg += "<line x1=\"\(pad)\" y1=\"\(h - pad)\" x2=\"\(w - pad)\" y2=\"\(h - pad)\" stroke=\"#59636e\"/>"
        svg += "<line x1=\"\(pad)\" y1=\"\(pad)\" x2=\"\(pad)\" y2=\"\(h - pad)\" stroke=\"#59636e\"/>"
        for (v, label) in [(x0, x0), (x1, x1)] {
            svg += "<text x=\"\(px(v))\" y=\"\(h - pad + 16)\" font-size=\"11\" text-anchor=\"middle\">\(String(format: "%.3g", label))</text>"
        }
        for v in [y0, y1] {
            svg += "<text x=\"\(pad - 4)\" y=\"\(py(v) + 4)\" font-size=\"11\" text-anchor=\"end\">\(String(format: "%.3g", v))</text>"
        }
        svg += "<text x=\"\(w / 2)\" y=\"\(h - 8)\" font-size=\"12\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        svg += "<text x=\"12\" y=\"\(h / 2)\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(h / 2))\">\(escape(yLabel))</text>"
        let radius = points.count > 200 ? 2 : 4
        for (x, y) in points {
            svg += "<circle cx=\"\(String(format: "%.1f", px(x)))\" cy=\"\(String(format: "%.1f", py(y)))\" r=\"\(radius)\" fill=\"#0969da\" fill-opacity=\"0.45\"/>"
        }
        // Fitted lines, clipped to the plotting area.
        svg += "<clipPath id=\"\(id)\"><rect x=\"\(pad)\" y=\"\(pad)\" width=\"\(w - 2 * pad)\" height=\"\(h - 2 * pad)\"/></clipPath><g clip-path=\"url(#\(id))\">"
        for (a, b) in lines {
            let ya = a + b * x0, yb = a + b * x1
            svg += "<line x1=\"\(px(x0))\" y1=\"\(py(ya))\" x2=\"\(px(x1))\" y2=\"\(py(yb))\" stroke=\"#cf222e\" stroke-opacity=\"0.5\"/>"
        }
        return svg + "</g></svg>\n"
    }

    /// Bars of the first value per window, dots of the second, on [0, 1]; a missing value is not drawn and its label says so.
    static func bars(_ values: [(Double?, Double?, String)]) -> String {
        let w = 900.0, h = 260.0, pad = 40.0
        guard !values.isEmpty else { return "<p class=\"missing\">no windows</p>\n" }
        let step = (w - 2 * pad) / Double(values.count)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\">"
        svg += "<line x1=\"\(pad)\" y1=\"\(h - pad)\" x2=\"\(w - pad)\" y2=\"\(h - pad)\" stroke=\"#59636e\"/>"
        for v in [0.0, 0.5, 1.0] {
            let y = h - pad - v * (h - 2 * pad)
            svg += "<text x=\"\(pad - 4)\" y=\"\(y + 4)\" font-size=\"11\" text-anchor=\"end\">\(v)</text>"
        }
        for (i, (a, b, label)) in values.enumerated() {
            let x = pad + Double(i) * step
            if let a {
                let bh = max(0, a) * (h - 2 * pad)
                svg += "<rect x=\"\(x + step * 0.15)\" y=\"\(h - pad - bh)\" width=\"\(step * 0.7)\" height=\"\(bh)\" fill=\"#0969da\"/>"
            }
            if let b {
                svg += "<circle cx=\"\(x + step / 2)\" cy=\"\(h - pad - max(0, b) * (h - 2 * pad))\" r=\"3\" fill=\"#cf222e\"/>"
            }
            svg += "<text x=\"\(x + step / 2)\" y=\"\(h - pad + 14)\" font-size=\"9\" text-anchor=\"middle\">\(escape(String(label.suffix(5))))\(a == nil ? " –" : "")</text>"
        }
        return svg + "</svg>\n"
    }
}
