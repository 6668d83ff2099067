import PrecedentCore

/// What a DBN file holds, for `precedent dbn info`: its framing, metadata,
/// record counts by type and instrument, time range and anomalies.
public struct DBNFileSummary: Sendable {
    public var path: String
    public var compression: DBNFileReader.Compression
    public var fileBytes = 0
    /// Bytes of the decoded DBN stream read.
    public var streamBytes = 0
    public var version: UInt8
    public var metadata: Metadata?
    public var recordCount = 0
    /// Known records by rtype.
    public var countsByRType: [UInt8: Int] = [:]
    /// Records by instrument id.
    public var countsByInstrument: [InstrumentID: Int] = [:]
    /// Symbol of each instrument (from metadata mappings or in-band records) on its first record's date.
    public var symbols: [InstrumentID: String] = [:]
    public var firstIndexTime: UnixNanos?
    public var lastIndexTime: UnixNanos?
    /// Records whose index time is earlier than the record before.
    public var indexTimeDecreases = 0
    /// Skipped records of unknown rtypes, by rtype.
    public var unknownRecords: [UInt8: Int] = [:]
    /// The error that ended reading early (truncation, corruption), if any;
    /// everything above describes the records before it.
    public var error: DBNError?

    /// Reads the whole file once, streaming.
    public init(path: String, fragment: (version: UInt8, tsOut: Bool)? = nil) throws {
        let reader = try DBNFileReader(path: path, fragment: fragment)
        self.path = path
        compression = reader.compression
        metadata = reader.metadata
        version = reader.version
        var map = metadata.map(SymbolMap.init(metadata:)) ?? SymbolMap()
        var last: UnixNanos?
        var counts = [Int](repeating: 0, count: 256)
        var byInstrument: [InstrumentID: Int] = [:]
        var symbols: [InstrumentID: String] = [:]
        var first: UnixNanos?
        var decreases = 0
        do {
            try reader.forEachRecord { ref in
                guard let record = try ref.decode() else { return }
                counts[Int(ref.rtype)] += 1
                let id = ref.instrumentID
                byInstrument[id, default: 0] += 1
                if case .symbolMapping(let m) = record { map.insert(m) }
                let t = record.indexTimestamp
                if symbols[id] == nil, let s = map.symbol(for: id, at: t) { symbols[id] = s }
                if first == nil { first = t }
                if let last, t < last { decreases += 1 }
                last = t
            }
        } catch let e as DBNError {
            error = e
        }
        for (r, n) in counts.enumerated() where n > 0 { countsByRType[UInt8(r)] = n }
        recordCount = counts.reduce(0, +)
        countsByInstrument = byInstrument
        self.symbols = symbols
        firstIndexTime = first
        lastIndexTime = last
        indexTimeDecreases = decreases
        unknownRecords = reader.unknownRecords
        fileBytes = reader.fileBytesRead
        streamBytes = reader.streamBytesRead
    }
}
