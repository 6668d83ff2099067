import Foundation
import PrecedentCore

/// An explicit source-priority table (docs/BARS.md): which data source is used for which dates, so a
/// bridge between vendors is documented, never a silent mix. CSV `source,from,to,priority` (ISO
/// dates, inclusive; a lower number wins where ranges overlap).
public struct SourcePriority: Sendable {
    public struct Entry: Sendable, Equatable {
        public var source: String
        public var from: CivilDate, to: CivilDate
        public var priority: Int
        public init(source: String, from: CivilDate, to: CivilDate, priority: Int) {
            self.source = source; self.from = from; self.to = to; self.priority = priority
        }
    }
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public init(csv path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BarsError("\(path): cannot read") }
        var out: [Entry] = []
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if i == 0 && f.first == "source" { continue }
            guard f.count == 4, let a = CivilDate(iso: f[1]), let b = CivilDate(iso: f[2]), a <= b, let p = Int(f[3]) else {
                throw BarsError("\(path):\(i + 1): expected source,from,to,priority")
            }
            out.append(Entry(source: f[0], from: a, to: b, priority: p))
        }
        entries = out
    }

    /// For each date, the records of the best-priority source that covers it (a record's source
    /// matches an entry when it starts with the entry's name, e.g. `lean` for `lean:es_trade_201312.csv`).
    /// Returns the kept records and, per source, how many dates it supplied and how many of its
    /// records were dropped (not covered, or outranked).
    public func merge(_ records: [DailyRecord]) -> (records: [DailyRecord], used: [String: Int], dropped: [String: Int]) {
        var kept: [DailyRecord] = [], used: [String: Int] = [:], dropped: [String: Int] = [:]
        for (date, day) in Dictionary(grouping: records, by: \.date).sorted(by: { $0.key < $1.key }) {
            let candidates = entries.filter { $0.from <= date && date <= $0.to }.sorted { ($0.priority, $0.source) < ($1.priority, $1.source) }
            let winner = candidates.first { e in day.contains { $0.source.hasPrefix(e.source) } }
            for r in day {
                if let w = winner, r.source.hasPrefix(w.source) { kept.append(r) } else {
                    dropped[r.source.split(separator: ":").first.map(String.init) ?? r.source, default: 0] += 1
                }
            }
            if let w = winner { used[w.source, default: 0] += 1 }
        }
        return (kept, used, dropped)
    }
}

/// A user table joined to the matrix by date: CSV `date,<column>…` with numbers (an empty cell
/// is null; anything else that does not parse is a rejection).
public struct ExtraTable: Sendable {
    public var name: String
    public var columns: [String]
    public var values: [CivilDate: [Double?]]
    public var rejections: [Rejection]

    public init(csv path: String, name: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BarsError("\(path): cannot read") }
        let lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }), header.first == "date",
              header.count > 1 else { throw BarsError("\(path): the first line must be `date,<column>…`") }
        self.name = name
        columns = Array(header.dropFirst())
        values = [:]; rejections = []
        for (i, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == header.count, let d = CivilDate(iso: f[0]) else {
                rejections.append(Rejection(file: path, line: i + 2, reason: "expected \(header.count) fields starting with an ISO date")); continue
            }
            var row: [Double?] = []
            var bad = false
            for v in f.dropFirst() {
                if v.isEmpty { row.append(nil) } else if let x = Double(v), x.isFinite { row.append(x) } else { bad = true }
            }
            if bad { rejections.append(Rejection(file: path, line: i + 2, reason: "a value is not a number")); continue }
            if values[d] != nil { rejections.append(Rejection(file: path, line: i + 2, reason: "duplicate date \(d)")); continue }
            values[d] = row
        }
    }
}
