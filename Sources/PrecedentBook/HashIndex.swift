/// UInt64 → slot (Int32): an open-addressing hash table with linear probing
/// and backward-shift deletion (no tombstones), hashed by Fibonacci hashing
/// (the top bits of a multiply). Used for order ids → nodes and prices →
/// levels. Swift's `Dictionary` hashes with SipHash, which profiling showed to
/// be the book's largest single cost.
///
/// Invariants: `capacity` is a power of two; `count <= capacity × 0.7`; an empty
/// bucket has value `-1`; every stored key is reachable from its home bucket
/// without crossing an empty bucket.
struct HashIndex: Sendable {
    /// Key and value side by side: a lookup touches one cache line, not two.
    struct Bucket: Sendable {
        var key: UInt64
        /// -1 when empty.
        var value: Int32
    }

    private var buckets: ContiguousArray<Bucket>
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var c = 16, bits: UInt64 = 4
        while c < capacity { c <<= 1; bits += 1 }
        buckets = ContiguousArray(repeating: Bucket(key: 0, value: -1), count: c)
        mask = c - 1
        shift = 64 - bits
    }

    @inline(__always) private func home(_ key: UInt64) -> Int {
        // Safe: the wrapping multiply is the hash (Fibonacci hashing keeps the top bits).
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// - Complexity: O(1) expected.
    subscript(key: UInt64) -> Int32? {
        get {
            var i = home(key)
            while true {
                let b = buckets[i]
                if b.value < 0 { return nil }
                if b.key == key { return b.value }
                i = (i + 1) & mask
            }
        }
        set {
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    var isEmpty: Bool { count == 0 }

    /// Stores `value` for `key` unless the key is present; returns the value
    /// already stored, or `nil` after inserting. One probe sequence for both.
    /// - Complexity: O(1) expected.
    mutating func insertIfAbsent(_ key: UInt64, _ value: Int32) -> Int32? {
        if (count + 1) * 10 > (mask + 1) * 7 { grow() }
        var i = home(key)
        while buckets[i].value >= 0 {
            if buckets[i].key == key { return buckets[i].value }
            i = (i + 1) & mask
        }
        buckets[i] = Bucket(key: key, value: value)
        count += 1
        return nil
    }

    private mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 10 > (mask + 1) * 7 { grow() }
        var i = home(key)
        while buckets[i].value >= 0 {
            if buckets[i].key == key { buckets[i].value = value; return }
            i = (i + 1) & mask
        }
        buckets[i] = Bucket(key: key, value: value)
        count += 1
    }

    private mutating func remove(_ key: UInt64) {
        var i = home(key)
        while true {
            if buckets[i].value < 0 { return }
            if buckets[i].key == key { break }
            i = (i + 1) & mask
        }
        // Backward-shift: pull later entries of the probe run into the hole.
        var hole = i
        var j = (i + 1) & mask
        while buckets[j].value >= 0 {
            let h = home(buckets[j].key)
            // Move j into the hole unless its home lies cyclically in (hole, j].
            let inRange = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !inRange {
                buckets[hole] = buckets[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        buckets[hole].value = -1
        count -= 1
    }

    private mutating func grow() {
        let old = buckets
        buckets = ContiguousArray(repeating: Bucket(key: 0, value: -1), count: old.count * 2)
        mask = buckets.count - 1
        shift -= 1
        count = 0
        for b in old where b.value >= 0 { insert(b.key, b.value) }
    }

    mutating func removeAll() {
        for i in buckets.indices { buckets[i].value = -1 }
        count = 0
    }
}
