import PrecedentCore
import PrecedentLake

/// What a bronze partition tells the stages after it, typed. Its manifest keeps it as properties
/// (`coverage_start_ns`, `coverage_end_ns`, `volume.<contract>`), written and read only here.
public struct BronzeFacts: Sendable, Equatable {
    /// The span the raw files really cover on the trade date, UTC ns: from the first file's start
    /// (or the trade-date start) to the end of the contiguous files.
    public var coverage: Range<UnixNanos>
    /// Contracts traded in the analysis window, per outright contract of the partition.
    public var volumes: [String: Int64]

    public init(coverage: Range<UnixNanos>, volumes: [String: Int64]) { self.coverage = coverage; self.volumes = volumes }

    /// The facts a manifest recorded; an error names the partition and what is missing or malformed.
    public init(_ m: PartitionManifest) throws {
        let p = m.properties ?? [:]
        guard let a = p["coverage_start_ns"].flatMap(UInt64.init), let b = p["coverage_end_ns"].flatMap(UInt64.init), a <= b else {
            throw PipelineError("bronze manifest without a readable coverage (coverage_start_ns, coverage_end_ns)", file: m.partition,
                                hint: "rewrite the bronze partition (precedent run --layer bronze --overwrite)")
        }
        var volumes: [String: Int64] = [:]
        for (k, v) in p where k.hasPrefix("volume.") {
            guard let n = Int64(v) else {
                throw PipelineError("bronze manifest property \(k) = '\(v)' is not a whole number", file: m.partition,
                                    hint: "rewrite the bronze partition (precedent run --layer bronze --overwrite)")
            }
            volumes[String(k.dropFirst(7))] = n
        }
        self.init(coverage: UnixNanos(rawValue: a)..<UnixNanos(rawValue: b), volumes: volumes)
    }

    /// The manifest form.
    public var properties: [String: String] {
        var p: [String: String] = [
            "coverage_start_ns": String(coverage.lowerBound.rawValue), "coverage_end_ns": String(coverage.upperBound.rawValue),
            "coverage": "\(coverage.lowerBound.iso8601 ?? "") – \(coverage.upperBound.iso8601 ?? "")",
        ]
        for (c, v) in volumes { p["volume.\(c)"] = String(v) }
        return p
    }

    /// Contracts by analysis-window volume, most first (ties by name), as the selection ranks them.
    public var ranked: [(contract: String, volume: Int64)] {
        volumes.map { ($0.key, $0.value) }.sorted { ($0.volume, $1.contract) > ($1.volume, $0.contract) }
    }
}

/// What a selection partition tells the stages after it: the contract selected, if any. Its
/// manifest keeps it as the property `selected` (empty: none), written and read only here.
public struct SelectionFacts: Sendable, Equatable {
    public var selected: String?
    public init(selected: String?) { self.selected = selected }
    public init(_ m: PartitionManifest) { selected = (m.properties?["selected"]).flatMap { $0.isEmpty ? nil : $0 } }
    public var properties: [String: String] { ["selected": selected ?? ""] }
}

extension PartitionManifest {
    /// The contract a silver or gold partition's rows are of (its `contract` property; nil when none was selected).
    public var contract: String? { (properties?["contract"]).flatMap { $0.isEmpty ? nil : $0 } }
}
