import Foundation
import PrecedentCore

/// Reads the MBO records of a DBN file on a background thread, in batches,
/// so that decoding (one core) overlaps with whatever consumes the records
/// (another core). At most `depth` batches wait at a time: memory stays
/// bounded by `depth × batchSize` records whatever the file size.
///
/// Errors (truncation, corruption) are thrown by `forEachBatch` after every
/// batch decoded before them has been delivered, as `DBNFileReader` does.
public final class MBOPrefetchReader: @unchecked Sendable {
    // Safe (@unchecked Sendable): `queue`, `finished` and `failure` are only
    // touched while holding `condition`; batches are moved between the threads
    // through `queue` and never shared.

    /// One delivered record: its index in the stream and the record.
    public typealias Entry = (index: Int, record: MBOMsg)

    public let path: String
    public let metadata: Metadata?
    public let batchSize: Int
    public let depth: Int

    private let condition = NSCondition()
    private var queue: [ContiguousArray<Entry>] = []
    private var finished = false
    private var failure: Error?
    private var reader: DBNFileReader?

    public init(path: String, batchSize: Int = 1024, depth: Int = 16) throws {
        let reader = try DBNFileReader(path: path)
        self.path = path
        self.metadata = reader.metadata
        self.batchSize = batchSize
        self.depth = depth
        self.reader = reader
    }

    /// Calls `body` with every batch, in order; the decoding runs ahead on a
    /// background thread. Call once.
    public func forEachBatch(_ body: (ContiguousArray<Entry>) throws -> Void) throws {
        guard let reader else { preconditionFailure("forEachBatch may be called once") }
        self.reader = nil
        let handoff = Handoff(reader: reader)
        let producer = Thread { [self] in self.produce(handoff.reader) }
        producer.stackSize = 1 << 20
        producer.start()
        while true {
            condition.lock()
            while queue.isEmpty && !finished { condition.wait() }
            if queue.isEmpty {
                let failure = self.failure
                condition.unlock()
                if let failure { throw failure }
                return
            }
            let batch = queue.removeFirst()
            condition.signal()
            condition.unlock()
            do {
                try body(batch)
            } catch {
                // Stop the producer before leaving.
                condition.lock()
                finished = true
                queue.removeAll()
                condition.broadcast()
                condition.unlock()
                throw error
            }
        }
    }

    private func produce(_ reader: DBNFileReader) {
        var batch = ContiguousArray<Entry>()
        batch.reserveCapacity(batchSize)
        /// Hands a full batch over; false when the consumer has stopped.
        func handOver() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while queue.count >= depth && !finished { condition.wait() }
            if finished { return false }
            queue.append(batch)
            condition.signal()
            batch = ContiguousArray()
            batch.reserveCapacity(batchSize)
            return true
        }
        struct Stopped: Error {}
        var error: Error?
        do {
            try reader.forEachRecord { ref in
                guard let m = ref.mbo else { return }
                batch.append((ref.index, m))
                if batch.count == batchSize && !handOver() { throw Stopped() }
            }
        } catch is Stopped {
            return
        } catch let e {
            error = e
        }
        if !batch.isEmpty { _ = handOver() }
        condition.lock()
        failure = error
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Moves the reader to the producer thread.
/// Safe (@unchecked Sendable): after the handoff only the producer thread uses the reader.
private struct Handoff: @unchecked Sendable { let reader: DBNFileReader }
