import Foundation
import PrecedentDBN
import PrecedentTestSupport
import Testing

@Suite struct MBOPrefetchReaderTests {
    func plain(_ path: String) throws -> ([(Int, MBOMsg)], DBNError?) {
        var out: [(Int, MBOMsg)] = []
        do {
            try DBNFileReader(path: path).forEachRecord { ref in if let m = ref.mbo { out.append((ref.index, m)) } }
            return (out, nil)
        } catch let e as DBNError { return (out, e) }
    }

    func prefetched(_ path: String, batchSize: Int) throws -> ([(Int, MBOMsg)], DBNError?) {
        var out: [(Int, MBOMsg)] = []
        do {
            try MBOPrefetchReader(path: path, batchSize: batchSize, depth: 2).forEachBatch { batch in out.append(contentsOf: batch.map { ($0.index, $0.record) }) }
            return (out, nil)
        } catch let e as DBNError { return (out, e) }
    }

    @Test(arguments: [1, 7, 1024])
    func sameRecordsAsTheFileReader(batchSize: Int) throws {
        let path = Fixtures.path(Fixtures.cmeMBO)
        let (a, _) = try plain(path)
        let (b, e) = try prefetched(path, batchSize: batchSize)
        #expect(e == nil)
        #expect(a.count == 44_371 && a.count == b.count)
        #expect(zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
    }

    @Test func truncationDeliversThePrefixThenThrows() throws {
        let cut = Oracle.temporaryPath(".dbn.zst")
        defer { try? FileManager.default.removeItem(atPath: cut) }
        try Data(try Fixtures.bytes(Fixtures.cmeMBO).prefix(200_000)).write(to: URL(fileURLWithPath: cut))
        let (a, ea) = try plain(cut)
        let (b, eb) = try prefetched(cut, batchSize: 100)
        #expect(ea?.kind == .truncated && eb?.kind == .truncated)
        #expect(!a.isEmpty && a.count == b.count)
        #expect(zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
    }

    @Test func stoppingEarlyEndsTheProducer() throws {
        struct Enough: Error {}
        var seen = 0
        #expect(throws: Enough.self) {
            try MBOPrefetchReader(path: Fixtures.path(Fixtures.cmeMBO), batchSize: 10, depth: 2).forEachBatch { batch in
                seen += batch.count
                if seen >= 50 { throw Enough() }
            }
        }
        #expect(seen == 50)
    }
}
