import Crypto
import Foundation
import PrecedentFeatures
import PrecedentSetups
import Yams

/// Contract-day selection rules (docs/PIPELINE.md).
public struct SelectionRules: Codable, Sendable, Equatable {
    /// Minimum share of the root's analysis-window volume the top contract needs.
    public var dominance = 0.8
    /// Minimum analysis-window volume (contracts) of the selected contract.
    public var liquidityFloor: Int64 = 1
    /// A contract replacing another is selected only from its `minRunDays`-th consecutive winning trade date.
    public var minRunDays = 2
    /// How many earlier trade dates the roll confirmation looks back over.
    public var lookbackDays = 5

    enum CodingKeys: String, CodingKey {
        case dominance, liquidityFloor = "liquidity_floor", minRunDays = "min_run_days", lookbackDays = "lookback_days"
    }
    public init() {}

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // As a decimal (YAML writers print 0.8 as 8e-1 otherwise).
        try c.encode(Decimal(string: String(dominance)) ?? Decimal(dominance), forKey: .dominance)
        try c.encode(liquidityFloor, forKey: .liquidityFloor)
        try c.encode(minRunDays, forKey: .minRunDays)
        try c.encode(lookbackDays, forKey: .lookbackDays)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dominance = try c.decodeIfPresent(Double.self, forKey: .dominance) ?? 0.8
        liquidityFloor = try c.decodeIfPresent(Int64.self, forKey: .liquidityFloor) ?? 1
        minRunDays = try c.decodeIfPresent(Int.self, forKey: .minRunDays) ?? 2
        lookbackDays = try c.decodeIfPresent(Int.self, forKey: .lookbackDays) ?? 5
        guard (0.5...1).contains(dominance), liquidityFloor >= 0, (1...20).contains(minRunDays), lookbackDays >= minRunDays else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription:
                "selection needs 0.5 ≤ dominance ≤ 1, liquidity_floor ≥ 0, 1 ≤ min_run_days ≤ 20, lookback_days ≥ min_run_days"))
        }
    }
}

/// The pipeline's configuration: built-in defaults, overridden by a YAML file
/// (`precedent run --config FILE`; every key optional; see `docs/PIPELINE.md`).
public struct PipelineConfig: Codable, Sendable, Equatable {
    /// Instrument parameters by root: the built-in table, with the file's entries merged over it.
    public var instruments: [String: InstrumentSpec] = InstrumentSpec.builtIn
    /// Levels computed and used by the features.
    public var levels: [LevelKind] = LevelKind.defaultSet
    public var zones = VacuumZones()
    /// Feature window length, seconds.
    public var windowSeconds = 5
    public var selection = SelectionRules()
    /// Trigger and label parameters (ticks, seconds), and per-root overrides.
    public var setups = SetupParameters()
    public var setupOverrides: [String: SetupParameters] = [:]
    /// Feature list file for trigger vectors; nil: the built-in `v1` (= config/features-v1.txt).
    public var featureListPath: String?

    enum CodingKeys: String, CodingKey {
        case instruments, levels, zones, windowSeconds = "window_seconds", selection, setups
        case setupOverrides = "setup_overrides", featureListPath = "feature_list"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        for spec in try c.decodeIfPresent([InstrumentSpec].self, forKey: .instruments) ?? [] {
            instruments[spec.root] = spec
        }
        levels = try c.decodeIfPresent([LevelKind].self, forKey: .levels) ?? LevelKind.defaultSet
        zones = try c.decodeIfPresent(VacuumZones.self, forKey: .zones) ?? VacuumZones()
        windowSeconds = try c.decodeIfPresent(Int.self, forKey: .windowSeconds) ?? 5
        selection = try c.decodeIfPresent(SelectionRules.self, forKey: .selection) ?? SelectionRules()
        setups = try c.decodeIfPresent(SetupParameters.self, forKey: .setups) ?? SetupParameters()
        setupOverrides = try c.decodeIfPresent([String: SetupParameters].self, forKey: .setupOverrides) ?? [:]
        featureListPath = try c.decodeIfPresent(String.self, forKey: .featureListPath)
        guard (1...3600).contains(windowSeconds) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.windowSeconds], debugDescription: "window_seconds must be 1…3600"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(instruments.keys.sorted().map { instruments[$0]! }, forKey: .instruments)
        try c.encode(levels, forKey: .levels)
        try c.encode(zones, forKey: .zones)
        try c.encode(windowSeconds, forKey: .windowSeconds)
        try c.encode(selection, forKey: .selection)
        try c.encode(setups, forKey: .setups)
        if !setupOverrides.isEmpty { try c.encode(setupOverrides, forKey: .setupOverrides) }
        try c.encodeIfPresent(featureListPath, forKey: .featureListPath)
    }

    /// Setup parameters of `root`.
    public func setupParameters(_ root: String) -> SetupParameters { setupOverrides[root] ?? setups }

    /// The feature list (the file named by `feature_list`, else the built-in v1).
    public func featureList() throws -> FeatureList {
        guard let featureListPath else { return .v1 }
        do { return try FeatureList.load(path: featureListPath) } catch {
            throw PipelineError("\(error)", file: featureListPath, hint: "see config/features-v1.txt for the format")
        }
    }

    /// Reads a YAML file; errors name the file and the key.
    public static func load(path: String) throws -> PipelineConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw PipelineError("cannot read the configuration file", file: path, hint: "check the path given to --config")
        }
        do {
            return try YAMLDecoder().decode(PipelineConfig.self, from: text)
        } catch let e as DecodingError {
            throw PipelineError("invalid configuration: \(Self.describe(e))", file: path,
                                hint: "see docs/PIPELINE.md for the keys and `precedent run --print-config` for the defaults")
        } catch {
            throw PipelineError("invalid YAML: \(error)", file: path, hint: nil)
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ p: [any CodingKey]) -> String {
            p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let k, let c): return "\(path(c.codingPath)): missing key '\(k.stringValue)'"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }

    /// Parameters of `root`; an unknown root is an error saying how to add it.
    public func instrument(_ root: String) throws -> InstrumentSpec {
        guard let spec = instruments[root] else {
            throw PipelineError("unknown root '\(root)': not in the built-in table (\(InstrumentSpec.builtIn.keys.sorted().joined(separator: ", ")))",
                                file: nil, hint: "add it under `instruments:` in a --config file with its tick_size, time_zone and sessions")
        }
        return spec
    }

    /// The effective configuration as YAML (what `--print-config` shows).
    public func yaml() throws -> String { try YAMLEncoder().encode(self) }

    /// SHA-256 of the canonical JSON of the effective configuration: recorded in every manifest.
    public func canonicalText() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// A pipeline error: what, where, and what to do.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var file: String?
    public var hint: String?
    public init(_ message: String, file: String?, hint: String?) { self.message = message; self.file = file; self.hint = hint }
    public var description: String {
        (file.map { "\($0): " } ?? "") + message + (hint.map { " — \($0)" } ?? "")
    }
}
