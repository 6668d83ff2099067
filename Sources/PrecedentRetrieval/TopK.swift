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
