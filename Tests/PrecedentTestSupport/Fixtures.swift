import Foundation
import PrecedentCore
import PrecedentDBN

/// The real sample data in `../shared/data` (or `$PRECEDENT_DATA`), read in place.
public enum Fixtures {
    /// The repository root (two levels above this file's folder).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared data folder; tests fail with a clear message when it is missing.
    public static var dataDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["PRECEDENT_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// Every DBN file under `dbn/` (all schemas, versions, raw and zstd,
    /// fragments), legacy `.dbz` excluded, sorted, as paths relative to the data folder.
    public static let dbnFiles: [String] = {
        let root = dataDirectory.appendingPathComponent("dbn")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { $0.contains(".dbn") && !$0.hasSuffix(".dbz") }
            .map { "dbn/" + $0 }
            .sorted()
    }()

    /// The legacy DBZ (version 0) files, which must be rejected.
    public static let dbzFiles: [String] = {
        let root = dataDirectory.appendingPathComponent("dbn")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".dbz") }.map { "dbn/" + $0 }.sorted()
    }()

    public static func path(_ relative: String) -> String {
        dataDirectory.appendingPathComponent(relative).path
    }

    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: dataDirectory.appendingPathComponent(relative)))
    }

    /// For a `.frag` file, the DBN version of its records: `.vN.` in the name,
    /// otherwise 2 (the databento/dbn test-data convention for unversioned
    /// files, confirmed by their record lengths). `nil` for files with metadata.
    public static func fragmentVersion(_ relative: String) -> UInt8? {
        guard relative.contains(".frag") else { return nil }
        for v in 1...3 where relative.contains(".v\(v).") { return UInt8(v) }
        return 2
    }

    /// Opens a fixture with the right framing.
    public static func reader(_ relative: String) throws -> DBNFileReader {
        try DBNFileReader(path: path(relative), fragment: fragmentVersion(relative).map { ($0, false) })
    }

    /// The real CME ESH4 MBO file (the benchmark and book input).
    public static let cmeMBO = "dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst"
}

extension Fixtures {
    /// A fixture's DBN stream decompressed by the `zstd` command (independent of
    /// Precedent's own decompression), or its raw bytes.
    public static func decompressedStream(_ relative: String) throws -> [UInt8] {
        let raw = try bytes(relative)
        guard relative.hasSuffix(".zst") else { return raw }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["zstd", "-dc", path(relative)]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
        return Array(data)
    }

    /// Every decoded record of a fixture with its `ts_out`.
    public static func records(_ relative: String) throws -> (Metadata?, [(DBNRecord, UnixNanos?)]) {
        let reader = try reader(relative)
        var out: [(DBNRecord, UnixNanos?)] = []
        try reader.forEachRecord { ref in
            if let r = try ref.decode() { out.append((r, ref.tsOut)) }
        }
        return (reader.metadata, out)
    }

    /// Every `*.parquet` below `folder`, relative path → bytes (to compare whole lakes).
    public static func parquetFiles(under folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder)!
        while let rel = walker.nextObject() as? String {
            if rel.hasSuffix(".parquet") { out[rel] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + rel)) }
        }
        return out
    }
}
