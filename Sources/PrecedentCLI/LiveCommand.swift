#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentLive
import Synchronization

/// `precedent live …`: Databento's live gateway.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Record Databento's live feed into the lake (see also: precedent serve --live).",
        subcommands: [LiveRecordCommand.self])
}

/// Options of a live subscription, shared by `live record` and `serve --live`.
struct LiveOptions: ParsableArguments {
    @Option(help: "Dataset code.") var dataset = "GLBX.MDP3"
    @Option(help: "Schema to subscribe to (the lake's raw tree and precedent run read mbo).") var schema = "mbo"
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Symbols, e.g. ES.FUT (with --stype-in parent) or ESH5 (raw_symbol).", valueName: "symbol"))
    var symbols: [String] = []
    @Option(help: "Symbology of --symbols: parent, raw_symbol, continuous, instrument_id.") var stypeIn = "parent"
    @Option(help: ArgumentHelp("Gateway address HOST:PORT (default: the dataset's, e.g. glbx-mdp3.lsg.databento.com:13000).", valueName: "host:port"))
    var gateway: String?
    @Option(help: ArgumentHelp("File holding the API key (default: the DATABENTO_API_KEY environment variable).", valueName: "file"))
    var keyFile: String?
    @Option(help: ArgumentHelp("Replay from this UTC time first (ISO 8601, or nanoseconds since 1970; intraday replay).", valueName: "time"))
    var start: String?
    @Option(help: ArgumentHelp("Seconds between the gateway's heartbeats when idle (5–1800).", valueName: "s")) var heartbeat = 30
    @Option(help: ArgumentHelp("Silence allowed beyond the heartbeat interval before reconnecting.", valueName: "s")) var heartbeatMargin = 10.0
    @Option(help: ArgumentHelp("First reconnection delay; doubles up to 30 s.", valueName: "s")) var backoff = 1.0
    @Option(help: ArgumentHelp("Give up after this many failed connection attempts in a row (default: never).", valueName: "n"))
    var maxAttempts: Int?
    @Option(help: "Compression of the stream: none or zstd.") var compression = "none"

    func validateLive() throws {
        guard !symbols.isEmpty else { throw ValidationError("give --symbols (e.g. --symbols ES.FUT --stype-in parent)") }
        guard Schema(name: schema) != nil else { throw ValidationError("--schema \(schema) is not a DBN schema (\(Schema.allNames.joined(separator: ", ")))") }
        guard SType.allNames.contains(stypeIn) else { throw ValidationError("--stype-in \(stypeIn) is not a symbology (\(SType.allNames.joined(separator: ", ")))") }
        guard LiveRequest.Compression(rawValue: compression) != nil else { throw ValidationError("--compression is none or zstd, not \(compression)") }
        guard (5...1800).contains(heartbeat) else { throw ValidationError("--heartbeat must be 5…1800 s; got \(heartbeat)") }
        guard heartbeatMargin >= 0.5 && heartbeatMargin <= 600 else { throw ValidationError("--heartbeat-margin must be 0.5…600 s; got \(heartbeatMargin)") }
        guard backoff >= 0.01 && backoff <= 60 else { throw ValidationError("--backoff must be 0.01…60 s; got \(backoff)") }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be positive; got \(maxAttempts)") }
        if let start, Self.parseTime(start) == nil { throw ValidationError("--start must be an ISO 8601 UTC time or nanoseconds; got \(start)") }
        if let gateway, Self.endpoint(gateway) == nil { throw ValidationError("--gateway must be HOST:PORT; got \(gateway)") }
    }

