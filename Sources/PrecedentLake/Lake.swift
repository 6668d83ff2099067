import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PrecedentCore
import Synchronization

/// One partition of the lake:
/// `<lake>/<layer>/product_type=<p>/symbol=<s>/table=<t>/dt=YYYY-MM-DD/`.
public struct PartitionKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var layer: String
    public var productType: String
    public var symbol: String
    public var table: String
    public var date: CivilDate

    public init(layer: String, productType: String, symbol: String, table: String, date: CivilDate) {
        self.layer = layer; self.productType = productType; self.symbol = symbol; self.table = table; self.date = date
    }

    /// The folder below the lake root.
    public var relativePath: String {
        "\(layer)/product_type=\(productType)/symbol=\(symbol)/table=\(table)/dt=\(date)"
    }

    public var description: String { relativePath }

    public static func < (a: PartitionKey, b: PartitionKey) -> Bool {
        (a.layer, a.productType, a.symbol, a.table, a.date.daysSinceEpoch)
            < (b.layer, b.productType, b.symbol, b.table, b.date.daysSinceEpoch)
    }
}

/// What was written into a partition and from what (`_manifest.json`).
public struct PartitionManifest: Codable, Sendable, Equatable {
    public struct Input: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        public var sha256: String
    }
    public var partition: String
    public var stage: String
    public var inputs: [Input]
    public var rows: Int
    /// SHA-256 of the table's schema (names, types, logical types, nullability).
    public var schemaFingerprint: String
    /// SHA-256 of the configuration text the stage ran with.
    public var configFingerprint: String
    public var programVersion: String
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String
    /// Facts a stage records for the stages after it (coverage, per-contract volume…); nil when none.
    public var properties: [String: String]?
    /// The configuration settings the table depends on, its own and its inputs' (key → value as
    /// JSON text), sorted by key; nil in manifests written before they were recorded.
    public var dependsOn: [ConfigSetting]?
    /// The version of the stage's algorithm (`silver/2`); nil in manifests written before it was recorded.
    public var algorithm: String?
}

/// One configuration setting a partition depends on: a dotted key
/// (`instruments.ES.sessions.opening_range_minutes`) and its effective value as JSON text (`5`).
public struct ConfigSetting: Codable, Sendable, Equatable, Comparable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
    public static func < (a: ConfigSetting, b: ConfigSetting) -> Bool { (a.key, a.value) < (b.key, b.value) }

    /// The keys whose values differ between `recorded` and `current` (present in one only included), sorted.
    public static func differences(recorded: [ConfigSetting], current: [ConfigSetting]) -> [String] {
        let a = Dictionary(recorded.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(current.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x })
        return Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// The differing keys with both values, as a person reads them: `key: lake 5, configuration 10`.
    public static func describeDifferences(recorded: [ConfigSetting], current: [ConfigSetting]) -> [String] {
        let a = Dictionary(recorded.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(current.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x })
        return differences(recorded: recorded, current: current).map { "\($0): lake \(a[$0] ?? "(absent)"), configuration \(b[$0] ?? "(absent)")" }
    }
}

