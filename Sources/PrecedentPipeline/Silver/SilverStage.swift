import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

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
    public func silver(root: String, date: CivilDate) throws -> StageResult? { try silver(root: root, date: date, memo: nil) }

    /// `silver`, reading its inputs through `memo` and leaving the columns written in it.
    func silver(root: String, date: CivilDate, memo: DayMemo?) throws -> StageResult? {
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let (_, sm) = try require(Registry.selectionMap, root, date, stage: "selection")
        let selected = SelectionFacts(sm).selected ?? ""
        let pending = try silver(root: root, date: date, selected: selected, coverage: BronzeFacts(bm).coverage,
                                 prior: { try priorDay(root: root, date: date, memo: memo) },
                                 records: { try bronzeRecords(path: lake.path(bk) + "/" + Lake.dataFile, contract: selected, memo: memo) })
        let result = try write(pending)
        memo?.silver = (selected, pending.columns)
        memo?.series = nil
        return result
    }

    /// The window events of the engine fed `records` of `contract` on `date` one at a time — the
    /// silver rows, and the engine's levels they index (its levels as it learnt them: the levels
    /// stage's values, from the same trades and the lake's prior trade date).
    func engineWindows(root: String, date: CivilDate, contract: String, records: [MBOMsg], coverage: Range<UnixNanos>,
                       prior: PriorDay?) throws -> (rows: [VacuumRow], levels: [LevelVacuumEngine.Level]) {
        let setup = try engineSetup(root: root, date: date, contract: contract, coverage: coverage, prior: prior?.of(contract))
        var engine = Engine(setup)
        var rows: [VacuumRow] = []
        for m in records { for case .window(let w) in engine.apply(m) { rows += w.rows } }
        for case .window(let w) in engine.finish(at: coverage.upperBound) { rows += w.rows }
        return (rows, engine.levels)
    }

    /// `silver` computed from the selected contract, `date`'s coverage and (when a contract is
    /// selected) its bronze records: a serialisation of the engine's window events.
    func silver(root: String, date: CivilDate, selected: String, coverage dateCoverage: Range<UnixNanos>,
                prior: () throws -> PriorDay?, records: () throws -> [MBOMsg]) throws -> PendingPartition {
        let spec = specs[root]!
        let bk = key(Registry.bronzeMBO, root, date)
        var rows: [VacuumRow] = [], levels: [LevelVacuumEngine.Level] = []
        var note: String
        let count = analysisGrid(root: root, date: date).count
        if selected.isEmpty {
            note = "no contract selected (see selection_map)"
        } else {
            (rows, levels) = try engineWindows(root: root, date: date, contract: selected, records: try records(), coverage: dateCoverage,
                                               prior: try prior())
            note = "\(selected): \(levels.filter { !$0.isPending }.count) levels, \(Set(rows.map(\.window)).count) of \(count) windows covered"
        }
        return PendingPartition(key: key(Registry.levelVacuum, root, date), fields: SilverTable.fields, stage: "silver",
                                properties: ["contract": selected, "bronze_partition": bk.relativePath, "note": note],
                                columns: SilverTable.columns(rows: rows, levels: levels, tick: spec.tick, root: root,
                                                             contract: selected, tradeDate: date),
                                note: note)
    }

}
