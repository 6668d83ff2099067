import COpenBLAS
import CPrefetch

/// One neighbour: position in the index and squared L2 distance.
public struct Neighbour: Sendable, Equatable {
    public var index: Int
    public var distance: Float
    public init(index: Int, distance: Float) { self.index = index; self.distance = distance }
}

/// Exact k-nearest-neighbour search by squared L2 distance over float32
/// vectors stored row-major, with the results of FAISS `IndexFlatL2`:
/// - one query: a SIMD scan, distance Σ (q − x)² per vector;
/// - a batch: OpenBLAS `sgemm` of the queries as `[−2q, 1]` against the vectors
///   stored as `[x, ‖x‖²]` (blocks of 4,096 vectors), which gives ‖x‖² − 2 q·x
///   directly — the distance less ‖q‖², the same order — so collecting the top k
///   is one comparison per product; ‖q‖² is added to the k found.
///
/// With `pruning` (the default), at least `pruningMinimum` vectors and a variance
/// concentrated enough (`PrincipalPrefix`), both searches instead bound every
/// distance from below by the leading principal components (`sgemv` for one
/// query, `sgemm` for a batch, over m + 1 of the d + 1 columns: 49 of 161 for
/// the silver vectors), refine the bound of the few vectors it does not exclude
/// with the next components, and compute the exact distance Σ (q − x)² only of
/// those still not excluded (`collect`). The neighbours are the same as the
/// plain scan's, ties included; batch distances are then the direct sums too.
/// `k ≥ count / 8` falls back to the plain scan.
///
/// Results are sorted by distance, ties by smaller index. Distances are
/// clamped at 0 (the batch formula can round below).
public struct FlatL2Index: Sendable {
    public let dimension: Int
    public private(set) var count = 0
    /// Row-major `[x, ‖x‖²]` per vector (`dimension + 1` wide): the vectors for single queries,
    /// and vectors and norms together for batches.
    private var withNorms: [Float] = []
    /// Whether to fit principal-component lower bounds once there are `pruningMinimum` vectors.
    public let pruning: Bool
    private var prefix: PrincipalPrefix?
    /// Below this many vectors a plain scan is as fast as any pruning.
    public static let pruningMinimum = 2_048

    public init(dimension: Int, pruning: Bool = true) {
        precondition(dimension > 0)
        self.dimension = dimension
        self.pruning = pruning
    }

