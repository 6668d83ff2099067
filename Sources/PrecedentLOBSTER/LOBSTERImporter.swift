import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN

/// Converts a LOBSTER day (message file + order-book file) into a DBN MBO
/// stream (`docs/LOBSTER.md`).
///
/// Every message becomes one event (`sequence` = message number, `F_LAST` on
/// its last record). Orders resting before the session start appear in no
/// message; they are known only through LOBSTER's order-book rows. When a
/// price first becomes visible on a side with more size than the messages
/// explain, the difference is added as one aggregated order flagged `F_MBP`
/// (id `seedID(side, price)`), its size taken from LOBSTER's own row.
///
/// A level-N message file holds only the events that change the top N levels
/// (LOBSTER: "events causing an update of the limit order book in the
/// requested price range"); e.g. the deletion of an order that is then the
/// second-best level is absent from a level-1 file. Such changes are known only
/// from the order-book rows: the importer applies them from the row, as records
/// flagged `F_MAYBE_BAD_BOOK`, and counts every one. Every record that no
/// message describes therefore carries `F_MBP` or `F_MAYBE_BAD_BOOK`.
public struct LOBSTERImporter {
    public struct Options: Sendable {
        public var symbol: String
        public var date: CivilDate
        /// Exchange time zone of the message times.
        public var timeZone = "America/New_York"
        public var instrumentID: InstrumentID = 1
        public var publisherID: PublisherID = 0
        public init(symbol: String, date: CivilDate) { self.symbol = symbol; self.date = date }
    }

    public struct Report: Sendable {
        public var messages = 0
        public var records = 0
        public var messagesByType: [Int: Int] = [:]
        /// Aggregated pre-session orders added from order-book rows, and their total size.
        public var seeds = 0
        public var seededSize: UInt64 = 0
        /// Cancels/executions of orders never seen, at prices not yet visible (their
        /// net effect is in the seed made when the price becomes visible).
        public var unseenOrderMessages = 0
        /// Trading-halt messages (type 7), not represented in the MBO stream.
        public var halts = 0
        /// Changes outside the file's levels, which its message file omits, applied
        /// from the order-book rows as records flagged `F_MAYBE_BAD_BOOK`.
        public var repairs = Repairs()
        public var repairedRemovals: UInt64 = 0
        public var repairedAdditions: UInt64 = 0

        public struct Repairs: Sendable {
            /// Messages after which a repair was needed.
            public private(set) var messages = 0
            public private(set) var records = 0
            public private(set) var examples: [String] = []
            private var lastMessage = 0
            mutating func note(message: Int, _ text: String) {
                records += 1
                if message != lastMessage { messages += 1; lastMessage = message }
                if examples.count < 8 { examples.append("message \(message): \(text)") }
            }
        }
    }

    /// LOBSTER prices are dollars × 10,000; DBN prices are 1e-9.
    public static let priceScale: Int64 = 100_000
    public static let dataset = "LOBSTER"

    /// The reserved id of the aggregated pre-session order at `price` (LOBSTER units) on `side`.
    public static func seedID(_ side: Side, _ price: Int64) -> UInt64 {
        (1 << 63) | (side == .ask ? 1 << 62 : 0) | UInt64(truncatingIfNeeded: price) & ((1 << 62) - 1)
    }

