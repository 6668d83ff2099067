import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// A gold trigger read back: the setup, its label (if complete) and vector (if complete).
public struct GoldTrigger: Sendable {
    public var precedent: Precedent
    public var hasLabel: Bool
    public var vectorReason: String?
    public var labelReason: String?
    public var xMid: Double
    public var window: Int
    public var hasVector: Bool

    /// The trigger a question asked at `moment` is about: among `triggers`, the latest that fired
    /// at or before `moment` and no more than `window` nanoseconds before it; nil when none did.
    /// A trigger that fires after the moment is never the answer, however close: at that moment
    /// it has not happened (no lookahead).
    public static func firedAt(_ moment: UnixNanos, within window: UInt64, among triggers: [GoldTrigger]) -> GoldTrigger? {
        triggers.filter { $0.precedent.triggerTime <= moment && moment.rawValue - $0.precedent.triggerTime.rawValue <= window }
            .max { $0.precedent.triggerTime < $1.precedent.triggerTime }
    }
}

/// `_manifest.json` of a precedent index (snake_case keys).
public struct IndexManifest: Codable, Sendable {
    public var symbol: String
    public var levelID: String
    public var direction: String
    public var precedents: String
    public var dimension: String
    public var featureList: String
    public var triggersSeen: String
    public var firstTrigger: String
    public var lastTrigger: String
    public var programVersion: String
    /// The settings of the gold triggers it was built from; nil in indexes built before they were recorded.
    public var dependsOn: [ConfigSetting]?

    enum CodingKeys: String, CodingKey {
        case symbol, levelID = "level_id", direction, precedents, dimension, featureList = "feature_list"
        case triggersSeen = "triggers_seen", firstTrigger = "first_trigger", lastTrigger = "last_trigger"
        case programVersion = "program_version", dependsOn = "depends_on"
    }
}

extension PipelineContext {
    /// Reads a silver partition into per-level series.
    func silverSeries(_ key: PartitionKey) throws -> [LevelSeries] {
        let r = try ParquetReader(path: lake.path(key) + "/" + Lake.dataFile)
        return LevelSeries.from(silver: Array(zip(r.fields.map(\.name), try r.readAll())))
    }

    /// Trades (T records) of `contract` in a bronze partition.
    func bronzeTrades(_ key: PartitionKey, contract: String) throws -> [TradePrint] {
        try BronzeTable.trades(path: lake.path(key) + "/" + Lake.dataFile).first { $0.contract == contract }?.trades ?? []
    }

    /// Gold `triggers` of `root` on `date` from its silver features and bronze trades.
    public func triggers(root: String, date: CivilDate) throws -> StageResult? {
        let spec = specs[root]!
        let (sk, sm) = try require(Registry.levelVacuum, root, date, stage: "silver")
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let contract = sm.properties?["contract"] ?? ""
        let list = try config.featureList()
        var found: [Trigger] = []
        if !contract.isEmpty {
            let series = try silverSeries(sk)
            found = TriggerDetector.triggers(series: series, trades: try bronzeTrades(bk, contract: contract), tick: spec.tick,
                                             parameters: config.setupParameters(root), features: list,
                                             coveredUntil: coverage(bm).upperBound)
        }
        let m = try lake.writePartition(key(Registry.triggers, root, date), fields: TriggerTable.fields(list), stage: "triggers",
                                        inputs: [], config: configText,
                                        properties: ["contract": contract, "feature_list": list.version,
                                                     "silver_partition": sk.relativePath],
                                        dependsOn: try dependsOn(.triggers, root: root), algorithm: Stage.triggers.algorithm) { w in
            try w.write(rowGroup: TriggerTable.columns(found, list: list, root: root, contract: contract, date: date))
        }
        let complete = found.filter { $0.label != nil && $0.vector != nil }.count
        return StageResult(rows: m.rows, note: contract.isEmpty ? "no contract selected"
                           : "\(found.count) triggers, \(complete) with label and vector")
    }

