import Foundation
import PrecedentFeatures
import PrecedentLake
import PrecedentRetrieval
import PrecedentSetups
import PrecedentTestSupport
import Testing

/// Precedent's exact k-NN against faiss-cpu `IndexFlatL2` on real vectors: every
/// silver row of the sample lake (both frames' 160 base quantities), robust-z
/// normalised as queries normalise them.
@Suite struct KNNOracleTests {
    static func silverVectors() throws -> [[Double]] {
        let lake = SampleLake.shared
        var out: [[Double]] = []
        for key in Lake(root: lake).completePartitions(layer: "silver", table: "level_vacuum_5s") {
            let t = try silverTable(lake, key)
            let names = VacuumZones.frameNames.flatMap { f in VacuumZones.zoneNames.flatMap { z in
                VacuumZones.sideNames.flatMap { s in VacuumZones.quantityNames.map { "\(f)_\(z)_\(s)_\($0)" } } } }
            let cols = names.map { ints(t[$0]) }
            guard let n = cols.first?.count, n > 0 else { continue }
            for i in 0..<n { out.append(cols.map { Double($0[i]) }) }
        }
        return out
    }

    static func write(_ v: [Float], _ path: String) throws {
        try v.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
    }

    @Test func neighboursEqualFaissIndexFlatL2() throws {
        let raw = try Self.silverVectors()
        try #require(raw.count == 4_560)
        let scaler = RobustScaler(fit: raw)
        let vectors = raw.map(scaler.transform)
        // The comparison means something only if the vectors differ (sparse counts once normalised to all zeros).
        #expect(Set(vectors.map { $0.map(\.bitPattern) }).count > 1_000)
        let d = vectors[0].count, k = 50
        let queries = stride(from: 0, to: vectors.count, by: 71).map { vectors[$0] }  // 65 real rows as queries
        let vPath = Oracle.temporaryPath(".f32"), qPath = Oracle.temporaryPath(".f32")
        defer { for p in [vPath, qPath] { try? FileManager.default.removeItem(atPath: p) } }
        try Self.write(vectors.flatMap { $0 }, vPath)
        try Self.write(queries.flatMap { $0 }, qPath)
        let r = try Oracle.run("knn_oracle.py", [vPath, String(vectors.count), String(d), qPath, String(queries.count), String(k)])
        try #require(r.status == 0, "\(r.output)")
        struct Faiss: Decodable { var I: [[Int]]; var D: [[Float]] }
        let faiss = try JSONDecoder().decode(Faiss.self, from: Data(r.output.utf8))

        var index = FlatL2Index(dimension: d)
        index.add(vectors.flatMap { $0 })
        // 4,560 vectors: both searches bound distances by principal components (FlatL2Index).
        try #require(index.pruningComponents != nil)
        FlatL2Index.useOneThread()
        let batch = index.search(batch: queries.flatMap { $0 }, queryCount: queries.count, k: k)
        var tiesSeen = 0
        for (j, q) in queries.enumerated() {
            let single = index.search(q, k: k)
            for (name, mine) in [("single", single), ("batch", batch[j])] {
                #expect(mine.count == k)
                for i in 0..<k {
                    let a = mine[i], fd = faiss.D[j][i], fi = faiss.I[j][i]
                    #expect(abs(a.distance - fd) <= 1e-3 * max(1, fd), "\(name) query \(j) rank \(i): \(a.distance) vs faiss \(fd)")
                    if a.index != fi {
                        // Allowed only inside ties: faiss's vector must be exactly as far from the query as ours.
                        let theirs = zip(vectors[fi], q).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                        #expect(abs(theirs - a.distance) <= 1e-3 * max(1, fd),
                                "\(name) query \(j) rank \(i): index \(a.index) (\(a.distance)) vs faiss \(fi) (\(theirs))")
                        tiesSeen += 1
                    }
                }
            }
        }
        // Real rows repeat (quiet windows): ties do occur; record that the check met them.
        print("k-NN vs faiss: \(queries.count) queries × \(k), \(tiesSeen) positions differing only inside ties")
    }

    /// The principal-component bounds only skip work: on the real vectors, every query's
    /// neighbours and distances equal those of the plain scan of every vector, for all k up to 200.
    @Test func boundedSearchEqualsPlainScan() throws {
        let raw = try Self.silverVectors()
        let scaler = RobustScaler(fit: raw)
        let vectors = raw.map(scaler.transform)
        let d = vectors[0].count
        var bounded = FlatL2Index(dimension: d), plain = FlatL2Index(dimension: d, pruning: false)
        bounded.add(vectors.flatMap { $0 })
        plain.add(vectors.flatMap { $0 })
        let components = try #require(bounded.pruningComponents)
        #expect(components.count < d && plain.pruningComponents == nil)
        let queries = stride(from: 3, to: vectors.count, by: 37).map { vectors[$0] }
            + [vectors[0].map { $0 + 0.5 }, vectors[1].map { -$0 }, [Float](repeating: 0, count: d)]  // off the data, too
        for k in [1, 10, 50, 200] {
            let batch = bounded.search(batch: queries.flatMap { $0 }, queryCount: queries.count, k: k)
            for (j, q) in queries.enumerated() {
                let expected = plain.search(q, k: k)
                #expect(bounded.search(q, k: k) == expected, "single query \(j), k \(k)")
                #expect(batch[j] == expected, "batch query \(j), k \(k)")
            }
        }
    }
}
