import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentLOBSTER
import PrecedentTestSupport
import Testing

/// LOBSTER days imported to DBN and replayed by the book equal LOBSTER's own
/// order-book file after every message.
@Suite struct LOBSTERImportTests {
    static let amzn = ("lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv",
                       "lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv")
    static let aapl = ("lobster/AAPL_2012-06-21_34200000_57600000_message_10.csv",
                       "lobster/AAPL_2012-06-21_34200000_57600000_orderbook_10.csv")

    func importDay(_ files: (String, String), symbol: String) throws -> (String, LOBSTERImporter.Report) {
        let out = Oracle.temporaryPath(".dbn.zst")
        let r = try LOBSTERImporter.run(messages: Fixtures.path(files.0), orderbook: Fixtures.path(files.1),
                                        options: .init(symbol: symbol, date: CivilDate(year: 2012, month: 6, day: 21)),
                                        output: out)
        return (out, r)
    }

    /// LOBSTER's rows as written in its file: per level (ask px, ask size, bid px, bid size).
    func rows(_ path: String) throws -> [[Int64]] {
        try String(contentsOfFile: Fixtures.path(path), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",").map { Int64($0)! } }
    }

    /// Replays the DBN file and calls `check(messageNumber, book)` at every F_LAST.
    func replay(_ path: String, _ check: (Int, OrderBook) -> Void) throws -> [MBOMsg] {
        var book: OrderBook? = nil
        var all: [MBOMsg] = []
        try DBNFileReader(path: path).forEachRecord { ref in
            guard let m = ref.mbo else { return }
            if book == nil { book = OrderBook(instrumentID: m.hd.instrumentID, publisherID: m.hd.publisherID) }
            book!.apply(m)
            all.append(m)
            if m.flags.contains(.last) { check(Int(m.sequence), book!) }
        }
        return all
    }

    @Test func amznBestBidAndAskEqualLOBSTERAfterEveryMessage() throws {
        let (out, report) = try importDay(Self.amzn, symbol: "AMZN")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let expected = try rows(Self.amzn.1)
        var compared = 0, wrong = 0
        let records = try replay(out) { k, book in
            let row = expected[k - 1]
            compared += 1
            let ask = book.bestAsk, bid = book.bestBid
            let askOK = row[0] == 9_999_999_999 ? ask == nil : (ask?.price.rawValue == row[0] * 100_000 && ask?.size == UInt64(row[1]))
            let bidOK = row[2] == -9_999_999_999 ? bid == nil : (bid?.price.rawValue == row[2] * 100_000 && bid?.size == UInt64(row[3]))
            if !(askOK && bidOK) {
                wrong += 1
                if wrong <= 3 { Issue.record("message \(k): LOBSTER \(row), book bid \(String(describing: bid)) ask \(String(describing: ask))") }
            }
        }
        #expect(compared == 57_515, "one event per message (the message file holds 57,515 events)")
        #expect(wrong == 0)
        #expect(report.messages == 57_515)
        // Nothing message-derived is lost: every type-1 message is one unflagged add,
        // every execution (types 4, 5) one unflagged trade.
        let synthetic: RecordFlags = [.mbp, .maybeBadBook]
        let plainAdds = records.filter { $0.action == .add && $0.flags.isDisjoint(with: synthetic) }.count
        let trades = records.filter { $0.action == .trade }.count
        #expect(plainAdds == report.messagesByType[1])
        #expect(trades == (report.messagesByType[4] ?? 0) + (report.messagesByType[5] ?? 0))
        // Every record no message describes is flagged, and every flagged record is accounted for.
        let flagged = records.filter { !$0.flags.isDisjoint(with: synthetic) }
        #expect(flagged.count == report.seeds + report.repairs.records)
        #expect(flagged.allSatisfy { $0.action == .add || $0.action == .cancel || $0.action == .modify })
        // Message 1 (a hidden execution) reveals the pre-09:30 book of row 1: ask 223.95 × 100, bid 223.18 × 100.
        let first = records.prefix { $0.sequence == 1 }
        #expect(first.map(\.action) == [.trade, .add, .add])
        #expect(first.contains { $0.side == .bid && $0.price.rawValue == 2_231_800 * 100_000 && $0.size == 100 && $0.flags.contains(.mbp) })
        #expect(first.contains { $0.side == .ask && $0.price.rawValue == 2_239_500 * 100_000 && $0.size == 100 && $0.flags.contains(.mbp) })
        // 34200.017459617 s after midnight EDT (UTC−4) on 2012-06-21.
        #expect(first.first?.tsRecv.iso8601 == "2012-06-21T13:30:00.017459617Z")
    }

    @Test func aaplTopTenEqualsLOBSTERAfterEveryMessage() throws {
        let (out, report) = try importDay(Self.aapl, symbol: "AAPL")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let expected = try rows(Self.aapl.1)
        var compared = 0, wrong = 0
        _ = try replay(out) { k, book in
            compared += 1
            let row = expected[k - 1]
            let asks = book.topLevels(.ask, count: 10), bids = book.topLevels(.bid, count: 10)
            var ok = true
            for i in 0..<10 {
                let (ap, az, bp, bz) = (row[4 * i], row[4 * i + 1], row[4 * i + 2], row[4 * i + 3])
                if ap == 9_999_999_999 { ok = ok && asks.count <= i } else {
                    ok = ok && i < asks.count && asks[i].price.rawValue == ap * 100_000 && asks[i].size == UInt64(az)
                }
                if bp == -9_999_999_999 { ok = ok && bids.count <= i } else {
                    ok = ok && i < bids.count && bids[i].price.rawValue == bp * 100_000 && bids[i].size == UInt64(bz)
                }
            }
            if !ok { wrong += 1; if wrong <= 3 { Issue.record("message \(k) differs from LOBSTER's 10 levels") } }
        }
        #expect(compared == 999 && wrong == 0)
        #expect(report.repairs.records < 10, "a 10-level file omits few events (5 seen)")
    }

    @Test func malformedInputNamesFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lobster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = dir.appendingPathComponent("m.csv").path, b = dir.appendingPathComponent("b.csv").path
        let lines = try String(contentsOfFile: Fixtures.path(Self.amzn.0), encoding: .utf8).split(separator: "\n").prefix(3)
        let book = try String(contentsOfFile: Fixtures.path(Self.amzn.1), encoding: .utf8).split(separator: "\n").prefix(3)
        try (lines.prefix(2).joined(separator: "\n") + "\n34200.5,9,1,1,1,1\n").write(toFile: m, atomically: true, encoding: .utf8)
        try (book.joined(separator: "\n") + "\n").write(toFile: b, atomically: true, encoding: .utf8)
        let options = LOBSTERImporter.Options(symbol: "AMZN", date: CivilDate(year: 2012, month: 6, day: 21))
        do {
            _ = try LOBSTERImporter.run(messages: m, orderbook: b, options: options, output: dir.appendingPathComponent("o.dbn").path)
            Issue.record("a type-9 message was accepted")
        } catch let e as LOBSTERError {
            #expect(e.line == 3 && e.file == m && e.message.contains("type"))
        }
        // Numbers beyond what the output can hold are refused by line, not left to overflow (these
        // were crashes, found by `scripts/fuzz.sh text`): a time of 7.8e18 seconds, a price whose
        // 1e-9 fixed-point value needs more than 64 bits.
        for (bad, what) in [("7777777777777777777.5,1,1,1,1,1", "seconds after midnight"), ("34200.5,1,1,1,99999999999999999,1", "price")] {
            try (lines.prefix(2).joined(separator: "\n") + "\n\(bad)\n").write(toFile: m, atomically: true, encoding: .utf8)
            do {
                _ = try LOBSTERImporter.run(messages: m, orderbook: b, options: options, output: dir.appendingPathComponent("o.dbn").path)
                Issue.record("\(bad) was accepted")
            } catch let e as LOBSTERError {
                #expect(e.line == 3 && e.file == m && e.message.contains(what), "\(e)")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: m, atomically: true, encoding: .utf8)
        try (book.prefix(2).joined(separator: "\n") + "\n").write(toFile: b, atomically: true, encoding: .utf8)
        #expect(throws: LOBSTERError.self) {
            _ = try LOBSTERImporter.run(messages: m, orderbook: b, options: options, output: dir.appendingPathComponent("o.dbn").path)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.dbn").path), "no output from a failed import")
    }
}
