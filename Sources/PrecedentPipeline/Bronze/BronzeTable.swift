import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake

/// Bronze `mbo`: the MBO records of one root's outright contracts on one trade
/// date, one row group per contract, in arrival order. Columns: `symbol`
/// (contract), the DBN MBO fields under databento-dbn's names (prices 1e-9
/// fixed point, times UTC ns), and `is_seed`.
public enum BronzeTable {
    /// Times, sequence numbers and the per-file constants are written DELTA_BINARY_PACKED and the
    /// strings (a contract, one-letter codes) dictionary-coded; order ids, prices, sizes and flags
    /// stay PLAIN, where zstd finds their repeats better than in deltas (measured on the sample
    /// days: docs/PERFORMANCE.md). zstd gets 1.4 MB instead of 3.6 MB for the 2023-12-26 day.
    public static let fields: [ParquetField] = {
        ([ParquetField("symbol", .byteArray, logical: .string, doc: "contract raw symbol (ESH4)")]
            + DBNTableBuilder(layout: MBOMsg.self).fields
            + [ParquetField("is_seed", .boolean, doc: "true for the snapshot that seeds the book at the trade-date start: a clear (R) then every resting order (A, F_SNAPSHOT, in queue order), replayed from the earlier file; false for records copied from the raw files")])
            .map { f in
                switch f.name {
                case "rtype", "publisher_id", "instrument_id", "channel_id", "ts_event", "ts_recv", "ts_in_delta", "sequence":
                    f.encoded(.deltaBinaryPacked)
                case "symbol", "action", "side": f.encoded(.dictionary)
                default: f
                }
            }
    }()

    public static func schema() -> TableSchema {
        TableSchema(name: "mbo", doc: "MBO records of outright contracts by CME trade date (bronze)", fields: fields)
    }

    /// Columns of one contract's records (the same encoding as `DBNTableBuilder`, built field by field).
    static func columns(contract: String, records: [MBOMsg], seeds: Int) -> [ParquetColumn] {
        func ts(_ t: UnixNanos) -> Int64? { t.isDefined ? Int64(bitPattern: t.rawValue) : nil }
        return [
            .bytes(ByteArrayColumn(repeating: Array(contract.utf8), count: records.count)),
            .int32(records.map { Int32($0.hd.rtype) }),
            .int32(records.map { Int32($0.hd.publisherID) }),
            .int32(records.map { Int32(bitPattern: $0.hd.instrumentID) }),
            .int64(records.map { ts($0.hd.tsEvent) }),
            .int64(records.map { Int64(bitPattern: $0.orderID) }),
            .int64(records.map { $0.price.isDefined ? $0.price.rawValue : nil }),
            .int32(records.map { Int32(bitPattern: $0.size) }),
            .int32(records.map { Int32($0.flags.rawValue) }),
            .int32(records.map { Int32($0.channelID) }),
            .bytes(ByteArrayColumn(byteCodes: records.map(\.action.rawValue))),
            .bytes(ByteArrayColumn(byteCodes: records.map(\.side.rawValue))),
            .int64(records.map { ts($0.tsRecv) }),
            .int32(records.map { $0.tsInDelta }),
            .int32(records.map { Int32(bitPattern: $0.sequence) }),
            .boolean(records.indices.map { $0 < seeds }),
        ]
    }

    static func open(_ path: String) throws -> ParquetReader {
        let reader = try ParquetReader(path: path)
        guard reader.fields == fields else {
            throw PipelineError("is not a bronze mbo file of this program's schema", file: path, hint: "rewrite it with --overwrite")
        }
        return reader
    }

    /// The contract of each row group (one contract per row group), from its statistics when
    /// present, else from its first row.
    static func contracts(_ reader: ParquetReader) throws -> [String] {
        try (0..<reader.rowGroupCount).map { g in
            if let min = reader.chunkInfo(rowGroup: g, column: 0)?.min, min == reader.chunkInfo(rowGroup: g, column: 0)?.max {
                return String(decoding: min, as: UTF8.self)
            }
            guard case .bytes(let sym) = try reader.rowGroup(g, columns: ["symbol"])[0] else { return "" }
            return sym.count > 0 ? sym.string(0) ?? "" : ""
        }
    }

