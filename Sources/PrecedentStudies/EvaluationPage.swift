import Foundation
import PrecedentPipeline
import PrecedentSetups

/// `precedent evaluate --html` and `GET /report` of `precedent serve`: the walk-forward evaluation
/// as one self-contained page — per level kind and direction the skill with its day-bootstrap
/// interval at real against placebo levels, the reliability diagram, the outcome distribution, and
/// the number of setups behind each figure. SVG drawn here, no script, nothing fetched.
///
/// Every number shown carries `data-json` (its path in `precedent evaluate --json`: group index,
/// then `real` or `placebo`, then the field) and `data-value` (the value at full precision), so a
/// reader — or the browser test — can check the page against the JSON. A missing value shows "–".
public enum EvaluationPage {
    public struct Settings: Sendable {
        public var root: String, dates: String, k: Int, minimumPrecedents: Int
        public init(root: String, dates: String, k: Int, minimumPrecedents: Int) {
            self.root = root; self.dates = dates; self.k = k; self.minimumPrecedents = minimumPrecedents
        }
    }

    static let colours = ["reject": "#1a7f37", "failed_break": "#9a6700", "chop": "#6e7781", "break": "#cf222e"]

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A number as shown (3 decimals, or an integer) with its JSON path and exact value.
    static func value(_ x: Double?, _ path: String, integer: Bool = false) -> String {
        guard let x, x.isFinite else { return "<span data-json=\"\(path)\" data-value=\"null\">–</span>" }
        let shown = integer ? String(Int(x)) : String(format: "%.3f", x)
        return "<span data-json=\"\(path)\" data-value=\"\(x)\">\(shown)</span>"
    }

