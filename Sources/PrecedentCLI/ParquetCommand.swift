import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentLake

/// `precedent parquet …`
struct ParquetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Inspect Parquet files: schema, rows, statistics.",
        discussion: """
            Reads flat Parquet files written by Precedent, pyarrow, DuckDB and others: PLAIN, \
            dictionary and DELTA_BINARY_PACKED encodings, data pages v1 and v2, uncompressed, snappy, gzip or zstd.
            """,
        subcommands: [Schema.self, Cat.self, Stats.self, ExportSchema.self])

    struct ExportSchema: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-schema",
            abstract: "Print a file's schema as an Avro schema (.avsc) or a BigQuery JSON schema.",
            discussion: "Column docs are not stored in Parquet files; `dbn to-parquet` writes documented schema files beside its tables.")
        @OptionGroup var input: FileArgument
        @Option(help: "avro or bigquery.") var format = "bigquery"
        func validate() throws {
            guard format == "avro" || format == "bigquery" else { throw ValidationError("--format must be avro or bigquery") }
        }
        func run() throws {
            let r = try ParquetReader(path: input.file)
            var stem = String(input.file.split(separator: "/").last ?? "table")
            if stem.hasSuffix(".parquet") { stem.removeLast(8) }
            let schema = TableSchema(name: stem.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"), fields: r.fields)
            print(format == "avro" ? schema.avroJSON() : schema.bigQueryJSON(), terminator: format == "avro" ? "\n" : "")
        }
    }

    struct FileArgument: ParsableArguments {
        @Argument(help: ArgumentHelp("A Parquet file.", valueName: "file")) var file: String
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the columns, their types and the row groups.")
        @OptionGroup var input: FileArgument
        func run() throws {
            let r = try ParquetReader(path: input.file)
            print("\(input.file): \(grouped(r.rowCount)) rows in \(r.rowGroupCount) row groups"
                  + (r.createdBy.map { ", written by \($0)" } ?? ""))
            func show(_ f: ParquetField, _ indent: String) {
                if f.isGroup {
                    print("\(indent)\(f.name): group\(f.nullable ? " (nullable)" : "")")
                    for c in f.children { show(c, indent + "  ") }
                    return
                }
                let logical = f.logical.map { " \(describe($0))" } ?? ""
                print("\(indent)\(f.name): \(f.type)\(logical)\(f.nullable ? " (nullable)" : "")")
            }
            for f in r.fields { show(f, "  ") }
        }
    }

    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print rows as JSON lines (one object per row).")
        @OptionGroup var input: FileArgument
        @Option(help: "Stop after this many rows.") var limit: Int?
        @Option(help: ArgumentHelp("Only these top-level columns, comma-separated, in this order.", valueName: "a,b,…"))
        var columns: String?
        func validate() throws {
            if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more; got \(limit)") }
        }
        func run() throws {
            let r = try ParquetReader(path: input.file)
            var picked = Array(r.fields.indices)
            if let columns {
                picked = try columns.split(separator: ",").map { name in
                    guard let i = r.fields.firstIndex(where: { $0.name == name }) else {
                        throw ValidationError("no column '\(name)' in \(input.file) (it has \(r.fields.map(\.name).prefix(12).joined(separator: ", "))…)")
                    }
                    return i
                }
            }
            var out = StandardOutput()
            defer { out.flush() }
            var printed = 0
            for g in 0..<r.rowGroupCount {
                let cols = try r.rowGroup(g)
                for row in 0..<(cols.first?.count ?? 0) {
                    if let limit, printed >= limit { return }
                    out.line(JSONText.object(picked.map { (r.fields[$0].name, cols[$0].json(at: row, field: r.fields[$0])) }))
                    printed += 1
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each column chunk's values, nulls, min, max, codec and sizes.")
        @OptionGroup var input: FileArgument
        func run() throws {
            let r = try ParquetReader(path: input.file)
            for g in 0..<r.rowGroupCount {
                print("row group \(g)")
                for (c, (name, f)) in r.leafFields.enumerated() {
                    guard let i = r.chunkInfo(rowGroup: g, column: c) else { continue }
                    let mn = i.min.map { decode($0, f) } ?? "-", mx = i.max.map { decode($0, f) } ?? "-"
                    print("  \(name): \(grouped(i.values)) values, \(i.nullCount.map(grouped) ?? "?") null, min \(mn), max \(mx), "
                          + "\(i.compression?.name ?? "?") \(grouped(i.compressedSize))/\(grouped(i.uncompressedSize)) bytes")
                }
            }
        }

        func decode(_ b: [UInt8], _ f: ParquetField) -> String {
            func le<T: FixedWidthInteger>(_: T.Type) -> T? {
                guard b.count == MemoryLayout<T>.size else { return nil }
                return b.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
            }
            switch f.type {
            case .boolean: return b.first == 1 ? "true" : "false"
            case .int32: return (f.isUnsignedInteger ? le(UInt32.self).map { String($0) } : le(Int32.self).map { String($0) }) ?? "?"
            case .int64: return (f.isUnsignedInteger ? le(UInt64.self).map { String($0) } : le(Int64.self).map { String($0) }) ?? "?"
            case .float: return le(UInt32.self).map { "\(Float(bitPattern: $0))" } ?? "?"
            case .double: return le(UInt64.self).map { "\(Double(bitPattern: $0))" } ?? "?"
            default: return JSONText.quoted(String(decoding: b, as: UTF8.self))
            }
        }
    }
}

private func describe(_ l: ParquetLogicalType) -> String {
    switch l {
    case .string: "STRING"
    case .date: "DATE"
    case .timestamp(let u, let utc): "TIMESTAMP(\(u), \(utc ? "UTC" : "local"))"
    case .integer(let bits, let signed): "INT(\(bits), \(signed ? "signed" : "unsigned"))"
    }
}

extension ParquetField {
    var isUnsignedInteger: Bool { if case .integer(_, false)? = logical { true } else { false } }
}

/// `precedent dbn to-parquet FILE… --out DIR`
struct DBNToParquetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-parquet",
        abstract: "Convert DBN files to Parquet, one table per record type.",
        discussion: """
            Columns carry the official databento-dbn field names. Prices stay fixed-point \
            integers (1 unit = 1e-9) and timestamps UTC nanoseconds (TIMESTAMP(NANOS, UTC)); \
            Databento's undefined sentinels become null; unsigned fields keep their width as \
            INT(n, unsigned). --decimal-prices adds a DOUBLE <name>_decimal beside each price, \
            for display. Output: DIR/<input name>.<record type>.parquet, written under a \
            temporary name and renamed when complete, with its documented schema beside it as \
            .avsc (Avro) and .bigquery.json (bq load --schema).

            Example:
              precedent dbn to-parquet ../shared/data/dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst --out out/
            """)

    @Argument(help: ArgumentHelp("DBN files.", valueName: "file")) var files: [String]
    @Option(help: ArgumentHelp("Output folder (created if needed).", valueName: "dir")) var out: String
    @Option(help: "Compression: zstd, snappy, gzip or none.") var compression = "zstd"
    @Option(help: "Rows per row group.") var rowGroupSize = 131_072
    @Flag(help: "Also write each price as a DOUBLE <name>_decimal column.") var decimalPrices = false
    @OptionGroup var framing: FramingOptions

    func validate() throws {
        guard ParquetCompression(name: compression) != nil else { throw ValidationError("--compression must be zstd, snappy, gzip or none") }
        guard rowGroupSize > 0 else { throw ValidationError("--row-group-size must be positive") }
    }

    func run() throws {
        try makeDirectory(out)
        let codec = ParquetCompression(name: compression)!
        for file in files {
            let reader = try DBNFileReader(path: file, fragment: framing.fragment)
            var stem = String(file.split(separator: "/").last ?? Substring(file))
            for suffix in [".zst", ".dbn", ".frag"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
            // One table per record type (ohlcv-1s and ohlcv-1m share a layout, not a table).
            var tables: [UInt8: (DBNTableBuilder, ParquetWriter, String)] = [:]
            try reader.forEachRecord { ref in
                guard let record = try ref.decode() else { return }
                let key = ref.rtype
                if tables[key] == nil {
                    let builder = DBNTableBuilder(layout: record.layout, decimalPrices: decimalPrices)
                    let path = "\(out)/\(stem).\(RType.name(ref.rtype)).parquet"
                    tables[key] = (builder, try ParquetWriter(path: path, fields: builder.fields, compression: codec), path)
                }
                tables[key]!.0.append(record)
                if tables[key]!.0.count >= rowGroupSize { try tables[key]!.1.write(rowGroup: tables[key]!.0.take()) }
            }
            for (rtype, (builder, writer, path)) in tables.sorted(by: { $0.key < $1.key }) {
                var b = builder
                if b.count > 0 { try writer.write(rowGroup: b.take()) }
                try writer.close()
                // Documented schemas beside the table, for Avro tools and `bq load --schema`.
                let base = String(path.dropLast(".parquet".count))
                let schema = b.schema(name: RType.name(rtype).replacingOccurrences(of: "-", with: "_"))
                try schema.avroJSON().write(toFile: base + ".avsc", atomically: true, encoding: .utf8)
                try schema.bigQueryJSON().write(toFile: base + ".bigquery.json", atomically: true, encoding: .utf8)
                printError("wrote \(path) (+ .avsc, .bigquery.json)")
            }
        }
    }
}

/// Creates `path` and its parents if missing.
func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}
