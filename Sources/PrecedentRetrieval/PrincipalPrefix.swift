import COpenBLAS

/// Lower bounds on squared L2 distances from the leading principal components,
/// which let an exact search skip most vectors without reading them whole.
///
/// With an orthonormal basis `B` (d × d) and any centre `μ`,
/// ‖q − x‖² = ‖Bᵀ(q − μ) − Bᵀ(x − μ)‖², a sum of d non-negative terms; the sum of
/// its first m terms is a lower bound of the distance. When B holds the principal
/// axes of the vectors in decreasing order of variance, that partial sum over
/// m ≪ d components is most of the distance, so a vector whose bound already
/// exceeds the k-th distance found can be skipped. The search stays exact: the
/// distances it reports are computed in the original space exactly as without
/// the bounds, and a vector is skipped only when its bound, less a rounding
/// allowance, exceeds the k-th distance.
///
/// Rounding allowance: the projections are computed in double precision and
/// rounded to float (relative error ≤ 2⁻²⁴ per component); the bound is computed
/// in float in the expanded form ‖y‖² − 2 y_q·y + ‖y_q‖² (one dot product of m + 1
/// floats per vector), whose error is at most about 2m·2⁻²⁴·(‖q−μ‖² + ‖x−μ‖²)
/// ≤ 10⁻⁵·(‖q−μ‖² + ‖x−μ‖²) for m ≤ 80, and the refinement over the next r
/// components as a direct sum Σ (y_q − y)² with a smaller error still. The
/// allowance `2c·(‖q−μ‖² + ‖x−μ‖²)` with c = 10⁻⁴ covers those twentyfold, and the
/// k-th distance is widened by a relative 10⁻⁴ for the float error of the exact
/// distance itself. A vector the first bound does not exclude has its bound
/// refined with the next r components (Σ (y_q − y)² over them, added) before
/// its exact distance is computed.
struct PrincipalPrefix: Sendable {
    /// c in the rounding allowance.
    static let allowance = 1e-4
    /// The bounds use the fewest components, in steps of 16, that hold this share of the variance.
    static let energyTarget = 0.9

    /// m: number of leading components in the first bound.
    let width: Int
    /// Number of further components (m…m + r − 1) that refine the bound of a vector the first
    /// bound did not exclude, before its exact distance is computed.
    let refineWidth: Int
    /// Share of the total variance in those components.
    let energy: Double
    let mean: [Double]
    /// d × (m + r) row-major: `basis[t * (m + r) + s]` is coordinate t of principal axis s.
    let basis: [Double]
    /// n × (m + 1) row-major: each vector's first m principal coordinates y, then
    /// ‖y‖² − 2c·‖x − μ‖². Against a query row `[−2·y_q, 1]` a dot product gives the
    /// bound less both allowances and less ‖y_q‖², the query's constant.
    let rows: [Float]
    var stride: Int { width + 1 }
    /// n × r row-major: each vector's principal coordinates m…m + r − 1.
    let refine: [Float]

    /// Fits the principal axes of `n` vectors of `d` components read at `vectors + i * stride`,
    /// or nil when the leading half of the components would not hold `energyTarget` of the
    /// variance (the bounds would then prune too little to pay for themselves).
    static func fit(_ vectors: UnsafePointer<Float>, stride: Int, count n: Int, dimension d: Int) -> PrincipalPrefix? {
        guard d >= 32, n > d else { return nil }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for t in 0..<d { mean[t] += Double(vectors[i * stride + t]) } }
        for t in 0..<d { mean[t] /= Double(n) }

