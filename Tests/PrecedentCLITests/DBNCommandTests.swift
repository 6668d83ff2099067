import Foundation
import PrecedentTestSupport
import Testing

/// The `precedent` executable on real files (built by `swift build --build-tests`).
@Suite struct DBNCommandTests {
    func precedent(_ args: [String]) throws -> PrecedentRun { try runPrecedent(args) }

    /// The cut ESH4 sample file is DBN v1 with 44,371 records, instrument 17077.
    @Test func infoJSONOnTheCMEFile() throws {
        let r = try precedent(["dbn", "info", "--json", Fixtures.path(Fixtures.cmeMBO)])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let info = try #require(files.first)
        #expect(info["version"] as? Int == 1)
        #expect(info["records"] as? Int == 44_371)
        #expect((info["records_by_rtype"] as? [String: Int])?["mbo"] == 44_371)
        let instruments = try #require(info["records_by_instrument"] as? [[String: Any]])
        #expect(instruments.count == 1)
        #expect(instruments.first?["instrument_id"] as? Int == 17077)
        #expect(instruments.first?["symbol"] as? String == "ESH4")
        #expect((info["anomalies"] as? [String: Any])?["error"] is NSNull)
    }

    @Test func truncatedFileIsSummarisedAndFails() throws {
        let cut = Oracle.temporaryPath(".dbn.zst")
        defer { try? FileManager.default.removeItem(atPath: cut) }
        try Data(try Fixtures.bytes(Fixtures.cmeMBO).prefix(100_000)).write(to: URL(fileURLWithPath: cut))
        let r = try precedent(["dbn", "info", "--json", cut])
        #expect(r.status == 1)
        let info = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])?.first)
        let records = try #require(info["records"] as? Int)
        #expect(records > 0 && records < 44_371, "the records before the cut are counted")
        let anomalies = try #require(info["anomalies"] as? [String: Any])
        #expect(anomalies["error_kind"] as? String == "truncated")
        #expect((anomalies["error"] as? String)?.contains(cut) == true, "the error names the file")
    }

    @Test func catLimitAndPretty() throws {
        let r = try precedent(["dbn", "cat", Fixtures.path(Fixtures.cmeMBO), "--limit", "3", "--pretty"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        // docs/BOOK.md: the file opens with snapshot adds stamped ts_recv 00:00:00 UTC.
        #expect(lines.allSatisfy { $0.contains(#""ts_recv":"2023-12-25T00:00:00.000000000Z""#) && $0.contains(#""action":"A""#) })
    }

    @Test func csvOfAMixedFileNeedsAnRType() throws {
        let live = Fixtures.path("dbn/databento-python/LIVE/test_data.live.dbn.zst")
        let bad = try precedent(["dbn", "cat", live, "--format", "csv"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--rtype"))
        let good = try precedent(["dbn", "cat", live, "--format", "csv", "--rtype", "symbol-mapping"])
        #expect(good.status == 0)
        let lines = good.stdout.split(separator: "\n")
        #expect(lines.first == "rtype,publisher_id,instrument_id,ts_event,stype_in,stype_in_symbol,stype_out,stype_out_symbol,start_ts,end_ts")
        #expect(lines.count == 21, "a header and the 20 symbol-mapping records dbn info counts")
    }

    @Test func dbzIsRejectedWithAClearMessage() throws {
        let r = try precedent(["dbn", "info", Fixtures.path("dbn/databento-dbn/test_data.mbo.dbz")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("DBZ") && r.stderr.contains("test_data.mbo.dbz"))
    }

    @Test func convertUpgradesToV3WithTheSameRecords() throws {
        let out = Oracle.temporaryPath(".dbn.zst")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let src = Fixtures.path("dbn/databento-dbn/test_data.definition.v1.dbn.zst")
        #expect(try precedent(["dbn", "convert", src, out]).status == 0)
        let a = try precedent(["dbn", "cat", src]), b = try precedent(["dbn", "cat", out])
        #expect(a.status == 0 && b.status == 0 && !a.stdout.isEmpty)
        #expect(a.stdout == b.stdout)
        let info = try precedent(["dbn", "info", "--json", out])
        #expect(info.stdout.contains(#""version":3"#))
    }

    @Test func fragmentNeedsItsVersion() throws {
        let frag = Fixtures.path("dbn/databento-dbn/test_data.definition.v1.dbn.frag")
        let without = try precedent(["dbn", "cat", frag])
        #expect(without.status != 0 && without.stderr.contains("--fragment-version"))
        let with = try precedent(["dbn", "cat", frag, "--fragment-version", "1"])
        #expect(with.status == 0 && !with.stdout.isEmpty)
    }
}
