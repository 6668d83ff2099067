import Foundation

/// A local time of day, `HH:MM` or `HH:MM:SS`, in an exchange's time zone.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Seconds after local midnight (0 ..< 86 400).
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        var s = 0
        if parts.count == 3 { guard let v = Int(parts[2]), (0..<60).contains(v) else { return nil }; s = v }
        seconds = h * 3600 + m * 60 + s
    }

    public var description: String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return s == 0 ? "\(two(h)):\(two(m))" : "\(two(h)):\(two(m)):\(two(s))"
    }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.seconds < b.seconds }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let v = LocalTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not a time of day HH:MM[:SS]"))
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Converts between UTC nanoseconds and an exchange's local calendar (DST
/// handled by the system time-zone database), and defines trade dates.
///
/// Trade dates: with a `boundary` (CME Globex: 18:00 ET), a moment at or after
/// the boundary belongs to the next calendar day's trade date, and Saturday and
/// Sunday roll forward to Monday (Sunday's 18:00 reopen is Monday's session).
/// Without a boundary (equities) the trade date is the local calendar date.
///
/// Session times on a trade date are *session-relative*: a time at or after the
/// boundary means the evening before (18:30 on trade date Tuesday is Monday
/// 18:30 local), any other time means the trade date itself.
public struct ExchangeClock: Sendable {
    public let timeZone: TimeZone
    public let boundary: LocalTime?

    public init(timeZone identifier: String, boundary: LocalTime?) throws {
        guard let tz = TimeZone(identifier: identifier) else {
            throw ClockError("unknown time zone '\(identifier)' (use an IANA name such as America/New_York)")
        }
        timeZone = tz
        self.boundary = boundary
    }


    static func adding(_ d: CivilDate, _ days: Int) -> CivilDate { CivilDate(daysSinceEpoch: d.daysSinceEpoch + days) }

    /// The UTC moment of `time` local on calendar day `date`.
    public func utc(_ date: CivilDate, _ time: LocalTime) -> UnixNanos {
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(time.seconds)
        var offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local))))
        let refined = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - offset))))
        if refined != offset { offset = refined }
        return UnixNanos(rawValue: UInt64(local - offset) * UnixNanos.nanosPerSecond)
    }

    /// Local calendar date and seconds after local midnight of `t`.
    public func local(_ t: UnixNanos) -> (date: CivilDate, seconds: Int) {
        let s = Int64(t.rawValue / UnixNanos.nanosPerSecond)
        let local = s + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(s))))
        let days = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        return (CivilDate(daysSinceEpoch: days), Int(local - Int64(days) * 86_400))
    }

    /// The trade date `t` belongs to.
    public func tradeDate(_ t: UnixNanos) -> CivilDate {
        let (date, seconds) = local(t)
        guard let boundary else { return date }
        var d = seconds >= boundary.seconds ? Self.adding(date, 1) : date
        switch d.weekday {
        case 6: d = Self.adding(d, 2)
        case 0: d = Self.adding(d, 1)
        default: break
        }
        return d
    }

    /// All moments belonging to trade date `d`: `[start, end)` in UTC.
    public func span(_ d: CivilDate) -> Range<UnixNanos> {
        guard let boundary else {
            return utc(d, LocalTime(seconds: 0))..<utc(Self.adding(d, 1), LocalTime(seconds: 0))
        }
        // Monday's trade date takes everything since Friday's boundary (weekend records, Sunday's reopen).
        let back = d.weekday == 1 ? 3 : 1
        return utc(Self.adding(d, -back), boundary)..<utc(d, boundary)
    }

    /// The UTC moment of session-relative `time` on trade date `d` (see the type's notes).
    public func moment(_ d: CivilDate, _ time: LocalTime) -> UnixNanos {
        if let boundary, time >= boundary { return utc(Self.adding(d, -1), time) }
        return utc(d, time)
    }

    /// `[start, end)` of a session-relative window on trade date `d`; an end at
    /// or before the start runs into the next day.
    public func window(_ d: CivilDate, _ start: LocalTime, _ end: LocalTime) -> Range<UnixNanos> {
        let a = moment(d, start)
        var b = moment(d, end)
        if b <= a { b = UnixNanos(rawValue: b.rawValue + UnixNanos.nanosPerDay) }
        return a..<b
    }
}

/// A time-zone or calendar problem, said in words.
public struct ClockError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