    static func parseTime(_ text: String) -> UInt64? {
        if let n = UInt64(text) { return n }
        // YYYY-MM-DDTHH:MM:SS[.fraction]Z (UTC)
        let t = text.hasSuffix("Z") ? String(text.dropLast()) : text
        let parts = t.split(separator: "T", maxSplits: 1)
        guard parts.count == 2, let day = CivilDate(iso: String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ".", maxSplits: 1)
        let hms = clock[0].split(separator: ":").map { Int($0) }
        guard hms.count == 3, let h = hms[0], let m = hms[1], let sec = hms[2], h < 24, m < 60, sec < 61, day.daysSinceEpoch >= 0 else { return nil }
        var nanos: UInt64 = 0
        if clock.count == 2 {
            let digits = clock[1]
            guard !digits.isEmpty, digits.count <= 9, let f = UInt64(digits) else { return nil }
            nanos = f * UInt64(pow(10.0, Double(9 - digits.count)))
        }
        return UInt64(day.daysSinceEpoch) * 86_400_000_000_000 + UInt64(h * 3600 + m * 60 + sec) * 1_000_000_000 + nanos
    }

    static func endpoint(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    /// The key from --key-file or DATABENTO_API_KEY; errors never show it.
    func apiKey() throws -> APIKey {
        let text: String
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else { throw ValidationError("cannot read the key file \(keyFile)") }
            text = String(decoding: data, as: UTF8.self)
        } else if let env = ProcessInfo.processInfo.environment["DATABENTO_API_KEY"], !env.isEmpty {
            text = env
        } else {
            throw ValidationError("no API key: set DATABENTO_API_KEY or give --key-file")
        }
        do { return try APIKey(text) } catch let e as LiveError { throw ValidationError("\(e)") }
    }

    func request() -> LiveRequest {
        var r = LiveRequest(dataset: dataset, schema: Schema(name: schema)!, stypeIn: SType(rawValue: UInt8(SType.allNames.firstIndex(of: stypeIn)!)),
                            symbols: symbols.flatMap { $0.split(separator: ",").map(String.init) })
        r.start = start.flatMap(Self.parseTime)
        r.heartbeatInterval = heartbeat
        r.compression = LiveRequest.Compression(rawValue: compression)!
        return r
    }

    func clientOptions(_ request: LiveRequest) -> LiveClient.Options {
        let (host, port) = gateway.flatMap(Self.endpoint) ?? (request.defaultHost, LiveRequest.defaultPort)
        var o = LiveClient.Options(host: host, port: port)
        o.heartbeatMargin = heartbeatMargin
        o.initialBackoff = backoff
        o.maxAttempts = maxAttempts
        return o
    }
}

/// SIGINT / SIGTERM set this; the client's loop checks it.
enum StopSignal {
    static let requested = Atomic<Bool>(false)
    static func install() {
        signal(SIGINT) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
    }
    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}

