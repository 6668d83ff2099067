import PrecedentRetrieval
import Testing

/// Hand-built vectors where the principal-component bounds are easy to get wrong: exact
/// duplicates (ties at distance 0 beyond k), ties at a positive distance, and vectors that
/// differ only in the components the bounds leave out. The expected neighbours come from a
/// direct loop over every vector in this file, not from the index.
@Suite struct BoundedSearchTests {
    /// Every vector's distance Σ (v − q)², sorted, ties by smaller index. The vectors and queries
    /// hold multiples of 0.5, so every distance is exact in float and ties are true ties.
    static func bruteForce(_ vectors: [[Float]], _ q: [Float], k: Int) -> [Int] {
        let d = vectors.map { v in zip(v, q).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        return d.indices.sorted { d[$0] < d[$1] || (d[$0] == d[$1] && $0 < $1) }.prefix(k).map { $0 }
    }

    /// 64 components; vectors are integer combinations of 4 directions (so the variance sits in
    /// 4 principal components), with every vector repeated 3 times and some perturbed by ±1 in one
    /// of the other 60 components, which the bounds' leading components do not see.
    static func vectors() -> [[Float]] {
        let d = 64
        var out: [[Float]] = []
        for a in -6...6 { for b in -6...6 { for c in -3...3 {
            var v = [Float](repeating: 0, count: d)
            for t in 0..<d {
                v[t] = Float(a) * Float(t % 4 == 0 ? 1 : 0) + Float(b) * Float(t % 4 == 1 ? 1 : 0) + Float(c) * Float(t % 4 == 2 ? 1 : 0)
            }
            for copy in 0..<3 {
                var u = v
                if copy == 2 && (a + b + c) % 2 == 0 { u[3 + 4 * ((a + 6) % 15)] += 1 }  // off the main directions
                out.append(u)
            }
        } } }
        return out
    }

    @Test func boundsFindTheSameNeighboursAsAFullLoop() throws {
        let vectors = Self.vectors()
        #expect(vectors.count == 3_549)
        var index = FlatL2Index(dimension: 64)
        index.add(vectors.flatMap { $0 })
        let components = try #require(index.pruningComponents, "the vectors are low-rank: the index should bound them")
        #expect(components.count == 16 && components.varianceShare > 0.99)
        // Queries on vectors (ties at 0 beyond k), between them, and off every direction.
        var queries = [vectors[0], vectors[1_000], vectors[2_002], vectors[3_548]]
        queries.append(vectors[500].map { $0 + 0.5 })
        queries.append((0..<64).map { Float($0 % 4 == 3 ? 2 : 0) })
        queries.append((0..<64).map { Float($0 % 4 == 0 ? 7 : ($0 == 63 ? 3 : 0)) })
        for k in [1, 2, 3, 5, 50, 400] {
            let batch = index.search(batch: queries.flatMap { $0 }, queryCount: queries.count, k: k)
            for (j, q) in queries.enumerated() {
                let expected = Self.bruteForce(vectors, q, k: k)
                #expect(index.search(q, k: k).map(\.index) == expected, "single query \(j), k \(k)")
                #expect(batch[j].map(\.index) == expected, "batch query \(j), k \(k)")
            }
        }
    }

    /// Identical vectors have no variance to bound with: the index scans them whole.
    @Test func noBoundsWithoutVariance() {
        var index = FlatL2Index(dimension: 32)
        index.add([Float](repeating: 1.5, count: 32 * 3_000))
        #expect(index.pruningComponents == nil)
        #expect(index.search([Float](repeating: 1.5, count: 32), k: 3).map(\.index) == [0, 1, 2])
    }
}
