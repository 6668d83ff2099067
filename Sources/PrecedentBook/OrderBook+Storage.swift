import PrecedentCore

extension OrderBook {
    /// The node slot the next `insert` will use.
    var nextNodeSlot: Int32 { freeHead != OrderBook.none ? freeHead : Int32(nodes.count) }

    /// Appends a new order at the back of its level, creating the level if
    /// needed. The id must not be resting; with `indexed`, the caller has already
    /// put it in `index` at `nextNodeSlot`.
    /// - Complexity: O(1) expected to an existing level; O(L) for a new level.
    mutating func insert(_ id: UInt64, isAsk: Bool, price: Int64, size: UInt32, indexed: Bool = false) {
        let key = OrderBook.key(price, isAsk: isAsk)
        let lv = isAsk ? Self.levelSlot(key, &asks, &levels, &freeLevel) : Self.levelSlot(key, &bids, &levels, &freeLevel)
        let tail = levels[Int(lv)].tail
        let node = Node(orderID: id, price: price, size: size, isAsk: isAsk, level: lv, prev: tail, next: OrderBook.none)
        let slot: Int32
        if freeHead != OrderBook.none {
            slot = freeHead
            freeHead = nodes[Int(slot)].next
            nodes[Int(slot)] = node
        } else {
            slot = Int32(nodes.count)
            nodes.append(node)
        }
        if !indexed { index[id] = slot }
        if tail != OrderBook.none { nodes[Int(tail)].next = slot } else { levels[Int(lv)].head = slot }
        levels[Int(lv)].tail = slot
        levels[Int(lv)].size += UInt64(size)
        levels[Int(lv)].count += 1
    }

    /// The slot of the level with `key` on `ladder`, created empty if missing.
    /// Static so that a ladder and the level pool, both stored properties, can be borrowed together.
    private static func levelSlot(_ key: Int64, _ ladder: inout Ladder, _ levels: inout ContiguousArray<Level>,
                                  _ freeLevel: inout Int32) -> Int32 {
        if let s = ladder.slot(key) { return s }
        let level = Level(size: 0, count: 0, head: OrderBook.none, tail: OrderBook.none, key: key)
        let s: Int32
        if freeLevel != OrderBook.none {
            s = freeLevel
            freeLevel = levels[Int(s)].head
            levels[Int(s)] = level
        } else {
            s = Int32(levels.count)
            levels.append(level)
        }
        let i = ladder.lowerBound(key)
        ladder.keys.insert(key, at: i)
        ladder.slots.insert(s, at: i)
        ladder.byKey[UInt64(bitPattern: key)] = s
        return s
    }

    /// Unlinks an order, drops an emptied level and frees the node.
    /// - Complexity: O(1) expected; O(L) when the level empties.
    mutating func removeNode(_ slot: Int32) {
        let node = nodes[Int(slot)]
        let lv = Int(node.level)
        if node.prev != OrderBook.none { nodes[Int(node.prev)].next = node.next } else { levels[lv].head = node.next }
        if node.next != OrderBook.none { nodes[Int(node.next)].prev = node.prev } else { levels[lv].tail = node.prev }
        levels[lv].size -= UInt64(node.size)
        levels[lv].count -= 1
        if levels[lv].count == 0 {
            if node.isAsk {
                Self.dropLevel(node.level, &asks, &levels, &freeLevel)
            } else {
                Self.dropLevel(node.level, &bids, &levels, &freeLevel)
            }
        }
        index[node.orderID] = nil
        nodes[Int(slot)].next = freeHead
        freeHead = slot
    }

    private static func dropLevel(_ s: Int32, _ ladder: inout Ladder, _ levels: inout ContiguousArray<Level>,
                                  _ freeLevel: inout Int32) {
        let key = levels[Int(s)].key
        let i = ladder.lowerBound(key)
        // Safe: a live level's key is always on its ladder.
        ladder.keys.remove(at: i)
        ladder.slots.remove(at: i)
        ladder.byKey[UInt64(bitPattern: key)] = nil
        levels[Int(s)].head = freeLevel
        freeLevel = s
    }

    /// Changes an order's size in place (queue position kept). - Complexity: O(1).
    mutating func resize(_ slot: Int32, to size: UInt32) {
        let node = nodes[Int(slot)]
        levels[Int(node.level)].size = levels[Int(node.level)].size - UInt64(node.size) + UInt64(size)
        nodes[Int(slot)].size = size
    }
}
