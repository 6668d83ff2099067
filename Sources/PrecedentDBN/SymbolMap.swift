import PrecedentCore

/// Resolves `instrument_id` to a symbol at a point in time, from metadata
/// mappings (historical files) and in-band `SymbolMappingMsg` records (live).
///
/// A record is looked up by the UTC date of its index timestamp (`ts_recv`;
/// `ts_event` for OHLCV), as Databento does. Instrument ids can be reused after
/// expiry, so never resolve without a date.
public struct SymbolMap: Sendable {
    struct Span: Sendable { var start: Int; var end: Int; var symbol: String }

    /// Per instrument, date spans `[start, end)` in days since 1970-01-01, sorted by start.
    private var spans: [InstrumentID: [Span]] = [:]
    /// Latest in-band mapping per instrument (point in time, no end).
    private var inBand: [InstrumentID: String] = [:]
    /// Mapping intervals whose symbol was not a valid instrument id, skipped.
    public private(set) var unparsedIntervals = 0

    public init() {}

    /// Builds the map from file metadata. With `stype_out = instrument_id` (the
    /// usual historical case) each interval's symbol is an instrument id and
    /// the mapping's `raw_symbol` is what it resolves to; with
    /// `stype_in = instrument_id` the roles swap. Other symbologies carry no ids.
    public init(metadata: Metadata) {
        for mapping in metadata.mappings {
            for iv in mapping.intervals where !iv.symbol.isEmpty {
                let id: InstrumentID?, symbol: String
                if metadata.stypeOut == .instrumentID {
                    (id, symbol) = (InstrumentID(iv.symbol), mapping.rawSymbol)
                } else if metadata.stypeIn == .instrumentID {
                    (id, symbol) = (InstrumentID(mapping.rawSymbol), iv.symbol)
                } else {
                    continue
                }
                guard let id else { unparsedIntervals += 1; continue }
                spans[id, default: []].append(Span(start: iv.startDate.daysSinceEpoch, end: iv.endDate.daysSinceEpoch,
                                                   symbol: symbol))
            }
        }
        for id in spans.keys { spans[id]!.sort { $0.start < $1.start } }
    }

    /// Applies a live symbol-mapping record: from now on `instrument_id`
    /// resolves to its `stype_out_symbol`.
    public mutating func insert(_ record: SymbolMappingMsg) {
        inBand[record.hd.instrumentID] = record.stypeOutSymbol.string
    }

    /// The symbol of `id` on UTC `date`, or `nil` when unmapped that day.
    /// - Complexity: O(log s) for s spans of that instrument.
    public func symbol(for id: InstrumentID, on date: CivilDate) -> String? {
        if let list = spans[id] {
            let day = date.daysSinceEpoch
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid].start <= day { lo = mid + 1 } else { hi = mid }
            }
            if lo > 0, day < list[lo - 1].end { return list[lo - 1].symbol }
        }
        return inBand[id]
    }

    /// The symbol of `id` at `time` (its UTC date).
    public func symbol(for id: InstrumentID, at time: UnixNanos) -> String? {
        symbol(for: id, on: time.utcDay)
    }

    /// Every instrument id the map knows.
    public var instrumentIDs: [InstrumentID] { Array(Set(spans.keys).union(inBand.keys)).sorted() }
}
