import CFuzzDriver
import Foundation
import PrecedentLake

/// One input: a Parquet file in memory, its footer, chunk statistics and every row group read,
/// on one thread and on two. Any error thrown is fine; a trap or a memory error is a bug.
func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    for threads in [1, 2] {
        guard let reader = try? ParquetReader(bytes: bytes, threads: threads) else { return 0 }
        for g in 0..<reader.rowGroupCount {
            for c in 0..<reader.leafFields.count { _ = reader.chunkInfo(rowGroup: g, column: c) }
            _ = try? reader.rowGroup(g)
        }
    }
    return 0
}

// SwiftPM gives an executable its own entry point, so libFuzzer's `main` is not used: hand the
// command line to libFuzzer's driver instead (the same flags: -max_total_time, corpus folders…).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
