import Foundation
import PrecedentCore
import PrecedentLake
import PrecedentTestSupport
import Testing

/// The Hive-partitioned lake written by `precedent lake write-dbn`.
@Suite struct LakeCommandTests {
    static let mboFiles = Fixtures.dbnFiles.filter { $0.hasPrefix("dbn/cme/") && $0.contains(".mbo.") }.map(Fixtures.path)

    func write(_ lake: String, _ extra: [String] = []) throws -> PrecedentRun {
        try runPrecedent(["lake", "write-dbn"] + Self.mboFiles + ["--lake", lake, "--table", "mbo"] + extra)
    }

    /// DuckDB `read_parquet('<lake>/**/*.parquet', hive_partitioning = true)` returns every
    /// row with its partition columns; counts and sums equal databento-dbn's decoding.
    @Test func duckDBReadsTheLakeWithItsPartitionColumns() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let r = try write(lake)
        #expect(r.status == 0, "\(r.stderr)")
        let check = try Oracle.run("parquet_oracle.py", ["lake-check", lake] + Self.mboFiles)
        #expect(check.status == 0, "\(check.output)")
        let l = Lake(root: lake)
        #expect(l.completePartitions(table: "mbo").count == 3)
        #expect(l.completePartitions(symbol: "ESH4", dates: CivilDate(year: 2023, month: 12, day: 25)...CivilDate(year: 2024, month: 1, day: 1)).count == 1)
        let m = try l.manifest(l.completePartitions(symbol: "ESM4")[0])
        #expect(m.rows == 13_796 && m.inputs.count == 1 && m.inputs[0].sha256.count == 64)
        // A second run skips every complete partition; --overwrite writes the same data bytes.
        let data = try Data(contentsOf: URL(fileURLWithPath: l.path(l.completePartitions(symbol: "ESM4")[0]) + "/" + Lake.dataFile))
        #expect(try write(lake).stderr.contains("0 partitions written, 3 already complete"))
        #expect(try write(lake, ["--overwrite"]).stderr.contains("3 partitions written"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: l.path(l.completePartitions(symbol: "ESM4")[0]) + "/" + Lake.dataFile)) == data)
    }

    /// SIGKILL at random moments never leaves a partition marked complete over
    /// incomplete data, nor a partially written `*.parquet` file.
    @Test func killedWriterNeverLeavesAPartitionLookingComplete() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        var rng = SeededRandom(seed: 7)
        var killedMidway = 0
        for round in 0..<25 {
            let args = ["lake", "write-dbn"] + Self.mboFiles + ["--lake", lake, "--table", "mbo", "--overwrite", "--row-group-size", "500"]
            if try runPrecedentKilled(args, after: 0...400_000, using: &rng) { killedMidway += 1 }
            try checkLake(lake, round: round)
        }
        #expect(killedMidway >= 5, "the kills must land while writing (\(killedMidway) of 25 did)")
        // Running to completion afterwards gives the full lake.
        #expect(try write(lake, ["--overwrite"]).status == 0)
        #expect(Lake(root: lake).completePartitions().count == 3)
        #expect(try Oracle.run("parquet_oracle.py", ["lake-check", lake] + Self.mboFiles).status == 0)
    }

    func checkLake(_ lake: String, round: Int) throws {
        let l = Lake(root: lake)
        for key in l.completePartitions() {
            let m = try l.manifest(key)
            let r = try ParquetReader(path: l.path(key) + "/" + Lake.dataFile)
            #expect(r.rowCount == m.rows, "round \(round): \(key) is marked complete but holds \(r.rowCount) of \(m.rows) rows")
        }
        // Every file a *.parquet glob can see is a whole Parquet file.
        let walker = FileManager.default.enumerator(atPath: lake)
        while let f = walker?.nextObject() as? String {
            guard f.hasSuffix(".parquet") else { continue }
            #expect(throws: Never.self, "round \(round): \(f) is not a complete Parquet file") {
                _ = try ParquetReader(path: lake + "/" + f).readAll()
            }
        }
    }
}
