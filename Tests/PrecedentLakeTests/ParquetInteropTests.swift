import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentLake
import PrecedentTestSupport
import Testing

/// Parquet written by Precedent reads identically in pyarrow and DuckDB;
/// Parquet written by pyarrow (every codec, dictionary on/off, data page v1/v2)
/// reads identically in Precedent. Values come from the real ESH4 MBO sample.
@Suite struct ParquetInteropTests {
    static let rows = 3000

    /// The schema of the tests: every supported physical and logical type, required and nullable.
    static let fields: [ParquetField] = [
        ParquetField("ts_recv", .int64, logical: .timestamp(.nanos, utc: true)),
        ParquetField("ts_event_local", .int64, logical: .timestamp(.nanos, utc: false)),
        ParquetField("day", .int32, logical: .date),
        ParquetField("order_id", .int64, logical: .integer(bits: 64, signed: false)),
        ParquetField("price", .int64),
        ParquetField("trade_price", .int64, nullable: true),
        ParquetField("price_decimal", .double),
        ParquetField("size", .int32, logical: .integer(bits: 32, signed: false)),
        ParquetField("size_f", .float),
        ParquetField("flags", .int32, logical: .integer(bits: 8, signed: false)),
        ParquetField("sequence", .int32),
        ParquetField("ts_in_delta", .int32),
        ParquetField("channel", .int32, logical: .integer(bits: 16, signed: true)),
        ParquetField("action", .byteArray, logical: .string),
        ParquetField("side", .byteArray, logical: .string, nullable: true),
        ParquetField("is_snapshot", .boolean),
    ]

    /// The same columns the oracle builds, from Precedent's own decoding.
    static func columns(_ recs: ArraySlice<MBOMsg>) -> [ParquetColumn] {
        func ch(_ b: UInt8) -> [UInt8] { [b] }
        return [
            .int64(recs.map { Int64($0.tsRecv.rawValue) }),
            .int64(recs.map { Int64($0.hd.tsEvent.rawValue) }),
            .int32(recs.map { Int32($0.tsRecv.rawValue / UnixNanos.nanosPerDay) }),
            .int64(recs.map { Int64(bitPattern: $0.orderID) }),
            .int64(recs.map { $0.price.rawValue }),
            .int64(recs.map { $0.action == .trade ? $0.price.rawValue : nil }),
            .double(recs.map { Double($0.price.rawValue) / 1e9 }),
            .int32(recs.map { Int32(bitPattern: $0.size) }),
            .float(recs.map { Float($0.size) }),
            .int32(recs.map { Int32($0.flags.rawValue) }),
            .int32(recs.map { Int32(bitPattern: $0.sequence) }),
            .int32(recs.map { $0.tsInDelta }),
            .int32(recs.map { Int32($0.channelID) }),
            .byteArray(recs.map { ch($0.action.rawValue) }),
            .byteArray(recs.map { $0.action == .clear ? nil : ch($0.side.rawValue) }),
            .boolean(recs.map { $0.flags.contains(.snapshot) }),
        ]
    }

    static func mbo(_ n: Int) throws -> [MBOMsg] {
        var out: [MBOMsg] = []
        try Fixtures.reader(Fixtures.cmeMBO).forEachRecord { ref in if out.count < n, let m = ref.mbo { out.append(m) } }
        return out
    }

    /// Rows as JSON lines for `parquet_oracle.py compare`.
    static func jsonl(_ fields: [ParquetField], _ columns: [ParquetColumn]) -> String {
        var lines = ["{\"columns\":[" + fields.map { "\"\($0.name)\"" }.joined(separator: ",") + "]}"]
        let n = columns.first?.count ?? 0
        for r in 0..<n { lines.append("[" + zip(columns, fields).map { $0.json(at: r, field: $1) }.joined(separator: ",") + "]") }
        return lines.joined(separator: "\n") + "\n"
    }

