import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

// MARK: - levels

extension PipelineContext {
    /// Levels of every contract in bronze on `date` (docs/PIPELINE.md).
    public func levels(root: String, date: CivilDate) throws -> StageResult? { try levels(root: root, date: date, memo: nil) }

    func levels(root: String, date: CivilDate, memo: DayMemo?) throws -> StageResult? {
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let contracts = try bronzeTrades(path: lake.path(bk) + "/" + Lake.dataFile,
                                         selected: memo == nil ? nil : try lakeSelection(root: root, date: date), memo: memo)
        return try write(levels(root: root, date: date, trades: contracts, coverage: BronzeFacts(bm).coverage,
                                prior: priorDay(root: root, date: date, memo: memo)).partition)
    }

    /// `levels` computed from `date`'s trade prints and coverage and the prior trade date (`priorDay`).
    /// Also returns the values, in table order.
    func levels(root: String, date: CivilDate, trades contracts: [(contract: String, trades: [TradePrint])],
                coverage dateCoverage: Range<UnixNanos>, prior: PriorDay?) throws -> (partition: PendingPartition, values: [(String, LevelValue)]) {
        let spec = specs[root]!, clock = clocks[root]!
        let bk = key(Registry.bronzeMBO, root, date)
        var values: [(String, LevelValue)] = []
        for (contract, trades) in contracts {
            let p = prior?.of(contract)
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
