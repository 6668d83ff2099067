import CFuzzDriver
import Foundation
import PrecedentBars
import PrecedentCore
import PrecedentLOBSTER

// The text readers of outside files: the first byte of an input chooses one, the rest is the
// file (written to a scratch file, since the readers take paths). LOBSTER takes two files: the
// rest is split at its first `|` into the message file and the order-book file. Any error
// thrown is fine; a trap or a memory error is a bug.

/// One folder for every fuzzing process (libFuzzer's jobs end without returning here), each
/// process's files removed after every input.
let scratch = NSTemporaryDirectory() + "precedent-fuzz-text/\(getpid())"

func write(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) -> String {
    let path = scratch + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes))
    return path
}

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 1 else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    let body = UnsafeBufferPointer(start: start + 1, count: count - 1)
    switch start[0] % 8 {
    case 0: _ = try? TicksCSV.read(path: write(body, "ticks.csv"), timeZone: "America/New_York")
    case 1: _ = try? DatabentoJSONBars.read(path: write(body, "bars.json"), prices: .fixed, symbols: [:])
    case 2: _ = try? DatabentoJSONBars.read(path: write(body, "bars.ndjson"), prices: .decimal, symbols: [1: "ESH4"])
    case 3: _ = try? Settlements.read(csv: write(body, "zl.csv"), root: "ZL")
    case 4: _ = try? SourcePriority(csv: write(body, "sources.csv"))
    case 5: _ = try? ExtraTable(csv: write(body, "extra.csv"), name: "extra")
    case 6: _ = try? RegimeCalendar(csv: write(body, "regimes.csv"))
    default:
        let split = body.firstIndex(of: UInt8(ascii: "|")) ?? body.count
        let messages = write(UnsafeBufferPointer(rebasing: body[..<split]), "AMZN_2012-06-21_34200000_57600000_message_1.csv")
        let book = write(UnsafeBufferPointer(rebasing: body[min(split + 1, body.count)...]),
                         "AMZN_2012-06-21_34200000_57600000_orderbook_1.csv")
        _ = try? LOBSTERImporter.run(messages: messages, orderbook: book,
                                     options: .init(symbol: "AMZN", date: CivilDate(year: 2012, month: 6, day: 21)),
                                     output: scratch + "/out.dbn")
    }
    return 0
}

// SwiftPM gives an executable its own entry point, so libFuzzer's `main` is not used: hand the
// command line to libFuzzer's driver instead (the same flags: -max_total_time, corpus folders…).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