    func compare(_ file: String, _ jsonl: String, duckdb: Bool = false, stats: Bool = false) throws {
        let ours = Oracle.temporaryPath(".jsonl")
        defer { try? FileManager.default.removeItem(atPath: ours) }
        try jsonl.write(toFile: ours, atomically: false, encoding: .utf8)
        let r = try Oracle.run("parquet_oracle.py", ["compare", file, ours] + (duckdb ? ["--duckdb"] : []) + (stats ? ["--stats"] : []))
        #expect(r.status == 0, "\(r.output)")
    }

    /// The first `rows` real records written with `fields` as row groups of 1,000 into a new
    /// temporary file (the caller removes it); each column's values over the whole file.
    static func writeSample(_ fields: [ParquetField], _ compression: ParquetCompression) throws -> (path: String, all: [ParquetColumn]) {
        let recs = try mbo(rows)
        let path = Oracle.temporaryPath(".parquet")
        let w = try ParquetWriter(path: path, fields: fields, compression: compression)
        var groups: [[ParquetColumn]] = []
        for start in stride(from: 0, to: recs.count, by: 1000) {
            groups.append(columns(recs[start..<min(start + 1000, recs.count)]))
            try w.write(rowGroup: groups.last!)
        }
        try w.close()
        return (path, fields.indices.map { i in groups.dropFirst().reduce(groups[0][i]) { $0.appending($1[i]) } })
    }

    @Test(arguments: ParquetCompression.allCases)
    func pyarrowAndDuckDBReadOurFiles(_ compression: ParquetCompression) throws {
        let (path, all) = try Self.writeSample(Self.fields, compression)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try compare(path, Self.jsonl(Self.fields, all), duckdb: true, stats: true)
        // Every page carries a checksum, and pyarrow verifies them all (compare reads with verification on).
        let sums = try Oracle.run("parquet_oracle.py", ["checksums", path])
        try #require(sums.status == 0, "\(sums.output)")
        struct Sums: Decodable { var pages: Int; var with_checksum: Int }
        let counted = try JSONDecoder().decode(Sums.self, from: Data(sums.output.utf8))
        #expect(counted.pages >= 3 * Self.fields.count && counted.with_checksum == counted.pages, "\(sums.output)")
        // And we read back what we wrote.
        let back = try ParquetReader(path: path)
        #expect(back.fields == Self.fields)
        #expect(back.rowGroupCount == 3 && back.rowCount == Self.rows)
        #expect(try back.readAll() == all)
    }