        let block = 4096
        var centred = [Double](repeating: 0, count: block * d)
        func centre(_ start: Int, _ rows: Int) {
            for r in 0..<rows { for t in 0..<d { centred[r * d + t] = Double(vectors[(start + r) * stride + t]) - mean[t] } }
        }
        // Scatter matrix Σ (x − μ)(x − μ)ᵀ, upper triangle in row-major order (= lower in LAPACK's column-major).
        var scatter = [Double](repeating: 0, count: d * d)
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            centre(start, rows)
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(rows), 1, centred, Int32(d), 1, &scatter, Int32(d))
            start += rows
        }
        guard let (values, vectorsColumnMajor) = symmetricEigen(scatter, d) else { return nil }
        // Eigenvalues come in ascending order; rounding can leave tiny negatives.
        let total = values.reduce(0) { $0 + max(0, $1) }
        guard total > 0 else { return nil }
        var m = 16, captured = 0.0
        while true {
            captured = (0..<m).reduce(0) { $0 + max(0, values[d - 1 - $1]) } / total
            if captured >= energyTarget || m + 16 > d { break }
            m += 16
        }
        guard captured >= energyTarget, m <= d / 2 else { return nil }
        let r = min(m, d - m), all = m + r
        var basis = [Double](repeating: 0, count: d * all)
        for s in 0..<all { for t in 0..<d { basis[t * all + s] = vectorsColumnMajor[(d - 1 - s) * d + t] } }

        var rows = [Float](repeating: 0, count: n * (m + 1)), refine = [Float](repeating: 0, count: n * r)
        var projected = [Double](repeating: 0, count: block * all)
        start = 0
        while start < n {
            let count = min(block, n - start)
            centre(start, count)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(all), Int32(d),
                        1, centred, Int32(d), basis, Int32(all), 0, &projected, Int32(all))
            for j in 0..<count {
                var norm = 0.0, yNorm = 0.0
                for t in 0..<d { norm += centred[j * d + t] * centred[j * d + t] }
                for s in 0..<m {
                    let y = Float(projected[j * all + s])
                    rows[(start + j) * (m + 1) + s] = y
                    yNorm += Double(y) * Double(y)
                }
                rows[(start + j) * (m + 1) + m] = Float(yNorm - 2 * allowance * norm)
                for s in 0..<r { refine[(start + j) * r + s] = Float(projected[j * all + m + s]) }
            }
            start += count
        }
        return PrincipalPrefix(width: m, refineWidth: r, energy: captured, mean: mean, basis: basis, rows: rows, refine: refine)
    }

    /// Writes a query's row `[−2·y_q, 1]` (m + 1 floats) and its coordinates m…m + r − 1 (`refined`),
    /// and returns its constant ‖y_q‖² − 2c·‖q − μ‖²: a vector's first bound less both allowances is
    /// `dot(row, vector row) + constant`.
    func queryRow(_ q: UnsafePointer<Float>, dimension d: Int, into row: UnsafeMutablePointer<Float>,
                  refined: UnsafeMutablePointer<Float>) -> Float {
        var centred = [Double](repeating: 0, count: d)
        var norm = 0.0
        for t in 0..<d { centred[t] = Double(q[t]) - mean[t]; norm += centred[t] * centred[t] }
        var yNorm = 0.0
        let all = width + refineWidth
        for s in 0..<all {
            var acc = 0.0
            for t in 0..<d { acc += centred[t] * basis[t * all + s] }
            let y = Float(acc)
            if s >= width { refined[s - width] = y; continue }
            row[s] = -2 * y
            yNorm += Double(y) * Double(y)
        }
        row[width] = 1
        return Float(yNorm - 2 * Self.allowance * norm)
    }

    /// Eigenvalues (ascending) and eigenvectors (column-major, one column each) of the
    /// symmetric `d × d` matrix whose lower triangle (column-major) `a` holds — LAPACK `dsyev`.
    static func symmetricEigen(_ a: [Double], _ d: Int) -> ([Double], [Double])? {
        var matrix = a, values = [Double](repeating: 0, count: d)
        var n = Int32(d), lda = Int32(d), info: Int32 = 0, lwork: Int32 = -1
        var size = 0.0
        "V".withCString { jobz in
            "L".withCString { uplo in
                dsyev_(jobz, uplo, &n, &matrix, &lda, &values, &size, &lwork, &info, 1, 1)
            }
        }
        guard info == 0 else { return nil }
        lwork = Int32(size)
        var work = [Double](repeating: 0, count: Int(lwork))
        "V".withCString { jobz in
            "L".withCString { uplo in
                dsyev_(jobz, uplo, &n, &matrix, &lda, &values, &work, &lwork, &info, 1, 1)
            }
        }
        return info == 0 ? (values, matrix) : nil
    }
}