    /// Gold `pressure` of `root` on `date`.
    public func pressure(root: String, date: CivilDate) throws -> StageResult? {
        let (sk, sm) = try require(Registry.levelVacuum, root, date, stage: "silver")
        let contract = sm.properties?["contract"] ?? ""
        let series = contract.isEmpty ? [] : try silverSeries(sk)
        let m = try lake.writePartition(key(Registry.pressure, root, date), fields: PressureTable.fields, stage: "pressure",
                                        inputs: [], config: configText, properties: ["silver_partition": sk.relativePath],
                                        dependsOn: try dependsOn(.pressure, root: root), algorithm: Stage.pressure.algorithm) { w in
            try w.write(rowGroup: PressureTable.columns(series, root: root, contract: contract))
        }
        return StageResult(rows: m.rows, note: nil)
    }

    /// Every trigger of `root` in complete gold partitions (optionally within `dates`).
    public func goldTriggers(root: String, dates: ClosedRange<CivilDate>? = nil) throws -> [GoldTrigger] {
        let product = specs[root]!.productType
        var out: [GoldTrigger] = []
        for k in lake.completePartitions(layer: "gold", table: Registry.triggers.table, symbol: root, dates: dates) where k.productType == product {
            out += try Self.readTriggers(lake.path(k) + "/" + Lake.dataFile)
        }
        return out.sorted { $0.precedent.triggerTime < $1.precedent.triggerTime }
    }

    static func readTriggers(_ path: String) throws -> [GoldTrigger] {
        let r = try ParquetReader(path: path)
        let t = Dictionary(uniqueKeysWithValues: zip(r.fields.map(\.name), try r.readAll()))
        guard case .bytes(let sym)? = t["symbol"], case .bytes(let con)? = t["contract"], case .int32(let day)? = t["trade_date"],
              case .bytes(let lvl)? = t["level_id"], case .int64(let price)? = t["level_price"], case .bytes(let dir)? = t["direction"],
              case .int64(let tt)? = t["trigger_time"], case .int64(let oc)? = t["outcome_complete_at"], case .bytes(let label)? = t["label"],
              case .bytes(let labelWhy)? = t["label_reason"], case .int64(let mfe)? = t["mfe_ticks"], case .int64(let mae)? = t["mae_ticks"],
              case .int64(let pen)? = t["penetration_ticks"], case .int64(let ttb)? = t["time_to_barrier_ns"],
              case .bytes(let vecWhy)? = t["vector_reason"], case .double(let xMid)? = t["x_mid"], case .int32(let window)? = t["window_index"],
              case .group(let comps, let present)? = t["vector"]
        else { throw PipelineError("is not a gold triggers file of this program", file: path, hint: "rewrite it with --overwrite") }
        let vectors: [[Double?]] = comps.map { if case .double(let v) = $0 { v } else { [] } }
        return (0..<sym.count).map { i in
            let hasVector = present?[i] ?? true
            let outcome = label.string(i).flatMap(Outcome.init(rawValue:))
            return GoldTrigger(
                precedent: Precedent(symbol: sym.string(i) ?? "", contract: con.string(i) ?? "", date: CivilDate(daysSinceEpoch: Int(day[i]!)),
                                     levelID: lvl.string(i) ?? "", levelPrice: price[i]!, direction: Direction(rawValue: dir.string(i) ?? "") ?? .up,
                                     triggerTime: UnixNanos(rawValue: UInt64(tt[i]!)), outcomeCompleteAt: UnixNanos(rawValue: UInt64(oc[i]!)),
                                     outcome: outcome ?? .chop, mfe: mfe[i] ?? 0, mae: mae[i] ?? 0, penetration: pen[i] ?? 0,
                                     timeToBarrier: ttb[i], vector: hasVector ? vectors.map { $0[i] ?? .nan } : []),
                hasLabel: outcome != nil, vectorReason: vecWhy.string(i), labelReason: labelWhy.string(i),
                xMid: xMid[i] ?? .nan, window: Int(window[i] ?? 0), hasVector: hasVector)
        }
    }

    /// Folder of the index of (`root`, `level`, `direction`).
    public func indexFolder(root: String, level: String, direction: Direction) -> String {
        "\(lake.root)/index/product_type=\(specs[root]!.productType)/symbol=\(root)/level=\(level)/direction=\(direction.rawValue)"
    }

    /// The folder that holds every index of `root`.
    func indexesFolder(root: String) -> String { "\(lake.root)/index/product_type=\(specs[root]!.productType)/symbol=\(root)" }