    /// A row group large enough to be encoded (and read) on several threads gives the same
    /// bytes as on one thread; pyarrow and DuckDB read it (values and statistics) as written,
    /// and so do we.
    @Test func pagesEncodedOnSeveralThreadsMatchOneThread() throws {
        let recs = try Self.mbo(20_000)
        let columns = Self.columns(recs[...])
        #expect(recs.count * Self.fields.count >= ParquetWriter.parallelValues, "the row group must take the parallel path")
        var files: [[UInt8]] = []
        for encoders in [1, 2, 3] {
            let path = Oracle.temporaryPath(".parquet")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let w = try ParquetWriter(path: path, fields: Self.fields, encoders: encoders)
            try w.write(rowGroup: columns)
            try w.close()
            files.append(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            if encoders == 2 {
                try compare(path, Self.jsonl(Self.fields, columns), duckdb: true, stats: true)
                #expect(try ParquetReader(path: path).readAll() == columns)
            }
        }
        #expect(files[0] == files[1] && files[1] == files[2])
    }

    /// Codec × dictionary × data page version; and three with the integer columns
    /// DELTA_BINARY_PACKED (the last element).
    static let pyarrowOptions: [(String, Int, String, Bool)] = ["none", "snappy", "gzip", "zstd"].flatMap { c in
        [(c, 1, "1.0", false), (c, 0, "1.0", false), (c, 1, "2.0", false), (c, 0, "2.0", false)]
    } + [("zstd", 1, "1.0", true), ("none", 0, "2.0", true), ("snappy", 1, "2.0", true)]

    @Test(arguments: pyarrowOptions)
    func weReadPyarrowFiles(_ option: (String, Int, String, Bool)) throws {
        let (codec, dictionary, pageVersion, delta) = option
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let made = try Oracle.run("parquet_oracle.py", ["make", path, "--rows", String(Self.rows), "--compression", codec,
                                                         "--dictionary", String(dictionary), "--page-version", pageVersion,
                                                         "--row-group-size", "1200"] + (delta ? ["--delta"] : []))
        try #require(made.status == 0, "\(made.output)")
        let reader = try ParquetReader(path: path)
        #expect(reader.rowGroupCount == 3)
        try compare(path, Self.jsonl(reader.fields, try reader.readAll()))
        #expect(reader.fields.map(\.name) == Self.fields.map(\.name))
    }

    /// The test schema with the lean encodings: integers DELTA_BINARY_PACKED, strings dictionary-coded.
    static let leanFields: [ParquetField] = fields.map { f in
        switch f.type {
        case .int32, .int64: f.encoded(.deltaBinaryPacked)
        case .byteArray: f.encoded(.dictionary)
        default: f
        }
    }

    /// Our DELTA_BINARY_PACKED and dictionary pages read in pyarrow and DuckDB as the values written
    /// (and statistics), over row groups of the real sample; and in our reader.
    @Test(arguments: [ParquetCompression.zstd, .none])
    func pyarrowAndDuckDBReadOurLeanEncodings(_ compression: ParquetCompression) throws {
        let (path, all) = try Self.writeSample(Self.leanFields, compression)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try compare(path, Self.jsonl(Self.fields, all), duckdb: true, stats: true)
        #expect(try ParquetReader(path: path).readAll() == all)
        let (plain, _) = try Self.writeSample(Self.fields, compression)
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let size = { (f: String) in (try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0 }
        if compression == .none { #expect(size(path) * 2 < size(plain), "lean \(size(path)) bytes, plain \(size(plain))") }
    }

    /// DELTA_BINARY_PACKED at its edges: deltas that wrap around (minimum and maximum values
    /// side by side), widths up to the type's, nulls, and value counts around the block (128)
    /// and miniblock (32) sizes. The values are the test's own; pyarrow must read them back.
    @Test(arguments: [0, 1, 2, 31, 32, 33, 127, 128, 129, 130, 257, 1000])
    func deltaEdgesReadBackInPyarrow(_ n: Int) throws {
        let fields = [ParquetField("a", .int64, nullable: true).encoded(.deltaBinaryPacked),
                      ParquetField("b", .int32).encoded(.deltaBinaryPacked),
                      ParquetField("c", .int64, logical: .integer(bits: 64, signed: false)).encoded(.deltaBinaryPacked),
                      ParquetField("s", .byteArray, logical: .string, nullable: true).encoded(.dictionary)]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(n + 1)
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        let extremes64: [Int64] = [.min, .max, 0, -1, 1, .min + 1, .max - 1]
        let extremes32: [Int32] = [.min, .max, 0, -1, 1]
        let words = ["", "A", "ESH4", "ESM4", "a longer value", "B"]
        let a: [Int64?] = (0..<n).map { i in i % 11 == 5 ? nil : i % 3 == 0 ? extremes64[i % extremes64.count] : Int64(bitPattern: next()) >> (i % 60) }
        let b: [Int32?] = (0..<n).map { i in i % 2 == 0 ? extremes32[i % extremes32.count] : Int32(truncatingIfNeeded: Int64(bitPattern: next()) >> 40) }
        let c: [Int64?] = (0..<n).map { i in Int64(bitPattern: 1_703_545_800_000_000_000 &+ UInt64(i) &* 1_000_003) }
        let s: [[UInt8]?] = (0..<n).map { i in i % 7 == 3 ? nil : Array(words[Int(next() % UInt64(i < 40 ? 2 : words.count))].utf8) }
        let columns: [ParquetColumn] = [.int64(a), .int32(b), .int64(c), .byteArray(s)]
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetWriter(path: path, fields: fields, compression: .none)
        try w.write(rowGroup: columns)
        try w.close()
        try compare(path, Self.jsonl(fields, columns))
        #expect(try ParquetReader(path: path).readAll() == columns)
    }

    /// The oracle's struct columns: `book` (nullable: absent for clear records; a nullable
    /// price, absent for trades; required size and side) and `meta` (required).
    static let nestedFields: [ParquetField] = fields + [
        .group("book", [ParquetField("price", .int64, nullable: true),
                        ParquetField("size", .int32, logical: .integer(bits: 32, signed: false)),
                        ParquetField("side", .byteArray, logical: .string)], nullable: true),
        .group("meta", [ParquetField("sequence", .int32),
                        ParquetField("flags", .int32, logical: .integer(bits: 8, signed: false))]),
    ]

    static func nestedColumns(_ recs: ArraySlice<MBOMsg>) -> [ParquetColumn] {
        columns(recs) + [
            .group([.int64(recs.map { $0.action == .trade ? nil : $0.price.rawValue }),
                    .int32(recs.map { Int32(bitPattern: $0.size) }),
                    .byteArray(recs.map { [$0.side.rawValue] })],
                   present: recs.map { $0.action != .clear }),
            .group([.int32(recs.map { Int32(bitPattern: $0.sequence) }),
                    .int32(recs.map { Int32($0.flags.rawValue) })], present: nil),
        ]
    }

    @Test(arguments: [ParquetCompression.zstd, .none])
    func nestedGroupsAreReadByPyarrowAndDuckDB(_ compression: ParquetCompression) throws {
        let recs = try Self.mbo(Self.rows)
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetWriter(path: path, fields: Self.nestedFields, compression: compression)
        let a = Self.nestedColumns(recs[0..<1500]), b = Self.nestedColumns(recs[1500...])
        try w.write(rowGroup: a)
        try w.write(rowGroup: b)
        try w.close()
        let all = zip(a, b).map { $0.appending($1) }
        try compare(path, Self.jsonl(Self.nestedFields, all), duckdb: true, stats: true)
        // The documented schema exports describe the nested file exactly (RECORD for groups).
        let documented = TableSchema(name: "mbo_nested", doc: "test", fields: Self.nestedFields.map { f in
            var f = f
            f.doc = "column \(f.name)"
            f.children = f.children.map { var c = $0; c.doc = "field \(c.name)"; return c }
            return f
        })
        try documented.avroJSON().write(toFile: path + ".avsc", atomically: true, encoding: .utf8)
        try documented.bigQueryJSON().write(toFile: path + ".bq.json", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path + ".avsc"); try? FileManager.default.removeItem(atPath: path + ".bq.json") }
        let schemas = try Oracle.run("parquet_oracle.py", ["schema-check", path, path + ".avsc", path + ".bq.json"])
        #expect(schemas.status == 0, "\(schemas.output)")
        let back = try ParquetReader(path: path)
        #expect(back.fields == Self.nestedFields)
        #expect(try back.readAll() == all.map { c in
            // Reading gives null children wherever the group is absent.
            if case .group(let children, let present?) = c { return .group(children.map { $0.masked(by: present) }, present: present) }
            return c
        })
    }

