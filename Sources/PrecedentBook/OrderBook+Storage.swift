import PrecedentCore

extension OrderBook {
    /// Appends a new order at the back of its level, creating the level if needed.
    /// - Complexity: O(log L) to find the level, O(L) if it is new.
    mutating func insert(_ id: UInt64, isAsk: Bool, price: Int64, size: UInt32) {
        let slot: Int32
        if freeHead != OrderBook.none {
            slot = freeHead
            freeHead = nodes[Int(slot)].next
            nodes[Int(slot)] = Node(orderID: id, price: price, size: size, isAsk: isAsk, prev: OrderBook.none, next: OrderBook.none)
        } else {
            slot = Int32(nodes.count)
            nodes.append(Node(orderID: id, price: price, size: size, isAsk: isAsk, prev: OrderBook.none, next: OrderBook.none))
        }
        index[id] = slot
        let key = OrderBook.key(price, isAsk: isAsk)
        if isAsk {
            Self.link(slot, key: key, size: size, nodes: &nodes, ladder: &asks)
        } else {
            Self.link(slot, key: key, size: size, nodes: &nodes, ladder: &bids)
        }
    }

    // Static so that `nodes` and a ladder, two stored properties, can be borrowed together.
    private static func link(_ slot: Int32, key: Int64, size: UInt32, nodes: inout ContiguousArray<Node>,
                             ladder: inout Ladder) {
        let i = ladder.lowerBound(key)
        if i < ladder.keys.count && ladder.keys[i] == key {
            let tail = ladder.levels[i].tail
            nodes[Int(slot)].prev = tail
            nodes[Int(tail)].next = slot
            ladder.levels[i].tail = slot
            ladder.levels[i].size += UInt64(size)
            ladder.levels[i].count += 1
        } else {
            ladder.keys.insert(key, at: i)
            ladder.levels.insert(Level(size: UInt64(size), count: 1, head: slot, tail: slot), at: i)
        }
    }

    /// Unlinks an order, drops an emptied level and frees the node.
    mutating func removeNode(_ slot: Int32) {
        let node = nodes[Int(slot)]
        let key = OrderBook.key(node.price, isAsk: node.isAsk)
        if node.isAsk {
            Self.unlink(node, key: key, nodes: &nodes, ladder: &asks)
        } else {
            Self.unlink(node, key: key, nodes: &nodes, ladder: &bids)
        }
        index[node.orderID] = nil
        nodes[Int(slot)].next = freeHead
        freeHead = slot
    }

    private static func unlink(_ node: Node, key: Int64, nodes: inout ContiguousArray<Node>, ladder: inout Ladder) {
        let i = ladder.lowerBound(key)
        // Safe: an indexed order is always linked into the level of its key.
        if ladder.levels[i].count == 1 {
            ladder.keys.remove(at: i)
            ladder.levels.remove(at: i)
            return
        }
        if node.prev != OrderBook.none { nodes[Int(node.prev)].next = node.next } else { ladder.levels[i].head = node.next }
        if node.next != OrderBook.none { nodes[Int(node.next)].prev = node.prev } else { ladder.levels[i].tail = node.prev }
        ladder.levels[i].size -= UInt64(node.size)
        ladder.levels[i].count -= 1
    }

    /// Changes an order's size in place (queue position kept).
    mutating func resize(_ slot: Int32, to size: UInt32) {
        let node = nodes[Int(slot)]
        let key = OrderBook.key(node.price, isAsk: node.isAsk)
        if node.isAsk {
            let i = asks.lowerBound(key)
            asks.levels[i].size = asks.levels[i].size - UInt64(node.size) + UInt64(size)
        } else {
            let i = bids.lowerBound(key)
            bids.levels[i].size = bids.levels[i].size - UInt64(node.size) + UInt64(size)
        }
        nodes[Int(slot)].size = size
    }
}
