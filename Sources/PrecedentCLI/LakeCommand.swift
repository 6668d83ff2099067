import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentLake

/// `precedent lake …`
struct LakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lake",
        abstract: "Write DBN records into the Hive-partitioned Parquet lake and list its partitions.",
        discussion: """
            Layout: <lake>/<layer>/product_type=<p>/symbol=<s>/table=<t>/dt=YYYY-MM-DD/part-00000.parquet \
            with _manifest.json (inputs with size and sha256, rows, schema and configuration \
            fingerprints, program version, stage, start/end time) and _SUCCESS, written last. A \
            partition without _SUCCESS is incomplete, whatever else it holds. Read the lake with \
            e.g. DuckDB: select * from read_parquet('<lake>/**/*.parquet', hive_partitioning = true).
            """,
        subcommands: [WriteDBN.self, List.self])

    struct WriteDBN: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write-dbn",
            abstract: "Write the records of DBN files into lake partitions, one per symbol and UTC date.",
            discussion: """
                Every record of the files' schema goes to table --table of layer --layer, partitioned by \
                the symbol its instrument maps to on that UTC date (the file's symbology) and the UTC date \
                of its index timestamp. Complete partitions are skipped unless --overwrite.

                Example:
                  precedent lake write-dbn ../shared/data/dbn/cme/esh4-*.mbo.dbn.zst --lake lake --layer raw --table mbo
                """)

        @Argument(help: ArgumentHelp("DBN files (one schema each).", valueName: "file")) var files: [String]
        @Option(help: ArgumentHelp("Lake root folder.", valueName: "dir")) var lake: String
        @Option(help: "Layer (raw, bronze, silver, gold).") var layer = "raw"
        @Option(help: "Table name.") var table: String
        @Option(help: "Product type.") var productType = "future"
        @Option(help: "Rows per row group.") var rowGroupSize = 131_072
        @Option(help: "Compression: zstd, snappy, gzip or none.") var compression = "zstd"
        @Flag(help: "Rewrite partitions that are already complete.") var overwrite = false

        func validate() throws {
            guard ParquetCompression(name: compression) != nil else { throw ValidationError("--compression must be zstd, snappy, gzip or none") }
            guard rowGroupSize > 0 else { throw ValidationError("--row-group-size must be positive") }
        }

        func run() throws {
            let lake = Lake(root: self.lake)
            var written = 0, skipped = 0
            for file in files {
                let reader = try DBNFileReader(path: file)
                let map = reader.metadata.map(SymbolMap.init(metadata:)) ?? SymbolMap()
                var groups: [PartitionKey: [DBNRecord]] = [:]
                var rtype: UInt8?
                try reader.forEachRecord { ref in
                    guard let record = try ref.decode() else { return }
                    if rtype == nil { rtype = ref.rtype }
                    guard ref.rtype == rtype else {
                        throw ValidationError("\(file) mixes record types (\(RType.name(rtype!)) and \(RType.name(ref.rtype)) at record #\(ref.index)); a table holds one")
                    }
                    let t = record.indexTimestamp
                    guard let symbol = map.symbol(for: ref.instrumentID, at: t) else {
                        throw ValidationError("\(file): instrument \(ref.instrumentID) has no symbol on \(t.utcDay) (record #\(ref.index)); the file's symbology does not cover it")
                    }
                    let key = PartitionKey(layer: layer, productType: productType, symbol: symbol, table: table, date: t.utcDay)
                    groups[key, default: []].append(record)
                }
                for (key, records) in groups.sorted(by: { $0.key < $1.key }) {
                    if lake.isComplete(key) && !overwrite { skipped += 1; continue }
                    let builder = DBNTableBuilder(layout: records[0].layout)
                    try lake.writePartition(key, fields: builder.fields, compression: ParquetCompression(name: compression)!,
                                            stage: "lake write-dbn", inputs: [file],
                                            config: "table=\(table) layer=\(layer) row_group_size=\(rowGroupSize)") { w in
                        var b = builder
                        for chunk in stride(from: 0, to: records.count, by: rowGroupSize) {
                            for r in records[chunk..<min(chunk + rowGroupSize, records.count)] { b.append(r) }
                            try w.write(rowGroup: b.take())
                        }
                    }
                    written += 1
                    printError("wrote \(key) (\(grouped(records.count)) rows)")
                }
            }
            printError("\(written) partitions written, \(skipped) already complete (skipped; --overwrite rewrites them)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List partitions: complete or not, rows, inputs.")
        @Argument(help: ArgumentHelp("Lake root folder.", valueName: "dir")) var lake: String
        func run() throws {
            let l = Lake(root: lake)
            for key in l.partitions() {
                if l.isComplete(key), let m = try? l.manifest(key) {
                    print("complete    \(key)  \(grouped(m.rows)) rows  from \(m.inputs.map(\.path).joined(separator: ", "))")
                } else {
                    print("INCOMPLETE  \(key)  (no _SUCCESS: rerun the stage)")
                }
            }
        }
    }
}
