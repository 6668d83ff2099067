import Foundation
import PrecedentCore
import PrecedentDBN

/// One trade: time (UTC ns), price (1e-9) and size.
public struct Tick: Sendable, Equatable {
    public var ts: UnixNanos
    public var price: Price
    public var size: Int64
}

/// Trades in CSV: `DateTime,Price,Volume` with local times `YYYY-MM-DD HH:MM:SS[.fff]` in
/// `timeZone` (the mlfinpy ES file is US Central), optionally zstd-compressed (`.zst`).
/// Parsed byte by byte; a row that does not parse is a counted rejection.
public enum TicksCSV {
    public static func read(path: String, timeZone: String) throws -> (ticks: [Tick], rejections: [Rejection]) {
        guard let tz = TimeZone(identifier: timeZone) else { throw BarsError("unknown time zone \(timeZone)") }
        guard let raw = FileManager.default.contents(atPath: path) else { throw BarsError("\(path): cannot read") }
        let bytes = path.hasSuffix(".zst") ? try Zstd.decompress([UInt8](raw)) : [UInt8](raw)
        // Everything the loop mutates is local to the closure: no captured state to check for exclusive access.
        return bytes.withUnsafeBufferPointer { b -> ([Tick], [Rejection]) in
            var ticks: [Tick] = [], rejections: [Rejection] = []
            ticks.reserveCapacity(b.count / 32)
            // The UTC offset of the current local hour and the day number of the current date change
            // rarely in a time-ordered file: recomputed only when they change.
            var cachedHour = Int64.min, cachedOffset: Int64 = 0
            var cachedDateKey: Int64 = -1, cachedDays: Int64 = 0
            var i = 0, line = 0
            let n = b.count
            @inline(__always) func digits(_ at: Int, _ count: Int) -> Int64? {
                var v: Int64 = 0
                for k in 0..<count {
                    let c = b[at + k] &- 48
                    guard c < 10 else { return nil }
                    v = v * 10 + Int64(c)
                }
                return v
            }
            var lastPrefix = -1  // start of the previous good line, whose first 13 bytes (date and hour) we reuse
            var prefixBase: Int64 = 0  // local seconds at that line's hour
            while i < n {
                let end: Int = memchr(b.baseAddress! + i, 10, n - i).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - b.baseAddress! } ?? n
                line += 1
                defer { i = end + 1 }
                var stop = end
                if stop > i && b[stop - 1] == 13 { stop -= 1 }
                if line == 1 { continue }  // header
                // YYYY-MM-DD HH:MM:SS[.fff],price,volume
                guard stop - i >= 19, b[i + 13] == 58, b[i + 16] == 58, let mi = digits(i + 14, 2), let s = digits(i + 17, 2), mi < 60, s < 60
                else { rejections.append(Rejection(file: path, line: line, reason: "time is not YYYY-MM-DD HH:MM:SS[.fff]")); continue }
                if lastPrefix < 0 || memcmp(b.baseAddress! + lastPrefix, b.baseAddress! + i, 13) != 0 {
                    guard b[i + 4] == 45, b[i + 7] == 45, b[i + 10] == 32, let y = digits(i, 4), let mo = digits(i + 5, 2),
                          let d = digits(i + 8, 2), let h = digits(i + 11, 2), h < 24
                    else { rejections.append(Rejection(file: path, line: line, reason: "time is not YYYY-MM-DD HH:MM:SS[.fff]")); continue }
                    let dateKey = y * 10_000 + mo * 100 + d
                    if dateKey != cachedDateKey {
                        guard let day = CivilDate(yyyymmdd: UInt32(dateKey)) else {
                            rejections.append(Rejection(file: path, line: line, reason: "no such date")); continue
                        }
                        cachedDateKey = dateKey; cachedDays = Int64(day.daysSinceEpoch)
                    }
                    prefixBase = cachedDays * 86_400 + h * 3600
                }
                var p = i + 19, nanos: Int64 = 0
                if p < stop && b[p] == 46 {
                    p += 1
                    var scale: Int64 = 100_000_000
                    while p < stop && b[p] != 44 {
                        let c = b[p] &- 48
                        guard c < 10, scale > 0 else { break }
                        nanos += Int64(c) * scale; scale /= 10; p += 1
                    }
                }
                guard p < stop, b[p] == 44 else { rejections.append(Rejection(file: path, line: line, reason: "no price field")); continue }
                let priceStart = p + 1
                var q = priceStart
                while q < stop && b[q] != 44 { q += 1 }
                guard q < stop, let price = Price(decimalBytes: UnsafeBufferPointer(rebasing: b[priceStart..<q])),
                      q + 1 < stop, stop - q - 1 <= 18, let size = digits(q + 1, stop - q - 1)
                else { rejections.append(Rejection(file: path, line: line, reason: "price or volume does not parse")); continue }
                lastPrefix = i
                let local = prefixBase + mi * 60 + s
                let hour = local / 3600
                if hour != cachedHour {
                    var o = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))))
                    o = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - o))))
                    cachedHour = hour; cachedOffset = o
                }
                // UTC nanoseconds since 1970 in 64 bits: 1970 to 2554.
                let utc = local - cachedOffset
                guard utc >= 0, utc < Int64(UInt64.max / 1_000_000_000) else {
                    rejections.append(Rejection(file: path, line: line, reason: "time is outside 1970–2554, which UTC nanoseconds hold")); continue
                }
                ticks.append(Tick(ts: UnixNanos(rawValue: UInt64(utc) * 1_000_000_000 + UInt64(nanos)), price: price, size: size))
            }
            return (ticks, rejections)
        }
    }
}

extension Resampler {
    /// One-minute bars of `contract` from trades (in time order): open, high, low,
    /// close and volume of the trades in each minute; minutes without trades absent.
    public static func minuteBars(_ ticks: [Tick], contract: String) -> [Bar] {
        var out: [Bar] = []
        let width: UInt64 = 60 * UnixNanos.nanosPerSecond
        for t in ticks {
            let start = UnixNanos(rawValue: t.ts.rawValue / width * width)
            if let last = out.last, last.start == start {
                out[out.count - 1].high = max(last.high, t.price)
                out[out.count - 1].low = min(last.low, t.price)
                out[out.count - 1].close = t.price
                out[out.count - 1].volume += t.size
            } else {
                out.append(Bar(contract: contract, start: start, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size))
            }
        }
        return out
    }
}
