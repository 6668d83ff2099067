import ArgumentParser
import PrecedentCLI
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentLake
#if canImport(Glibc)
import Glibc
#endif

/// `precedent-bench …` — Precedent's half of the benchmarks in `Benchmarks/`, which run the
/// peers on the same input and print the ratios. Not part of the `precedent` product: nothing a
/// user needs, so it lives with the benchmarks.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precedent-bench",
        abstract: "Measure throughput on a real file (used by Benchmarks/*.py).",
        subcommands: [DBNBench.self, BookBench.self, ParquetBench.self, PipelineBench.self, KNNBench.self, BarsBench.self, EngineBench.self, LiveBench.self])

    /// The heap configured as `precedent` configures it, so that the figures are those of the product.
    static func main() {
        configureHeap()
        main(nil)
    }
}

struct BenchOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A DBN file.", valueName: "file")) var file: String
    @Option(help: "Number of passes.") var `repeat` = 20
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be 1 or more; got \(self.repeat)") }
    }
}

/// `precedent-bench dbn FILE`
struct DBNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbn",
        abstract: "Decode FILE --repeat times: open, decompress, frame every record, read each MBO into a struct.")

    @OptionGroup var options: BenchOptions

    func run() throws {
        var records = 0, bytes = 0, checksum: UInt64 = 0
        let start = monotonicNanos()
        for _ in 0..<options.repeat {
            let reader = try DBNFileReader(path: options.file)
            try reader.forEachRecord { ref in
                if let m = ref.mbo { checksum &+= UInt64(m.size) &+ m.orderID }  // Safe: a wrapping checksum.
                records += 1
            }
            bytes += reader.streamBytesRead
        }
        let seconds = Double(monotonicNanos() - start) / 1e9
        report(options, [("records", records), ("checksum", Int(truncatingIfNeeded: checksum))],
               rates: [("records_per_second", Double(records) / seconds), ("decoded_mb_per_second", Double(bytes) / seconds / 1e6)],
               seconds: seconds)
    }
}

/// `precedent-bench book FILE`
struct BookBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Replay FILE's MBO into L3 books --repeat times: end to end from the file, and the book alone in memory.",
        discussion: """
            end_to_end: open, decompress, decode and apply every MBO record to its book, one thread.
            end_to_end_two_threads: the same with decoding on a second thread (MBOPrefetchReader).
            end_to_end_decompress_ahead: the same with only zstd decompression on a second thread \
            (DBNFileReader(path:decompressAhead:)); framing, decoding and the book on this one.
            book_only: the MBO records decoded once into memory, then applied (fresh books each pass).
            book_with_changes: as book_only, also recording every fill/pull/add change.
            """)

    @OptionGroup var options: BenchOptions

    func run() throws {
        var events = 0, resting = 0
        var start = monotonicNanos()
        for _ in 0..<options.repeat {
            var books = MarketBooks()
            try DBNFileReader(path: options.file).forEachRecord { ref in
                if let m = ref.mbo { books.apply(m, recordIndex: ref.index); events += 1 }
            }
            resting = books.all.reduce(0) { $0 + $1.orderCount }
        }
        let endToEnd = Double(monotonicNanos() - start) / 1e9

        // The same with decoding on a second thread (MBOPrefetchReader).
        start = monotonicNanos()
        for _ in 0..<options.repeat {
            var books = MarketBooks()
            try MBOPrefetchReader(path: options.file).forEachBatch { batch in
                for (i, m) in batch { books.apply(m, recordIndex: i) }
            }
            precondition(books.all.reduce(0) { $0 + $1.orderCount } == resting, "both replays end with the same book")
        }
        let pipelined = Double(monotonicNanos() - start) / 1e9

        // Decompression alone on a second thread; framing, decoding and the book on this one.
        start = monotonicNanos()
        for _ in 0..<options.repeat {
            var books = MarketBooks()
            try DBNFileReader(path: options.file, decompressAhead: true).forEachRecord { ref in
                if let m = ref.mbo { books.apply(m, recordIndex: ref.index) }
            }
            precondition(books.all.reduce(0) { $0 + $1.orderCount } == resting, "both replays end with the same book")
        }
        let ahead = Double(monotonicNanos() - start) / 1e9

        var records: [MBOMsg] = []
        try DBNFileReader(path: options.file).forEachRecord { ref in if let m = ref.mbo { records.append(m) } }
        func replay(changes: Bool) -> Double {
            start = monotonicNanos()
            var checksum = 0
            for _ in 0..<options.repeat {
                var books = MarketBooks(recordsChanges: changes)
                for (i, m) in records.enumerated() { books.apply(m, recordIndex: i) }
                checksum &+= books.all.reduce(0) { $0 + $1.orderCount + $1.changes.count }  // Safe: a checksum.
            }
            precondition(checksum != -1)
            return Double(monotonicNanos() - start) / 1e9
        }
        let bookOnly = replay(changes: false)
        let withChanges = replay(changes: true)
        let n = Double(records.count * options.repeat)
        report(options, [("events", events), ("resting_orders_at_end", resting)],
               rates: [("end_to_end_events_per_second", Double(events) / endToEnd),
                       ("end_to_end_two_threads_events_per_second", Double(events) / pipelined),
                       ("end_to_end_decompress_ahead_events_per_second", Double(events) / ahead),
                       ("book_only_events_per_second", n / bookOnly),
                       ("book_with_changes_events_per_second", n / withChanges)],
               seconds: endToEnd + pipelined + ahead + bookOnly + withChanges)
    }
}

