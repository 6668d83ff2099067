import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

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

    public func key(_ d: Dataset, _ root: String, _ date: CivilDate) -> PartitionKey {
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

}

/// The outcome of one partition of one stage.
public struct StageResult: Sendable {
    public var rows: Int
    public var note: String?
}

extension PipelineContext {
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
