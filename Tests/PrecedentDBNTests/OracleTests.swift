import Foundation
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Every field of every record and the metadata of every DBN sample file equal
/// the official `databento-dbn` package's decoding (done in `Tests/Oracle/dbn_oracle.py`).
@Suite struct OracleTests {
    @Test func fixturesArePresent() {
        #expect(Fixtures.dbnFiles.count > 100, "expected the DBN samples under \(Fixtures.dataDirectory.path)/dbn")
        #expect(Fixtures.dbnFiles.contains(Fixtures.cmeMBO))
    }

    @Test(arguments: Fixtures.dbnFiles)
    func matchesDatabentoDBN(_ file: String) throws {
        let ours = Oracle.temporaryPath(".jsonl")
        defer { try? FileManager.default.removeItem(atPath: ours) }
        try Oracle.precedentJSONL(file).write(toFile: ours, atomically: false, encoding: .utf8)
        var args = ["compare", Fixtures.path(file), ours]
        if let v = Fixtures.fragmentVersion(file) { args += ["--fragment-version", String(v)] }
        let result = try Oracle.run("dbn_oracle.py", args)
        #expect(result.status == 0, "\(result.output)")
    }
}
