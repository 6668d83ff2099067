import PrecedentCore

/// Session windows of an instrument, as session-relative local times (see
/// `ExchangeClock`): regular hours, the pre-market window, the analysis window
/// the features cover, and the opening-range length.
public struct SessionWindows: Codable, Sendable, Equatable {
    /// Regular trading hours; `pd_*` levels come from the prior trade date's RTH, `or_*` from its start.
    public var rth: [LocalTime]
    /// Pre-market window of `pm_high` / `pm_low`.
    public var premarket: [LocalTime]
    /// Window covered by the 5-second features and used for contract selection.
    public var analysis: [LocalTime]
    /// Minutes of the opening range from the start of RTH (5, 15, 30…).
    public var openingRangeMinutes: Int

    public static let usIndexFutures = SessionWindows(
        rth: [LocalTime("09:30")!, LocalTime("16:00")!], premarket: [LocalTime("04:00")!, LocalTime("09:30")!],
        analysis: [LocalTime("09:30")!, LocalTime("12:30")!], openingRangeMinutes: 15)

    enum CodingKeys: String, CodingKey { case rth, premarket, analysis, openingRangeMinutes = "opening_range_minutes" }

    public init(rth: [LocalTime], premarket: [LocalTime], analysis: [LocalTime], openingRangeMinutes: Int) {
        self.rth = rth; self.premarket = premarket; self.analysis = analysis; self.openingRangeMinutes = openingRangeMinutes
    }

    /// Decodes the given keys over `usIndexFutures`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self.usIndexFutures
        rth = try c.decodeIfPresent([LocalTime].self, forKey: .rth) ?? d.rth
        premarket = try c.decodeIfPresent([LocalTime].self, forKey: .premarket) ?? d.premarket
        analysis = try c.decodeIfPresent([LocalTime].self, forKey: .analysis) ?? d.analysis
        openingRangeMinutes = try c.decodeIfPresent(Int.self, forKey: .openingRangeMinutes) ?? d.openingRangeMinutes
        for (name, w) in [("rth", rth), ("premarket", premarket), ("analysis", analysis)] where w.count != 2 {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys(stringValue: name)!],
                                                    debugDescription: "\(name) must be [start, end], e.g. [\"09:30\", \"16:00\"]"))
        }
        guard (1...390).contains(openingRangeMinutes) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.openingRangeMinutes],
                                                    debugDescription: "opening_range_minutes must be 1…390"))
        }
    }
}

/// Parameters of one root (ES, MES, …, or an equity such as AMZN): tick size
/// and value, product type, time zone, trade-date boundary and sessions.
public struct InstrumentSpec: Codable, Sendable, Equatable {
    public var root: String
    /// `future` or `equity`: the lake's `product_type`.
    public var productType: String
    /// Minimum price increment, exact decimal text (`"0.25"`).
    public var tickSize: String
    /// Currency per contract per tick, decimal text (`"12.50"`); informational.
    public var tickValue: String
    /// IANA time zone in which sessions are stated.
    public var timeZone: String
    /// Trade-date boundary (Globex `18:00` ET); absent for equities (calendar date).
    public var tradeDateBoundary: LocalTime?
    public var sessions: SessionWindows
    /// Strict outright pattern used when no definition is known (`^ES[FGHJKMNQUVXZ][0-9]{1,2}$`).
    public var outrightPattern: String

    enum CodingKeys: String, CodingKey {
        case root, productType = "product_type", tickSize = "tick_size", tickValue = "tick_value"
        case timeZone = "time_zone", tradeDateBoundary = "trade_date_boundary", sessions, outrightPattern = "outright_pattern"
    }

    public init(root: String, productType: String = "future", tickSize: String, tickValue: String,
                timeZone: String = "America/New_York", tradeDateBoundary: LocalTime? = LocalTime("18:00"),
                sessions: SessionWindows = .usIndexFutures, outrightPattern: String? = nil) {
        self.root = root; self.productType = productType; self.tickSize = tickSize; self.tickValue = tickValue
        self.timeZone = timeZone; self.tradeDateBoundary = tradeDateBoundary; self.sessions = sessions
        self.outrightPattern = outrightPattern ?? (productType == "future" ? "^\(root)[FGHJKMNQUVXZ][0-9]{1,2}$" : "^\(root)$")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(root, forKey: .root)
        try c.encode(productType, forKey: .productType)
        try c.encode(tickSize, forKey: .tickSize)
        try c.encode(tickValue, forKey: .tickValue)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(tradeDateBoundary, forKey: .tradeDateBoundary)  // null for calendar-date trade dates
        try c.encode(sessions, forKey: .sessions)
        try c.encode(outrightPattern, forKey: .outrightPattern)
    }

    /// The built-in table (docs/PIPELINE.md). Sessions are US index hours in ET; override per root in the configuration.
    public static let builtIn: [String: InstrumentSpec] = {
        let rows: [(String, String, String)] = [
            ("ES", "0.25", "12.50"), ("MES", "0.25", "1.25"), ("NQ", "0.25", "5.00"), ("MNQ", "0.25", "0.50"),
            ("RTY", "0.10", "5.00"), ("ZL", "0.01", "6.00"), ("ZS", "0.25", "12.50"), ("ZM", "0.10", "10.00"),
            ("ZC", "0.25", "12.50"), ("ZW", "0.25", "12.50"), ("CL", "0.01", "10.00"), ("GC", "0.10", "10.00"),
        ]
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, InstrumentSpec(root: $0.0, tickSize: $0.1, tickValue: $0.2)) })
    }()

    /// Decodes the given keys over the built-in entry for `root` (which must exist
    /// unless `tick_size` is given).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let root = try c.decode(String.self, forKey: .root)
        let base = Self.builtIn[root]
        guard let tick = try c.decodeIfPresent(String.self, forKey: .tickSize) ?? base?.tickSize else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "root \(root) is not in the built-in instrument table: give its tick_size (and tick_value, time_zone, sessions)"))
        }
        self.init(root: root,
                  productType: try c.decodeIfPresent(String.self, forKey: .productType) ?? base?.productType ?? "future",
                  tickSize: tick,
                  tickValue: try c.decodeIfPresent(String.self, forKey: .tickValue) ?? base?.tickValue ?? "",
                  timeZone: try c.decodeIfPresent(String.self, forKey: .timeZone) ?? base?.timeZone ?? "America/New_York",
                  tradeDateBoundary: c.contains(.tradeDateBoundary)
                      ? try c.decodeIfPresent(LocalTime.self, forKey: .tradeDateBoundary) : base?.tradeDateBoundary ?? LocalTime("18:00"),
                  sessions: try c.decodeIfPresent(SessionWindows.self, forKey: .sessions) ?? base?.sessions ?? .usIndexFutures,
                  outrightPattern: try c.decodeIfPresent(String.self, forKey: .outrightPattern))
        guard let p = Price(decimal: tickSize), p.rawValue > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.tickSize],
                                                    debugDescription: "tick_size '\(tickSize)' is not a positive decimal"))
        }
        _ = try ExchangeClock(timeZone: timeZone, boundary: tradeDateBoundary)
    }

    /// Tick size in 1e-9 price units.
    public var tick: Int64 { Price(decimal: tickSize)!.rawValue }

    public func clock() throws -> ExchangeClock { try ExchangeClock(timeZone: timeZone, boundary: tradeDateBoundary) }
}
