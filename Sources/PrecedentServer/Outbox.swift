import Foundation

/// One frame of the stream, encoded once and shared by every client's queue.
public struct Frame: Sendable {
    public var text: String
    /// A heatmap column: the first to go when a client's queue is full (the next one redraws the
    /// screen); other frames (levels, windows, triggers, outcomes) are kept in preference.
    public var droppable: Bool
    public init(_ text: String, droppable: Bool = false) { self.text = text; self.droppable = droppable }
}

/// A client's bounded send queue. When it is full, an incoming column is dropped; any other frame
/// makes room by dropping the oldest queued column (or, with none queued, the oldest frame). The
/// client is then told, before its next column, how many it lost (`{"type":"lagging"}`). Memory per
/// client is bounded by `capacity` frames whatever the reader's speed.
public final class Outbox: @unchecked Sendable {  // all state is guarded by `lock`
    public let capacity: Int
    private var queue: [Frame] = []
    private var head = 0
    private var waiter: CheckedContinuation<Frame?, Never>?
    private var pendingDrops = 0
    private(set) public var dropped = 0
    private var closed = false
    private let lock = NSLock()
    /// Called with the number of frames dropped, outside the lock.
    let onDrop: @Sendable (Int) -> Void

    public init(capacity: Int, onDrop: @escaping @Sendable (Int) -> Void = { _ in }) {
        precondition(capacity > 0)
        self.capacity = capacity; self.onDrop = onDrop
    }

    private var count: Int { queue.count - head }

    /// Queues `frame` (or drops as above); false once closed.
    @discardableResult
    public func push(_ frame: Frame) -> Bool {
        var resume: CheckedContinuation<Frame?, Never>? = nil
        var lost = 0
        let accepted: Bool = lock.withLock {
            if closed { return false }
            if let w = waiter {
                waiter = nil
                resume = w
                return true
            }
            if count >= capacity {
                if frame.droppable {
                    lost = 1
                } else {
                    let victim = queue[head...].firstIndex(where: \.droppable) ?? head
                    queue.remove(at: victim)
                    lost = 1
                    queue.append(frame)
                }
            } else {
                queue.append(frame)
            }
            if lost > 0 { pendingDrops += lost; dropped += lost }
            if head > 1024 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            return true
        }
        if let resume { resume.resume(returning: frame) }
        if lost > 0 { onDrop(lost) }
        return accepted
    }

    /// The next frame to send (a lagging notice first when frames were dropped); nil once closed
    /// and drained.
    public func next() async -> Frame? {
        if let ready = lock.withLock({ take() }) { return ready }
        return await withCheckedContinuation { (c: CheckedContinuation<Frame?, Never>) in
            let now: Frame?? = lock.withLock {
                if let ready = take() { return .some(ready) }
                if closed { return .some(nil) }
                waiter = c
                return .none
            }
            if let now { c.resume(returning: now) }
        }
    }

    private func take() -> Frame? {
        // The notice goes where the gap is: before the next column, never ahead of a frame that
        // was queued before the drops (a joining client's hello and history come first).
        if pendingDrops > 0 && (count == 0 || queue[head].droppable) {
            let n = pendingDrops
            pendingDrops = 0
            return Frame("{\"type\":\"lagging\",\"dropped\":\(n),\"dropped_total\":\(dropped)}")
        }
        guard count > 0 else { return nil }
        let f = queue[head]
        head += 1
        if head == queue.count { queue.removeAll(keepingCapacity: true); head = 0 }
        return f
    }

    /// No more frames: a waiting `next()` returns nil, queued ones are still delivered.
    public func close() {
        let w: CheckedContinuation<Frame?, Never>? = lock.withLock {
            closed = true
            defer { waiter = nil }
            return count == 0 ? waiter : nil
        }
        w?.resume(returning: nil)
    }

    /// Frames waiting.
    public var queued: Int { lock.withLock { count } }
}
