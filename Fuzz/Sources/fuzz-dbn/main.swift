import CFuzzDriver
import Foundation
import PrecedentCore
import PrecedentDBN

/// One input: a DBN stream (or, when the first byte says so, a fragment of records), fed to the
/// decoder in chunks whose size the second byte chooses, every record decoded and printed as
/// `precedent dbn cat` would. Any error thrown is fine; a trap or a memory error is a bug.
func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 2 else { return 0 }
    let mode = start[0], chunk = Int(start[1]) * 97 + 1
    let body = UnsafeRawBufferPointer(start: start + 2, count: count - 2)
    let framing: DBNDecoder.Framing = mode < 128 ? .stream : .fragment(version: mode % 3 + 1, tsOut: mode & 4 != 0)
    var decoder = DBNDecoder(framing: framing, initialCapacity: 1 << 12)
    var text = RecordTextFormatter(format: mode & 8 == 0 ? .jsonl : .csv, pretty: mode & 16 != 0)
    var symbols: SymbolMap?
    do {
        var offset = 0
        while offset < body.count {
            let n = min(chunk, body.count - offset)
            decoder.append(UnsafeRawBufferPointer(rebasing: body[offset..<offset + n]))
            offset += n
            if symbols == nil, let m = try decoder.decodeMetadata() {
                _ = m.json
                symbols = SymbolMap(metadata: m)
            }
            try decoder.decodeRecords { ref in
                _ = ref.mbo
                _ = ref.tsOut
                if let r = try ref.decode() {
                    _ = text.line(for: r, tsOut: ref.tsOut)
                    _ = symbols?.symbol(for: ref.instrumentID, at: ref.header.tsEvent)
                }
            }
        }
        try decoder.finish()
    } catch {}
    return 0
}

// SwiftPM gives an executable its own entry point, so libFuzzer's `main` is not used: hand the
// command line to libFuzzer's driver instead (the same flags: -max_total_time, corpus folders…).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
