import Foundation
import PrecedentCore
import ZIPFoundation

/// One contract's day: settlement/close and volume (open interest, open, high and low when the
/// source has them — never filled in when it does not).
public struct DailyRecord: Sendable, Equatable {
    public var contract: String
    public var date: CivilDate
    public var open: Price?, high: Price?, low: Price?
    public var close: Price
    /// Contracts traded; nil when the source left it blank (then it counts for nothing).
    public var volume: Int64?
    public var openInterest: Int64?
    /// Where the row comes from (a file name, a vendor).
    public var source: String
    /// The contract's expiry month as year × 12 + month − 1 when the source states it (a one-digit
    /// year in the name is ambiguous across decades: ESH4 is 2014 or 2024).
    public var expiryMonth: Int?
    /// The contract's last trading day when the source states it (the ZL file does).
    public var lastTradeDate: CivilDate?
    public init(contract: String, date: CivilDate, open: Price?, high: Price?, low: Price?, close: Price, volume: Int64?,
                openInterest: Int64?, source: String, expiryMonth: Int? = nil, lastTradeDate: CivilDate? = nil) {
        self.lastTradeDate = lastTradeDate
        self.contract = contract; self.date = date; self.open = open; self.high = high; self.low = low
        self.close = close; self.volume = volume; self.openInterest = openInterest; self.source = source
        self.expiryMonth = expiryMonth
    }
}

/// The month a contract name expires in: `ESZ3` → (2013, 12) relative to `near` (the
/// one-digit year is resolved to the decade nearest `near`); `ZLF95` → (1995, 1).
public func contractMonth(_ contract: String, root: String, near: CivilDate) -> (year: Int, month: Int)? {
    guard contract.hasPrefix(root) else { return nil }
    let rest = contract.dropFirst(root.count)
    guard let code = rest.first, let m = monthCodes.firstIndex(of: code), let digits = Int(rest.dropFirst()), !rest.dropFirst().isEmpty
    else { return nil }
    let n = rest.dropFirst().count
    let base = near.year - near.year % (n == 1 ? 10 : 100)
    var y = base + digits
    let span = n == 1 ? 10 : 100
    if y < near.year - span / 2 { y += span } else if y > near.year + span / 2 { y -= span }
    return (y, m + 1)
}

/// How the continuous series picks its contract.
public enum RollRule: Sendable, Equatable {
    /// Highest volume summed over the last `window` calendar days (today included).
    case volume(window: Int)
    /// Highest open interest of the day.
    case openInterest
    /// The nearest contract until `daysBeforeExpiry` calendar days before its last trading day
    /// (stated by the source, else the third Friday of the expiry month, as for CME equity index futures).
    case calendar(daysBeforeExpiry: Int)
}

/// Back-adjustment at rolls.
public enum Adjustment: String, Sendable, CaseIterable { case none, difference, ratio }

public struct ContinuousRow: Sendable, Equatable {
    public var date: CivilDate
    public var contract: String
    public var open: Double?, high: Double?, low: Double?
    public var close: Double
    public var volume: Int64?
    public var source: String
}

public struct Roll: Sendable, Equatable, CustomStringConvertible {
    public var date: CivilDate
    public var from: String
    public var to: String
    public var reason: String
    public var description: String { "\(date) \(from) → \(to): \(reason)" }
}

public enum Continuous {
    /// A contract's last row is "long before" a date when more than this many calendar days lie
    /// between them: an expiry roll across such a stretch carries a GAP note.
    public static let gapDays = 7

