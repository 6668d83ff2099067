import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

// MARK: - bronze

extension PipelineContext {
    /// Raw DBN → bronze `mbo` for `root` on trade date `date`.
    ///
    /// Files overlapping the trade date are read in order. Records before the
    /// trade date only build the books; at its start every outright book that
    /// holds orders is written as a seed snapshot (`is_seed`), so the partition
    /// replays on its own. Spreads (by definition, else by the strict root
    /// pattern) and instruments without a symbol are excluded and counted.
    public func bronze(root: String, date: CivilDate) throws -> StageResult? {
        guard let day = try decodeBronze(root: root, date: date) else { return nil }
        return try writeBronze(day)
    }

    /// The first half of `bronze`: reads the raw files of `date` into one `BronzeDay` in memory.
    public func decodeBronze(root: String, date: CivilDate) throws -> BronzeDay? {
        let spec = specs[root]!, clock = clocks[root]!, catalog = catalogs[root]!
        let span = clock.span(date)
        let files = catalog.mbo.filter { $0.start < span.upperBound && $0.end > span.lowerBound }
        guard !files.isEmpty else { return nil }
        let coverageStart = max(span.lowerBound, files[0].start)
        var coverageEnd = min(span.upperBound, files[0].end)
        for f in files.dropFirst() where f.start <= coverageEnd { coverageEnd = max(coverageEnd, min(span.upperBound, f.end)) }
        let analysis = clock.window(date, spec.sessions.analysis[0], spec.sessions.analysis[1])
        let pattern = try NSRegularExpression(pattern: spec.outrightPattern)

        var state = DayDecoding(span: span, analysis: analysis)
        for file in files {
            state.beginFile(file.path) { id, ts in
                // Databento's symbology maps ids by UTC date.
                guard let symbol = file.symbols.symbol(for: id, at: ts) else { return .unmapped }
                let isSpread = catalog.definitions[id]?.isSpread
                    ?? (pattern.firstMatch(in: symbol, range: NSRange(symbol.startIndex..., in: symbol)) == nil)
                return isSpread ? .spread(symbol) : .outright(symbol)
            }
            // zstd decompression runs on a second thread, ahead of the decoding below. The
            // closure touches one captured variable, `state`, once per record: every access to a
            // captured mutable local is checked for exclusivity at run time, and with the dozen
            // locals this state once was, those checks cost a third of the decode.
            do {
                try DBNFileReader(path: file.path, decompressAhead: true).forEachRecord { ref in
                    if let m = ref.mbo { try state.take(m, ref: ref) }
                }
            } catch is DayDecoding.PastTheDate {}  // the rest of the file belongs to later dates
        }
        if !state.seeded { state.seed() }
        var records: [String: [MBOMsg]] = [:], volume: [String: Int64] = [:]
        for sl in state.slots where !sl.records.isEmpty {
            records[sl.contract] = sl.records
            if sl.volume > 0 { volume[sl.contract] = sl.volume }
        }
        let excluded = state.excluded, unmapped = state.unmapped, seeds = state.seeds

        let facts = BronzeFacts(coverage: coverageStart..<coverageEnd,
                                volumes: Dictionary(uniqueKeysWithValues: records.keys.map { ($0, volume[$0] ?? 0) }))
        var properties = facts.properties
        properties["analysis_window"] = "\(analysis.lowerBound.iso8601 ?? "") – \(analysis.upperBound.iso8601 ?? "")"
        if !excluded.isEmpty {
            properties["excluded_spreads"] = excluded.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        if unmapped > 0 { properties["excluded_unmapped_records"] = String(unmapped) }
        let spreadRecords = excluded.values.reduce(0, +)
        return BronzeDay(root: root, date: date, contracts: records.keys.sorted().map { ($0, records[$0]!, seeds[$0] ?? 0) },
                         inputs: files.map(\.path), facts: facts, properties: properties,
                         note: "\(records.keys.sorted().joined(separator: ","))"
                            + (spreadRecords > 0 ? "; \(spreadRecords) spread records of \(excluded.count) instruments excluded" : ""))
    }

    /// The second half of `bronze`: writes a decoded day as its partition (one row group per contract).
    public func writeBronze(_ day: BronzeDay) throws -> StageResult {
        let manifest = try lake.writePartition(key(Registry.bronzeMBO, day.root, day.date), fields: BronzeTable.fields, stage: "bronze",
                                               inputs: day.inputs, config: configText, properties: day.properties,
                                               dependsOn: try dependsOn(.bronze, root: day.root), algorithm: Stage.bronze.algorithm) { w in
            for c in day.contracts {
                try w.write(rowGroup: BronzeTable.columns(contract: c.contract, records: c.records, seeds: c.seeds))
            }
        }
        return StageResult(rows: manifest.rows, note: day.note)
    }
}

/// One bronze partition in memory: what `decodeBronze` reads from the raw files and
/// `writeBronze` writes. A run that goes on to the silver stages hands it to them
/// instead of reading the partition back (see `PipelineRunner`).
public struct BronzeDay: Sendable {
    public var root: String
    public var date: CivilDate
    /// Per contract, in name order (the row groups' order): its records and how many leading ones are the seed snapshot.
    public var contracts: [(contract: String, records: [MBOMsg], seeds: Int)]
    public var inputs: [String]
    /// What the stages after it need: coverage and analysis-window volumes.
    public var facts: BronzeFacts
    /// The manifest properties: the facts, the analysis window, exclusions.
    public var properties: [String: String]
    public var note: String

