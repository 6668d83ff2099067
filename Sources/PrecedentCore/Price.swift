/// A price in Databento's fixed-point representation: one unit is 1e-9 of the
/// instrument's quote currency (ES 4799.25 is `4_799_250_000_000`).
///
/// Prices stay integer until presentation. `Price.undefined` (`Int64.max`,
/// Databento's `UNDEF_PRICE`) marks a missing price; never compute with it.
/// Negative prices are legal (calendar spreads).
public struct Price: RawRepresentable, Hashable, Comparable, Sendable {
    /// The fixed-point value in units of 1e-9.
    public var rawValue: Int64

    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Units per 1.0 of price (Databento's `FIXED_PRICE_SCALE`).
    public static let scale: Int64 = 1_000_000_000
    /// Databento's `UNDEF_PRICE` sentinel.
    public static let undefined = Price(rawValue: .max)

    /// True unless this is the `UNDEF_PRICE` sentinel.
    @inlinable public var isDefined: Bool { rawValue != Int64.max }

    @inlinable public static func < (a: Price, b: Price) -> Bool { a.rawValue < b.rawValue }

    /// Exact decimal text with trailing zeros removed (`4799.25`, `-0.05`, `12`),
    /// or `nil` for the undefined sentinel. No floating point is involved.
    public var decimalString: String? {
        guard isDefined else { return nil }
        let negative = rawValue < 0
        let magnitude = rawValue.magnitude
        let whole = magnitude / UInt64(Price.scale)
        var frac = magnitude % UInt64(Price.scale)
        var text = (negative ? "-" : "") + String(whole)
        if frac != 0 {
            var digits = 9
            while frac % 10 == 0 { frac /= 10; digits -= 1 }
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    /// The price as a `Double` for display and statistics only (loses precision
    /// beyond ~15 significant digits); `nil` when undefined.
    @inlinable public var doubleValue: Double? {
        isDefined ? Double(rawValue) / Double(Price.scale) : nil
    }

    /// Parses exact decimal text (`4799.25`, `-0.05`, `12`) with at most nine
    /// fractional digits; `nil` if malformed or out of range. No floating point.
    public init?(decimal text: String) {
        var s = Substring(text)
        let negative = s.hasPrefix("-")
        if negative || s.hasPrefix("+") { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty, wholeText.allSatisfy(\.isASCIIDigit),
              let whole = Int64(wholeText) else { return nil }
        var frac: Int64 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard !f.isEmpty, f.count <= 9, f.allSatisfy(\.isASCIIDigit), let v = Int64(f) else { return nil }
            frac = v
            for _ in f.count..<9 { frac *= 10 }
        }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: Price.scale)
        let (value, o2) = scaled.addingReportingOverflow(frac)
        guard !o1, !o2, value != Int64.max else { return nil }
        self.init(rawValue: negative ? -value : value)
    }
}

extension Price {
    /// Parses exact decimal ASCII bytes (as `init?(decimal:)`, without building a String).
    @inlinable public init?(decimalBytes b: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = b.count
        guard n > 0 else { return nil }
        let negative = b[0] == 45  // "-"
        if negative || b[0] == 43 { i = 1 }
        var whole: Int64 = 0, digits = 0
        while i < n, b[i] != 46 {
            let c = b[i] &- 48
            guard c < 10, whole < 922_337_203 else { return nil }
            whole = whole * 10 + Int64(c); digits += 1; i += 1
        }
        guard digits > 0 else { return nil }
        var frac: Int64 = 0, scale: Int64 = 100_000_000
        if i < n {
            i += 1  // "."
            guard i < n else { return nil }
            while i < n {
                let c = b[i] &- 48
                guard c < 10, scale > 0 else { return nil }
                frac += Int64(c) * scale; scale /= 10; i += 1
            }
        }
        let value = whole * Price.scale + frac
        self.init(rawValue: negative ? -value : value)
    }
}

extension Character {
    @usableFromInline var isASCIIDigit: Bool { isASCII && isNumber }
}