    /// The continuous series of one root. On each date the contract with the highest
    /// measure (`rule`) among those trading that day is the candidate; the series rolls
    /// to it only if it expires later than the current contract (never back) and its
    /// measure exceeds the current contract's. On the first date on which the current
    /// contract has no row and never has one again (it expired or stopped trading), the series
    /// rolls at once — an expiry roll — to the contract the rule ranks first among the later
    /// expiries trading that day; when the current contract's last row is more than `gapDays`
    /// calendar days back, the roll carries a GAP note (the series has no data in between). A date
    /// on which the current contract has no row but trades again later has no row in the series
    /// (nothing is made up). Each row keeps its source contract and data source. Adjustment
    /// at a roll uses both contracts' closes on the roll date when both have one: `difference` adds
    /// (new − old) to every earlier price, `ratio` multiplies them by new / old.
    public static func build(_ records: [DailyRecord], root: String, rule: RollRule, adjustment: Adjustment = .none)
        -> (rows: [ContinuousRow], rolls: [Roll]) {
        let byDate = Dictionary(grouping: records, by: \.date)
        let byContract = Dictionary(grouping: records, by: \.contract)
        let lastRow = byContract.mapValues { $0.map(\.date).max()! }
        let dates = byDate.keys.sorted()
        let stated = Dictionary(records.compactMap { r in r.expiryMonth.map { (r.contract, $0) } }, uniquingKeysWith: { a, _ in a })
        func expiry(_ c: String, _ d: CivilDate) -> Int {
            stated[c] ?? contractMonth(c, root: root, near: d).map { $0.year * 12 + $0.month - 1 } ?? Int.max
        }
        let statedLast = Dictionary(records.compactMap { r in r.lastTradeDate.map { (r.contract, $0) } }, uniquingKeysWith: { a, _ in a })
        /// The last trading day: stated, else the third Friday of the expiry month.
        func lastTrade(_ c: String, _ d: CivilDate) -> CivilDate? {
            if let s = statedLast[c] { return s }
            let e = expiry(c, d)
            guard e != Int.max else { return nil }
            let first = CivilDate(year: e / 12, month: e % 12 + 1, day: 1)
            let firstFriday = 1 + (5 - first.weekday + 7) % 7
            return CivilDate(year: e / 12, month: e % 12 + 1, day: firstFriday + 14)
        }
        var rows: [ContinuousRow] = [], rolls: [Roll] = []
        var current: String? = nil
        var adjustAt: [(index: Int, diff: Double, ratio: Double)] = []
        func roll(on d: CivilDate, to next: String, reason: String) {
            let today = byDate[d]!
            if let old = today.first(where: { $0.contract == current! }), let new = today.first(where: { $0.contract == next }) {
                adjustAt.append((rows.count, (new.close.doubleValue ?? 0) - (old.close.doubleValue ?? 0),
                                 (new.close.doubleValue ?? 1) / (old.close.doubleValue ?? 1)))
            }
            let unadjusted = adjustment != .none && !today.contains { $0.contract == current! }
            rolls.append(Roll(date: d, from: current!, to: next,
                              reason: reason + (unadjusted ? "; not adjusted: \(current!) has no close on \(d)" : "")))
            current = next
        }
        /// The reason of an expiry roll from the current contract, which has no row on `d` nor after it.
        func expiryReason(_ d: CivilDate, _ next: String, _ why: String) -> String {
            let last = lastRow[current!]!
            let gap = d.daysSinceEpoch - last.daysSinceEpoch > gapDays
                ? "; GAP: \(current!) last traded \(last) — the series has no data in between" : ""
            return "expiry: \(current!) has no row from \(d) on (last row \(last)); \(next) \(why)" + gap
        }
        for d in dates {
            let today = byDate[d]!
            let expired = current.map { c in !today.contains { $0.contract == c } && lastRow[c]! < d } ?? false
            if case .calendar(let n) = rule {
                // The earliest-expiring contract trading today whose roll day (last trade − n days) is still ahead.
                let live = today.filter { r in lastTrade(r.contract, d).map { d.daysSinceEpoch < $0.daysSinceEpoch - n } ?? false }
                    .map(\.contract).sorted { (expiry($0, d), $0) < (expiry($1, d), $1) }
                if let next = live.first {
                    if current == nil { current = next } else if next != current!, expiry(next, d) > expiry(current!, d) {
                        roll(on: d, to: next, reason: expired
                             ? expiryReason(d, next, "is the nearest later contract")
                             : "\(current!) last trades \(lastTrade(current!, d).map { "\($0)" } ?? "?"), \(n) days before it")
                    }
                } else if expired, let next = today.map(\.contract).filter({ expiry($0, d) > expiry(current!, d) })
                            .min(by: { (expiry($0, d), $0) < (expiry($1, d), $1) }) {
                    roll(on: d, to: next, reason: expiryReason(d, next, "is the nearest later contract"))
                }
                if let cur = current, let r = today.first(where: { $0.contract == cur }) {
                    rows.append(ContinuousRow(date: d, contract: r.contract, open: r.open?.doubleValue, high: r.high?.doubleValue,
                                              low: r.low?.doubleValue, close: r.close.doubleValue ?? 0, volume: r.volume, source: r.source))
                }
                continue
            }
            func measure(_ c: String) -> Int64 {
                switch rule {
                case .calendar: return 0
                case .openInterest: return today.first { $0.contract == c }?.openInterest ?? 0
                case .volume(let window):
                    let from = CivilDate(daysSinceEpoch: d.daysSinceEpoch - window + 1)
                    return (byContract[c] ?? []).reduce(0) { $0 + ($1.date >= from && $1.date <= d ? $1.volume ?? 0 : 0) }
                }
            }
            let what = rule == .openInterest ? " open interest" : " volume over the window"
            // Each contract's measure once per date (the sort below would otherwise recompute it per comparison).
            let measured = today.map { ($0.contract, measure($0.contract)) }
            guard let (best, bestMeasure) = measured.max(by: { ($0.1, $1.0) < ($1.1, $0.0) }) else { continue }
            if current == nil {
                current = best
            } else if expired {
                // The rule's first choice among the later expiries trading today.
                let later = measured.filter { expiry($0.0, d) > expiry(current!, d) }
                if let (next, m) = later.max(by: { ($0.1, $1.0) < ($1.1, $0.0) }) {
                    roll(on: d, to: next, reason: expiryReason(d, next, "has the highest\(what) among later contracts (\(m))"))
                }
            } else if best != current!, expiry(best, d) > expiry(current!, d), bestMeasure > measure(current!) {
                roll(on: d, to: best, reason: "\(best) \(bestMeasure) > \(current!) \(measure(current!))" + what)
            }
            // The current contract may not trade on a date yet trade later (a holiday for it, a vendor gap):
            // then the series has no row that date — never a made-up one.
            guard let r = today.first(where: { $0.contract == current! }) else { continue }
            rows.append(ContinuousRow(date: d, contract: r.contract, open: r.open?.doubleValue, high: r.high?.doubleValue,
                                      low: r.low?.doubleValue, close: r.close.doubleValue ?? 0, volume: r.volume, source: r.source))
        }
        if adjustment != .none {
            for (index, diff, ratio) in adjustAt.reversed() {
                for i in 0..<index {
                    func f(_ x: Double) -> Double { adjustment == .difference ? x + diff : x * ratio }
                    rows[i].close = f(rows[i].close)
                    rows[i].open = rows[i].open.map(f); rows[i].high = rows[i].high.map(f); rows[i].low = rows[i].low.map(f)
                }
            }
        }
        return (rows, rolls)
    }
}