    @Test(arguments: [("zstd", 1, "1.0"), ("snappy", 0, "2.0"), ("none", 1, "2.0"), ("gzip", 0, "1.0")])
    func weReadPyarrowNestedFiles(_ option: (String, Int, String)) throws {
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let made = try Oracle.run("parquet_oracle.py", ["make", path, "--rows", String(Self.rows), "--nested", "--compression", option.0,
                                                         "--dictionary", String(option.1), "--page-version", option.2,
                                                         "--row-group-size", "1000"])
        try #require(made.status == 0, "\(made.output)")
        let reader = try ParquetReader(path: path)
        #expect(reader.fields.last?.isGroup == true && reader.fields.last?.children.count == 2)
        try compare(path, Self.jsonl(reader.fields, try reader.readAll()))
    }

    @Test func schemaIsEnforced() throws {
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fields = [ParquetField("a", .int64), ParquetField("b", .byteArray, logical: .string, nullable: true)]
        let w = try ParquetWriter(path: path, fields: fields)
        #expect(throws: ParquetError.self) { try w.write(rowGroup: [.int64([1])]) }
        #expect(throws: ParquetError.self) { try w.write(rowGroup: [.int32([1]), .byteArray([nil])]) }
        #expect(throws: ParquetError.self) { try w.write(rowGroup: [.int64([1, 2]), .byteArray([nil])]) }
        do {
            try w.write(rowGroup: [.int64([1, nil, 3]), .byteArray([nil, nil, nil])])
            Issue.record("a null in a required column was accepted")
        } catch let e as ParquetError {
            #expect(e.column == "a" && e.row == 1)
        }
        // Named columns: the schema's names in its order.
        do {
            try w.write(rowGroup: [(name: "b", column: .byteArray([nil])), (name: "a", column: .int64([1]))])
            Issue.record("columns out of order were accepted")
        } catch let e as ParquetError {
            #expect(e.column == "a" && e.message.contains("'b' given at position 0"))
        }
        #expect(throws: ParquetError.self) {
            try w.write(rowGroup: [(name: "a", column: .int64([1])), (name: "b", column: .byteArray([nil])), (name: "c", column: .int64([1]))])
        }
        try w.write(rowGroup: [(name: "a", column: .int64([1])), (name: "b", column: .byteArray([Array("x".utf8)]))])
        #expect(throws: ParquetError.self) { _ = try ParquetWriter(path: path, fields: [ParquetField("t", .int32, logical: .timestamp(.nanos, utc: true))]) }
        #expect(!FileManager.default.fileExists(atPath: path), "nothing appears before close()")
        try w.close()
        #expect(try ParquetReader(path: path).rowCount == 1)
    }

    @Test func damagedFilesGiveErrors() throws {
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try ParquetWriter(path: path, fields: Self.fields)
        try w.write(rowGroup: Self.columns(try Self.mbo(500)[...]))
        try w.close()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        for cut in stride(from: 0, to: bytes.count, by: 97) {
            do {
                let r = try ParquetReader(bytes: Array(bytes[..<cut]))
                _ = try r.readAll()
                Issue.record("a file cut at \(cut) of \(bytes.count) read without error")
            } catch is ParquetError {}
        }
        var flipped = bytes
        for i in stride(from: 100, to: bytes.count - 300, by: 7) { flipped[i] ^= 0xA5 }
        #expect(throws: ParquetError.self) { _ = try ParquetReader(bytes: flipped).readAll() }
    }

    /// A byte of a page damaged where the page's encoding cannot notice (the last value byte of an
    /// uncompressed page) is caught by the page checksum: in our files (every page has one) and in
    /// pyarrow's written with checksums. Without the checksum the same file reads, with a wrong value.
    @Test(arguments: ["ours", "pyarrow-with-checksums", "pyarrow-without"])
    func pageChecksumsCatchDamagedValues(_ kind: String) throws {
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        if kind == "ours" {
            let w = try ParquetWriter(path: path, fields: Self.fields, compression: ParquetCompression.none)
            try w.write(rowGroup: Self.columns(try Self.mbo(50)[...]))
            try w.close()
        } else {
            let made = try Oracle.run("parquet_oracle.py", ["make", path, "--rows", "50", "--compression", "none", "--dictionary", "0"]
                                                              + (kind == "pyarrow-with-checksums" ? ["--page-checksum"] : []))
            try #require(made.status == 0, "\(made.output)")
        }
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let good = try ParquetReader(bytes: bytes).readAll()
        // The footer (its length in the last 8 bytes but 4) follows the last page: the byte before it is
        // the last byte of the last column's values (a boolean or PLAIN bytes, all 8 bits meaningful).
        let n = bytes.count
        let footer = Int(bytes[n - 8]) | Int(bytes[n - 7]) << 8 | Int(bytes[n - 6]) << 16 | Int(bytes[n - 5]) << 24
        bytes[n - 8 - footer - 1] ^= 0x01
        if kind == "pyarrow-without" {
            #expect(try ParquetReader(bytes: bytes).readAll() != good, "the damage went unseen and changed a value")
        } else {
            #expect { _ = try ParquetReader(bytes: bytes).readAll() } throws: { ($0 as? ParquetError)?.message.contains("checksum") == true }
        }
    }

    /// Every byte of small files damaged in turn (set to 0x00, 0x80, 0xFF, or its low bit flipped —
    /// a zigzag varint's sign): the file reads, or the reader throws a `ParquetError` — it never
    /// traps or runs out of memory. Footer fields turned negative or huge, page value counts beyond
    /// the chunk, pages holding fewer values than their levels call for were each a crash before
    /// (found by `scripts/fuzz.sh parquet` and by this test). The files: ours (zstd; and DELTA_BINARY_PACKED integers
    /// with dictionary strings), pyarrow's (data page v2 with snappy, gzip with DELTA_BINARY_PACKED),
    /// pyarrow's without its ARROW:schema footer key, which is opaque to the reader.
    @Test(arguments: ["ours", "ours-lean", "pyarrow-v2-snappy", "pyarrow-gzip-delta"])
    func everyDamagedByteGivesAnErrorOrAFile(_ kind: String) throws {
        let path = Oracle.temporaryPath(".parquet")
        defer { try? FileManager.default.removeItem(atPath: path) }
        switch kind {
        case "ours", "ours-lean":
            let fields = kind == "ours" ? Self.fields : Self.leanFields
            let w = try ParquetWriter(path: path, fields: fields)
            let recs = try Self.mbo(24)
            try w.write(rowGroup: Self.columns(recs[..<16]))
            try w.write(rowGroup: Self.columns(recs[16...]))
            try w.close()
        default:
            let options = kind == "pyarrow-v2-snappy" ? ["--compression", "snappy", "--page-version", "2.0", "--dictionary", "1"]
                : ["--compression", "gzip", "--page-version", "1.0", "--dictionary", "0", "--delta"]
            let made = try Oracle.run("parquet_oracle.py", ["make", path, "--rows", "24", "--row-group-size", "16", "--no-arrow-schema"] + options)
            try #require(made.status == 0, "\(made.output)")
        }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let whole = try ParquetReader(bytes: bytes, threads: 1).readAll()
        try #require(whole.first?.count == 24)
        var read = 0, refused = 0
        for i in bytes.indices {
            for value in Set([0x00, 0x80, 0xFF, bytes[i] ^ 1]) where value != bytes[i] {
                var damaged = bytes
                damaged[i] = value
                do {
                    let r = try ParquetReader(bytes: damaged, threads: 1)
                    for g in 0..<r.rowGroupCount {
                        for c in r.leafFields.indices { _ = r.chunkInfo(rowGroup: g, column: c) }
                    }
                    _ = try r.readAll()
                    read += 1
                } catch is ParquetError {
                    refused += 1
                } catch {
                    Issue.record("byte \(i) set to \(value): \(type(of: error)) instead of a ParquetError: \(error)")
                }
            }
        }
        // Both outcomes occur: damage in values reads (differently), damage in structure is refused.
        #expect(read > 0 && refused > 0, "\(read) read, \(refused) refused")
    }
}

/// The bulk constructors equal the same values appended one by one (worked by hand).
@Suite struct ByteArrayColumnTests {
    @Test func repeatingAndByteCodesEqualValueByValue() {
        #expect(ByteArrayColumn(repeating: Array("ESH4".utf8), count: 3) == ByteArrayColumn(strings: ["ESH4", "ESH4", "ESH4"]))
        #expect(ByteArrayColumn(repeating: [0x41], count: 2) == ByteArrayColumn([[0x41], [0x41]]))
        #expect(ByteArrayColumn(repeating: Array("ES".utf8), count: 0).count == 0)
        let codes = ByteArrayColumn(byteCodes: [0x41, 0, 0x42])  // "A", none, "B"
        #expect(codes == ByteArrayColumn([[0x41], [], [0x42]]))
        #expect(codes.offsets == [0, 1, 1, 2] && codes.validity == nil)
    }
}
