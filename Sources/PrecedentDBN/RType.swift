/// Record type ids (`rtype`, header byte 1) and their names (`docs/DBN-MODULE.md`).
public enum RType {
    public static let mbp0: UInt8 = 0x00
    public static let mbp1: UInt8 = 0x01
    public static let mbp10: UInt8 = 0x0A
    public static let ohlcvDeprecated: UInt8 = 0x11
    public static let status: UInt8 = 0x12
    public static let instrumentDef: UInt8 = 0x13
    public static let imbalance: UInt8 = 0x14
    public static let error: UInt8 = 0x15
    public static let symbolMapping: UInt8 = 0x16
    public static let system: UInt8 = 0x17
    public static let statistics: UInt8 = 0x18
    public static let ohlcv1s: UInt8 = 0x20
    public static let ohlcv1m: UInt8 = 0x21
    public static let ohlcv1h: UInt8 = 0x22
    public static let ohlcv1d: UInt8 = 0x23
    public static let ohlcvEod: UInt8 = 0x24
    public static let mbo: UInt8 = 0xA0
    public static let cmbp1: UInt8 = 0xB1
    public static let cbbo1s: UInt8 = 0xC0
    public static let cbbo1m: UInt8 = 0xC1
    public static let tcbbo: UInt8 = 0xC2
    public static let bbo1s: UInt8 = 0xC3
    public static let bbo1m: UInt8 = 0xC4

    /// Every rtype this decoder knows, with the name used by `dbn info` and `--rtype`.
    public static let names: [(UInt8, String)] = [
        (mbp0, "mbp-0"), (mbp1, "mbp-1"), (mbp10, "mbp-10"), (ohlcvDeprecated, "ohlcv-deprecated"),
        (status, "status"), (instrumentDef, "instrument-def"), (imbalance, "imbalance"),
        (error, "error"), (symbolMapping, "symbol-mapping"), (system, "system"),
        (statistics, "statistics"), (ohlcv1s, "ohlcv-1s"), (ohlcv1m, "ohlcv-1m"),
        (ohlcv1h, "ohlcv-1h"), (ohlcv1d, "ohlcv-1d"), (ohlcvEod, "ohlcv-eod"), (mbo, "mbo"),
        (cmbp1, "cmbp-1"), (cbbo1s, "cbbo-1s"), (cbbo1m, "cbbo-1m"), (tcbbo, "tcbbo"),
        (bbo1s, "bbo-1s"), (bbo1m, "bbo-1m"),
    ]

    /// The name of `rtype`, or `0xNN` for an unknown one.
    public static func name(_ rtype: UInt8) -> String {
        names.first { $0.0 == rtype }?.1 ?? "0x" + String(rtype, radix: 16, uppercase: true)
    }

    /// Parses a name from `names` (plus the aliases `trades`, `definition`, `tbbo`)
    /// or a number (`160`, `0xA0`).
    public static func parse(_ text: String) -> UInt8? {
        let t = text.lowercased()
        let aliases = ["trades": mbp0, "trade": mbp0, "definition": instrumentDef, "tbbo": mbp1,
                       "statistic": statistics, "stat": statistics]
        if let v = aliases[t] { return v }
        if let v = names.first(where: { $0.1 == t })?.0 { return v }
        if t.hasPrefix("0x") { return UInt8(t.dropFirst(2), radix: 16) }
        return UInt8(t)
    }
}
