import ArgumentParser
import PrecedentCore
import PrecedentDBN

/// `precedent dbn cat FILE`
struct DBNCatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print every field of every record, one record per line (JSON lines or CSV).",
        discussion: """
            Field names are those of the official databento-dbn package. Prices are the stored \
            integers (1 unit = 1e-9), timestamps integer UTC nanoseconds, one-character fields \
            one-character strings; --pretty shows exact decimal prices and ISO 8601 times \
            (undefined values become null). CSV needs one record layout: for files that mix \
            record types (live data), choose one with --rtype.

            Examples:
              precedent dbn cat day.mbo.dbn.zst --limit 10 --pretty
              precedent dbn cat live.dbn.zst --rtype symbol-mapping --format csv
            """)

    @Argument(help: ArgumentHelp("A DBN file.", valueName: "file"))
    var file: String

    @Option(help: "Output format: jsonl or csv.")
    var format: RecordTextFormatter.Format = .jsonl

    @Option(help: "Stop after this many records (after --rtype filtering).")
    var limit: Int?

    @Option(help: ArgumentHelp(
        "Only records of this type: mbo, mbp-1, mbp-10, trades, ohlcv-1s…ohlcv-eod, status, definition, imbalance, statistics, symbol-mapping, error, system, cmbp-1, cbbo-1s, cbbo-1m, tcbbo, bbo-1s, bbo-1m, or a number (0xA0).",
        valueName: "name"))
    var rtype: String?

    @Flag(help: "Decimal prices and ISO 8601 timestamps.")
    var pretty = false

    @OptionGroup var framing: FramingOptions

    func validate() throws {
        if let rtype, RType.parse(rtype) == nil {
            throw ValidationError("unknown record type '\(rtype)'; use a name such as mbo, trades, definition, or a number")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    private struct Stop: Error {}

    func run() throws {
        let wanted = rtype.flatMap(RType.parse)
        let reader = try DBNFileReader(path: file, fragment: framing.fragment)
        if format == .csv, wanted == nil, reader.metadata != nil, reader.metadata?.schema == nil {
            throw ValidationError("\(file) mixes record types (schema 'mixed'); CSV needs one: choose it with --rtype")
        }
        var formatter = RecordTextFormatter(format: format, pretty: pretty)
        var out = StandardOutput()
        defer { out.flush() }
        var written = 0
        var csvLayout: (any DBNRecordLayout.Type)?
        do {
            try reader.forEachRecord { ref in
                if let wanted, ref.rtype != wanted { return }
                if let limit, written >= limit { throw Stop() }
                guard let record = try ref.decode() else { return }
                if format == .csv {
                    let layout = record.layout
                    if let csvLayout {
                        guard csvLayout == layout else {
                            throw ValidationError("record #\(ref.index) is \(RType.name(ref.rtype)), a different layout from the CSV's first records; choose one type with --rtype")
                        }
                    } else {
                        csvLayout = layout
                        out.line(formatter.csvHeader(for: layout, tsOut: ref.hasTsOut))
                    }
                }
                out.line(formatter.line(for: record, tsOut: ref.tsOut))
                written += 1
            }
        } catch is Stop {}
    }
}

extension RecordTextFormatter.Format: ExpressibleByArgument {}
