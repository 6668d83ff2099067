import Foundation
import PrecedentTestSupport
import Testing

/// What one run of the `precedent` executable printed.
struct PrecedentRun { var status: Int32; var stdout: String; var stderr: String }

/// The `precedent` executable built by `swift build --build-tests`.
func precedentBinary() throws -> URL {
    let binary = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent")
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the precedent product first")
    return binary
}

/// Runs the `precedent` executable built by `swift build --build-tests` (`precedent-bench` when
/// the first argument is `bench`: the benchmarks' own executable).
func runPrecedent(_ args: [String]) throws -> PrecedentRun {
    var args = args
    var binary = try precedentBinary()
    if args.first == "bench" {
        args.removeFirst()
        binary = binary.deletingLastPathComponent().appendingPathComponent("precedent-bench")
    }
    let r = try Oracle.capture(binary, args)
    return PrecedentRun(status: r.status, stdout: r.output, stderr: r.errors)
}

/// Starts `precedent args` (output discarded), waits a random number of microseconds in
/// `delay`, and sends SIGKILL if it is still running. Returns whether it was killed.
func runPrecedentKilled(_ args: [String], after delay: ClosedRange<UInt32>, using random: inout SeededRandom) throws -> Bool {
    let p = Process()
    p.executableURL = try precedentBinary()
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    usleep(UInt32.random(in: delay, using: &random))
    let killed = p.isRunning
    if killed { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    return killed
}
