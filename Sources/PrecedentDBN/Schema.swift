/// The metadata `schema` id (u16; `0xFFFF` = mixed, stored as `nil`).
public struct Schema: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let allNames = [
        "mbo", "mbp-1", "mbp-10", "tbbo", "trades", "ohlcv-1s", "ohlcv-1m", "ohlcv-1h",
        "ohlcv-1d", "definition", "statistics", "status", "imbalance", "ohlcv-eod", "cmbp-1",
        "cbbo-1s", "cbbo-1m", "tcbbo", "bbo-1s", "bbo-1m",
    ]

    public static let mbo = Schema(rawValue: 0)
    public static let trades = Schema(rawValue: 4)
    public static let definition = Schema(rawValue: 9)

    /// Databento's schema name, or `schema-N` for an id this version does not know.
    public var description: String {
        Int(rawValue) < Schema.allNames.count ? Schema.allNames[Int(rawValue)] : "schema-\(rawValue)"
    }

    public init?(name: String) {
        guard let i = Schema.allNames.firstIndex(of: name) else { return nil }
        rawValue = UInt16(i)
    }
}

/// Symbology type (`stype_in`, `stype_out`; u8, `0xFF` = mixed/none stored as `nil`).
public struct SType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let allNames = [
        "instrument_id", "raw_symbol", "smart", "continuous", "parent", "nasdaq_symbol",
        "cms_symbol", "isin", "us_code", "bbg_comp_id", "bbg_comp_ticker", "figi", "figi_ticker",
    ]
    public static let instrumentID = SType(rawValue: 0)
    public static let rawSymbol = SType(rawValue: 1)
    public static let continuous = SType(rawValue: 3)
    public static let parent = SType(rawValue: 4)

    public var description: String {
        Int(rawValue) < SType.allNames.count ? SType.allNames[Int(rawValue)] : "stype-\(rawValue)"
    }
}
