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
/// - a batch: ‖q‖² + ‖x‖² − 2 q·x with the dot products from OpenBLAS `sgemm`
///   (blocks of 4,096 vectors), as FAISS does for 20 or more queries.
/// Results are sorted by distance, ties by smaller index. Distances are
/// clamped at 0 (the batch formula can round below).
public struct FlatL2Index: Sendable {
    public let dimension: Int
    public private(set) var count = 0
    /// Row-major vectors, `count × dimension`.
    public private(set) var vectors: [Float] = []
    /// ‖x‖² per vector.
    public private(set) var norms: [Float] = []

    public init(dimension: Int) {
        precondition(dimension > 0)
        self.dimension = dimension
    }

    /// Adds vectors given row-major (`values.count` a multiple of `dimension`).
    public mutating func add(_ values: [Float]) {
        precondition(values.count % dimension == 0, "vectors must have \(dimension) components")
        vectors += values
        let n = values.count / dimension
        values.withUnsafeBufferPointer { v in
            for i in 0..<n { norms.append(Self.dot(v.baseAddress! + i * dimension, v.baseAddress! + i * dimension, dimension)) }
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
            vectors.withUnsafeBufferPointer { v in
                for i in 0..<count {
                    top.insert(Self.squaredDistance(q.baseAddress!, v.baseAddress! + i * dimension, dimension), i)
                }
            }
        }
        return top.sorted()
    }

    /// The `k` nearest vectors to each of `queryCount` queries given row-major (OpenBLAS).
    public func search(batch queries: [Float], queryCount m: Int, k: Int) -> [[Neighbour]] {
        precondition(queries.count == m * dimension)
        guard count > 0, m > 0 else { return Array(repeating: [], count: m) }
        var tops = (0..<m).map { _ in TopK(k: min(k, count)) }
        var qNorms = [Float](repeating: 0, count: m)
        queries.withUnsafeBufferPointer { q in
            for j in 0..<m { qNorms[j] = Self.dot(q.baseAddress! + j * dimension, q.baseAddress! + j * dimension, dimension) }
        }
        let block = 4096
        var products = [Float](repeating: 0, count: m * min(block, count))
        var start = 0
        while start < count {
            let n = min(block, count - start)
            queries.withUnsafeBufferPointer { q in
                vectors.withUnsafeBufferPointer { v in
                    products.withUnsafeMutableBufferPointer { p in
                        // P (m × n) = Q (m × d) · Xᵀ (d × n), row-major.
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(dimension),
                                    1, q.baseAddress, Int32(dimension), v.baseAddress! + start * dimension, Int32(dimension),
                                    0, p.baseAddress, Int32(n))
                    }
                }
            }
            products.withUnsafeBufferPointer { p in
                for j in 0..<m {
                    let row = p.baseAddress! + j * n
                    for i in 0..<n {
                        let d = max(0, qNorms[j] + norms[start + i] - 2 * row[i])
                        tops[j].insert(d, start + i)
                    }
                }
            }
            start += n
        }
        return tops.map { $0.sorted() }
    }
}

/// The k smallest (distance, index) pairs seen, ties to the smaller index.
struct TopK {
    let k: Int
    private var heap: [(Float, Int)] = []  // max-heap by (distance, index)

    init(k: Int) { self.k = k; heap.reserveCapacity(k) }

    @inline(__always) static func worse(_ a: (Float, Int), _ b: (Float, Int)) -> Bool { a.0 > b.0 || (a.0 == b.0 && a.1 > b.1) }

    @inline(__always) mutating func insert(_ d: Float, _ i: Int) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append((d, i))
            var c = heap.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard Self.worse(heap[c], heap[p]) else { break }
                heap.swapAt(c, p); c = p
            }
        } else if Self.worse(heap[0], (d, i)) {
            heap[0] = (d, i)
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < heap.count && Self.worse(heap[l], heap[m]) { m = l }
                if r < heap.count && Self.worse(heap[r], heap[m]) { m = r }
                if m == p { break }
                heap.swapAt(p, m); p = m
            }
        }
    }

    func sorted() -> [Neighbour] {
        heap.sorted { Self.worse($1, $0) }.map { Neighbour(index: $0.1, distance: $0.0) }
    }
}
