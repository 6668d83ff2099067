/// Order id → node slot: an open-addressing hash table with linear probing and
/// backward-shift deletion (no tombstones), hashed by a Fibonacci multiply.
/// Swift's `Dictionary` hashes with SipHash, which profiling showed to be the
/// book's largest single cost.
///
/// Invariants: `capacity` is a power of two; `count < capacity * 3 / 4`; an
/// empty bucket has value `-1`; every stored key is reachable from its home
/// bucket without crossing an empty bucket.
struct OrderIndex: Sendable {
    private var keys: ContiguousArray<UInt64>
    private var values: ContiguousArray<Int32>
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var c = 16
        while c < capacity { c <<= 1 }
        keys = ContiguousArray(repeating: 0, count: c)
        values = ContiguousArray(repeating: -1, count: c)
        mask = c - 1
    }

    @inline(__always) private func home(_ key: UInt64) -> Int {
        // Safe: wrapping multiply is the hash (Knuth's multiplicative hashing).
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    /// - Complexity: O(1) expected.
    subscript(key: UInt64) -> Int32? {
        get {
            var i = home(key)
            while true {
                let v = values[i]
                if v < 0 { return nil }
                if keys[i] == key { return v }
                i = (i + 1) & mask
            }
        }
        set {
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    var isEmpty: Bool { count == 0 }

    private mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 4 >= (mask + 1) * 3 { grow() }
        var i = home(key)
        while values[i] >= 0 {
            if keys[i] == key { values[i] = value; return }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = value
        count += 1
    }

    private mutating func remove(_ key: UInt64) {
        var i = home(key)
        while true {
            if values[i] < 0 { return }
            if keys[i] == key { break }
            i = (i + 1) & mask
        }
        // Backward-shift: pull later entries of the probe run into the hole.
        var hole = i
        var j = (i + 1) & mask
        while values[j] >= 0 {
            let h = home(keys[j])
            // Move j into the hole unless its home lies cyclically in (hole, j].
            let inRange = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !inRange {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        values[hole] = -1
        count -= 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = ContiguousArray(repeating: 0, count: oldKeys.count * 2)
        values = ContiguousArray(repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for i in oldKeys.indices where oldValues[i] >= 0 { insert(oldKeys[i], oldValues[i]) }
    }

    mutating func removeAll() {
        for i in values.indices { values[i] = -1 }
        count = 0
    }
}
