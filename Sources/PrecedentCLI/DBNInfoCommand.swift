import ArgumentParser
import PrecedentCore
import PrecedentDBN

/// `precedent dbn info FILE…`
struct DBNInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise DBN files: version, dataset, schema, symbols, record counts, time range, anomalies.",
        discussion: """
            Reads every record once (streaming). A file that is truncated or corrupt is still \
            summarised up to the damage, the problem is listed under anomalies, and the command \
            exits with status 1 after all files.

            Example:
              precedent dbn info ../shared/data/dbn/cme/*.dbn.zst
              precedent dbn info --json day.mbo.dbn.zst | jq '.[0].records'
            """)

    @Argument(help: ArgumentHelp("DBN files (.dbn, .dbn.zst, .frag with --fragment-version).", valueName: "file"))
    var files: [String]

    @Flag(name: .long, help: "Print one JSON array with an object per file instead of text.")
    var json = false

    @OptionGroup var framing: FramingOptions

    func run() throws {
        var out = StandardOutput()
        var failed = false
        var objects: [String] = []
        for path in files {
            do {
                let s = try DBNFileSummary(path: path, fragment: framing.fragment)
                if s.error != nil { failed = true }
                if json { objects.append(Self.json(s)) } else { Self.text(s, into: &out) }
            } catch let e as DBNError {
                failed = true
                printError("precedent: error: \(e)")
                if json { objects.append(JSONText.object([("file", JSONText.quoted(path)), ("error", JSONText.quoted(e.description))])) }
            }
        }
        if json { out.line(JSONText.array(objects)) }
        out.flush()
        if failed { throw ExitCode.failure }
    }

    static func text(_ s: DBNFileSummary, into out: inout StandardOutput) {
        func row(_ key: String, _ value: String) {
            out.line("  " + key + String(repeating: " ", count: max(1, 13 - key.count)) + value)
        }
        out.line(s.path)
        let framing = s.metadata == nil ? "fragment" : "file"
        row("format", "DBN v\(s.version) \(framing), \(s.compression == .zstd ? "zstd" : "uncompressed"): "
            + "\(grouped(s.fileBytes)) bytes, \(grouped(s.streamBytes)) decoded")
        if let md = s.metadata {
            row("dataset", md.dataset)
            row("schema", md.schema?.description ?? "mixed")
            row("symbology", "\(md.stypeIn?.description ?? "mixed") → \(md.stypeOut?.description ?? "mixed")")
            row("query", "\(md.start.iso8601 ?? "-") → \(md.end.iso8601 ?? "open")"
                + (md.limit > 0 ? ", limit \(grouped(Int(md.limit)))" : ""))
            if md.tsOut { row("ts_out", "every record carries a gateway send time") }
            row("symbols", md.symbols.isEmpty ? "-" : md.symbols.joined(separator: " "))
            if !md.partial.isEmpty { row("partial", md.partial.joined(separator: " ")) }
            if !md.notFound.isEmpty { row("not found", md.notFound.joined(separator: " ")) }
            let shown = md.mappings.prefix(20)
            for (i, m) in shown.enumerated() {
                let ivs = m.intervals.map { "\($0.startDate)..\($0.endDate) → \($0.symbol.isEmpty ? "(none)" : $0.symbol)" }
                row(i == 0 ? "mappings" : "", "\(m.rawSymbol): " + ivs.joined(separator: ", "))
            }
            if md.mappings.count > shown.count { row("", "… \(md.mappings.count - shown.count) more mappings") }
        }
        row("records", grouped(s.recordCount))
        for (r, n) in s.countsByRType.sorted(by: { $0.key < $1.key }) { row("", "\(RType.name(r)): \(grouped(n))") }
        let instruments = s.countsByInstrument.sorted { $0.value > $1.value }
        for (i, (id, n)) in instruments.prefix(20).enumerated() {
            row(i == 0 ? "instruments" : "", "\(id)\(s.symbols[id].map { " (\($0))" } ?? ""): \(grouped(n))")
        }
        if instruments.count > 20 { row("", "… \(instruments.count - 20) more instruments") }
        row("first index", s.firstIndexTime?.iso8601 ?? "-")
        row("last index", s.lastIndexTime?.iso8601 ?? "-")
        var anomalies: [String] = []
        for (r, n) in s.unknownRecords.sorted(by: { $0.key < $1.key }) {
            anomalies.append("\(grouped(n)) records of unknown rtype \(RType.name(r)) skipped")
        }
        if s.indexTimeDecreases > 0 { anomalies.append("\(grouped(s.indexTimeDecreases)) records earlier than the one before") }
        if let e = s.error { anomalies.append("\(e.kind == .truncated ? "truncated" : "corrupt"): \(e)") }
        row("anomalies", anomalies.isEmpty ? "none" : anomalies[0])
        for a in anomalies.dropFirst() { row("", a) }
    }

    static func json(_ s: DBNFileSummary) -> String {
        func time(_ t: UnixNanos?) -> String { t.map { String($0.rawValue) } ?? "null" }
        let byType = s.countsByRType.sorted { $0.key < $1.key }.map { (RType.name($0.key), String($0.value)) }
        let byInstrument = s.countsByInstrument.sorted { $0.key < $1.key }.map { id, n in
            JSONText.object([("instrument_id", String(id)),
                             ("symbol", s.symbols[id].map(JSONText.quoted) ?? "null"),
                             ("records", String(n))])
        }
        let unknown = s.unknownRecords.sorted { $0.key < $1.key }.map { (RType.name($0.key), String($0.value)) }
        return JSONText.object([
            ("file", JSONText.quoted(s.path)),
            ("compression", JSONText.quoted(s.compression.rawValue)),
            ("file_bytes", String(s.fileBytes)),
            ("stream_bytes", String(s.streamBytes)),
            ("version", String(s.version)),
            ("metadata", s.metadata?.json ?? "null"),
            ("records", String(s.recordCount)),
            ("records_by_rtype", JSONText.object(byType)),
            ("records_by_instrument", JSONText.array(byInstrument)),
            ("first_index_ts", time(s.firstIndexTime)),
            ("last_index_ts", time(s.lastIndexTime)),
            ("anomalies", JSONText.object([
                ("unknown_rtypes", JSONText.object(unknown)),
                ("index_ts_decreases", String(s.indexTimeDecreases)),
                ("error", s.error.map { JSONText.quoted($0.description) } ?? "null"),
                ("error_kind", s.error.map { JSONText.quoted("\($0.kind)") } ?? "null"),
            ])),
        ])
    }
}
