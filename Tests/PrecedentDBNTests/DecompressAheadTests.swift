import Foundation
import PrecedentDBN
import PrecedentTestSupport
import Testing

/// `DBNFileReader(path:decompressAhead:)` must deliver exactly what the plain reader
/// delivers — records, metadata, and the same error after the same prefix.
@Suite struct DecompressAheadTests {
    func records(_ path: String, ahead: Bool) -> (Metadata?, [DBNRecord], DBNError.Kind?) {
        var out: [DBNRecord] = []
        var metadata: Metadata?
        do {
            let reader = ahead ? try DBNFileReader(path: path, decompressAhead: true) : try DBNFileReader(path: path)
            metadata = reader.metadata
            try reader.forEachRecord { if let r = try $0.decode() { out.append(r) } }
            return (metadata, out, nil)
        } catch let e as DBNError { return (metadata, out, e.kind) } catch { return (metadata, out, nil) }
    }

    @Test func everyZstdSampleDecodesTheSame() throws {
        let files = Fixtures.dbnFiles.filter { $0.hasSuffix(".zst") && Fixtures.fragmentVersion($0) == nil }
        #expect(files.count > 60)
        for f in files {
            let a = records(Fixtures.path(f), ahead: false), b = records(Fixtures.path(f), ahead: true)
            #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2, "\(f)")
        }
    }

    @Test(arguments: [5, 4_099, 100_000, 300_000, 560_000])
    func truncatedFilesDeliverThePrefixThenTheSameError(cut: Int) throws {
        let path = Oracle.temporaryPath(".dbn.zst")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try Fixtures.bytes(Fixtures.cmeMBO).prefix(cut)).write(to: URL(fileURLWithPath: path))
        let a = records(path, ahead: false), b = records(path, ahead: true)
        #expect(a.2 != nil && a.2 == b.2, "cut \(cut): \(String(describing: a.2)) vs \(String(describing: b.2))")
        #expect(a.1 == b.1)
    }
}
