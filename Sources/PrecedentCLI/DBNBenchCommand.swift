import ArgumentParser
import PrecedentCore
import PrecedentDBN
#if canImport(Glibc)
import Glibc
#endif

/// `precedent dbn bench FILE` — the Precedent half of `Benchmarks/dbn_decode.py`.
struct DBNBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure decoding throughput: read FILE --repeat times, touching every MBO record.",
        discussion: """
            Each pass opens the file, decompresses, frames every record and reads each MBO \
            record into a typed struct (summing sizes so nothing is optimised away). Prints \
            records/s and decoded MB/s; --json for the benchmark harness \
            (Benchmarks/dbn_decode.py, which runs databento-dbn and zstd on the same input).
            """)

    @Argument(help: ArgumentHelp("A DBN file.", valueName: "file")) var file: String
    @Option(help: "Number of passes.") var `repeat` = 20
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        var records = 0, bytes = 0, checksum: UInt64 = 0
        let start = monotonicNanos()
        for _ in 0..<`repeat` {
            let reader = try DBNFileReader(path: file)
            try reader.forEachRecord { ref in
                if let m = ref.mbo { checksum &+= UInt64(m.size) &+ m.orderID }  // Safe: a wrapping checksum.
                records += 1
            }
            bytes += reader.streamBytesRead
        }
        let seconds = Double(monotonicNanos() - start) / 1e9
        let rps = Double(records) / seconds
        if json {
            print(#"{"tool":"precedent","passes":\#(`repeat`),"records":\#(records),"seconds":\#(seconds),"records_per_second":\#(rps),"decoded_mb_per_second":\#(Double(bytes) / seconds / 1e6),"checksum":\#(checksum)}"#)
        } else {
            print("\(grouped(records)) records in \(seconds) s: \(grouped(Int(rps))) records/s, \(Int(Double(bytes) / seconds / 1e6)) MB/s decoded")
        }
    }
}

func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