    /// The number of leading principal components the searches bound distances with
    /// and the share of the variance they hold, or nil when searches scan every vector whole.
    public var pruningComponents: (count: Int, varianceShare: Double)? { prefix.map { ($0.width, $0.energy) } }

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
        prefix = nil
        if pruning && count >= Self.pruningMinimum {
            prefix = withNorms.withUnsafeBufferPointer {
                PrincipalPrefix.fit($0.baseAddress!, stride: dimension + 1, count: count, dimension: dimension)
            }
        }
    }

    /// A buffer left uninitialised, for BLAS outputs (beta = 0: every element used is overwritten).
    static func scratch(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
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
        if let prefix, k < count / 8 { return search(query, k: k, bounds: prefix) }
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
        if let prefix, k < count / 8 { return search(batch: queries, queryCount: m, k: k, bounds: prefix) }
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
        var products = Self.scratch(m * min(block, count))
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

// MARK: - searches bounded by principal components

extension FlatL2Index {
    /// The relative widening of the k-th distance that covers the float error of the exact distances.
    private static let distanceTolerance: Float = 1 + 1e-4

    /// Vectors are taken in runs of 32 for the first bound's minimum.
    static let run = 32

    /// The minimum of each run of `run` bounds in `bounds[lo..<hi]` (lo a multiple of `run`), SIMD.
    static func runMinima(_ bounds: UnsafePointer<Float>, _ lo: Int, _ hi: Int, into minima: UnsafeMutablePointer<Float>) {
        var start = lo
        while start < hi {
            if start + run <= hi {
                var x = UnsafeRawPointer(bounds + start).loadUnaligned(as: SIMD4<Float>.self)
                for j in stride(from: 4, to: run, by: 4) {
                    let y = UnsafeRawPointer(bounds + start + j).loadUnaligned(as: SIMD4<Float>.self)
                    x.replace(with: y, where: y .< x)
                }
                let h = x.lowHalf.replacing(with: x.highHalf, where: x.highHalf .< x.lowHalf)
                minima[start / run] = h[1] < h[0] ? h[1] : h[0]
            } else {
                var x = Float.infinity
                for i in start..<hi where bounds[i] < x { x = bounds[i] }
                minima[start / run] = x
            }
            start += run
        }
    }

    /// Exact neighbours from the first bounds (`bounds[i]`: vector i's bound less both allowances
    /// and less the query's `constant`; `minima`, their minimum per run):
    /// 1. the best vector of each of the 2k runs with the smallest minima: the k-th smallest of
    ///    their exact distances is a first k-th distance T (any k vectors' distances bound it);
    /// 2. in index order, the vectors whose bound does not exceed T (runs whose minimum does are
    ///    skipped whole), then those whose bound refined by the next components still does not;
    /// 3. their exact distances Σ (q − x)², in index order so that ties keep the smaller index as
    ///    in the plain scan, T shrinking to the k-th distance found so far. Distances are never
    ///    negative: once k vectors at distance 0 are found no later vector can enter.
    /// The rows read in 2 and 3 are scattered in memory: each loop prefetches a few steps ahead.
    private func collect(_ q: UnsafePointer<Float>, _ v: UnsafePointer<Float>, k: Int, constant: Float,
                         bounds: UnsafePointer<Float>, minima: UnsafeBufferPointer<Float>,
                         refined qr: UnsafePointer<Float>, prefix: PrincipalPrefix) -> [Neighbour] {
        let w = dimension + 1, r = prefix.refineWidth
        let run = Self.run, runs = minima.count
        var candidates = TopK(k: min(2 * k, runs))
        for c in 0..<runs where minima[c] < candidates.threshold { candidates.insert(minima[c], c) }
        var first = TopK(k: k)
        for c in candidates.sorted().map(\.index).sorted() {
            var best = c * run
            for i in best..<min(count, best + run) where bounds[i] < bounds[best] { best = i }
            first.insert(Self.squaredDistance(q, v + best * w, dimension), best)
        }
        var kth = first.threshold, cut = kth * Self.distanceTolerance - constant
        var survivors: [Int] = []
        for c in 0..<runs where minima[c] <= cut {
            for i in c * run..<min(count, c * run + run) where bounds[i] <= cut { survivors.append(i) }
        }
        let ahead = 8
        var refinedSurvivors: [(index: Int, bound: Float)] = []
        prefix.refine.withUnsafeBufferPointer { refine in
            let base = refine.baseAddress!
            for (j, i) in survivors.enumerated() {
                if j + ahead < survivors.count {
                    let next = UnsafeRawPointer(base + survivors[j + ahead] * r)
                    for line in stride(from: 0, to: r * 4, by: 64) { precedent_prefetch(next + line) }
                }
                let bound = bounds[i] + Self.squaredDistance(qr, base + i * r, r)
                if bound <= cut { refinedSurvivors.append((i, bound)) }
            }
        }
        var top = TopK(k: k)
        for (j, s) in refinedSurvivors.enumerated() {
            if j + ahead < refinedSurvivors.count {
                let next = UnsafeRawPointer(v + refinedSurvivors[j + ahead].index * w)
                for line in stride(from: 0, to: w * 4, by: 64) { precedent_prefetch(next + line) }
            }
            guard s.bound <= cut else { continue }
            top.insert(Self.squaredDistance(q, v + s.index * w, dimension), s.index)
            if top.threshold == 0 { break }
            if top.threshold < kth {
                kth = top.threshold
                cut = kth * Self.distanceTolerance - constant
            }
        }
        return top.sorted()
    }

    /// One query: the bound of each vector is a dot product of m + 1 floats (one `sgemv`).
    func search(_ query: [Float], k: Int, bounds prefix: PrincipalPrefix) -> [Neighbour] {
        let w = prefix.stride, n = count
        var row = [Float](repeating: 0, count: w), refined = [Float](repeating: 0, count: prefix.refineWidth)
        var bounds = Self.scratch(n)
        return query.withUnsafeBufferPointer { q in
            row.withUnsafeMutableBufferPointer { r in
                let constant = refined.withUnsafeMutableBufferPointer {
                    prefix.queryRow(q.baseAddress!, dimension: dimension, into: r.baseAddress!, refined: $0.baseAddress!)
                }
                return bounds.withUnsafeMutableBufferPointer { b in
                    prefix.rows.withUnsafeBufferPointer { rows in
                        // bounds (n) = rows (n × w) · row (w): OpenBLAS picks the CPU's widest vector unit.
                        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(w), 1, rows.baseAddress, Int32(w),
                                    r.baseAddress, 1, 0, b.baseAddress, 1)
                    }
                    let minima = [Float](unsafeUninitializedCapacity: (n + Self.run - 1) / Self.run) { m, initialized in
                        Self.runMinima(b.baseAddress!, 0, n, into: m.baseAddress!)
                        initialized = m.count
                    }
                    return withNorms.withUnsafeBufferPointer { v in
                        refined.withUnsafeBufferPointer { t in
                            minima.withUnsafeBufferPointer {
                                collect(q.baseAddress!, v.baseAddress!, k: k, constant: constant, bounds: b.baseAddress!, minima: $0,
                                        refined: t.baseAddress!, prefix: prefix)
                            }
                        }
                    }
                }
            }
        }
    }

    /// A batch: the bounds of blocks of 64 queries from one `sgemm` over the m + 1 columns,
    /// then one pass per query as for a single query.
    func search(batch queries: [Float], queryCount m: Int, k: Int, bounds prefix: PrincipalPrefix) -> [[Neighbour]] {
        let w = prefix.stride, n = count, d = dimension
        let blockQueries = 64
        var results: [[Neighbour]] = []
        results.reserveCapacity(m)
        var queryRows = [Float](repeating: 0, count: blockQueries * w)
        let rw = prefix.refineWidth
        var refined = [Float](repeating: 0, count: blockQueries * rw)
        var constants = [Float](repeating: 0, count: blockQueries)
        var products = Self.scratch(min(blockQueries, m) * n)
        let runs = (n + Self.run - 1) / Self.run, tile = 128 * Self.run
        var minima = [Float](repeating: 0, count: min(blockQueries, m) * runs)
        var first = 0
        while first < m {
            let b = min(blockQueries, m - first)
            queries.withUnsafeBufferPointer { q in
                queryRows.withUnsafeMutableBufferPointer { r in
                    refined.withUnsafeMutableBufferPointer { t in
                        for j in 0..<b {
                            constants[j] = prefix.queryRow(q.baseAddress! + (first + j) * d, dimension: d, into: r.baseAddress! + j * w,
                                                           refined: t.baseAddress! + j * rw)
                        }
                    }
                }
            }
            queryRows.withUnsafeBufferPointer { r in
                prefix.rows.withUnsafeBufferPointer { rows in
                    products.withUnsafeMutableBufferPointer { p in
                        minima.withUnsafeMutableBufferPointer { mins in
                            // P (b × n) = R_q (b × w) · Rᵀ (w × n), row-major, in tiles of vectors whose
                            // run minima are taken while the tile is still in cache.
                            var lo = 0
                            while lo < n {
                                let hi = min(n, lo + tile)
                                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(hi - lo), Int32(w),
                                            1, r.baseAddress, Int32(w), rows.baseAddress! + lo * w, Int32(w), 0, p.baseAddress! + lo, Int32(n))
                                for j in 0..<b { Self.runMinima(p.baseAddress! + j * n, lo, hi, into: mins.baseAddress! + j * runs) }
                                lo = hi
                            }
                        }
                    }
                }
            }
            queries.withUnsafeBufferPointer { q in
                withNorms.withUnsafeBufferPointer { v in
                    products.withUnsafeBufferPointer { p in
                        refined.withUnsafeBufferPointer { t in
                            minima.withUnsafeBufferPointer { mins in
                                for j in 0..<b {
                                    results.append(collect(q.baseAddress! + (first + j) * d, v.baseAddress!, k: k, constant: constants[j],
                                                           bounds: p.baseAddress! + j * n,
                                                           minima: UnsafeBufferPointer(rebasing: mins[j * runs..<(j + 1) * runs]),
                                                           refined: t.baseAddress! + j * rw, prefix: prefix))
                                }
                            }
                        }
                    }
                }
            }
            first += b
        }
        return results
    }
}

