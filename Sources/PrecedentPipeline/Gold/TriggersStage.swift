import Foundation
import PrecedentBook
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
    public func triggers(root: String, date: CivilDate) throws -> StageResult? { try triggers(root: root, date: date, memo: nil) }

    /// `triggers`, reading the silver series and the bronze trades through `memo`.
    func triggers(root: String, date: CivilDate, memo: DayMemo?) throws -> StageResult? {
        let spec = specs[root]!
        let (sk, sm) = try require(Registry.levelVacuum, root, date, stage: "silver")
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let contract = sm.contract ?? ""
        let list = try config.featureList()
        var found: [Trigger] = []
        if !contract.isEmpty {
            let series = try silverSeries(sk, contract: contract, memo: memo)
            let trades = try memo?.records[contract].map(BronzeTable.trades(records:)) ?? bronzeTrades(bk, contract: contract)
            found = TriggerDetector.triggers(series: series, trades: trades, tick: spec.tick,
                                             parameters: config.setupParameters(root), features: list,
                                             coveredUntil: try BronzeFacts(bm).coverage.upperBound)
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
            let selected = SelectionFacts(try lake.manifest(k)).selected ?? ""
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
                                        coverage: try BronzeFacts(bm).coverage, features: list)
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