/// A Hive-partitioned lake of Parquet files, readable as-is by DuckDB,
/// pyarrow, Polars, Spark and BigQuery external tables.
///
/// A partition is complete only when `_SUCCESS` exists. Writing one: remove
/// `_SUCCESS`; write the data under a name no `*.parquet` glob matches; write
/// `_manifest.json`; rename the data to `part-00000.parquet`; create
/// `_SUCCESS`. A crash at any point leaves either no data file or a complete
/// one, and never `_SUCCESS` over an incomplete partition. Raw inputs are read
/// in place and never modified.
///
/// Two attempts at one partition may run at once (a retry while a presumed-dead
/// attempt still writes, on this host or another sharing the file system): their
/// temporary names carry the host, the process and a random token, a writer
/// removes only the temporary files of attempts idle for an hour, and each
/// rename is atomic, so whichever attempt commits last leaves one complete
/// partition of its own bytes — the same bytes, as the output is deterministic.
public struct Lake: Sendable {
    public let root: String
    public static let dataFile = "part-00000.parquet"
    public static let successFile = "_SUCCESS"
    public static let manifestFile = "_manifest.json"
    static let inProgressMarker = ".inprogress-"
    /// This process's part of temporary names: host, process id and a random token.
    static let attempt: String = {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? String(cString: name) : "host"
        let safe = String(host.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        return "\(safe)-\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }()
    /// Temporary files of another attempt untouched for this long are taken to be left behind by a dead one.
    static let abandonedAfter: TimeInterval = 3600

    /// SHA-256 of raw inputs already read by this lake value, by path, inode, size and
    /// modification time: a raw file feeds two trade dates and is hashed once per run.
    private let digests = DigestCache()

    public init(root: String) { self.root = root }

    public func path(_ key: PartitionKey) -> String { root + "/" + key.relativePath }

    public func isComplete(_ key: PartitionKey) -> Bool {
        FileManager.default.fileExists(atPath: path(key) + "/" + Self.successFile)
    }

    /// Writes a partition: `body` receives a `ParquetWriter` for the data
    /// file and writes its row groups. Replaces an existing partition.
    @discardableResult
    public func writePartition(_ key: PartitionKey, fields: [ParquetField], compression: ParquetCompression = .zstd,
                               stage: String, inputs: [String], config: String = "",
                               properties: [String: String]? = nil, dependsOn: [ConfigSetting]? = nil, algorithm: String? = nil,
                               _ body: (ParquetWriter) throws -> Void) throws -> PartitionManifest {
        let fm = FileManager.default
        let dir = path(key)
        let started = Date()
        // Plain mkdir(2) calls: Foundation's createDirectory cost a tenth of a small partition.
        if try !Self.makeDirectories(dir) {
            // Incomplete from here on; clear what a killed writer left behind.
            if unlink(dir + "/" + Self.successFile) != 0 && errno != ENOENT {
                throw ParquetError.system("cannot remove the old completion marker", errno, file: dir + "/" + Self.successFile)
            }
            // What a killed writer left behind; a concurrent attempt's files are young and stay.
            for name in try fm.contentsOfDirectory(atPath: dir) where name.contains(Self.inProgressMarker) {
                var st = stat()
                guard stat(dir + "/" + name, &st) == 0 else { continue }
                if Date().timeIntervalSince1970 - Double(st.st_mtim.tv_sec) > Self.abandonedAfter { unlink(dir + "/" + name) }
            }
        }
        let staging = dir + "/" + Self.dataFile + Self.inProgressMarker + Self.attempt
        let writer = try ParquetWriter(path: staging, fields: fields, compression: compression)
        try body(writer)
        try writer.close()
        let rows = writer.rowCount
        let manifest = PartitionManifest(
            partition: key.relativePath, stage: stage,
            inputs: try inputs.map(digests.describe), rows: rows,
            schemaFingerprint: Self.fingerprint(fields), configFingerprint: Self.configFingerprint(config),
            programVersion: ParquetWriter.createdBy, startedAt: Self.iso(started), finishedAt: Self.iso(Date()),
            properties: properties, dependsOn: dependsOn?.sorted(), algorithm: algorithm)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try Self.atomicWrite(try encoder.encode(manifest), to: dir + "/" + Self.manifestFile)
        try Self.rename(staging, dir + "/" + Self.dataFile)
        try Self.atomicWrite(Data(), to: dir + "/" + Self.successFile)
        return manifest
    }

    /// Complete partitions, sorted; optionally of one layer/table/symbol and a date range.
    public func completePartitions(layer: String? = nil, table: String? = nil, symbol: String? = nil,
                                   dates: ClosedRange<CivilDate>? = nil) -> [PartitionKey] {
        partitions().filter { k in
            (layer == nil || k.layer == layer) && (table == nil || k.table == table) && (symbol == nil || k.symbol == symbol)
                && (dates?.contains(k.date) ?? true) && isComplete(k)
        }
    }

    /// Every partition folder, complete or not, sorted.
    public func partitions() -> [PartitionKey] {
        let fm = FileManager.default
        func children(_ p: String, _ prefix: String) -> [(String, String)] {
            ((try? fm.contentsOfDirectory(atPath: p)) ?? []).compactMap { name in
                guard name.hasPrefix(prefix) else { return nil }
                return (String(name.dropFirst(prefix.count)), p + "/" + name)
            }
        }
        var out: [PartitionKey] = []
        for (layer, lp) in children(root, "") where !layer.hasPrefix(".") && !layer.hasPrefix("_") {
            for (product, pp) in children(lp, "product_type=") {
                for (symbol, sp) in children(pp, "symbol=") {
                    for (table, tp) in children(sp, "table=") {
                        for (dt, _) in children(tp, "dt=") {
                            if let d = CivilDate(iso: dt) {
                                out.append(PartitionKey(layer: layer, productType: product, symbol: symbol, table: table, date: d))
                            }
                        }
                    }
                }
            }
        }
        return out.sorted()
    }

    public func manifest(_ key: PartitionKey) throws -> PartitionManifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(key) + "/" + Self.manifestFile))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(PartitionManifest.self, from: data)
    }

    // MARK: helpers

    static func atomicWrite(_ data: Data, to path: String) throws {
        let tmp = path + inProgressMarker + attempt
        // open/write/close directly: Foundation's `Data.write(to:)` costs ten times as much,
        // which shows on every small partition.
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ParquetError.system("cannot create", errno, file: tmp) }
        var failure = data.withUnsafeBytes { writeAll(fd, $0) }
        if close(fd) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(tmp)
            throw ParquetError.system("cannot write", failure, file: tmp)
        }
        try rename(tmp, path)
    }

    /// Creates `path` and any missing parents (mode 755); true when `path` itself was created
    /// (so it is empty), false when it existed.
    static func makeDirectories(_ path: String) throws -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST {
            var st = stat()
            guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
                throw ParquetError("exists and is not a folder", file: path)
            }
            return false
        }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw ParquetError.system("cannot create the folder", errno, file: path)
        }
        _ = try makeDirectories(String(path[..<slash]))
        if mkdir(path, 0o755) == 0 { return true }
        guard errno == EEXIST else {
            throw ParquetError.system("cannot create the folder", errno, file: path)
        }
        return false
    }

    /// Writes every byte of `bytes` to `fd` (`write(2)` may take fewer; EINTR is retried);
    /// 0, or the errno of the failure.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return 0
    }

    /// `rename(2)`: atomically replaces `to` (same file system).
    static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw ParquetError.system("cannot rename into place", errno, file: to)
        }
    }

    /// Remembers input digests for `Lake.writePartition`.
    final class DigestCache: Sendable {
        private struct Identity: Hashable { var path: String, device: UInt64, inode: UInt64, size: Int64, modified: Int64 }
        private let known = Mutex<[Identity: PartitionManifest.Input]>([:])

        func describe(_ path: String) throws -> PartitionManifest.Input {
            var st = stat()
            guard stat(path, &st) == 0 else { return try Lake.describe(path) }  // describe reports the error
            let id = Identity(path: path, device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                              modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
            if let hit = known.withLock({ $0[id] }) { return hit }
            let input = try Lake.describe(path)
            known.withLock { $0[id] = input }
            return input
        }
    }

    static func describe(_ path: String) throws -> PartitionManifest.Input {
        guard let h = FileHandle(forReadingAtPath: path) else { throw ParquetError("cannot read input", file: path) }
        defer { try? h.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return .init(path: path, size: size, sha256: hex(hasher.finalize()))
    }

    public static func sha256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    /// Lower-case hex of `bytes` (`String(format:)` per byte cost more than the hash of a config).
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// sha256 of a configuration text, remembered: every partition's manifest carries it.
    static func configFingerprint(_ config: String) -> String {
        configFingerprints.withLock { cache in
            if let known = cache[config] { return known }
            let value = sha256(Array(config.utf8))
            cache[config] = value
            return value
        }
    }

    private static let configFingerprints = Mutex<[String: String]>([:])

    /// SHA-256 of a table's schema, as its manifests record it (`schemaFingerprint`).
    public static func schemaFingerprint(_ fields: [ParquetField]) -> String { fingerprint(fields) }

    static func fingerprint(_ fields: [ParquetField]) -> String {
        // The text hashed names each logical type through reflection, which costs more than
        // writing a small partition; it is computed once per schema and remembered.
        fingerprints.withLock { cache in
            if let known = cache[fields] { return known }
            let text = fields.map { "\($0.name):\($0.type):\(String(describing: $0.logical)):\($0.nullable)" }
                .joined(separator: "\n")
            let value = sha256(Array(text.utf8))
            cache[fields] = value
            return value
        }
    }

    private static let fingerprints = Mutex<[[ParquetField]: String]>([:])

    static func iso(_ d: Date) -> String {
        UnixNanos(rawValue: UInt64(max(0, d.timeIntervalSince1970)) * UnixNanos.nanosPerSecond).iso8601 ?? ""
    }
}
