import Foundation
import PrecedentCore
import ZIPFoundation

/// One OHLCV bar of one contract: `[start, start + length)`, prices fixed point 1e-9.
public struct Bar: Sendable, Equatable {
    public var contract: String
    public var start: UnixNanos
    public var open: Price, high: Price, low: Price, close: Price
    public var volume: Int64
    public init(contract: String, start: UnixNanos, open: Price, high: Price, low: Price, close: Price, volume: Int64) {
        self.contract = contract; self.start = start; self.open = open; self.high = high; self.low = low
        self.close = close; self.volume = volume
    }
}

/// A value that did not parse: counted and reported, never coerced.
public struct Rejection: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String
    /// The reason without the row's particulars, for counting rejections by reason (the reason itself when nil).
    public var kind: String?
    public init(file: String, line: Int, reason: String, kind: String? = nil) {
        self.file = file; self.line = line; self.reason = reason; self.kind = kind
    }
    public var description: String { "\(file):\(line): \(reason)" }

    /// Counts by kind, largest first (ties by kind).
    public static func counts(_ rejections: [Rejection]) -> [(kind: String, count: Int)] {
        Dictionary(grouping: rejections, by: { $0.kind ?? $0.reason }).map { ($0.key, $0.value.count) }
            .sorted { ($1.count, $0.kind) < ($0.count, $1.kind) }
    }
}

/// CME month codes by month number.
public let monthCodes: [Character] = ["F", "G", "H", "J", "K", "M", "N", "Q", "U", "V", "X", "Z"]

/// QuantConnect Lean minute trade files: `YYYYMMDD_trade.zip` holding one
/// `YYYYMMDD_<root>_minute_trade_<YYYYMM>.csv` per contract, rows
/// `ms since midnight, open, high, low, close, volume`, times UTC (Lean's README).
public enum LeanMinuteTrades {
    /// Bars of every contract in the zip; the contract is named `<ROOT><month code><last digit of the year>` (ESZ3).
    public static func read(zip path: String) throws -> (bars: [Bar], rejections: [Rejection]) {
        let name = (path as NSString).lastPathComponent
        guard name.count >= 8, let day = CivilDate(yyyymmdd: UInt32(name.prefix(8)) ?? 0) else {
            throw BarsError("\(path): the file name does not start with YYYYMMDD")
        }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw BarsError("\(path): not a readable zip archive (\(error))")
        }
        guard let midnight = UnixNanos(exactlyUTCMidnightOf: day)?.rawValue else {
            throw BarsError("\(path): the date \(day) in its name is outside 1970–2554, which UTC nanoseconds hold")
        }
        var bars: [Bar] = [], rejections: [Rejection] = []
        for entry in archive.sorted(by: { $0.path < $1.path }) where entry.path.hasSuffix(".csv") {
            let parts = (entry.path as NSString).deletingPathExtension.split(separator: "_")
            guard parts.count == 5, parts[2] == "minute", parts[3] == "trade", parts[4].count == 6,
                  let ym = Int(parts[4]), (1...12).contains(ym % 100) else {
                rejections.append(Rejection(file: "\(name)/\(entry.path)", line: 0, reason: "not a minute trade file name"))
                continue
            }
            let contract = parts[1].uppercased() + String(monthCodes[ym % 100 - 1]) + String(ym / 100 % 10)
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            let text = String(decoding: data, as: UTF8.self)
            for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard f.count == 6 else {
                    rejections.append(Rejection(file: "\(name)/\(entry.path)", line: i + 1, reason: "\(f.count) fields, 6 expected")); continue
                }
                guard let ms = UInt64(f[0]), ms < 86_400_000 else {
                    rejections.append(Rejection(file: "\(name)/\(entry.path)", line: i + 1, reason: "time '\(f[0])' is not ms after midnight")); continue
                }
                let prices = f[1...4].map { Price(decimal: $0) }
                guard prices.allSatisfy({ $0 != nil }), let v = Int64(f[5]), v >= 0 else {
                    rejections.append(Rejection(file: "\(name)/\(entry.path)", line: i + 1, reason: "a price or the volume does not parse")); continue
                }
                bars.append(Bar(contract: contract, start: UnixNanos(rawValue: midnight + ms * 1_000_000),
                                open: prices[0]!, high: prices[1]!, low: prices[2]!, close: prices[3]!, volume: v))
            }
        }
        return (bars, rejections)
    }
}

