import Foundation
import PrecedentTestSupport
import Testing

/// What one run of the `precedent` executable printed.
struct PrecedentRun { var status: Int32; var stdout: String; var stderr: String }

/// Runs the `precedent` executable built by `swift build --build-tests`.
func runPrecedent(_ args: [String]) throws -> PrecedentRun {
    let binary = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/precedent")
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the precedent product first")
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return PrecedentRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                        stderr: String(decoding: e, as: UTF8.self))
}
