import COpenBLAS

/// One neighbour: position in the index and squared L2 distance.
public struct Neighbour: Sendable, Equatable {
    public var index: Int
    public var distance: Float
    public init(index: Int, distance: Float) { self.index = index; self.distance = distance }
}

/// Exact k-nearest-neighbour search by squared L2 distance over float32
/// vectors stored row-major, as FAISS `IndexFlatL2`:
/// - one query: a SIMD scan, distance Σ (q − x)² per vector;
/// - a batch: OpenBLAS `sgemm` of the queries as `[−2q, 1]` against the vectors
///   stored as `[x, ‖x‖²]` (blocks of 4,096 vectors), which gives ‖x‖² − 2 q·x
///   directly — the distance less ‖q‖², the same order — so collecting the top k
///   is one comparison per product; ‖q‖² is added to the k found.
/// Results are sorted by distance, ties by smaller index. Distances are
/// clamped at 0 (the batch formula can round below).
public struct FlatL2Index: Sendable {
    public let dimension: Int
    public private(set) var count = 0
    /// Row-major `[x, ‖x‖²]` per vector (`dimension + 1` wide): the vectors for single queries,
    /// and vectors and norms together for batches.
    private var withNorms: [Float] = []

    public init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    /// Adds vectors given row-major (`values.count` a multiple of `dimension`).
    public mutating func add(_ values: [Float]) {
        precondition(values.count % dimension == 0, "vectors must have \(dimension) components")
        let n = values.count / dimension
        values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                let norm = Self.dot(v.baseAddress! + i * dimension, v.baseAddress! + i * dimension, dimension)
                withNorms.append(contentsOf: UnsafeBufferPointer(start: v.baseAddress! + i * dimension, count: dimension))
                withNorms.append(norm)
            }
        }
        count += n
    }

    /// Uses one OpenBLAS thread (single-threaded figures; the pipeline parallelises elsewhere).
    public static func useOneThread() { openblas_set_num_threads(1) }

    @inline(__always) static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD16<Float>(), i = 0
        while i + 16 <= d {
            acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var s = acc.sum()
        while i < d { s += a[i] * b[i]; i += 1 }
        return s
    }

    @inline(__always) static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD16<Float>(), i = 0
        while i + 16 <= d {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self) - UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            acc += x * x
            i += 16
        }
        var s = acc.sum()
        while i < d { let x = a[i] - b[i]; s += x * x; i += 1 }
        return s
    }

    /// The `k` nearest vectors to `query` (SIMD scan).
    public func search(_ query: [Float], k: Int) -> [Neighbour] {
        precondition(query.count == dimension)
        var top = TopK(k: min(k, count))
        query.withUnsafeBufferPointer { q in
            withNorms.withUnsafeBufferPointer { v in
                for i in 0..<count {
                    top.insert(Self.squaredDistance(q.baseAddress!, v.baseAddress! + i * (dimension + 1), dimension), i)
                }
            }
        }
        return top.sorted()
    }

    /// The `k` nearest vectors to each of `queryCount` queries given row-major (OpenBLAS).
    public func search(batch queries: [Float], queryCount m: Int, k: Int) -> [[Neighbour]] {
        precondition(queries.count == m * dimension)
        guard count > 0, m > 0 else { return Array(repeating: [], count: m) }
        let d = dimension, w = d + 1
        // Queries as [−2q, 1] against vectors stored as [x, ‖x‖²]: one sgemm gives
        // ‖x‖² − 2 q·x, which orders the vectors as the distance does; ‖q‖² is added at the end.
        var augmented = [Float](repeating: 1, count: m * w)
        var qNorms = [Float](repeating: 0, count: m)
        queries.withUnsafeBufferPointer { q in
            for j in 0..<m {
                qNorms[j] = Self.dot(q.baseAddress! + j * d, q.baseAddress! + j * d, d)
                for t in 0..<d { augmented[j * w + t] = -2 * q[j * d + t] }
            }
        }
        var tops = (0..<m).map { _ in TopK(k: min(k, count)) }
        let block = 4096
        // sgemm overwrites every product it uses (beta = 0): no need to zero the buffer.
        let capacity = m * min(block, count)
        var products = [Float](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
        var start = 0
        while start < count {
            let n = min(block, count - start)
            augmented.withUnsafeBufferPointer { q in
                withNorms.withUnsafeBufferPointer { v in
                    products.withUnsafeMutableBufferPointer { p in
                        // P (m × n) = Q' (m × w) · X'ᵀ (w × n), row-major.
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(w),
                                    1, q.baseAddress, Int32(w), v.baseAddress! + start * w, Int32(w),
                                    0, p.baseAddress, Int32(n))
                    }
                }
            }
            products.withUnsafeBufferPointer { p in
                for j in 0..<m {
                    let row = p.baseAddress! + j * n
                    var threshold = tops[j].threshold
                    for i in 0..<n where row[i] < threshold {
                        tops[j].insert(row[i], start + i)
                        threshold = tops[j].threshold
                    }
                }
            }
            start += n
        }
        return tops.enumerated().map { j, top in
            top.sorted().map { Neighbour(index: $0.index, distance: max(0, $0.distance + qNorms[j])) }
        }
    }

}

/// The k smallest (distance, index) pairs seen, ties to the smaller index: a
/// max-heap in two parallel arrays, with the current worst distance cached so
/// that the common case (a vector farther than the k-th) costs one comparison.
struct TopK {
    let k: Int
    private var distances: [Float] = []
    private var indices: [Int] = []
    /// The k-th distance once full (+∞ before).
    private(set) var threshold = Float.infinity

    init(k: Int) {
        self.k = k
        distances.reserveCapacity(k)
        indices.reserveCapacity(k)
    }

    @inline(__always) private func worse(_ a: Int, _ b: Int) -> Bool {
        distances[a] > distances[b] || (distances[a] == distances[b] && indices[a] > indices[b])
    }

    /// Offers vector `i` at distance `d`. Vectors must be offered in increasing index
    /// order: then a distance equal to the k-th never displaces it (ties keep the smaller index).
    @inline(__always) mutating func insert(_ d: Float, _ i: Int) {
        guard d < threshold || distances.count < k else { return }
        insertSlow(d, i)
    }

    private mutating func insertSlow(_ d: Float, _ i: Int) {
        guard k > 0 else { return }
        if distances.count < k {
            distances.append(d); indices.append(i)
            var c = distances.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard worse(c, p) else { break }
                distances.swapAt(c, p); indices.swapAt(c, p); c = p
            }
            if distances.count == k { threshold = distances[0] }
            return
        }
        // Equal to the worst: keep the smaller index.
        if d == distances[0] && i > indices[0] { return }
        distances[0] = d; indices[0] = i
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < k && worse(l, m) { m = l }
            if r < k && worse(r, m) { m = r }
            if m == p { break }
            distances.swapAt(p, m); indices.swapAt(p, m); p = m
        }
        threshold = distances[0]
    }

    func sorted() -> [Neighbour] {
        zip(distances, indices).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.map { Neighbour(index: $0.1, distance: $0.0) }
    }
}