public struct BarsError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum Resampler {
    /// Bars of `minutes` per contract, never mixing contracts, as pandas `resample("Nmin")` makes
    /// them with its defaults: buckets `[origin + k·N, origin + (k+1)·N)` minutes, where `origin`
    /// is midnight UTC of the day of the contract's first bar (`origin="start_day"`), so for a
    /// length that does not divide a day (7, 45, 90 minutes) the buckets run on across midnights
    /// rather than restarting at each; left-closed, left-labelled; open of the first bar, highest
    /// high, lowest low, close of the last, volume summed. Empty buckets are absent (no bar is
    /// invented). Input in time order per contract; `minutes` ≥ 1 (the command checks it).
    public static func resample(_ bars: [Bar], minutes: Int) -> [Bar] {
        precondition(minutes > 0, "resample: minutes must be positive")
        let width = UInt64(minutes) * 60 * UnixNanos.nanosPerSecond
        let day = 86_400 * UnixNanos.nanosPerSecond
        var out: [Bar] = []
        var current: [String: Int] = [:]  // contract → index in out of its open bucket
        var origin: [String: UInt64] = [:]  // contract → midnight UTC of its first bar
        for b in bars {
            let o = origin[b.contract] ?? b.start.rawValue / day * day
            origin[b.contract] = o
            // Floor division in signed arithmetic: a bar out of order (before the origin) opens its own bucket, never traps.
            let rel = Int64(b.start.rawValue) - Int64(o), w = Int64(width)
            let k = rel >= 0 ? rel / w : -((-rel + w - 1) / w)
            let start = UnixNanos(rawValue: UInt64(max(0, Int64(o) + k * w)))
            if let i = current[b.contract], out[i].start == start {
                out[i].high = max(out[i].high, b.high)
                out[i].low = min(out[i].low, b.low)
                out[i].close = b.close
                out[i].volume += b.volume
            } else {
                current[b.contract] = out.count
                out.append(Bar(contract: b.contract, start: start, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume))
            }
        }
        return out
    }
}

public enum DailyBars {
    /// Daily records per contract by CME trade date (the clock's boundary: 18:00 ET, weekends to
    /// Monday) from intraday bars; with `rth`, only bars starting inside that session-relative
    /// window of their trade date (e.g. 09:30–16:00 ET). Open of the first bar, highest high,
    /// lowest low, close of the last, volume summed; a day without bars is absent.
    public static func byTradeDate(_ bars: [Bar], clock: ExchangeClock, rth: (LocalTime, LocalTime)? = nil, source: String) -> [DailyRecord] {
        var out: [String: DailyRecord] = [:]
        var order: [String] = []
        var windows: [CivilDate: Range<UnixNanos>] = [:]
        for b in bars.sorted(by: { ($0.contract, $0.start) < ($1.contract, $1.start) }) {
            let day = clock.tradeDate(b.start)
            if let rth {
                let w = windows[day] ?? clock.window(day, rth.0, rth.1)
                windows[day] = w
                guard w.contains(b.start) else { continue }
            }
            let key = "\(b.contract)|\(day)"
            if var r = out[key] {
                r.high = max(r.high!, b.high); r.low = min(r.low!, b.low); r.close = b.close
                r.volume = (r.volume ?? 0) + b.volume
                out[key] = r
            } else {
                order.append(key)
                out[key] = DailyRecord(contract: b.contract, date: day, open: b.open, high: b.high, low: b.low, close: b.close,
                                       volume: b.volume, openInterest: nil, source: source)
            }
        }
        return order.map { out[$0]! }
    }
}