    /// Builds every index of `root` from its gold triggers: per (level kind,
    /// direction), the triggers that have both a label and a vector. An index of a
    /// (level kind, direction) that no longer has any such trigger is removed, so the
    /// indexes hold exactly the current setups. Each index manifest records the settings
    /// the gold triggers depend on (`depends_on`).
    public func buildIndex(root: String) throws -> [(level: String, direction: Direction, count: Int, path: String)] {
        let all = try goldTriggers(root: root)
        let usable = all.filter { $0.hasLabel && $0.hasVector }.map(\.precedent)
        let list = try config.featureList()
        var out: [(String, Direction, Int, String)] = []
        let groups = Dictionary(grouping: usable) { "\($0.levelID)|\($0.direction.rawValue)" }
        let fm = FileManager.default
        for level in (try? fm.contentsOfDirectory(atPath: indexesFolder(root: root))) ?? [] where level.hasPrefix("level=") {
            let levelFolder = indexesFolder(root: root) + "/" + level
            for direction in (try? fm.contentsOfDirectory(atPath: levelFolder)) ?? [] where direction.hasPrefix("direction=") {
                if groups["\(level.dropFirst(6))|\(direction.dropFirst(10))"] == nil {
                    // Incomplete first, then gone: a crash in between leaves no index that looks complete.
                    try? fm.removeItem(atPath: levelFolder + "/" + direction + "/_SUCCESS")
                    try fm.removeItem(atPath: levelFolder + "/" + direction)
                }
            }
            if ((try? fm.contentsOfDirectory(atPath: levelFolder)) ?? []).isEmpty { try? fm.removeItem(atPath: levelFolder) }
        }
        let settings = try dependsOn(.triggers, root: root)
        for key in groups.keys.sorted() {
            let items = groups[key]!
            let folder = indexFolder(root: root, level: items[0].levelID, direction: items[0].direction)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: folder + "/_SUCCESS")
            let path = folder + "/index.parquet"
            try PrecedentIndexFile.write(items, dimension: list.dimension, to: path)
            let manifest = IndexManifest(
                symbol: root, levelID: items[0].levelID, direction: items[0].direction.rawValue,
                precedents: String(items.count), dimension: String(list.dimension), featureList: list.version,
                triggersSeen: String(all.filter { $0.precedent.levelID == items[0].levelID && $0.precedent.direction == items[0].direction }.count),
                firstTrigger: items.first?.triggerTime.iso8601 ?? "", lastTrigger: items.last?.triggerTime.iso8601 ?? "",
                programVersion: ParquetWriter.createdBy, dependsOn: settings)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try e.encode(manifest).write(to: URL(fileURLWithPath: folder + "/_manifest.json"), options: .atomic)
            guard FileManager.default.createFile(atPath: folder + "/_SUCCESS", contents: Data()) else {
                throw PipelineError("cannot mark the index complete (_SUCCESS)", file: folder, hint: "check the folder's permissions and free space, then rebuild")
            }
            out.append((items[0].levelID, items[0].direction, items.count, path))
        }
        return out
    }

    /// The precedents of an index (empty when it was not built).
    public func precedents(root: String, level: String, direction: Direction) throws -> [Precedent] {
        let folder = indexFolder(root: root, level: level, direction: direction)
        guard FileManager.default.fileExists(atPath: folder + "/_SUCCESS") else { return [] }
        return try PrecedentIndexFile.read(folder + "/index.parquet")
    }

    /// Triggers of `levels` computed straight from bronze `records` (features by the
    /// silver engine, then triggers, vectors and labels as the gold stage makes them),
    /// using only what `coverage` covers.
    public func computeTriggers(root: String, date: CivilDate, contract: String, levels: [LevelVacuumEngine.Level],
                                records: [MBOMsg], coverage: Range<UnixNanos>, features list: FeatureList) -> [Trigger] {
        let spec = specs[root]!
        let rows = engineRows(root: root, date: date, levels: levels, records: records, coverage: coverage)
        let cols = SilverTable.columns(rows: rows, levels: levels, tick: spec.tick, root: root, contract: contract, tradeDate: date)
        let series = LevelSeries.from(silver: Array(zip(SilverTable.fields.map(\.name), cols)))
        return TriggerDetector.triggers(series: series, trades: BronzeTable.trades(records: records), tick: spec.tick,
                                        parameters: config.setupParameters(root), features: list, coveredUntil: coverage.upperBound)
    }

    /// Placebo setups: the same days and contracts with every known level shifted by
    /// `offsets` ticks, features recomputed from bronze, triggers and labels as for real levels.
    public func placeboTriggers(root: String, dates: ClosedRange<CivilDate>?, offsets: [Int]) throws -> [Precedent] {
        let spec = specs[root]!
        let list = try config.featureList()
        var out: [Precedent] = []
        for k in lake.completePartitions(layer: "silver", table: Registry.selectionMap.table, symbol: root, dates: dates)
        where k.productType == spec.productType {
            let date = k.date
            let selected = try lake.manifest(k).properties?["selected"] ?? ""
            guard !selected.isEmpty else { continue }
            let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
            let real = try knownLevels(root: root, date: date, contract: selected)
            guard !real.isEmpty else { continue }
            var placebo: [LevelVacuumEngine.Level] = []
            for l in real { for o in offsets {
                placebo.append(.init(id: "\(l.id)\(o >= 0 ? "+" : "")\(o)", price: l.price + Int64(o) * spec.tick, knownAt: l.knownAt))
            } }
            let records = try BronzeTable.read(path: lake.path(bk) + "/" + Lake.dataFile, contract: selected).first?.records ?? []
            let found = computeTriggers(root: root, date: date, contract: selected, levels: placebo, records: records,
                                        coverage: coverage(bm), features: list)
            for t in found {
                guard let label = t.label, let vector = t.vector else { continue }
                // The kind without the offset: placebo setups of or_high±k are pooled as "or_high".
                let kind = String(t.levelID.prefix { $0 != "+" && $0 != "-" })
                out.append(Precedent(symbol: root, contract: selected, date: date, levelID: kind, levelPrice: t.levelPrice,
                                     direction: t.direction, triggerTime: t.time, outcomeCompleteAt: t.outcomeCompleteAt,
                                     outcome: label.outcome, mfe: label.maxFavourable, mae: label.maxAdverse,
                                     penetration: label.penetration, timeToBarrier: label.timeToBarrier.map { Int64($0) }, vector: vector))
            }
        }
        return out.sorted { $0.triggerTime < $1.triggerTime }
    }
}

