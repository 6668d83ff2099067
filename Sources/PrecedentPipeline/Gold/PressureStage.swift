import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

extension PipelineContext {
    /// Gold `pressure` of `root` on `date`.
    public func pressure(root: String, date: CivilDate) throws -> StageResult? { try pressure(root: root, date: date, memo: nil) }

    /// `pressure`, reading the silver series through `memo`.
    func pressure(root: String, date: CivilDate, memo: DayMemo?) throws -> StageResult? {
        let (sk, sm) = try require(Registry.levelVacuum, root, date, stage: "silver")
        let contract = sm.contract ?? ""
        let series = contract.isEmpty ? [] : try silverSeries(sk, contract: contract, memo: memo)
        let m = try lake.writePartition(key(Registry.pressure, root, date), fields: PressureTable.fields, stage: "pressure",
                                        inputs: [], config: configText, properties: ["silver_partition": sk.relativePath],
                                        dependsOn: try dependsOn(.pressure, root: root), algorithm: Stage.pressure.algorithm) { w in
            try w.write(rowGroup: PressureTable.columns(series, root: root, contract: contract))
        }
        return StageResult(rows: m.rows, note: nil)
    }
}
