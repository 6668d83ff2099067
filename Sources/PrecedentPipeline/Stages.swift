import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake

/// What the stages share for one run: the lake, the configuration and each root's raw inputs.
public struct PipelineContext: Sendable {
    public let lake: Lake
    public let config: PipelineConfig
    public let configText: String
    public let specs: [String: InstrumentSpec]
    public let clocks: [String: ExchangeClock]
    public let catalogs: [String: RawCatalog]

    /// `files`: the raw inputs of each root, instead of those under the lake's `raw/` tree (a
    /// replay of files the lake does not hold; nothing is written to the lake then).
    public init(lake: Lake, config: PipelineConfig, roots: [String], files: [String: [String]]? = nil) throws {
        self.lake = lake
        self.config = config
        configText = config.canonicalText()
        var specs: [String: InstrumentSpec] = [:], clocks: [String: ExchangeClock] = [:], catalogs: [String: RawCatalog] = [:]
        for root in roots {
            let spec = try config.instrument(root)
            specs[root] = spec
            clocks[root] = try spec.clock()
            catalogs[root] = try files?[root].map { try RawCatalog.of(paths: $0, root: root) }
                ?? RawCatalog.scan(lake: lake.root, spec: spec)
        }
        self.specs = specs; self.clocks = clocks; self.catalogs = catalogs
    }

    func key(_ d: Dataset, _ root: String, _ date: CivilDate) -> PartitionKey {
        d.partition(product: specs[root]!.productType, root: root, date: date)
    }

    /// The complete partition `d` of `root` on `date`, or an error saying which stage to run.
    func require(_ d: Dataset, _ root: String, _ date: CivilDate, stage: String) throws -> (PartitionKey, PartitionManifest) {
        let k = key(d, root, date)
        guard lake.isComplete(k) else {
            throw PipelineError("input partition \(k.relativePath) is missing or incomplete", file: nil,
                                hint: "run the \(stage) stage first (precedent run --layer \(stage == "bronze" ? "bronze" : "silver") …)")
        }
        return (k, try lake.manifest(k))
    }

    func coverage(_ m: PartitionManifest) -> Range<UnixNanos> { coverage(m.properties ?? [:]) }

    func coverage(_ properties: [String: String]) -> Range<UnixNanos> {
        let a = UInt64(properties["coverage_start_ns"] ?? "") ?? 0
        let b = UInt64(properties["coverage_end_ns"] ?? "") ?? 0
        return UnixNanos(rawValue: a)..<UnixNanos(rawValue: max(a, b))
    }
}

