import PrecedentCore

/// The DBN metadata block that follows the 8-byte prelude (`docs/DBN-MODULE.md`).
public struct Metadata: Sendable, Equatable {
    /// DBN version of the stream it was read from (1, 2 or 3). Records are
    /// always presented in the latest (v3) layout, whatever this says.
    public var version: UInt8
    /// Dataset code, e.g. `GLBX.MDP3`.
    public var dataset: String
    /// The schema of every record, or `nil` for a mix (live data, `0xFFFF`).
    public var schema: Schema?
    /// Query start (or first record if the file was split), UTC ns.
    public var start: UnixNanos
    /// Query end (exclusive), UTC ns; `UnixNanos.undefined` when not set.
    public var end: UnixNanos
    /// Record limit of the query; 0 for none.
    public var limit: UInt64
    /// Input symbology, or `nil` when mixed (`0xFF`).
    public var stypeIn: SType?
    /// Output symbology, or `nil` when mixed (`0xFF`).
    public var stypeOut: SType?
    /// Whether every record carries an 8-byte `ts_out` suffix (live gateway send time).
    public var tsOut: Bool
    /// Width of fixed-length symbol strings in this stream: 22 in v1, 71 in v2/v3.
    public var symbolCstrLen: Int
    /// The symbols requested.
    public var symbols: [String]
    /// Symbols unresolved on at least one day.
    public var partial: [String]
    /// Symbols never resolved.
    public var notFound: [String]
    /// Symbology mappings, in stream order.
    public var mappings: [SymbolMapping]

    public init(version: UInt8 = Metadata.latestVersion, dataset: String, schema: Schema?, start: UnixNanos,
                end: UnixNanos = .undefined, limit: UInt64 = 0, stypeIn: SType?, stypeOut: SType?,
                tsOut: Bool = false, symbolCstrLen: Int = Metadata.symbolCstrLenV3, symbols: [String] = [],
                partial: [String] = [], notFound: [String] = [], mappings: [SymbolMapping] = []) {
        self.version = version; self.dataset = dataset; self.schema = schema; self.start = start
        self.end = end; self.limit = limit; self.stypeIn = stypeIn; self.stypeOut = stypeOut
        self.tsOut = tsOut; self.symbolCstrLen = symbolCstrLen; self.symbols = symbols
        self.partial = partial; self.notFound = notFound; self.mappings = mappings
    }

    public static let latestVersion: UInt8 = 3
    public static let symbolCstrLenV1 = 22
    public static let symbolCstrLenV3 = 71
    /// Bytes of the fixed part of the metadata, after the prelude.
    static let fixedLength = 100
    /// Bytes of the prelude: `DBN`, version, u32 metadata length.
    public static let preludeLength = 8
}

/// One symbol's mapping intervals (`mappings` in the metadata).
public struct SymbolMapping: Sendable, Hashable {
    /// The symbol as requested (stype_in), e.g. `ESH4` or `ES.FUT` children.
    public var rawSymbol: String
    public var intervals: [Interval]

    public init(rawSymbol: String, intervals: [Interval]) {
        self.rawSymbol = rawSymbol; self.intervals = intervals
    }

    /// `[startDate, endDate)` in UTC days → the output symbol (with
    /// `stype_out = instrument_id`, the instrument id in decimal). An empty
    /// symbol means "no mapping on those days".
    public struct Interval: Sendable, Hashable {
        public var startDate: CivilDate
        /// Exclusive.
        public var endDate: CivilDate
        public var symbol: String
        public init(startDate: CivilDate, endDate: CivilDate, symbol: String) {
            self.startDate = startDate; self.endDate = endDate; self.symbol = symbol
        }
    }
}
