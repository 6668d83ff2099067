import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

// MARK: - selection

extension PipelineContext {
    /// Analysis-window volume per contract of a bronze partition (from its manifest).
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

    /// Contract-day selection for `root` on `date` (docs/PIPELINE.md), using only this
    /// and earlier trade dates: a contract replacing the previous selection is
    /// selected only from its `min_run_days`-th consecutive winning date.
    public func selection(root: String, date: CivilDate) throws -> StageResult? {
        let (_, manifest) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        return try write(selection(root: root, date: date, bronze: BronzeFacts(manifest)).partition)
    }

    /// `selection` computed from the facts of `date`'s bronze partition (its volumes); earlier dates
    /// come from their complete bronze partitions.
    func selection(root: String, date: CivilDate, bronze: BronzeFacts) throws -> (partition: PendingPartition, facts: SelectionFacts) {
        var history: [(CivilDate, String?)] = []
        var d = date
        for _ in 0..<config.selection.lookbackDays {
            d = priorDate(root: root, d)
            let k = key(Registry.bronzeMBO, root, d)
            if lake.isComplete(k) { history.insert((d, dominant(try BronzeFacts(lake.manifest(k)).ranked).winner), at: 0) }
        }
        var last: String? = nil
        var streak: [String?] = []
        for (_, w) in history {
            if let w, w == last || last == nil || streak.suffix(config.selection.minRunDays - 1).allSatisfy({ $0 == w })
                && streak.count >= config.selection.minRunDays - 1 { last = w }
            streak.append(w)
        }
        let v = bronze.ranked
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
        let facts = SelectionFacts(selected: selected)
        let properties = facts.properties.merging(["bronze_partition": key(Registry.bronzeMBO, root, date).relativePath]) { a, _ in a }
        return (PendingPartition(key: key(Registry.selectionMap, root, date), fields: SelectionTable.fields, stage: "selection",
                                 properties: properties, columns: columns,
                                 note: selected.map { "selected \($0)" } ?? (rows.first?.5 ?? "")), facts)
    }
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }
