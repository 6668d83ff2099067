import PrecedentCore
import PrecedentDBN

extension OrderBook {
    /// Applies one MBO record of this instrument (`recordIndex` is used in anomaly examples).
    /// - Complexity: O(1) expected, plus O(L) for L levels on the side when a
    ///   level appears or empties.
    public mutating func apply(_ m: MBOMsg, recordIndex: Int = 0) {
        recordCount += 1
        let flags = m.flags
        if flags.contains(.snapshot) {
            // A snapshot rebuilds the book: clear it where a run of snapshot
            // records begins, whether or not a Clear record precedes (pre-2024 files have none).
            if !inSnapshot {
                inSnapshot = true
                if m.action != .clear && !index.isEmpty { clearAll() }
            }
        } else {
            inSnapshot = false
        }
        if flags.contains(.maybeBadBook) {
            anomalies.record(.maybeBadBook, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
        }
        switch m.action {
        case .add: add(m, recordIndex)
        case .cancel: cancel(m, recordIndex)
        case .modify: modify(m, recordIndex)
        case .clear: clearAll()
        case .fill:
            if index[m.orderID] == nil {
                anomalies.record(.fillOfUnknownOrder, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
            } else {
                notePendingFill(m.orderID, m.size)
            }
        case .trade, .none: break
        default:
            anomalies.record(.unknownAction, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
        }
        isConsistent = flags.contains(.last)
        if isConsistent && !pendingFills.isEmpty { pendingFills.removeAll(keepingCapacity: true) }
    }

    private mutating func notePendingFill(_ id: UInt64, _ quantity: UInt32) {
        for i in pendingFills.indices where pendingFills[i].orderID == id {
            pendingFills[i].quantity &+= quantity  // Safe: sizes of one event cannot reach 2^32.
            return
        }
        pendingFills.append((id, quantity))
    }

    /// Splits a decrease of `quantity` into the part explained by pending fills and the rest.
    private mutating func takeFilled(_ id: UInt64, _ quantity: UInt32) -> UInt32 {
        for i in pendingFills.indices where pendingFills[i].orderID == id {
            let filled = min(quantity, pendingFills[i].quantity)
            pendingFills[i].quantity -= filled
            return filled
        }
        return 0
    }

    private mutating func emitDecrease(_ node: Node, _ quantity: UInt32, _ cause: BookChange.Cause) {
        let filled = takeFilled(node.orderID, quantity)
        guard recordsChanges else { return }
        let side: Side = node.isAsk ? .ask : .bid
        if filled > 0 {
            changes.append(BookChange(kind: .filled, cause: cause, side: side, price: Price(rawValue: node.price),
                                      quantity: filled, orderID: node.orderID))
        }
        if quantity > filled {
            changes.append(BookChange(kind: .pulled, cause: cause, side: side, price: Price(rawValue: node.price),
                                      quantity: quantity - filled, orderID: node.orderID))
        }
    }

    private mutating func emitAdded(_ id: UInt64, _ isAsk: Bool, _ price: Int64, _ quantity: UInt32, _ cause: BookChange.Cause) {
        guard recordsChanges, quantity > 0 else { return }
        changes.append(BookChange(kind: .added, cause: cause, side: isAsk ? .ask : .bid, price: Price(rawValue: price),
                                  quantity: quantity, orderID: id))
    }

    private mutating func add(_ m: MBOMsg, _ recordIndex: Int) {
        guard m.price.isDefined else {
            return anomalies.record(.undefinedPrice, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
        }
        guard m.side == .bid || m.side == .ask else {
            return anomalies.record(.addWithoutSide, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
        }
        // One probe: claim the id for the node about to be created, or find it resting.
        if let old = index.insertIfAbsent(m.orderID, nextNodeSlot) {
            anomalies.record(.duplicateAdd, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
            let node = nodes[Int(old)]
            emitDecrease(node, node.size, .newOrder)
            removeNode(old)
            insert(m.orderID, isAsk: m.side == .ask, price: m.price.rawValue, size: m.size)
        } else {
            insert(m.orderID, isAsk: m.side == .ask, price: m.price.rawValue, size: m.size, indexed: true)
        }
        emitAdded(m.orderID, m.side == .ask, m.price.rawValue, m.size, .newOrder)
    }

    private mutating func cancel(_ m: MBOMsg, _ recordIndex: Int) {
        guard let slot = index[m.orderID] else {
            return anomalies.record(.cancelOfUnknownOrder, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
        }
        let node = nodes[Int(slot)]
        if m.size >= node.size {
            if m.size > node.size {
                anomalies.record(.cancelLargerThanOrder, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
            }
            emitDecrease(node, node.size, .cancel)
            removeNode(slot)
        } else {
            emitDecrease(node, m.size, .cancel)
            resize(slot, to: node.size - m.size)
        }
    }

    private mutating func modify(_ m: MBOMsg, _ recordIndex: Int) {
        guard m.price.isDefined else {
            return anomalies.record(.undefinedPrice, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
        }
        guard let slot = index[m.orderID] else {
            anomalies.record(.modifyOfUnknownOrder, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
            return add(m, recordIndex)
        }
        let node = nodes[Int(slot)]
        // Side `N` on a modify: keep the order's side.
        let isAsk = m.side == .none ? node.isAsk : m.side == .ask
        if m.size == 0 {
            anomalies.record(.modifyToZero, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
            emitDecrease(node, node.size, .sizeChange)
            return removeNode(slot)
        }
        if isAsk != node.isAsk || m.price.rawValue != node.price {
            if isAsk != node.isAsk {
                anomalies.record(.sideChange, recordIndex: recordIndex, orderID: m.orderID, tsRecv: m.tsRecv)
            }
            // Moves lose priority: leave the old level, join the back of the new one.
            emitDecrease(node, node.size, .priceMove)
            removeNode(slot)
            insert(m.orderID, isAsk: isAsk, price: m.price.rawValue, size: m.size)
            emitAdded(m.orderID, isAsk, m.price.rawValue, m.size, .priceMove)
        } else if m.size > node.size {
            // A larger size loses priority (CME): to the back of the same level.
            let grow = m.size - node.size
            removeNode(slot)
            insert(m.orderID, isAsk: isAsk, price: node.price, size: m.size)
            emitAdded(m.orderID, isAsk, node.price, grow, .sizeChange)
        } else if m.size < node.size {
            emitDecrease(node, node.size - m.size, .sizeChange)
            resize(slot, to: m.size)
        }
    }

    /// Removes every order (a clear record or the start of a snapshot).
    mutating func clearAll() {
        if recordsChanges {
            for (ladder, isAsk) in [(bids, false), (asks, true)] {
                for s in ladder.slots {
                    var n = levels[Int(s)].head
                    while n != OrderBook.none {
                        let node = nodes[Int(n)]
                        changes.append(BookChange(kind: .cleared, cause: .clear, side: isAsk ? .ask : .bid,
                                                  price: Price(rawValue: node.price), quantity: node.size,
                                                  orderID: node.orderID))
                        n = node.next
                    }
                }
            }
        }
        nodes.removeAll(keepingCapacity: true)
        freeHead = OrderBook.none
        levels.removeAll(keepingCapacity: true)
        freeLevel = OrderBook.none
        index.removeAll()
        bids = Ladder()
        asks = Ladder()
        pendingFills.removeAll(keepingCapacity: true)
    }
}