    /// Reads both files, writes `output` (DBN v3, zstd if it ends in `.zst`)
    /// and returns what happened.
    public static func run(messages messagePath: String, orderbook bookPath: String, options: Options,
                           output: String) throws -> Report {
        let offset = try utcOffsetSeconds(options)
        let midnightUTC = Int64(options.date.daysSinceEpoch) * 86_400 - Int64(offset)
        guard midnightUTC >= 0, options.date.year < 2500 else {
            throw LOBSTERError(file: messagePath, line: nil, message: "date \(options.date) is outside 1970–2499, which UTC nanoseconds hold")
        }
        func utc(_ nanosAfterMidnight: Int64) -> UInt64 { UInt64(midnightUTC * 1_000_000_000 + nanosAfterMidnight) }
        // First pass: the time range, for the metadata.
        let scan = try LineReader(path: messagePath)
        var first: Int64?, last: Int64 = 0
        while let line = scan.next() {
            let field = line.prefix { $0 != UInt8(ascii: ",") }
            guard let t = LOBSTERMessage.parseTime(field[...]) else {
                throw LOBSTERError(file: messagePath, line: scan.lineNumber, message: "time is not seconds after midnight")
            }
            if first == nil { first = t }
            last = t
        }
        guard let first else { throw LOBSTERError(file: messagePath, line: nil, message: "has no messages") }
        // LOBSTER names the period a file covers (`…_34200000_57600000_message_…`, ms after
        // midnight): that is the metadata's query range when the messages lie inside it.
        var start = UnixNanos(rawValue: utc(first)), end = UnixNanos(rawValue: utc(last) + 1)
        if let period = Self.period(fileName: (messagePath as NSString).lastPathComponent) {
            let a = UnixNanos(rawValue: utc(period.start * 1_000_000)), b = UnixNanos(rawValue: utc(period.end * 1_000_000))
            if a <= start && end <= b { start = a; end = b }
        }
        let metadata = Metadata(
            dataset: dataset, schema: .mbo, start: start, end: end, stypeIn: .rawSymbol, stypeOut: .instrumentID,
            symbols: [options.symbol],
            mappings: [SymbolMapping(rawSymbol: options.symbol, intervals: [
                .init(startDate: start.utcDay, endDate: CivilDate(daysSinceEpoch: end.utcDay.daysSinceEpoch + 1),
                      symbol: String(options.instrumentID)),
            ])])

        let messages = try LineReader(path: messagePath)
        let rows = try LineReader(path: bookPath)
        var report = Report()
        var book = OrderBook(instrumentID: options.instrumentID, publisherID: options.publisherID)
        var visible: [Set<Int64>] = [[], []]  // bids, asks: prices LOBSTER has shown
        var pending: [MBOMsg] = []
        let writer = try DBNFileWriter(path: output, metadata: metadata,
                                       compression: output.hasSuffix(".zst") ? .zstd(level: 3) : .none)
        var records: [MBOMsg] = []
        while let line = messages.next() {
            let m: LOBSTERMessage
            switch LOBSTERMessage.parse(line) {
            case .success(let v): m = v
            case .failure(let why): throw LOBSTERError(file: messagePath, line: messages.lineNumber, message: why.reason)
            }
            guard let rowLine = rows.next() else {
                throw LOBSTERError(file: bookPath, line: rows.lineNumber + 1,
                                   message: "ends before message \(messages.lineNumber): the files do not belong together")
            }
            let row: LOBSTERBookRow
            switch LOBSTERBookRow.parse(rowLine) {
            case .success(let v): row = v
            case .failure(let why): throw LOBSTERError(file: bookPath, line: rows.lineNumber, message: why.reason)
            }
            report.messages += 1
            report.messagesByType[m.type, default: 0] += 1
            let ts = utc(m.nanosAfterMidnight)
            let seq = UInt32(truncatingIfNeeded: report.messages)
            func mbo(_ action: Action, _ side: Side, _ id: UInt64, _ price: Int64?, _ size: UInt32,
                     _ flags: RecordFlags = []) -> MBOMsg {
                MBOMsg(hd: RecordHeader(byteSize: MBOMsg.recordSize, rtype: RType.mbo, publisherID: options.publisherID,
                                        instrumentID: options.instrumentID, tsEvent: UnixNanos(rawValue: ts)),
                       orderID: id, price: price.map { Price(rawValue: $0 * priceScale) } ?? .undefined, size: size,
                       flags: flags, channelID: 0, action: action, side: side, tsRecv: UnixNanos(rawValue: ts),
                       tsInDelta: 0, sequence: seq)
            }
            let resting: Side = m.direction == 1 ? .bid : .ask
            let aggressor: Side = m.direction == 1 ? .ask : .bid
            /// The id a cancel/execution applies to: the order, or the seed at its price.
            func target() -> UInt64? {
                if book.order(m.orderID) != nil { return m.orderID }
                let seed = seedID(resting, m.price)
                if book.order(seed) != nil { return seed }
                report.unseenOrderMessages += 1
                return nil
            }
            pending.removeAll(keepingCapacity: true)
            switch m.type {
            case 1: pending.append(mbo(.add, resting, m.orderID, m.price, m.size))
            case 2, 3: if let id = target() { pending.append(mbo(.cancel, resting, id, m.price, m.size)) }
            case 4:
                pending.append(mbo(.trade, aggressor, 0, m.price, m.size))
                if let id = target() {
                    pending.append(mbo(.fill, resting, id, m.price, m.size))
                    pending.append(mbo(.cancel, resting, id, m.price, m.size))
                }
            case 5: pending.append(mbo(.trade, aggressor, 0, m.price, m.size))
            case 6: pending.append(mbo(.trade, .none, 0, m.price, m.size))
            default: report.halts += 1
            }
            for r in pending { book.apply(r) }
            // Make the book agree with LOBSTER's row: seed prices seen for the
            // first time (F_MBP); apply changes the message file omits because
            // they happened outside its levels (F_MAYBE_BAD_BOOK), counting each.
            for (sideIndex, levels) in [row.bids, row.asks].enumerated() {
                let side: Side = sideIndex == 0 ? .bid : .ask
                let isBetter: (Int64, Int64) -> Bool = side == .bid ? { $0 > $1 } : { $0 < $1 }
                // Levels the row proves empty: better than its best, or between its levels.
                // With fewer levels than the file's depth the side is fully shown, so everything past it is empty too.
                let fullyShown = levels.count < row.depth
                for ours in book.topLevels(side, count: Int.max) {
                    let p = ours.price.rawValue / priceScale
                    let shown = levels.contains { $0.0 == p }
                    let beyondLast = levels.last.map { isBetter($0.0, p) } ?? true
                    if shown || (beyondLast && !fullyShown) { continue }
                    for id in book.queue(side, at: ours.price) {
                        let size = book.order(id)!.size
                        let r = mbo(.cancel, side, id, p, size, .maybeBadBook)
                        book.apply(r)
                        pending.append(r)
                        report.repairs.note(message: report.messages, "removed \(size) at \(side == .bid ? "bid" : "ask") \(p) (order \(id)): gone from the row")
                        report.repairedRemovals += UInt64(size)
                    }
                }
                for (price, size) in levels {
                    let ours = book.level(side, at: Price(rawValue: price * priceScale))?.size ?? 0
                    let firstSight = !visible[sideIndex].contains(price)
                    visible[sideIndex].insert(price)
                    if size > ours {
                        let seed = seedID(side, price)
                        let flags: RecordFlags = firstSight ? .mbp : [.mbp, .maybeBadBook]
                        let r = mbo(.add, side, seed, price, UInt32(size - ours), flags)
                        if book.order(seed) != nil {
                            // Grow the existing aggregate (a modify to the larger size).
                            let r2 = mbo(.modify, side, seed, price, book.order(seed)!.size + UInt32(size - ours), flags)
                            book.apply(r2)
                            pending.append(r2)
                        } else {
                            book.apply(r)
                            pending.append(r)
                        }
                        if firstSight {
                            report.seeds += 1
                            report.seededSize += size - ours
                        } else {
                            report.repairs.note(message: report.messages, "added \(size - ours) at \(side == .bid ? "bid" : "ask") \(price): the row shows more than the messages")
                            report.repairedAdditions += size - ours
                        }
                    } else if size < ours {
                        // Remove the excess, newest orders first.
                        var excess = ours - size
                        for id in book.queue(side, at: Price(rawValue: price * priceScale)).reversed() where excess > 0 {
                            let have = UInt64(book.order(id)!.size)
                            let take = min(have, excess)
                            let r = mbo(.cancel, side, id, price, UInt32(take), .maybeBadBook)
                            book.apply(r)
                            pending.append(r)
                            excess -= take
                            report.repairs.note(message: report.messages, "removed \(take) at \(side == .bid ? "bid" : "ask") \(price) (order \(id)): the row shows less")
                            report.repairedRemovals += take
                        }
                    }
                }
            }
            if pending.isEmpty { pending.append(mbo(.none, .none, 0, nil, 0)) }
            pending[pending.count - 1].flags.insert(.last)
            records.append(contentsOf: pending)
            if records.count >= 1 << 16 {
                for r in records { try writer.write(.mbo(r)) }
                records.removeAll(keepingCapacity: true)
            }
            report.records += pending.count
        }
        if rows.next() != nil {
            throw LOBSTERError(file: bookPath, line: rows.lineNumber,
                               message: "has more rows than the message file has messages: the files do not belong together")
        }
        for r in records { try writer.write(.mbo(r)) }
        try writer.finish()
        return report
    }

    static func utcOffsetSeconds(_ options: Options) throws -> Int {
        guard let tz = TimeZone(identifier: options.timeZone) else {
            throw LOBSTERError(file: options.timeZone, line: nil, message: "unknown time zone")
        }
        // The offset at noon UTC of the day: trading hours never straddle a DST change.
        let noon = Date(timeIntervalSince1970: Double(options.date.daysSinceEpoch) * 86_400 + 43_200)
        return tz.secondsFromGMT(for: noon)
    }

    /// The period in a LOBSTER file name, `<TICKER>_<date>_<startMs>_<endMs>_message_<levels>.csv`, in ms after midnight.
    public static func period(fileName: String) -> (start: Int64, end: Int64)? {
        let parts = fileName.split(separator: "_")
        guard let i = parts.firstIndex(where: { $0 == "message" || $0 == "orderbook" }), i >= 2,
              let a = Int64(parts[i - 2]), let b = Int64(parts[i - 1]), 0 <= a, a < b, b <= 86_400_000 else { return nil }
        return (a, b)
    }
}
