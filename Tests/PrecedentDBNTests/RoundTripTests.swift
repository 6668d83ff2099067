import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// Decode → encode (v3) → decode gives identical records and metadata for
/// every sample file; for v3 input the encoded bytes equal the original stream.
@Suite struct RoundTripTests {
    @Test(arguments: Fixtures.dbnFiles)
    func decodeEncodeDecode(_ file: String) throws {
        // Record counts are pinned by OracleTests (the ohlcv-1d samples hold metadata only).
        let (metadata, records) = try Fixtures.records(file)
        for compression in [DBNFileWriter.Compression.none, .zstd(level: 3)] {
            let out = Oracle.temporaryPath(".dbn")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let writer = try DBNFileWriter(path: out, metadata: metadata, compression: compression,
                                           tsOut: metadata?.tsOut ?? false)
            for (r, ts) in records { try writer.write(r, tsOut: ts) }
            try writer.finish()

            let again = try DBNFileReader(path: out, fragment: metadata == nil ? (3, false) : nil)
            var decoded: [DBNRecord] = []
            try again.forEachRecord { ref in if let r = try ref.decode() { decoded.append(r) } }
            #expect(decoded == records.map(\.0), "\(file) records differ after a round trip (\(compression))")
            #expect(again.version == 3)
            if var expected = metadata {
                // Writing is always DBN v3: the version and symbol width change, nothing else.
                expected.version = 3
                expected.symbolCstrLen = Metadata.symbolCstrLenV3
                #expect(again.metadata == expected, "\(file) metadata differs after a round trip")
            }
        }
    }

    /// v3 files: our raw encoding is byte-identical to the original stream.
    @Test(arguments: Fixtures.dbnFiles.filter { f in
        (try? Fixtures.reader(f).version) == 3
    })
    func v3BytesIdentical(_ file: String) throws {
        let original = try Fixtures.decompressedStream(file)
        let (metadata, records) = try Fixtures.records(file)
        var bytes = try metadata?.encodedV3() ?? []
        let encoder = DBNEncoder(tsOut: metadata?.tsOut ?? false)
        for (r, ts) in records { try encoder.encode(r, tsOut: ts, into: &bytes) }
        #expect(bytes.count == original.count, "\(file): \(bytes.count) bytes written, original has \(original.count)")
        if let i = zip(bytes, original).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("\(file): first differing byte at offset \(i)")
        }
    }
}
