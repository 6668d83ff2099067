import ArgumentParser
import PrecedentCore
import PrecedentLOBSTER

/// `precedent import …`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert other order-by-order sources into DBN MBO files.",
        subcommands: [LOBSTERImportCommand.self])
}

/// `precedent import lobster`
struct LOBSTERImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lobster",
        abstract: "Convert a LOBSTER day (message + order-book files) into a DBN MBO file.",
        discussion: """
            Message types: 1 add, 2 partial cancel, 3 delete, 4 execution of a visible order \
            (trade + fill + cancel of the resting order), 5 hidden execution (trade only), 6 cross \
            trade (trade, no side), 7 halt (counted; not in the MBO stream). Times (seconds after \
            midnight, exchange time) become UTC nanoseconds; prices (dollars × 10,000) become 1e-9 \
            fixed point. Orders resting before the first message are known only from LOBSTER's \
            order-book rows: where a price first becomes visible with more size than the \
            messages explain, one aggregated order flagged F_MBP carries the difference, its size \
            taken from LOBSTER's row. A level-N message file omits events outside its N levels \
            (e.g. deleting an order that is not at the best price, in a level-1 file); those \
            changes are applied from the order-book rows, flagged F_MAYBE_BAD_BOOK and counted. \
            Details: docs/LOBSTER.md.

            Example:
              precedent import lobster \\
                --message ../shared/data/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv \\
                --orderbook ../shared/data/lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv \\
                --symbol AMZN --date 2012-06-21 --out amzn.mbo.dbn.zst
            """)

    @Option(help: ArgumentHelp("LOBSTER message file.", valueName: "csv")) var message: String
    @Option(help: ArgumentHelp("LOBSTER order-book file of the same day.", valueName: "csv")) var orderbook: String
    @Option(help: "Symbol to record in the metadata.") var symbol: String
    @Option(help: ArgumentHelp("Trading date (YYYY-MM-DD) the times belong to.", valueName: "date")) var date: String
    @Option(help: ArgumentHelp("Output DBN file (.dbn or .dbn.zst).", valueName: "file")) var out: String
    @Option(help: "Time zone of the message times.") var timeZone = "America/New_York"
    @Option(help: "instrument_id to give the symbol.") var instrumentId: UInt32 = 1

    func validate() throws {
        guard CivilDate(iso: date) != nil else { throw ValidationError("--date must be YYYY-MM-DD (got '\(date)')") }
    }

    func run() throws {
        var options = LOBSTERImporter.Options(symbol: symbol, date: CivilDate(iso: date)!)
        options.timeZone = timeZone
        options.instrumentID = instrumentId
        let r = try LOBSTERImporter.run(messages: message, orderbook: orderbook, options: options, output: out)
        printError("wrote \(out): \(grouped(r.messages)) messages → \(grouped(r.records)) MBO records")
        let types = r.messagesByType.sorted { $0.key < $1.key }.map { "type \($0.key): \(grouped($0.value))" }
        printError("  " + types.joined(separator: ", "))
        printError("  pre-session orders seeded from order-book rows: \(grouped(r.seeds)) (\(grouped(Int(r.seededSize))) shares, flagged F_MBP)")
        if r.unseenOrderMessages > 0 {
            printError("  messages for orders never seen, before their price was visible: \(grouped(r.unseenOrderMessages)) (covered by the seeds)")
        }
        if r.halts > 0 { printError("  trading halts: \(r.halts) (not represented in the MBO stream)") }
        if r.repairs.records > 0 {
            printError("  changes outside the file's levels, absent from its message file, applied from the rows "
                       + "(flagged F_MAYBE_BAD_BOOK): "
                       + "\(grouped(r.repairs.records)) records after \(grouped(r.repairs.messages)) messages, "
                       + "\(grouped(Int(r.repairedRemovals))) shares removed, \(grouped(Int(r.repairedAdditions))) added; e.g.")
            for e in r.repairs.examples { printError("    \(e)") }
        }
        printError("  after every message the book equals LOBSTER's order-book row")
    }
}
