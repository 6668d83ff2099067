import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Damaged input gives a typed error that says where, and loses no record before it.
@Suite struct CorruptInputTests {
    /// The raw v3 MBO sample: metadata then 56-byte records.
    static let file = "dbn/databento-dbn/test_data.mbo.v3.dbn"

    func decode(_ bytes: [UInt8]) -> (records: Int, error: DBNError?) {
        var n = 0
        do {
            let reader = try DBNFileReader(bytes: bytes, name: "damaged.dbn")
            try reader.forEachRecord { ref in _ = try ref.decode(); n += 1 }
            return (n, nil)
        } catch let e as DBNError {
            return (n, e)
        } catch {
            Issue.record("untyped error \(error)")
            return (n, nil)
        }
    }

    /// Offset of the first record: 8-byte prelude + metadata length (u32 LE at 4).
    func firstRecordOffset(_ b: [UInt8]) -> Int {
        8 + Int(b[4]) | Int(b[5]) << 8 | Int(b[6]) << 16
    }

    @Test func recordLengthBelowHeader() throws {
        var b = try Fixtures.bytes(Self.file)
        let second = firstRecordOffset(b) + 56
        b[second] = 3  // 12 bytes: shorter than a record header
        let (n, e) = decode(b)
        #expect(n == 1, "the record before the damage is delivered")
        #expect(e?.kind == .corruptRecord)
        #expect(e?.byteOffset == second)
        #expect(e?.recordIndex == 1)
        #expect(e?.file == "damaged.dbn")
    }

    @Test func recordShorterThanItsLayout() throws {
        var b = try Fixtures.bytes(Self.file)
        let first = firstRecordOffset(b)
        b[first] = 8  // 32 bytes, but an MBO record is 56
        let (n, e) = decode(b)
        #expect(n == 0)
        #expect(e?.kind == .corruptRecord)
        #expect(e?.description.contains("mbo") == true)
        #expect(e?.recordIndex == 0)
    }

    @Test func unknownRTypeIsSkippedAndCounted() throws {
        var b = try Fixtures.bytes(Self.file)
        b[firstRecordOffset(b) + 1] = 0x7E  // an rtype nobody defines
        let reader = try DBNFileReader(bytes: b)
        var delivered = 0
        try reader.forEachRecord { _ in delivered += 1 }
        #expect(reader.unknownRecords == [0x7E: 1])
        #expect(delivered == reader.recordCount - 1)
    }

    @Test func headerDamage() throws {
        let good = try Fixtures.bytes(Self.file)
        var badMagic = good; badMagic[0] = UInt8(ascii: "X")
        #expect(decode(badMagic).error?.kind == .invalidHeader)
        var future = good; future[3] = 9
        #expect(decode(future).error?.kind == .unsupportedVersion)
        var zero = good; zero[3] = 0
        #expect(decode(zero).error?.kind == .unsupportedVersion)
        var shortMetadata = good; shortMetadata[4] = 10; shortMetadata[5] = 0
        #expect(decode(shortMetadata).error?.kind == .invalidHeader)
        #expect(decode([]).error?.kind == .truncated)
    }

    @Test func metadataCountsPastTheEnd() throws {
        var b = try Fixtures.bytes(Self.file)
        // symbols count (u32 at file offset 112) far beyond the metadata.
        b[112] = 0xFF; b[113] = 0xFF
        let e = decode(b).error
        #expect(e?.kind == .invalidMetadata)
        #expect(e?.byteOffset == 116)
    }

    @Test func corruptZstd() throws {
        var b = try Fixtures.bytes("dbn/databento-dbn/test_data.mbo.v3.dbn.zst")
        for i in 20..<b.count - 4 { b[i] ^= 0x5A }
        let e = decode(b).error
        #expect(e?.kind == .zstd, "\(String(describing: e))")
        #expect(e?.description.contains("damaged.dbn") == true)
    }
}
