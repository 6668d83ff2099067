import PrecedentCore
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// A dataset of the lake: its key (`bronze.future_mbo.mbo`), where its
/// partitions live, their keys, and its schema.
public struct Dataset: Sendable {
    /// `<layer>.<product_type>_mbo.<table>` with `{product}` standing for the product type.
    public var keyTemplate: String
    public var layer: String
    public var table: String
    /// Partition columns, outermost first (Hive folders).
    public var partitionKeys = ["product_type", "symbol", "table", "dt"]
    public var schema: TableSchema

    public var pathTemplate: String {
        "<lake>/\(layer)/product_type={product_type}/symbol={symbol}/table=\(table)/dt={YYYY-MM-DD}/part-00000.parquet"
    }

    public func key(product: String) -> String { keyTemplate.replacingOccurrences(of: "{product}", with: product) }

    public func partition(product: String, root: String, date: CivilDate) -> PartitionKey {
        PartitionKey(layer: layer, productType: product, symbol: root, table: table, date: date)
    }
}

/// A stage: reads its input datasets and writes one partition of its output
/// per root and trade date. The pipeline of a layer is its stages in order.
public struct StageSpec: Sendable {
    public var name: String
    public var layer: String
    public var inputs: [String]
    public var output: String
    public var summary: String
}

/// Every dataset and stage, in one place.
public enum Registry {
    public static let bronzeMBO = Dataset(keyTemplate: "bronze.{product}_mbo.mbo", layer: "bronze", table: "mbo", schema: BronzeTable.schema())
    public static let selectionMap = Dataset(keyTemplate: "silver.{product}_mbo.selection_map", layer: "silver", table: "selection_map",
                                             schema: SelectionTable.schema())
    public static let levels = Dataset(keyTemplate: "silver.{product}_mbo.levels", layer: "silver", table: "levels", schema: LevelsTable.schema())
    public static let levelVacuum = Dataset(keyTemplate: "silver.{product}_mbo.level_vacuum_5s", layer: "silver", table: "level_vacuum_5s",
                                            schema: SilverTable.schema())

    public static let triggers = Dataset(keyTemplate: "gold.{product}_mbo.triggers", layer: "gold", table: "triggers",
                                         schema: TableSchema(name: "triggers", doc: "Approach triggers with labels and vectors (docs/SETUPS.md)",
                                                             fields: TriggerTable.fields(.v1)))
    public static let pressure = Dataset(keyTemplate: "gold.{product}_mbo.pressure", layer: "gold", table: "pressure",
                                         schema: TableSchema(name: "pressure", doc: "Depth and flows above and below each level per window, for the view",
                                                             fields: PressureTable.fields))

    public static let datasets: [Dataset] = [bronzeMBO, selectionMap, levels, levelVacuum, triggers, pressure]

    public static let stages: [StageSpec] = [
        StageSpec(name: "bronze", layer: "bronze", inputs: ["raw.market_by_order_dbn"], output: bronzeMBO.keyTemplate,
                  summary: "raw DBN MBO → outright contracts × trade date (spreads excluded, book seeded at the trade-date start)"),
        StageSpec(name: "selection", layer: "silver", inputs: [bronzeMBO.keyTemplate], output: selectionMap.keyTemplate,
                  summary: "the contract that represents the root on each trade date, with the reason for every decision"),
        StageSpec(name: "levels", layer: "silver", inputs: [bronzeMBO.keyTemplate], output: levels.keyTemplate,
                  summary: "key price levels per contract and trade date, with their windows and the time they became known"),
        StageSpec(name: "silver", layer: "silver", inputs: [bronzeMBO.keyTemplate, selectionMap.keyTemplate, levels.keyTemplate],
                  output: levelVacuum.keyTemplate, summary: "5-second level-vacuum features of the selected contract"),
        StageSpec(name: "triggers", layer: "gold", inputs: [levelVacuum.keyTemplate, bronzeMBO.keyTemplate], output: triggers.keyTemplate,
                  summary: "approach triggers per level and direction, their vectors and outcome labels"),
        StageSpec(name: "pressure", layer: "gold", inputs: [levelVacuum.keyTemplate], output: pressure.keyTemplate,
                  summary: "depth, adds, pulls and fills per zone above and below each level, per window"),
    ]

    /// Stages of `layer` (`bronze`, `silver`, `gold`, or `all`), in order.
    public static func stages(layer: String) -> [StageSpec] {
        layer == "all" ? stages : stages.filter { $0.layer == layer }
    }
}
