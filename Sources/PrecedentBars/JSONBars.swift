import Foundation
import PrecedentCore

/// Databento JSON / NDJSON OHLCV records (docs/BARS.md): one object per line, the header nested
/// under `hd` (`hd.ts_event`, `hd.instrument_id`) or flat; 64-bit values as numbers or strings;
/// timestamps as UTC nanoseconds or ISO 8601 (`pretty_ts`); prices as fixed-point 1e-9 integers
/// or, with `prices: .decimal` (`pretty_px`), decimal text. `symbols` names instruments (from
/// the response's symbology). A value that does not parse is a counted rejection.
public enum DatabentoJSONBars {
    public enum Prices: Sendable { case fixed, decimal }

    public static func read(path: String, prices: Prices, symbols: [UInt32: String]) throws -> (bars: [Bar], rejections: [Rejection]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BarsError("\(path): cannot read") }
        var bars: [Bar] = [], rejections: [Rejection] = []
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        // A JSON array of records is accepted too.
        if lines.count == 1, lines[0].hasPrefix("["), let array = try? JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [Any] {
            lines = array.compactMap { (try? JSONSerialization.data(withJSONObject: $0)).map { String(decoding: $0, as: UTF8.self) } }
        }
        func integer(_ v: Any?) -> Int64? {
            if let s = v as? String { return Int64(s) }
            // A JSON integer only: a number with a fraction is not a count or a fixed-point price.
            if let n = v as? NSNumber, n.stringValue.allSatisfy({ $0.isNumber || $0 == "-" }) { return n.int64Value }
            return nil
        }
        func price(_ v: Any?) -> Price? {
            switch prices {
            case .fixed: return integer(v).map(Price.init(rawValue:))
            case .decimal:
                if let s = v as? String { return Price(decimal: s) }
                if let n = v as? NSNumber { return Price(decimal: n.stringValue) }
                return nil
            }
        }
        func time(_ v: Any?) -> UnixNanos? {
            if let i = integer(v), i >= 0 { return UnixNanos(rawValue: UInt64(i)) }
            guard let s = v as? String, s.count >= 20, s.hasSuffix("Z") else { return nil }
            let parts = s.dropLast().split(separator: "T")
            guard parts.count == 2, let day = CivilDate(iso: String(parts[0])),
                  let midnight = UnixNanos(exactlyUTCMidnightOf: day) else { return nil }
            let hms = parts[1].split(separator: ".", maxSplits: 1)
            let f = hms[0].split(separator: ":").compactMap { UInt64($0) }
            guard f.count == 3, f[0] < 24, f[1] < 60, f[2] < 60 else { return nil }
            var nanos: UInt64 = 0
            if hms.count == 2 {
                guard hms[1].count <= 9, let v = UInt64(hms[1]) else { return nil }
                nanos = v
                for _ in hms[1].count..<9 { nanos *= 10 }
            }
            return UnixNanos(rawValue: midnight.rawValue + (f[0] * 3600 + f[1] * 60 + f[2]) * 1_000_000_000 + nanos)
        }
        for (i, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                rejections.append(Rejection(file: path, line: i + 1, reason: "not a JSON object")); continue
            }
            let hd = (o["hd"] as? [String: Any]) ?? o
            guard let ts = time(hd["ts_event"]) else {
                rejections.append(Rejection(file: path, line: i + 1, reason: "ts_event missing or not a time")); continue
            }
            guard let id = integer(hd["instrument_id"]), let name = symbols[UInt32(truncatingIfNeeded: id)] else {
                rejections.append(Rejection(file: path, line: i + 1, reason: "instrument_id missing or without a symbol")); continue
            }
            guard let op = price(o["open"]), let hi = price(o["high"]), let lo = price(o["low"]), let cl = price(o["close"]),
                  let v = integer(o["volume"]), v >= 0 else {
                rejections.append(Rejection(file: path, line: i + 1, reason: "a price or the volume does not parse as \(prices == .fixed ? "fixed-point integers" : "decimals")"))
                continue
            }
            bars.append(Bar(contract: name, start: ts, open: op, high: hi, low: lo, close: cl, volume: v))
        }
        return (bars, rejections)
    }
}
