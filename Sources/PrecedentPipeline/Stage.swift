import Foundation
import PrecedentCore
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// The pipeline's stages, in the order the data flows.
public enum Stage: String, CaseIterable, Sendable {
    case bronze, selection, levels, silver, triggers, pressure

    /// The version of the stage's algorithm, recorded in every manifest it writes: a change of
    /// what a stage computes from the same inputs and settings bumps it, and the next run
    /// recomputes that stage's partitions and those downstream.
    public var algorithm: String {
        switch self {
        case .bronze: return "bronze/1"
        case .selection: return "selection/1"
        case .levels: return "levels/1"
        case .silver: return "silver/2"  // 2: levels off the tick grid sit at their nearest tick (docs/FEATURES.md)
        case .triggers: return "triggers/1"
        case .pressure: return "pressure/1"
        }
    }

    /// The stages whose partitions this one reads.
    public var upstream: [Stage] {
        switch self {
        case .bronze: return []
        case .selection, .levels: return [.bronze]
        case .silver: return [.bronze, .selection, .levels]
        case .triggers: return [.silver, .bronze]
        case .pressure: return [.silver]
        }
    }

    /// The table the stage writes.
    public var output: Dataset {
        switch self {
        case .bronze: return Registry.bronzeMBO
        case .selection: return Registry.selectionMap
        case .levels: return Registry.levels
        case .silver: return Registry.levelVacuum
        case .triggers: return Registry.triggers
        case .pressure: return Registry.pressure
        }
    }

    /// Whether a setting (a dotted key of `PipelineConfig.settings(root:)`) changes what this stage
    /// computes from its inputs.
    func reads(_ key: String, root: String) -> Bool {
        let instrument = "instruments.\(root)."
        switch self {
        case .bronze:
            // Trade dates, contracts and the analysis-window volumes; not the other sessions.
            return key.hasPrefix(instrument) && !key.hasPrefix(instrument + "sessions.") && key != instrument + "tick_value"
                || key == instrument + "sessions.analysis"
        case .selection: return key.hasPrefix("selection.")
        case .levels: return key.hasPrefix(instrument + "sessions.") || key == instrument + "tick_size" || key == "levels"
        case .silver: return key.hasPrefix("zones.") || key == "window_seconds" || key == "levels"
        case .triggers: return key.hasPrefix("setups.") || key.hasPrefix("feature_list")
        case .pressure: return false
        }
    }
}

extension PipelineConfig {
    /// Every effective setting that can affect `root`'s partitions, as dotted keys
    /// (`instruments.ES.sessions.opening_range_minutes`, `zones.near`, `setups.approach` — the
    /// parameters in force for `root`, overrides applied) with their values as JSON text.
    public func settings(root: String) throws -> [String: String] {
        var out: [String: String] = [:]
        func flatten(_ value: Any, _ key: String) {
            if let d = value as? [String: Any] {
                for (k, v) in d { flatten(v, key.isEmpty ? k : key + "." + k) }
            } else {
                let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data()
                out[key] = String(decoding: data, as: UTF8.self)
            }
        }
        func add<T: Encodable>(_ value: T, under key: String) throws {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            flatten(try JSONSerialization.jsonObject(with: try e.encode(value), options: [.fragmentsAllowed]), key)
        }
        try add(try instrument(root), under: "instruments.\(root)")
        try add(levels.map(\.rawValue), under: "levels")
        try add(zones, under: "zones")
        try add(windowSeconds, under: "window_seconds")
        try add(selection, under: "selection")
        try add(setupParameters(root), under: "setups")
        let list = try featureList()
        out["feature_list.version"] = "\"\(list.version)\""
        out["feature_list.features"] = "\"\(Lake.sha256(Array(list.features.joined(separator: "\n").utf8)))\""
        return out
    }
}

extension PipelineContext {
    /// The settings a partition of `stage` depends on: its own and those of every stage upstream of it.
    public func dependsOn(_ stage: Stage, root: String) throws -> [ConfigSetting] {
        let all = try config.settings(root: root)
        var stages: Set<Stage> = [], pending = [stage]
        while let s = pending.popLast() {
            if stages.insert(s).inserted { pending += s.upstream }
        }
        return all.filter { kv in stages.contains { $0.reads(kv.key, root: root) } }
            .map { ConfigSetting(key: $0.key, value: $0.value) }.sorted()
    }

