import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

extension PipelineContext {
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
            let selected = SelectionFacts(try lake.manifest(k)).selected ?? ""
            guard !selected.isEmpty else { continue }
            let (bk, bm) = try require(Registry.bronzeMBO, root, k.date, stage: "bronze")
            let real = try knownLevels(root: root, date: k.date, contract: selected)
            let shifted = real.flatMap { l in offsets.map { LevelVacuumEngine.Level(id: "\(l.id)\($0)", price: l.price + Int64($0) * spec.tick, knownAt: l.knownAt) } }
            guard !shifted.isEmpty else { continue }
            let records = try BronzeTable.read(path: lake.path(bk) + "/" + Lake.dataFile, contract: selected).first?.records ?? []
            let rows = engineRows(root: root, date: k.date, levels: shifted, records: records, coverage: try BronzeFacts(bm).coverage)
            let cols = SilverTable.columns(rows: rows, levels: shifted, tick: spec.tick, root: root, contract: selected, tradeDate: k.date)
            let chosen: [[Int64?]] = names.map { if case .int64(let v) = cols[position[$0]!] { v } else { [] } }
            for i in 0..<rows.count { out.append(chosen.map { Float($0[i] ?? 0) }) }
        }
        return out
    }
}
