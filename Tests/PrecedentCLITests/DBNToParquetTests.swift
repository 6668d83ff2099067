import Foundation
import PrecedentTestSupport
import Testing

/// `precedent dbn to-parquet`: every table, read by pyarrow, equals the
/// official databento-dbn decoding of the DBN file, field by field.
@Suite struct DBNToParquetTests {
    static let files = [
        Fixtures.cmeMBO,
        "dbn/cme/futures_definition.dbn.zst",
        "dbn/cme/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst",
        "dbn/cme/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst",
        "dbn/databento-python/LIVE/test_data.live.dbn.zst",
        "dbn/databento-dbn/test_data.definition.v1.dbn.zst",
        "dbn/databento-dbn/test_data.mbp-10.v3.dbn.zst",
        "dbn/databento-dbn/test_data.imbalance.v3.dbn.zst",
        "dbn/databento-dbn/test_data.status.v3.dbn.zst",
        "dbn/databento-dbn/test_data.cbbo-1s.v3.dbn.zst",
    ]

    @Test(arguments: files)
    func tablesEqualDatabentoDBN(_ file: String) throws {
        let out = Oracle.temporaryPath("-parquet")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try runPrecedent(["dbn", "to-parquet", Fixtures.path(file), "--out", out, "--row-group-size", "5000"])
        #expect(r.status == 0, "\(r.stderr)")
        let tables = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".parquet") }
        #expect(!tables.isEmpty)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: out)).contains { $0.contains(".partial") })
        for t in tables {
            let c = try Oracle.run("parquet_oracle.py", ["dbn-compare", out + "/" + t, Fixtures.path(file)])
            #expect(c.status == 0, "\(t): \(c.output)")
            // The documented schema files describe exactly the table's columns.
            let base = out + "/" + t.dropLast(".parquet".count)
            let s = try Oracle.run("parquet_oracle.py", ["schema-check", out + "/" + t, base + ".avsc", base + ".bigquery.json"])
            #expect(s.status == 0, "\(t): \(s.output)")
        }
    }
}
