import PrecedentCore

extension OrderBook {
    /// Every broken invariant, described; empty when the book is sound.
    /// - Complexity: O(orders + levels). For tests and `--check` runs.
    public func checkInvariants() -> [String] {
        var problems: [String] = []
        var linked = 0
        for (ladder, isAsk) in [(bids, false), (asks, true)] {
            let side = isAsk ? "ask" : "bid"
            if ladder.keys.count != ladder.slots.count || ladder.byKey.count != ladder.keys.count {
                problems.append("\(side): \(ladder.keys.count) keys, \(ladder.slots.count) slots, \(ladder.byKey.count) hashed")
            }
            for i in ladder.keys.indices {
                if i > 0 && ladder.keys[i - 1] >= ladder.keys[i] { problems.append("\(side): keys not strictly ascending at \(i)") }
                let slot = ladder.slots[i]
                let level = levels[Int(slot)]
                if level.key != ladder.keys[i] { problems.append("\(side): level \(slot) has key \(level.key), ranked as \(ladder.keys[i])") }
                if ladder.slot(ladder.keys[i]) != slot { problems.append("\(side): hash of key \(ladder.keys[i]) does not give its level") }
                let price = isAsk ? ~ladder.keys[i] : ladder.keys[i]
                if level.count == 0 { problems.append("\(side) \(price): empty level") }
                var size: UInt64 = 0, count: UInt32 = 0
                var prev = OrderBook.none
                var n = level.head
                while n != OrderBook.none {
                    let node = nodes[Int(n)]
                    if node.prev != prev { problems.append("\(side) \(price): broken back link at order \(node.orderID)") }
                    if node.price != price || node.isAsk != isAsk || node.level != slot {
                        problems.append("order \(node.orderID) linked at the wrong level")
                    }
                    if index[node.orderID] != n { problems.append("order \(node.orderID) not indexed at its node") }
                    if node.size == 0 { problems.append("order \(node.orderID) has size 0") }
                    size += UInt64(node.size); count += 1
                    prev = n
                    n = node.next
                    if count > nodes.count { problems.append("\(side) \(price): cycle"); break }
                }
                if prev != level.tail { problems.append("\(side) \(price): tail is not the last order") }
                if size != level.size || count != level.count {
                    problems.append("\(side) \(price): level says \(level.size)/\(level.count), orders sum to \(size)/\(count)")
                }
                linked += Int(count)
            }
        }
        if linked != index.count { problems.append("\(index.count) orders indexed, \(linked) linked") }
        return problems
    }
}