    /// Why the complete partition of `stage` for `root` on `date` no longer matches what this run
    /// would write — the settings it depends on, its schema or its algorithm changed — or nil
    /// when it still matches. Nil too when it is not complete.
    public func staleness(_ stage: Stage, root: String, date: CivilDate) throws -> String? {
        let k = key(stage.output, root, date)
        guard lake.isComplete(k) else { return nil }
        let m = try lake.manifest(k)
        guard let recorded = m.dependsOn, let algorithm = m.algorithm else {
            return "stale: its manifest records no settings or algorithm version (written by an earlier version)"
        }
        var why: [String] = []
        let changed = ConfigSetting.differences(recorded: recorded, current: try dependsOn(stage, root: root))
        if !changed.isEmpty { why.append("config changed: " + changed.joined(separator: ", ")) }
        if algorithm != stage.algorithm { why.append("algorithm changed: \(algorithm) → \(stage.algorithm)") }
        if m.schemaFingerprint != Lake.schemaFingerprint(try fields(of: stage)) { why.append("schema changed") }
        return why.isEmpty ? nil : "stale: " + why.joined(separator: "; ")
    }

    /// The fields the stage writes under this configuration.
    func fields(of stage: Stage) throws -> [ParquetField] {
        switch stage {
        case .bronze: return BronzeTable.fields
        case .selection: return SelectionTable.fields
        case .levels: return LevelsTable.fields
        case .silver: return SilverTable.fields
        case .triggers: return TriggerTable.fields(try config.featureList())
        case .pressure: return PressureTable.fields
        }
    }

    /// The configuration keys on which the lake's complete `stage` partitions of `root` (within
    /// `dates`) differ from this configuration, each with the partitions' value and this one's;
    /// empty when they agree. `query` and `evaluate` refuse a lake built with other settings.
    public func mismatches(_ stage: Stage, root: String, dates: ClosedRange<CivilDate>? = nil) throws -> [String] {
        let current = try dependsOn(stage, root: root)
        var out: Set<String> = []
        for k in lake.completePartitions(layer: stage.output.layer, table: stage.output.table, symbol: root, dates: dates) {
            guard let recorded = try lake.manifest(k).dependsOn else {
                out.insert("\(k.relativePath): no settings recorded (rebuild it with precedent run)"); continue
            }
            out.formUnion(ConfigSetting.describeDifferences(recorded: recorded, current: current))
        }
        return out.sorted()
    }

    /// The same as `mismatches` for the precedent indexes of `root`.
    public func indexMismatches(root: String) throws -> [String] {
        let current = try dependsOn(.triggers, root: root)
        let fm = FileManager.default
        var out: Set<String> = []
        for level in (try? fm.contentsOfDirectory(atPath: indexesFolder(root: root))) ?? [] where level.hasPrefix("level=") {
            let levelFolder = indexesFolder(root: root) + "/" + level
            for direction in (try? fm.contentsOfDirectory(atPath: levelFolder)) ?? [] {
                let folder = levelFolder + "/" + direction
                guard fm.fileExists(atPath: folder + "/_SUCCESS") else { continue }
                let manifest = try JSONDecoder().decode(IndexManifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/_manifest.json")))
                guard let recorded = manifest.dependsOn else {
                    out.insert("index \(level)/\(direction): no settings recorded (rebuild it with precedent index build)"); continue
                }
                out.formUnion(ConfigSetting.describeDifferences(recorded: recorded, current: current))
            }
        }
        return out.sorted()
    }

    /// Throws when the lake's gold triggers (within `dates`) or indexes of `root` were built with
    /// other settings than this configuration, naming every differing key.
    public func requireSameSettings(root: String, dates: ClosedRange<CivilDate>?) throws {
        let differing = Set(try mismatches(.triggers, root: root, dates: dates) + (try indexMismatches(root: root))).sorted()
        guard differing.isEmpty else {
            throw PipelineError("the lake's \(root) gold tables or indexes were built with other settings than this configuration:\n  "
                                + differing.joined(separator: "\n  "), file: lake.root,
                                hint: "give the configuration the lake was built with, or run precedent run --layer all and "
                                    + "precedent index build with this one (they recompute what the change affects)")
        }
    }
}
