/// A UTC timestamp in nanoseconds since the UNIX epoch, as stored by DBN
/// (`ts_event`, `ts_recv`, …). `UnixNanos.undefined` (`UInt64.max`, Databento's
/// `UNDEF_TIMESTAMP`) marks a missing time.
public struct UnixNanos: RawRepresentable, Hashable, Comparable, Sendable {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var rawValue: UInt64

    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Databento's `UNDEF_TIMESTAMP` sentinel.
    public static let undefined = UnixNanos(rawValue: .max)
    public static let nanosPerSecond: UInt64 = 1_000_000_000
    public static let nanosPerDay: UInt64 = 86_400 * 1_000_000_000

    @inlinable public var isDefined: Bool { rawValue != UInt64.max }
    @inlinable public static func < (a: UnixNanos, b: UnixNanos) -> Bool { a.rawValue < b.rawValue }

    /// The UTC calendar day containing this instant.
    @inlinable public var utcDay: CivilDate { CivilDate(daysSinceEpoch: Int(rawValue / UnixNanos.nanosPerDay)) }

    /// The instant at 00:00:00 UTC of `day`.
    @inlinable public init(utcMidnightOf day: CivilDate) {
        rawValue = UInt64(day.daysSinceEpoch) * UnixNanos.nanosPerDay
    }

    /// The instant at 00:00:00 UTC of `day`, or nil unless the whole day is representable
    /// (1970-01-01 through 2554-07-20): for days read from outside input.
    @inlinable public init?(exactlyUTCMidnightOf day: CivilDate) {
        guard day.daysSinceEpoch >= 0, UInt64(day.daysSinceEpoch) < UInt64.max / UnixNanos.nanosPerDay else { return nil }
        self.init(utcMidnightOf: day)
    }

    /// ISO 8601 in UTC with all nine fractional digits, e.g.
    /// `2023-12-25T23:00:00.000069000Z`; `nil` when undefined. Integer arithmetic only.
    public var iso8601: String? {
        guard isDefined else { return nil }
        let day = utcDay
        let nanosOfDay = rawValue % UnixNanos.nanosPerDay
        let seconds = nanosOfDay / UnixNanos.nanosPerSecond
        let frac = nanosOfDay % UnixNanos.nanosPerSecond
        func pad(_ v: UInt64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(day)T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(frac, 9))Z"
    }
}