/// Lean daily trade zips (`es_trade.zip`: one `es_trade_YYYYMM.csv` per contract, rows
/// `YYYYMMDD HH:MM, open, high, low, close, volume`).
public enum LeanDailyTrades {
    public static func read(zip path: String) throws -> (records: [DailyRecord], rejections: [Rejection]) {
        var out: [DailyRecord] = [], rejections: [Rejection] = []
        let name = (path as NSString).lastPathComponent
        for (entry, text) in try zipEntries(path) where entry.hasSuffix(".csv") {
            let parts = (entry as NSString).deletingPathExtension.split(separator: "_")
            guard parts.count == 3, let ym = Int(parts[2]), (1...12).contains(ym % 100) else {
                rejections.append(Rejection(file: "\(name)/\(entry)", line: 0, reason: "not a daily trade file name")); continue
            }
            let contract = parts[0].uppercased() + String(monthCodes[ym % 100 - 1]) + String(ym / 100 % 10)
            for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard f.count == 6, let day = CivilDate(yyyymmdd: UInt32(f[0].prefix(8)) ?? 0) else {
                    rejections.append(Rejection(file: "\(name)/\(entry)", line: i + 1, reason: "not `YYYYMMDD HH:MM,o,h,l,c,v`")); continue
                }
                let p = f[1...4].map { Price(decimal: $0) }
                guard p.allSatisfy({ $0 != nil }), let v = Int64(f[5]) else {
                    rejections.append(Rejection(file: "\(name)/\(entry)", line: i + 1, reason: "a price or the volume does not parse")); continue
                }
                out.append(DailyRecord(contract: contract, date: day, open: p[0], high: p[1], low: p[2], close: p[3]!, volume: v,
                                       openInterest: nil, source: "lean:\(entry)", expiryMonth: ym / 100 * 12 + ym % 100 - 1))
            }
        }
        return (out, rejections)
    }
}

/// Reads every entry of a zip as text.
func zipEntries(_ path: String) throws -> [(String, String)] {
    let archive: Archive
    do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
        throw BarsError("\(path): not a readable zip archive (\(error))")
    }
    var out: [(String, String)] = []
    for entry in archive.sorted(by: { $0.path < $1.path }) {
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        out.append((entry.path, String(decoding: data, as: UTF8.self)))
    }
    return out
}