    /// Trade prints per contract, exactly as `BronzeTable.trades(path:)` reads them from the written partition.
    public var trades: [(contract: String, trades: [TradePrint])] {
        contracts.map { ($0.contract, BronzeTable.trades(records: $0.records)) }
    }
}

/// The per-record state of `PipelineContext.decodeBronze`: books replayed before the trade
/// date, each contract's records from its start, exclusions.
private struct DayDecoding {
    /// Thrown to stop reading a file at the first record after the trade date.
    struct PastTheDate: Error {}
    /// What an instrument id is in a file: an outright contract (by name, or by its slot in
    /// `slots`), a spread (by name) or an id the file's symbology does not map.
    enum Kind<Contract> { case outright(Contract), spread(String), unmapped }

    let span: Range<UnixNanos>, analysis: Range<UnixNanos>
    var books: [InstrumentID: OrderBook] = [:]
    /// Outright instruments whose books are replayed, and their contract.
    var contractOf: [InstrumentID: String] = [:]
    var seeds: [String: Int] = [:]
    var excluded: [String: Int] = [:], unmapped = 0
    var seeded = false
    // Per-record work avoids hashing: a contract's records live in a slot found once per
    // instrument and file, and consecutive records of one instrument reuse the last lookup.
    var slots: [(contract: String, records: [MBOMsg], volume: Int64)] = []
    var slotOf: [String: Int] = [:]
    // Per file: its path, what an instrument id not seen in it yet is, the ids seen.
    var path = ""
    var classify: (InstrumentID, UnixNanos) -> Kind<String> = { _, _ in .unmapped }
    var kinds: [InstrumentID: Kind<Int>] = [:]
    var lastID: InstrumentID? = nil, lastKind = Kind<Int>.unmapped
    var previous = UnixNanos(rawValue: 0)

    init(span: Range<UnixNanos>, analysis: Range<UnixNanos>) { self.span = span; self.analysis = analysis }

    mutating func beginFile(_ path: String, classify: @escaping (InstrumentID, UnixNanos) -> Kind<String>) {
        self.path = path; self.classify = classify
        kinds = [:]; lastID = nil; lastKind = .unmapped; previous = UnixNanos(rawValue: 0)
    }

    mutating func slot(_ contract: String) -> Int {
        if let s = slotOf[contract] { return s }
        slots.append((contract, [], 0))
        slotOf[contract] = slots.count - 1
        return slots.count - 1
    }

    /// One record of the current file.
    mutating func take(_ m: MBOMsg, ref: RecordRef) throws {
        let ts = m.tsRecv
        // Files are ordered by ts_recv (docs/DBN-MODULE.md), which is what lets reading stop at
        // the first record after the date; a file that is not is refused, not re-sorted.
        guard ts >= previous else {
            throw PipelineError(
                "MBO record \(ref.index) (byte \(ref.streamOffset) of the decompressed stream), instrument \(m.hd.instrumentID): "
                    + "ts_recv \(ts.iso8601 ?? String(ts.rawValue)) is earlier than the record before it "
                    + "(\(previous.iso8601 ?? String(previous.rawValue)))",
                file: path,
                hint: "DBN MBO files are ordered by ts_recv; this one is damaged or was assembled out of order — "
                    + "download it again, or remove it from raw/ to skip the dates it covers")
        }
        previous = ts
        guard ts < span.upperBound else { throw PastTheDate() }
        let id = m.hd.instrumentID
        let kind: Kind<Int>
        if id == lastID { kind = lastKind } else if let known = kinds[id] { kind = known } else {
            switch classify(id, ts) {
            case .outright(let contract): kind = .outright(slot(contract))
            case .spread(let name): kind = .spread(name)
            case .unmapped: kind = .unmapped
            }
            kinds[id] = kind
        }
        if id != lastID { lastID = id; lastKind = kind }
        guard case .outright(let s) = kind else {
            if ts >= span.lowerBound {
                if case .spread(let name) = kind { excluded[name, default: 0] += 1 } else { unmapped += 1 }
            }
            return
        }
        if ts < span.lowerBound {
            contractOf[id] = slots[s].contract
            books[id, default: OrderBook(instrumentID: id, publisherID: m.hd.publisherID)].apply(m)
            return
        }
        if !seeded { seed() }
        slots[s].records.append(m)
        if m.action == .trade && analysis.contains(ts) { slots[s].volume += Int64(m.size) }
    }

    /// At the trade date's start: a clear and the resting orders of every replayed book, as snapshot records.
    mutating func seed() {
        seeded = true
        for (id, book) in books.sorted(by: { $0.key < $1.key }) where book.orderCount > 0 {
            guard let contract = contractOf[id] else { continue }
            var out: [MBOMsg] = []
            func msg(_ action: Action, _ side: Side, _ price: Price, _ size: UInt32, _ order: UInt64, _ flags: RecordFlags) -> MBOMsg {
                MBOMsg(hd: RecordHeader(byteSize: MBOMsg.recordSize, rtype: RType.mbo, publisherID: book.publisherID,
                                        instrumentID: id, tsEvent: span.lowerBound),
                       orderID: order, price: price, size: size, flags: flags, channelID: 0, action: action, side: side,
                       tsRecv: span.lowerBound, tsInDelta: 0, sequence: 0)
            }
            out.append(msg(.clear, .none, .undefined, 0, 0, .snapshot))
            for side in [Side.bid, Side.ask] {
                for level in book.topLevels(side, count: book.levelCount(side)) {
                    for order in book.queue(side, at: level.price) {
                        out.append(msg(.add, side, level.price, book.order(order)!.size, order, .snapshot))
                    }
                }
            }
            out[out.count - 1].flags.insert(.last)
            slots[slot(contract)].records.insert(contentsOf: out, at: 0)
            seeds[contract] = out.count
        }
    }
}