extension PipelineContext {
    /// Real silver rows for benchmarks: the 160 base quantities (both frames) of every
    /// window of every selected contract-day, at levels every tick within `offsets` of
    /// each known level (the book is real; only the reference price moves).
    public func silverVectors(root: String, offsets: [Int]) throws -> [[Float]] {
        let spec = specs[root]!
        let names = VacuumZones.frameNames.flatMap { f in VacuumZones.zoneNames.flatMap { z in
            VacuumZones.sideNames.flatMap { s in VacuumZones.quantityNames.map { "\(f)_\(z)_\(s)_\($0)" } } } }
        let position = Dictionary(uniqueKeysWithValues: SilverTable.fields.enumerated().map { ($1.name, $0) })
        var out: [[Float]] = []
        for k in lake.completePartitions(layer: "silver", table: Registry.selectionMap.table, symbol: root)
        where k.productType == spec.productType {
            let selected = try lake.manifest(k).properties?["selected"] ?? ""
            guard !selected.isEmpty else { continue }
            let (bk, bm) = try require(Registry.bronzeMBO, root, k.date, stage: "bronze")
            let real = try knownLevels(root: root, date: k.date, contract: selected)
            let shifted = real.flatMap { l in offsets.map { LevelVacuumEngine.Level(id: "\(l.id)\($0)", price: l.price + Int64($0) * spec.tick, knownAt: l.knownAt) } }
            guard !shifted.isEmpty else { continue }
            let records = try BronzeTable.read(path: lake.path(bk) + "/" + Lake.dataFile, contract: selected).first?.records ?? []
            let rows = engineRows(root: root, date: k.date, levels: shifted, records: records, coverage: coverage(bm))
            let cols = SilverTable.columns(rows: rows, levels: shifted, tick: spec.tick, root: root, contract: selected, tradeDate: k.date)
            let chosen: [[Int64?]] = names.map { if case .int64(let v) = cols[position[$0]!] { v } else { [] } }
            for i in 0..<rows.count { out.append(chosen.map { Float($0[i] ?? 0) }) }
        }
        return out
    }
}