/// `precedent-bench parquet FILE`
struct ParquetBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Write FILE's records as a Parquet table --repeat times, then read it back --repeat times.",
        discussion: """
            The DBN file is decoded once into columns (as `dbn to-parquet` does); write: columns → \
            Parquet file (given codec, one row group per --row-group-size rows); read: file → columns; \
            both on one thread (the lake uses every core for large row groups), as pyarrow is timed. \
            Also writes <out> once for the peer (Benchmarks/parquet_io.py runs pyarrow on it).
            """)

    @OptionGroup var options: BenchOptions
    @Option(help: "Compression: zstd, snappy, gzip or none.") var compression = "zstd"
    @Option(help: "Rows per row group.") var rowGroupSize = 131_072
    @Option(help: "Where to write the table.") var out = "/tmp/precedent-bench.parquet"
    @Flag(inversion: .prefixedNo, help: "fsync each file before renaming it into place (as the lake does; pyarrow does not).")
    var durable = true

    func validate() throws {
        guard ParquetCompression(name: compression) != nil else { throw ValidationError("--compression must be zstd, snappy, gzip or none") }
        guard rowGroupSize > 0 else { throw ValidationError("--row-group-size must be positive; got \(rowGroupSize)") }
    }

    func run() throws {
        guard let codec = ParquetCompression(name: compression) else { throw ValidationError("unknown --compression") }
        var builder: DBNTableBuilder?
        var groups: [[ParquetColumn]] = []
        try DBNFileReader(path: options.file).forEachRecord { ref in
            guard let r = try ref.decode() else { return }
            if builder == nil { builder = DBNTableBuilder(layout: r.layout) }
            builder!.append(r)
            if builder!.count == rowGroupSize { groups.append(builder!.take()) }
        }
        guard var b = builder else { throw ValidationError("no records in \(options.file)") }
        if b.count > 0 { groups.append(b.take()) }
        let rows = groups.reduce(0) { $0 + ($1.first?.count ?? 0) }
        var start = monotonicNanos()
        for _ in 0..<options.repeat {
            let w = try ParquetWriter(path: out, fields: b.fields, compression: codec, durable: durable, encoders: 1)
            for g in groups { try w.write(rowGroup: g) }
            try w.close()
        }
        let write = Double(monotonicNanos() - start) / 1e9
        start = monotonicNanos()
        var check = 0
        for _ in 0..<options.repeat { check += try ParquetReader(path: out, threads: 1).readAll().first?.count ?? 0 }
        let read = Double(monotonicNanos() - start) / 1e9
        precondition(check == rows * options.repeat, "every pass reads every row")
        report(options, [("rows", rows)],
               rates: [("write_rows_per_second", Double(rows * options.repeat) / write),
                       ("read_rows_per_second", Double(rows * options.repeat) / read)],
               seconds: write + read)
    }
}

private func report(_ o: BenchOptions, _ counts: [(String, Int)], rates: [(String, Double)], seconds: Double) {
    if o.json {
        let fields = [("tool", "\"precedent\""), ("passes", String(o.repeat))] + counts.map { ($0.0, String($0.1)) }
            + rates.map { ($0.0, String($0.1)) } + [("seconds", String(seconds))]
        print(JSONText.object(fields))
    } else {
        print("\(o.file), \(o.repeat) passes:")
        for (k, v) in counts { print("  \(k): \(grouped(v))") }
        for (k, v) in rates { print("  \(k): \(grouped(Int(v)))") }
    }
}


