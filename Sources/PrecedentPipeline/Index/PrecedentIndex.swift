import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// `_manifest.json` of a precedent index (snake_case keys).
public struct IndexManifest: Codable, Sendable {
    public var symbol: String
    public var levelID: String
    public var direction: String
    public var precedents: String
    public var dimension: String
    public var featureList: String
    public var triggersSeen: String
    public var firstTrigger: String
    public var lastTrigger: String
    public var programVersion: String
    /// The settings of the gold triggers it was built from; nil in indexes built before they were recorded.
    public var dependsOn: [ConfigSetting]?

    enum CodingKeys: String, CodingKey {
        case symbol, levelID = "level_id", direction, precedents, dimension, featureList = "feature_list"
        case triggersSeen = "triggers_seen", firstTrigger = "first_trigger", lastTrigger = "last_trigger"
        case programVersion = "program_version", dependsOn = "depends_on"
    }
}

extension PipelineContext {
    /// Folder of the index of (`root`, `level`, `direction`).
    public func indexFolder(root: String, level: String, direction: Direction) -> String {
        "\(lake.root)/index/product_type=\(specs[root]!.productType)/symbol=\(root)/level=\(level)/direction=\(direction.rawValue)"
    }

    /// The folder that holds every index of `root`.
    func indexesFolder(root: String) -> String { "\(lake.root)/index/product_type=\(specs[root]!.productType)/symbol=\(root)" }

    /// Builds every index of `root` from its gold triggers: per (level kind,
    /// direction), the triggers that have both a label and a vector. An index of a
    /// (level kind, direction) that no longer has any such trigger is removed, so the
    /// indexes hold exactly the current setups. Each index manifest records the settings
    /// the gold triggers depend on (`depends_on`).
    public func buildIndex(root: String) throws -> [(level: String, direction: Direction, count: Int, path: String)] {
        let all = try goldTriggers(root: root)
        let usable = all.filter { $0.hasLabel && $0.hasVector }.map(\.precedent)
        let list = try config.featureList()
        var out: [(String, Direction, Int, String)] = []
        let groups = Dictionary(grouping: usable) { "\($0.levelID)|\($0.direction.rawValue)" }
        let fm = FileManager.default
        for level in (try? fm.contentsOfDirectory(atPath: indexesFolder(root: root))) ?? [] where level.hasPrefix("level=") {
            let levelFolder = indexesFolder(root: root) + "/" + level
            for direction in (try? fm.contentsOfDirectory(atPath: levelFolder)) ?? [] where direction.hasPrefix("direction=") {
                if groups["\(level.dropFirst(6))|\(direction.dropFirst(10))"] == nil {
                    // Incomplete first, then gone: a crash in between leaves no index that looks complete.
                    try? fm.removeItem(atPath: levelFolder + "/" + direction + "/_SUCCESS")
                    try fm.removeItem(atPath: levelFolder + "/" + direction)
                }
            }
            if ((try? fm.contentsOfDirectory(atPath: levelFolder)) ?? []).isEmpty { try? fm.removeItem(atPath: levelFolder) }
        }
        let settings = try dependsOn(.triggers, root: root)
        for key in groups.keys.sorted() {
            let items = groups[key]!
            let folder = indexFolder(root: root, level: items[0].levelID, direction: items[0].direction)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: folder + "/_SUCCESS")
            let path = folder + "/index.parquet"
            try PrecedentIndexFile.write(items, dimension: list.dimension, to: path)
            let manifest = IndexManifest(
                symbol: root, levelID: items[0].levelID, direction: items[0].direction.rawValue,
                precedents: String(items.count), dimension: String(list.dimension), featureList: list.version,
                triggersSeen: String(all.filter { $0.precedent.levelID == items[0].levelID && $0.precedent.direction == items[0].direction }.count),
                firstTrigger: items.first?.triggerTime.iso8601 ?? "", lastTrigger: items.last?.triggerTime.iso8601 ?? "",
                programVersion: ParquetWriter.createdBy, dependsOn: settings)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try e.encode(manifest).write(to: URL(fileURLWithPath: folder + "/_manifest.json"), options: .atomic)
            guard FileManager.default.createFile(atPath: folder + "/_SUCCESS", contents: Data()) else {
                throw PipelineError("cannot mark the index complete (_SUCCESS)", file: folder, hint: "check the folder's permissions and free space, then rebuild")
            }
            out.append((items[0].levelID, items[0].direction, items.count, path))
        }
        return out
    }

    /// The precedents of an index (empty when it was not built).
    public func precedents(root: String, level: String, direction: Direction) throws -> [Precedent] {
        let folder = indexFolder(root: root, level: level, direction: direction)
        guard FileManager.default.fileExists(atPath: folder + "/_SUCCESS") else { return [] }
        return try PrecedentIndexFile.read(folder + "/index.parquet")
    }
}
