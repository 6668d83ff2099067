import Foundation
import PrecedentDBN

/// Runs the Python reference implementations in `Tests/Oracle` (installed by
/// `.ci/run`: `databento-dbn`, numpy).
public enum Oracle {
    public struct Result: Sendable { public var status: Int32; public var output: String }

    /// Runs `python3 Tests/Oracle/<script> <arguments>` and captures stdout+stderr.
    public static func run(_ script: String, _ arguments: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Fixtures.repositoryRoot.appendingPathComponent("Tests/Oracle/\(script)").path] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Runs `python3 <script> <arguments>` (`script` relative to the repository) and captures its
    /// standard output and standard error apart: the checks in Tests/Browser and Tests/Cluster print
    /// one JSON line of findings on standard output.
    public static func check(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        try capture(URL(fileURLWithPath: "/usr/bin/env"), ["python3", Fixtures.repositoryRoot.appendingPathComponent(script).path] + arguments)
    }

    /// Runs `executable arguments` (with `environment`, else this process's) to its end and returns
    /// its exit status, standard output and standard error, read apart: standard error is drained on
    /// its own thread, so that neither pipe fills while the other is read.
    public static func capture(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws
        -> (status: Int32, output: String, errors: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        nonisolated(unsafe) var errors = Data()
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            errors = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    /// Precedent's decoding of a fixture in the oracle's comparison format:
    /// a metadata line, then `dbn cat --format jsonl` lines.
    public static func precedentJSONL(_ relative: String) throws -> String {
        let reader = try Fixtures.reader(relative)
        var lines = ["{\"metadata\":" + (reader.metadata?.json ?? "null") + "}"]
        var formatter = RecordTextFormatter(format: .jsonl)
        try reader.forEachRecord { ref in
            if let r = try ref.decode() { lines.append(formatter.line(for: r, tsOut: ref.tsOut)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fresh temporary file path.
    public static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("precedent-\(UUID().uuidString)\(suffix)").path
    }
}
