import CFuzzDriver
import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentLive

/// One input: what a live gateway sends (the text phase, then a DBN stream), fed to the protocol
/// state machine in chunks whose size the first byte chooses; the second byte chooses plain or zstd
/// framing of the binary phase. Any error thrown is fine; a trap or a memory error is a bug.
func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 2 else { return 0 }
    let chunk = Int(start[0]) * 31 + 1
    var request = LiveRequest(dataset: "GLBX.MDP3", schema: .mbo, stypeIn: .parent, symbols: ["ES.FUT"])
    request.compression = start[1] & 1 == 0 ? .none : .zstd
    guard let key = try? APIKey("db-fuzzfuzzfuzzfuzzfuzzfuzzABCDE") else { return 0 }
    var proto = GatewayProtocol(request: request, key: key)
    let body = UnsafeRawBufferPointer(start: start + 2, count: count - 2)
    var offset = 0
    do {
        while offset < body.count {
            let n = min(chunk, body.count - offset)
            try proto.receive(UnsafeRawBufferPointer(rebasing: body[offset..<offset + n])) { event in
                switch event {
                case .record(let ref): _ = ref.mbo; _ = try ref.decode()
                case .metadata(let m): _ = m.json
                default: break
                }
            }
            offset += n
        }
    } catch {}
    return 0
}

// SwiftPM gives an executable its own entry point, so libFuzzer's `main` is not used: hand the
// command line to libFuzzer's driver instead.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