/// The outcome of one partition of one stage.
public struct StageResult: Sendable {
    public var rows: Int
    public var note: String?
}

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

        var properties: [String: String] = [
            "coverage_start_ns": String(coverageStart.rawValue), "coverage_end_ns": String(coverageEnd.rawValue),
            "coverage": "\(coverageStart.iso8601 ?? "") – \(coverageEnd.iso8601 ?? "")",
            "analysis_window": "\(analysis.lowerBound.iso8601 ?? "") – \(analysis.upperBound.iso8601 ?? "")",
        ]
        for contract in records.keys { properties["volume.\(contract)"] = String(volume[contract] ?? 0) }
        if !excluded.isEmpty {
            properties["excluded_spreads"] = excluded.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        if unmapped > 0 { properties["excluded_unmapped_records"] = String(unmapped) }
        let spreadRecords = excluded.values.reduce(0, +)
        return BronzeDay(root: root, date: date, contracts: records.keys.sorted().map { ($0, records[$0]!, seeds[$0] ?? 0) },
                         inputs: files.map(\.path), properties: properties,
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
    /// The manifest properties: coverage, analysis window, volume per contract, exclusions.
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
        // Files are ordered by ts_recv (docs/DBN.md), which is what lets reading stop at
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

// MARK: - selection

extension PipelineContext {
    /// Analysis-window volume per contract of a bronze partition (from its manifest).
    func volumes(_ properties: [String: String]) -> [(contract: String, volume: Int64)] {
        properties.compactMap { k, v in
            k.hasPrefix("volume.") ? (String(k.dropFirst(7)), Int64(v) ?? 0) : nil
        }.sorted { ($0.volume, $1.contract) > ($1.volume, $0.contract) }
    }

    /// The most traded contract if it passes dominance and the liquidity floor.
    func dominant(_ v: [(contract: String, volume: Int64)]) -> (winner: String?, why: String) {
        let rules = config.selection
        let total = v.reduce(0) { $0 + $1.volume }
        guard let top = v.first else { return (nil, "no outright records on this date") }
        guard total > 0 else { return (nil, "no trades in the analysis window") }
        let share = Double(top.volume) / Double(total)
        if share < rules.dominance {
            return (nil, "most traded \(top.contract) has share \(fmt(share)) < dominance \(fmt(rules.dominance))")
        }
        if top.volume < rules.liquidityFloor {
            return (nil, "most traded \(top.contract) has volume \(top.volume) < liquidity floor \(rules.liquidityFloor)")
        }
        return (top.contract, "")
    }

    /// Contract-day selection for `root` on `date` (SPEC §4), using only this
    /// and earlier trade dates: a contract replacing the previous selection is
    /// selected only from its `min_run_days`-th consecutive winning date.
    public func selection(root: String, date: CivilDate) throws -> StageResult? {
        let (_, manifest) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        return try write(selection(root: root, date: date, bronzeProperties: manifest.properties ?? [:]))
    }

    /// `selection` computed from the properties of `date`'s bronze partition (its volumes); earlier dates
    /// come from their complete bronze partitions.
    func selection(root: String, date: CivilDate, bronzeProperties: [String: String]) throws -> PendingPartition {
        let clock = clocks[root]!
        var history: [(CivilDate, String?)] = []
        var d = date
        for _ in 0..<config.selection.lookbackDays {
            d = clock.boundary == nil ? CivilDate(daysSinceEpoch: d.daysSinceEpoch - 1) : clock.previousWeekday(d)
            let k = key(Registry.bronzeMBO, root, d)
            if lake.isComplete(k) { history.insert((d, dominant(volumes(try lake.manifest(k).properties ?? [:])).winner), at: 0) }
        }
        var last: String? = nil
        var streak: [String?] = []
        for (_, w) in history {
            if let w, w == last || last == nil || streak.suffix(config.selection.minRunDays - 1).allSatisfy({ $0 == w })
                && streak.count >= config.selection.minRunDays - 1 { last = w }
            streak.append(w)
        }
        let v = volumes(bronzeProperties)
        let total = v.reduce(0) { $0 + $1.volume }
        let (winner, why) = dominant(v)
        var selected: String? = nil
        var winnerReason = why
        if let winner {
            let need = config.selection.minRunDays - 1
            let run = streak.reversed().prefix { $0 == winner }.count
            if last == nil {
                selected = winner; winnerReason = "selected: dominant, no earlier selection within \(config.selection.lookbackDays) trade dates"
            } else if last == winner {
                selected = winner; winnerReason = "selected: dominant, continues the previous selection"
            } else if run >= need {
                selected = winner; winnerReason = "selected: roll from \(last!) confirmed (\(run + 1) consecutive winning dates)"
            } else {
                winnerReason = "not selected: roll from \(last!) not yet confirmed (\(run + 1) of \(need + 1) consecutive winning dates)"
            }
        }
        var rows: [(String?, Int64, Double?, Int32, Bool, String)] = []
        for (i, c) in v.enumerated() {
            let share = total > 0 ? Double(c.volume) / Double(total) : nil
            let reason = c.contract == winner ? winnerReason : i == 0 ? "not selected: \(why)"
                : "not selected: not the most traded" + (share.map { " (share \(fmt($0)))" } ?? "")
            rows.append((c.contract, c.volume, share, Int32(i + 1), c.contract == selected, reason))
        }
        if rows.isEmpty { rows.append((nil, 0, nil, 1, false, "not selected: \(why)")) }
        let day = Int32(date.daysSinceEpoch)
        var columns: [ParquetColumn] = []
        columns.append(.int32(rows.map { _ in day }))
        columns.append(.byteArray(rows.map { _ in Array(root.utf8) }))
        columns.append(.byteArray(rows.map { r -> [UInt8]? in r.0.map { Array($0.utf8) } }))
        columns.append(.int64(rows.map { r -> Int64? in r.1 }))
        columns.append(.double(rows.map { r -> Double? in r.2 }))
        columns.append(.int32(rows.map { r -> Int32? in r.3 }))
        columns.append(.boolean(rows.map { r -> Bool? in r.4 }))
        columns.append(.byteArray(rows.map { r -> [UInt8]? in Array(r.5.utf8) }))
        let properties = ["selected": selected ?? "", "bronze_partition": key(Registry.bronzeMBO, root, date).relativePath]
        return PendingPartition(key: key(Registry.selectionMap, root, date), fields: SelectionTable.fields, stage: "selection",
                                properties: properties, columns: columns,
                                note: selected.map { "selected \($0)" } ?? (rows.first?.5 ?? ""))
    }
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }

// MARK: - levels

extension PipelineContext {
    /// Levels of every contract in bronze on `date` (SPEC §6).
    public func levels(root: String, date: CivilDate) throws -> StageResult? {
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let contracts = try BronzeTable.trades(path: lake.path(bk) + "/" + Lake.dataFile)
        return try write(levels(root: root, date: date, trades: contracts, coverage: coverage(bm)).partition)
    }

    /// `levels` computed from `date`'s trade prints and coverage; the prior date's come from its complete
    /// bronze partition. Also returns the values, in table order, for `silver`.
    func levels(root: String, date: CivilDate, trades contracts: [(contract: String, trades: [TradePrint])],
                coverage dateCoverage: Range<UnixNanos>) throws -> (partition: PendingPartition, values: [(String, LevelValue)]) {
        let spec = specs[root]!, clock = clocks[root]!
        let bk = key(Registry.bronzeMBO, root, date)
        let priorDate = clock.boundary == nil ? CivilDate(daysSinceEpoch: date.daysSinceEpoch - 1) : clock.previousWeekday(date)
        let pk = key(Registry.bronzeMBO, root, priorDate)
        var prior: [String: [TradePrint]] = [:]
        var priorCoverage: Range<UnixNanos>? = nil
        if lake.isComplete(pk) {
            priorCoverage = coverage(try lake.manifest(pk))
            for (c, t) in try BronzeTable.trades(path: lake.path(pk) + "/" + Lake.dataFile) { prior[c] = t }
        }
        var values: [(String, LevelValue)] = []
        for (contract, trades) in contracts {
            let p = priorCoverage.map { (priorDate, prior[contract] ?? [], $0) }
            for v in LevelCalculator.compute(kinds: config.levels, date: date, clock: clock, sessions: spec.sessions,
                                             trades: trades, coverage: dateCoverage, prior: p) {
                values.append((contract, v))
            }
        }
        let columns = LevelsTable.columns(values, root: root, date: date, tick: spec.tick)
        let known = values.filter { $0.1.price != nil }.count
        return (PendingPartition(key: key(Registry.levels, root, date), fields: LevelsTable.fields, stage: "levels",
                                 properties: ["bronze_partition": bk.relativePath], columns: columns,
                                 note: "\(known) of \(values.count) levels known"), values)
    }

    /// The known levels of `contract` among `values` (a levels table's rows), as `knownLevels` reads them back.
    func knownLevels(_ values: [(String, LevelValue)], contract: String) -> [LevelVacuumEngine.Level] {
        values.compactMap { c, v in
            guard c == contract, let price = v.price, config.levels.contains(v.kind) else { return nil }
            return .init(id: v.kind.rawValue, price: price, knownAt: v.knownAt)
        }
    }
}


// MARK: - silver

extension PipelineContext {
    /// Reads a whole table as named columns.
    static func table(_ path: String) throws -> [String: ParquetColumn] {
        let r = try ParquetReader(path: path)
        let cols = try r.readAll()
        return Dictionary(uniqueKeysWithValues: zip(r.fields.map(\.name), cols))
    }

    /// The known levels of `contract` on `date` from the levels partition, in the configured order.
    public func knownLevels(root: String, date: CivilDate, contract: String) throws -> [LevelVacuumEngine.Level] {
        let (lk, _) = try require(Registry.levels, root, date, stage: "levels")
        let t = try Self.table(lake.path(lk) + "/" + Lake.dataFile)
        guard case .bytes(let cs)? = t["contract"], case .bytes(let ids)? = t["level_id"],
              case .int64(let prices)? = t["price"], case .int64(let known)? = t["known_at"] else {
            throw PipelineError("levels table has unexpected columns", file: lake.path(lk), hint: "rewrite it with --overwrite")
        }
        var out: [LevelVacuumEngine.Level] = []
        for i in 0..<cs.count where cs.string(i) == contract {
            guard let price = prices[i], let id = ids.string(i),
                  let kind = LevelKind(rawValue: id), config.levels.contains(kind) else { continue }
            out.append(.init(id: id, price: price, knownAt: UnixNanos(rawValue: UInt64(known[i]!))))
        }
        return out
    }

    /// The analysis window of `root` on `date` and its number of feature windows.
    func analysisGrid(root: String, date: CivilDate) -> (start: UnixNanos, count: Int) {
        let spec = specs[root]!
        let analysis = clocks[root]!.window(date, spec.sessions.analysis[0], spec.sessions.analysis[1])
        let windowNs = UInt64(config.windowSeconds) * UnixNanos.nanosPerSecond
        return (analysis.lowerBound, Int((analysis.upperBound.rawValue - analysis.lowerBound.rawValue) / windowNs))
    }

    /// Replays `records` through the level-vacuum engine for `levels` over the analysis
    /// window of `date`, emitting only windows inside `coverage`.
    func engineRows(root: String, date: CivilDate, levels: [LevelVacuumEngine.Level], records: [MBOMsg],
                    coverage: Range<UnixNanos>) -> [VacuumRow] {
        let grid = analysisGrid(root: root, date: date)
        var engine = LevelVacuumEngine(levels: levels, tick: specs[root]!.tick, zones: config.zones, gridStart: grid.start,
                                       windowSeconds: config.windowSeconds, windowCount: grid.count, coverage: coverage)
        for m in records { engine.apply(m) }
        engine.finish(at: coverage.upperBound)
        return engine.rows
    }

    /// Silver `level_vacuum_5s` of the selected contract on `date`.
    public func silver(root: String, date: CivilDate) throws -> StageResult? {
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let (_, sm) = try require(Registry.selectionMap, root, date, stage: "selection")
        let selected = sm.properties?["selected"] ?? ""
        return try write(silver(root: root, date: date, selected: selected, coverage: coverage(bm),
                                levels: { try knownLevels(root: root, date: date, contract: selected) },
                                records: { try BronzeTable.read(path: lake.path(bk) + "/" + Lake.dataFile, contract: selected).first?.records ?? [] }))
    }

    /// `silver` computed from the selected contract, `date`'s coverage, and (when a contract is
    /// selected) its known levels and bronze records.
    func silver(root: String, date: CivilDate, selected: String, coverage dateCoverage: Range<UnixNanos>,
                levels knownLevels: () throws -> [LevelVacuumEngine.Level], records: () throws -> [MBOMsg]) throws -> PendingPartition {
        let spec = specs[root]!
        let bk = key(Registry.bronzeMBO, root, date)
        var rows: [VacuumRow] = [], levels: [LevelVacuumEngine.Level] = []
        var note: String
        let count = analysisGrid(root: root, date: date).count
        if selected.isEmpty {
            note = "no contract selected (see selection_map)"
        } else {
            levels = try knownLevels()
            rows = engineRows(root: root, date: date, levels: levels, records: try records(), coverage: dateCoverage)
            note = "\(selected): \(levels.count) levels, \(Set(rows.map(\.window)).count) of \(count) windows covered"
        }
        return PendingPartition(key: key(Registry.levelVacuum, root, date), fields: SilverTable.fields, stage: "silver",
                                properties: ["contract": selected, "bronze_partition": bk.relativePath, "note": note],
                                columns: SilverTable.columns(rows: rows, levels: levels, tick: spec.tick, root: root,
                                                             contract: selected, tradeDate: date),
                                note: note)
    }

    /// Writes a computed one-row-group partition.
    func write(_ p: PendingPartition) throws -> StageResult {
        let stage = Stage(rawValue: p.stage)!
        let m = try lake.writePartition(p.key, fields: p.fields, stage: p.stage, inputs: [], config: configText,
                                        properties: p.properties, dependsOn: try dependsOn(stage, root: p.key.symbol),
                                        algorithm: stage.algorithm) { w in
            try w.write(rowGroup: p.columns)
        }
        return StageResult(rows: m.rows, note: p.note)
    }
}

/// A silver partition computed and not yet written: one row group and its manifest properties.
struct PendingPartition: Sendable {
    var key: PartitionKey
    var fields: [ParquetField]
    var stage: String
    var properties: [String: String]
    var columns: [ParquetColumn]
    var note: String
}