    public static func html(_ groups: [LakeQueries.EvaluationGroup], settings: Settings) -> String {
        var body = "<h1>Walk-forward evaluation: \(esc(settings.root))</h1>\n"
        body += "<p>Dates \(esc(settings.dates)); k = \(settings.k); a setup is scored when at least \(settings.minimumPrecedents) precedents "
            + "completed before it. Skill = 1 − RPS(k nearest neighbours) / RPS(base rate of the same eligible precedents); its interval is "
            + "a 95 % bootstrap over days. Placebo levels: each real level shifted by ±10 to ±40 ticks, features recomputed. "
            + "The same numbers: <code>precedent evaluate --json</code>.</p>\n"
        if groups.isEmpty { body += "<p class=\"missing\">no labelled setups with vectors: nothing to evaluate</p>\n" }
        body += skillChart(groups)
        for (g, group) in groups.enumerated() {
            body += "<section><h2>\(esc(group.level)) \(esc(group.direction))</h2>\n<div class=\"row\">"
            body += reliabilityChart(group.real, path: "\(g).real", title: "Reliability at real levels")
            body += outcomeBars(group, g)
            body += "</div>\n" + table(group, g) + "</section>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Evaluation: \(esc(settings.root))</title><link rel="icon" href="data:,">
            <style>
              body { margin: 20px; color: #1f2328; font: 14px/1.45 system-ui, sans-serif; max-width: 1100px; }
              table { border-collapse: collapse; margin: 8px 0 16px; }
              td, th { padding: 3px 8px; text-align: right; border-bottom: 1px solid #d0d7de; white-space: nowrap; }
              td:first-child, th:first-child { text-align: left; }
              th { color: #59636e; font-weight: normal; }
              svg { background: #f6f8fa; border: 1px solid #d0d7de; margin-right: 12px; }
              .row { display: flex; flex-wrap: wrap; align-items: flex-start; }
              .verdict { color: #59636e; font-size: 13px; white-space: normal; text-align: left; }
              .missing { color: #8c959f; }
              h2 { font-size: 16px; margin-top: 26px; }
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// Skill and its interval per group, real (blue) beside placebo (grey), on a shared axis.
    static func skillChart(_ groups: [LakeQueries.EvaluationGroup]) -> String {
        guard !groups.isEmpty else { return "" }
        let rowH = 34.0, left = 190.0, width = 760.0, top = 30.0
        let h = top + rowH * Double(groups.count) + 30
        var values: [Double] = []
        for g in groups {
            var reports: [EvaluationReport] = [g.real]
            if let p = g.placebo { reports.append(p) }
            for r in reports {
                if let s = r.skill, s.isFinite { values.append(s) }
                for v in r.skillInterval ?? [] where v.isFinite { values.append(v) }
            }
        }
        let lo: Double = min(-0.5, values.min() ?? 0), hi: Double = max(0.5, values.max() ?? 0)
        func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * (width - 20) }
        var svg = "<h2>Skill against the base rate, with its 95 % day-bootstrap interval (real: blue; placebo: grey)</h2>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(left + width))\" height=\"\(Int(h))\">"
        svg += "<line x1=\"\(x(0))\" y1=\"\(top - 10)\" x2=\"\(x(0))\" y2=\"\(h - 24)\" stroke=\"#59636e\" stroke-dasharray=\"4 3\"/>"
        for v in [lo, 0, hi] {
            svg += "<text x=\"\(x(v))\" y=\"\(h - 8)\" font-size=\"11\" text-anchor=\"middle\">\(String(format: "%.2f", v))</text>"
        }
        for (i, g) in groups.enumerated() {
            let y = top + rowH * Double(i) + rowH / 2
            svg += "<text x=\"8\" y=\"\(y + 4)\" font-size=\"12\">\(esc(g.level)) \(esc(g.direction))</text>"
            for (j, (r, colour)) in ([(g.real, "#0969da")] + (g.placebo.map { [($0, "#8c959f")] } ?? [])).enumerated() {
                let yy = y + (j == 0 ? -6 : 6)
                if let iv = r.skillInterval, iv.count == 2, iv.allSatisfy(\.isFinite) {
                    svg += "<line x1=\"\(x(iv[0]))\" y1=\"\(yy)\" x2=\"\(x(iv[1]))\" y2=\"\(yy)\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                }
                if let s = r.skill, s.isFinite {
                    svg += "<circle cx=\"\(x(s))\" cy=\"\(yy)\" r=\"4\" fill=\"\(colour)\"/>"
                    svg += "<text x=\"\(left + width - 4)\" y=\"\(yy + 4)\" font-size=\"10\" text-anchor=\"end\" fill=\"\(colour)\">n \(r.scored)"
                        + (r.skillInterval == nil ? ", no interval (\(r.days) day)" : "") + "</text>"
                } else {
                    svg += "<text x=\"\(x(0) + 6)\" y=\"\(yy + 4)\" font-size=\"10\" fill=\"\(colour)\">no skill: \(r.scored) scored</text>"
                }
            }
        }
        return svg + "</svg>\n"
    }

    /// Observed frequency against mean predicted probability per bin and outcome; dot area ∝ count.
    static func reliabilityChart(_ r: EvaluationReport, path: String, title: String) -> String {
        let size = 320.0, pad = 36.0
        func p(_ v: Double) -> Double { pad + v * (size - 2 * pad) }
        var svg = "<figure><figcaption>\(esc(title)) (n \(r.scored) scored setups)</figcaption>"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\">"
        svg += "<line x1=\"\(p(0))\" y1=\"\(size - p(0))\" x2=\"\(p(1))\" y2=\"\(size - p(1))\" stroke=\"#8c959f\" stroke-dasharray=\"4 3\"/>"
        svg += "<rect x=\"\(p(0))\" y=\"\(size - p(1))\" width=\"\(p(1) - p(0))\" height=\"\(p(1) - p(0))\" fill=\"none\" stroke=\"#59636e\"/>"
        svg += "<text x=\"\(size / 2)\" y=\"\(size - 6)\" font-size=\"11\" text-anchor=\"middle\">predicted</text>"
        svg += "<text x=\"12\" y=\"\(size / 2)\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(size / 2))\">observed</text>"
        if r.reliability.isEmpty {
            svg += "<text x=\"\(size / 2)\" y=\"\(size / 2)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#8c959f\">no scored setups</text>"
        }
        let most = Double(r.reliability.map(\.count).max() ?? 1)
        for rel in r.reliability {
            let radius = 3 + 9 * (Double(rel.count) / most).squareRoot()
            svg += "<circle cx=\"\(p(rel.meanPredicted))\" cy=\"\(size - p(rel.observed))\" r=\"\(radius)\" fill=\"\(colours[rel.outcome] ?? "#000")\" "
                + "fill-opacity=\"0.6\"><title>\(esc(rel.outcome)) \(esc(rel.bin)): n \(rel.count)</title></circle>"
        }
        var legend = ""
        for (i, o) in Outcome.allCases.enumerated() {
            legend += "<text x=\"\(pad + 4)\" y=\"\(pad + 14 + Double(i) * 14)\" font-size=\"11\" fill=\"\(colours[o.rawValue]!)\">\(o.rawValue)</text>"
        }
        return svg + legend + "</svg></figure>"
    }

    /// The outcome counts of real and placebo setups as stacked horizontal bars.
    static func outcomeBars(_ g: LakeQueries.EvaluationGroup, _ index: Int) -> String {
        let w = 420.0, barH = 26.0
        var svg = "<figure><figcaption>Outcomes of the setups</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"140\">"
        for (row, (name, report)) in ([("real", g.real)] + (g.placebo.map { [("placebo", $0)] } ?? [])).enumerated() {
            let y = 20 + Double(row) * (barH + 28)
            let total = Outcome.allCases.reduce(0) { $0 + (report.outcomes[$1.rawValue] ?? 0) }
            svg += "<text x=\"4\" y=\"\(y - 4)\" font-size=\"11\">\(name): n \(total)</text>"
            var x = 4.0
            for o in Outcome.allCases {
                let c = report.outcomes[o.rawValue] ?? 0
                guard total > 0, c > 0 else { continue }
                let width = Double(c) / Double(total) * (w - 8)
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(barH)\" fill=\"\(colours[o.rawValue]!)\"><title>\(o.rawValue): \(c)</title></rect>"
                if width > 22 { svg += "<text x=\"\(x + width / 2)\" y=\"\(y + 17)\" font-size=\"11\" fill=\"#fff\" text-anchor=\"middle\">\(c)</text>" }
                x += width
            }
            if total == 0 { svg += "<text x=\"4\" y=\"\(y + 17)\" font-size=\"11\" fill=\"#8c959f\">no setups</text>" }
        }
        return svg + "</svg></figure>"
    }

    /// The numbers behind the figures, each with its JSON path.
    static func table(_ g: LakeQueries.EvaluationGroup, _ index: Int) -> String {
        var t = "<table><tr><th></th><th>setups</th><th>scored</th><th>days</th><th>Brier kNN</th><th>Brier base</th><th>RPS kNN</th>"
            + "<th>RPS base</th><th>skill</th><th>interval</th>"
        for o in Outcome.allCases { t += "<th>\(o.rawValue)</th>" }
        t += "</tr>\n"
        for (name, r) in [("real", g.real)] + (g.placebo.map { [("placebo", $0)] } ?? []) {
            let p = "\(index).\(name)"
            t += "<tr><td>\(name)</td><td>\(value(Double(r.setups), "\(p).setups", integer: true))</td>"
                + "<td>\(value(Double(r.scored), "\(p).scored", integer: true))</td><td>\(value(Double(r.days), "\(p).days", integer: true))</td>"
                + "<td>\(value(r.brierKNN, "\(p).brier_knn"))</td><td>\(value(r.brierBase, "\(p).brier_base"))</td>"
                + "<td>\(value(r.rpsKNN, "\(p).rps_knn"))</td><td>\(value(r.rpsBase, "\(p).rps_base"))</td><td>\(value(r.skill, "\(p).skill"))</td>"
                + "<td>" + (r.skillInterval.map { "[\(value($0[0], "\(p).skill_interval.0")), \(value($0[1], "\(p).skill_interval.1"))]" }
                            ?? "<span class=\"missing\">– (fewer than 2 days)</span>") + "</td>"
            for o in Outcome.allCases { t += "<td>\(value(Double(r.outcomes[o.rawValue] ?? 0), "\(p).outcomes.\(o.rawValue)", integer: true))</td>" }
            t += "</tr>\n<tr><td></td><td colspan=\"\(9 + Outcome.allCases.count)\" class=\"verdict\">\(esc(r.verdict))</td></tr>\n"
        }
        return t + "</table>\n"
    }
}
