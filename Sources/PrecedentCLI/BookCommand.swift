import ArgumentParser
import PrecedentBook
import PrecedentCore
import PrecedentDBN

/// `precedent book FILE`
struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Replay MBO into an L3 order book and print the top levels after every event.",
        discussion: """
            One row after every record carrying F_LAST for the instrument (the book is only \
            consistent there), columns ts_recv, ts_event, sequence, action, side, then for each \
            level i = 00…depth-1: bid_px_ii, bid_sz_ii, bid_ct_ii, ask_px_ii, ask_sz_ii, ask_ct_ii \
            (Databento's MBP-10 names). Missing levels are empty cells (null in JSON). Prices are \
            integers (1e-9) unless --pretty. Rules: docs/BOOK.md. Anomalies (cancels of unknown \
            orders, side changes, …) are summarised on stderr; none is fatal.

            Examples:
              precedent book ../shared/data/dbn/cme/esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst --depth 5 --pretty | head
              precedent book FILE --symbol ESH4 --format jsonl --check
            """)

    @Argument(help: ArgumentHelp("A DBN MBO file.", valueName: "file")) var file: String
    @Option(help: "Instrument by raw symbol (resolved through the file's symbology).") var symbol: String?
    @Option(help: "Instrument by instrument_id.") var instrumentId: UInt32?
    @Option(help: "Levels per side (1…100).") var depth = 10
    @Option(help: "Output format: csv or jsonl.") var format: RecordTextFormatter.Format = .csv
    @Flag(help: "Decimal prices and ISO 8601 timestamps.") var pretty = false
    @Flag(help: "Check the book's invariants after every record (slow); stop at the first violation.")
    var check = false
    @OptionGroup var framing: FramingOptions

    func validate() throws {
        guard (1...100).contains(depth) else { throw ValidationError("--depth must be between 1 and 100") }
        if symbol != nil && instrumentId != nil { throw ValidationError("give --symbol or --instrument-id, not both") }
    }

    func run() throws {
        let reader = try DBNFileReader(path: file, fragment: framing.fragment)
        let map = reader.metadata.map(SymbolMap.init(metadata:)) ?? SymbolMap()
        var wanted: InstrumentID? = instrumentId
        if let symbol {
            let ids = Set(reader.metadata?.mappings.filter { $0.rawSymbol == symbol }
                .flatMap { $0.intervals.compactMap { InstrumentID($0.symbol) } } ?? [])
            guard ids.count == 1, let id = ids.first else {
                throw ValidationError(ids.isEmpty
                    ? "\(symbol) is not in \(file)'s symbology mappings; use --instrument-id (see `precedent dbn info`)"
                    : "\(symbol) maps to several instruments (\(ids.sorted())); choose one with --instrument-id")
            }
            wanted = id
        }
        var out = StandardOutput()
        defer { out.flush() }
        if format == .csv { out.line(Self.csvHeader(depth: depth)) }
        var book: OrderBook? = nil
        try reader.forEachRecord { ref in
            guard let m = ref.mbo else { return }
            let id = m.hd.instrumentID
            if wanted == nil { wanted = id }
            guard id == wanted else {
                if instrumentId == nil && symbol == nil {
                    throw ValidationError("\(file) holds several instruments (\(wanted!) and \(id) at record #\(ref.index)); choose one with --symbol or --instrument-id")
                }
                return
            }
            if book == nil { book = OrderBook(instrumentID: id, publisherID: m.hd.publisherID) }
            guard m.hd.publisherID == book!.publisherID else { return }
            book!.apply(m, recordIndex: ref.index)
            if check {
                let problems = book!.checkInvariants()
                if !problems.isEmpty {
                    throw ValidationError("book invariant broken after record #\(ref.index) (\(file)): " + problems.prefix(5).joined(separator: "; "))
                }
            }
            if m.flags.contains(.last) { out.line(row(m, book!)) }
        }
        if let book {
            let name = map.symbol(for: book.instrumentID, on: reader.metadata?.start.utcDay ?? CivilDate(daysSinceEpoch: 0))
            printError("book \(book.instrumentID)\(name.map { " (\($0))" } ?? ""): \(grouped(book.recordCount)) records applied, "
                       + "\(grouped(book.orderCount)) orders resting at the end, "
                       + (book.anomalies.total == 0 ? "no anomalies" : "anomalies:"))
            for kind in BookAnomalies.Kind.allCases where book.anomalies[kind] > 0 {
                let ex = book.anomalies.examples[kind, default: []].map { "record #\($0.recordIndex) order \($0.orderID)" }
                printError("  \(kind.rawValue): \(grouped(book.anomalies[kind])) (e.g. \(ex.joined(separator: ", ")))")
            }
        } else {
            printError("no MBO records\(wanted.map { " for instrument \($0)" } ?? "") in \(file)")
        }
    }

    static func csvHeader(depth: Int) -> String {
        var cols = ["ts_recv", "ts_event", "sequence", "action", "side"]
        for i in 0..<depth {
            let ii = i < 10 ? "0\(i)" : "\(i)"
            cols += ["bid_px_\(ii)", "bid_sz_\(ii)", "bid_ct_\(ii)", "ask_px_\(ii)", "ask_sz_\(ii)", "ask_ct_\(ii)"]
        }
        return cols.joined(separator: ",")
    }

    private func row(_ m: MBOMsg, _ book: OrderBook) -> String {
        let bids = book.topLevels(.bid, count: depth), asks = book.topLevels(.ask, count: depth)
        func time(_ t: UnixNanos) -> String? { pretty ? t.iso8601 : String(t.rawValue) }
        func px(_ p: Price) -> String? { pretty ? p.decimalString : String(p.rawValue) }
        func char(_ b: UInt8) -> String { b == 0 ? "" : String(UnicodeScalar(b)) }
        var cells: [(String, String?, Bool)] = [  // name, value, is text
            ("ts_recv", time(m.tsRecv), pretty), ("ts_event", time(m.hd.tsEvent), pretty),
            ("sequence", String(m.sequence), false), ("action", char(m.action.rawValue), true),
            ("side", char(m.side.rawValue), true),
        ]
        for i in 0..<depth {
            let ii = i < 10 ? "0\(i)" : "\(i)"
            let b = i < bids.count ? bids[i] : nil, a = i < asks.count ? asks[i] : nil
            cells += [("bid_px_\(ii)", b.flatMap { px($0.price) }, false), ("bid_sz_\(ii)", b.map { String($0.size) }, false),
                      ("bid_ct_\(ii)", b.map { String($0.count) }, false), ("ask_px_\(ii)", a.flatMap { px($0.price) }, false),
                      ("ask_sz_\(ii)", a.map { String($0.size) }, false), ("ask_ct_\(ii)", a.map { String($0.count) }, false)]
        }
        switch format {
        case .csv: return cells.map { $0.1 ?? "" }.joined(separator: ",")
        case .jsonl:
            return JSONText.object(cells.map { name, value, isText in
                (name, value.map { isText ? JSONText.quoted($0) : $0 } ?? "null")
            })
        }
    }
}