/// `precedent live record`: the live stream into the lake's raw tree.
struct LiveRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a live subscription as raw DBN files in the lake, one per UTC day, never losing what was received.",
        discussion: """
            Connects to Databento's live gateway (the key from DATABENTO_API_KEY or --key-file; it is \
            never printed or written), subscribes, and appends every record to \
            LAKE/raw/source=databento/product_type=P/symbol=ROOT/table=market_by_order_dbn/\
            <dataset>-<schema>-<YYYY-MM-DD>.live.dbn — the folder precedent run reads. Each file is a \
            valid DBN file at every moment (metadata first, then whole records, flushed at least every \
            --flush-seconds), so a crash loses at most the last second and leaves files that read to \
            their end.
            Heartbeats are watched: silence beyond the interval plus --heartbeat-margin reconnects, with \
            backoff. After any gap (a disconnect, silence, a restart of this command) it resubscribes with \
            intraday replay from just before the last record and drops, by position, what it already \
            has; every gap is logged in _gaps.jsonl beside the files and on standard error. A fatal \
            gateway error (authentication, key deactivated, invalid subscription…) ends the run with the \
            gateway's message and exit status 1. SIGINT or SIGTERM flushes, closes the file and exits 0.

            Example:
              DATABENTO_API_KEY=… precedent live record --lake out/lake --symbols ES.FUT --stype-in parent
            """)

    @OptionGroup var live: LiveOptions
    @Option(help: ArgumentHelp("Lake root folder.", valueName: "dir")) var lake: String
    @Option(help: "Root the files belong to (default: the first symbol up to its '.', e.g. ES).") var root: String?
    @Option(help: "Product type folder of the raw tree.") var productType = "future"
    @Option(help: ArgumentHelp("Longest time a received record waits before it is written.", valueName: "s")) var flushSeconds = 1.0
    @Option(help: ArgumentHelp("Stop after this many seconds (default: run until SIGINT).", valueName: "s")) var duration: Double?
    @Flag(inversion: .prefixedNo, help: "A progress line on standard error every second (default: when it is a terminal).")
    var progress: Bool?

    func validate() throws {
        try live.validateLive()
        guard flushSeconds >= 0.01 && flushSeconds <= 1 else { throw ValidationError("--flush-seconds must be 0.01…1; got \(flushSeconds)") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive; got \(duration)") }
        let r = rootName
        guard !r.isEmpty, r.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ValidationError("--root \(r) is not a root name (letters and digits)")
        }
    }

    var rootName: String { root ?? String(live.symbols.first?.split(separator: ",").first?.split(separator: ".").first ?? "") }

    func run() throws {
        let key = try live.apiKey()
        let request = live.request()
        let table = request.schema == .mbo ? "market_by_order_dbn" : "\(request.schema)_dbn".replacingOccurrences(of: "-", with: "_")
        let folder = "\(lake)/raw/source=databento/product_type=\(productType)/symbol=\(rootName)/table=\(table)"
        let recorder = try LiveRecorder(folder: folder, dataset: request.dataset, schema: request.schema, flushInterval: flushSeconds)
        let (resume, repairs) = try recorder.resumePoint()
        for r in repairs { printError("live: repaired \(r)") }
        if let last = resume.lastEvent {
            printError("live: resuming after \(UnixNanos(rawValue: last).iso8601 ?? String(last)) (last record on file)")
        }
        let client: LiveClient
        do { client = try LiveClient(request: request, key: key, options: live.clientOptions(request), resume: resume) }
        catch let e as LiveError { throw ValidationError("\(e)") }
        StopSignal.install()
        let showProgress = progress ?? (isatty(2) == 1)
        let began = Date()
        var lastShown = Date(), shownCount = 0
        let options = client.options
        printError("live: \(request.dataset) \(request.schema) \(request.symbols.joined(separator: ",")) from \(options.host):\(options.port) into \(folder)")
        var failure: Error?
        do {
            try client.run(shouldStop: {
                StopSignal.isRequested || (duration.map { Date().timeIntervalSince(began) >= $0 } ?? false)
            }) { event in
                try recorder.take(event)
                switch event {
                case .connected(let session, let attempt):
                    printError("live: connected (session \(session), attempt \(attempt))")
                case .gap(let g):
                    printError("live: gap \(g.closedBy == "open" ? "opened" : "closed by \(g.closedBy)"): \(g.reason)"
                               + (g.closedBy == "open" ? "" : "; \(g.dropped) replayed records already on file dropped"
                                  + (g.mismatched > 0 ? ", \(g.mismatched) of them not matching" : "")))
                case .notice(let text):
                    printError("live: \(key.redacted(text))")
                default: break
                }
                if showProgress, Date().timeIntervalSince(lastShown) >= 1 {
                    let rate = Double(recorder.recordsWritten - shownCount) / Date().timeIntervalSince(lastShown)
                    let lag = recorder.lastEvent.map { String(format: "%.1f s", Date().timeIntervalSince1970 - Double($0) / 1e9) } ?? "–"
                    printError("live: \(grouped(recorder.recordsWritten)) records (\(grouped(Int(rate)))/s), lag behind ts_event \(lag), gaps \(client.gaps.count)")
                    lastShown = Date(); shownCount = recorder.recordsWritten
                }
            }
        } catch { failure = error }
        try recorder.close()
        printError("live: \(grouped(recorder.recordsWritten)) records written to \(recorder.files.count) file(s), \(client.gaps.count) gap(s)"
                   + (recorder.files.isEmpty ? "" : ": " + recorder.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))
        if let failure {
            printError("live: \(key.redacted(String(describing: failure)))")
            throw ExitCode(1)
        }
    }
}