    /// Trade prints (action T with a price) per contract, reading only the four columns they need;
    /// the contracts in `skipping` are listed with no trades and not read.
    public static func trades(path: String, skipping: Set<String> = []) throws -> [(contract: String, trades: [TradePrint])] {
        let reader = try open(path)
        let names = try contracts(reader)
        return try (0..<reader.rowGroupCount).map { g in
            if skipping.contains(names[g]) { return (names[g], []) }
            let cols = try reader.rowGroup(g, columns: ["action", "price", "size", "ts_recv"])
            guard case .bytes(let action) = cols[0], case .int64(let price) = cols[1], case .int32(let size) = cols[2],
                  case .int64(let tsRecv) = cols[3]
            else { throw PipelineError("unexpected column types", file: path, hint: "rewrite it with --overwrite") }
            var out: [TradePrint] = []
            for i in 0..<action.count where action.first(i) == Action.trade.rawValue {
                guard let p = price[i], let t = tsRecv[i] else { continue }
                out.append(TradePrint(ts: UnixNanos(rawValue: UInt64(bitPattern: t)), price: p, size: UInt32(bitPattern: size[i]!)))
            }
            return (names[g], out)
        }
    }

    /// Trade prints among `records`: what `trades(path:)` reads back once they are written.
    static func trades(records: [MBOMsg]) -> [TradePrint] {
        records.compactMap { m in
            m.action == .trade && m.price.isDefined && m.tsRecv.isDefined
                ? TradePrint(ts: m.tsRecv, price: m.price.rawValue, size: m.size) : nil
        }
    }

    /// Reads a bronze file back: records per contract, in order; only `contract`'s row group when given.
    public static func read(path: String, contract: String? = nil) throws -> [(contract: String, records: [MBOMsg])] {
        let reader = try open(path)
        let names = try contracts(reader)
        var out: [(contract: String, records: [MBOMsg])] = []
        for g in 0..<reader.rowGroupCount where contract == nil || names[g] == contract {
            let cols = try reader.rowGroup(g)
            guard case .bytes(let sym) = cols[0], case .int32(let rtype) = cols[1], case .int32(let pub) = cols[2],
                  case .int32(let inst) = cols[3], case .int64(let tsEvent) = cols[4], case .int64(let oid) = cols[5],
                  case .int64(let price) = cols[6], case .int32(let size) = cols[7], case .int32(let flags) = cols[8],
                  case .int32(let channel) = cols[9], case .bytes(let action) = cols[10], case .bytes(let side) = cols[11],
                  case .int64(let tsRecv) = cols[12], case .int32(let delta) = cols[13], case .int32(let seq) = cols[14]
            else { throw PipelineError("unexpected column types", file: path, hint: "rewrite it with --overwrite") }
            var records: [MBOMsg] = []
            records.reserveCapacity(sym.count)
            for i in 0..<sym.count {
                func ns(_ v: Int64?) -> UnixNanos { v.map { UnixNanos(rawValue: UInt64(bitPattern: $0)) } ?? .undefined }
                records.append(MBOMsg(
                    hd: RecordHeader(byteSize: MBOMsg.recordSize, rtype: UInt8(rtype[i]!), publisherID: PublisherID(UInt16(pub[i]!)),
                                     instrumentID: InstrumentID(UInt32(bitPattern: inst[i]!)), tsEvent: ns(tsEvent[i])),
                    orderID: UInt64(bitPattern: oid[i]!), price: Price(rawValue: price[i] ?? Price.undefined.rawValue),
                    size: UInt32(bitPattern: size[i]!), flags: RecordFlags(rawValue: UInt8(flags[i]!)), channelID: UInt8(channel[i]!),
                    action: Action(rawValue: action.first(i)), side: Side(rawValue: side.first(i)),
                    tsRecv: ns(tsRecv[i]), tsInDelta: delta[i]!, sequence: UInt32(bitPattern: seq[i]!)))
            }
            out.append((names[g], records))
        }
        return out
    }
}
