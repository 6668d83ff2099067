import ArgumentParser
import Foundation
import PrecedentCore
import PrecedentEngine
import PrecedentLake
import PrecedentLive
import PrecedentPipeline
import PrecedentServer

/// `precedent serve`: the view in a browser, a replay with its precedents.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the pressure view: a replayed day in the browser, with the JSON API and the stream it draws from.",
        discussion: """
            Replays one trade date through the engine at --speed (the server's clock, shared by every \
            viewer) and serves, on http://HOST:PORT/:
              /               the page: heatmap of resting size per tick, levels, best quotes, trades, the \
            5-second features of the nearest level, replay controls, triggers and their precedents
              /ws             the stream the page draws (heatmap columns, levels, windows, triggers, outcomes)
              /api/…          symbols, levels, windows, triggers, query, setups/{id}, replay (docs/API.md)
              /report         the walk-forward evaluation as a page (?symbol=ROOT, as precedent evaluate --html)
              /healthz, /metrics (Prometheus text format)
            The day comes from the lake (--symbol, --date; default: the first symbol and its first date) \
            or from DBN files outside it (--replay FILES… --symbol ROOT). The lake is only read and \
            must have been built with the same configuration; triggers are answered from its indexes.
            With --live the view follows Databento's live gateway instead (docs/LIVE.md): records go \
            through the engine as they arrive, from an intraday replay of the trade date so far \
            (--start; default: the current trade date's start, at most 23 hours back); the contract is \
            --contract, else the one the lake selected on the prior trade date, else the feed's only \
            instrument; the gap log is shown on the page; the replay controls answer 409.
            The server binds 127.0.0.1. Any other --host needs --token-file: every request must then \
            carry the token (Authorization: Bearer …, or ?token= on the page URL). SIGINT or SIGTERM \
            closes the connections and exits 0.

            Examples:
              precedent serve --lake out/lake --config config/sample.yaml --symbol AMZN --date 2012-06-21 --speed 10
              DATABENTO_API_KEY=… precedent serve --live --lake out/lake --config config/sample.yaml --symbol ES
            """)

    @Option(help: ArgumentHelp("Lake root folder (read only).", valueName: "dir")) var lake: String
    @Option(help: ArgumentHelp("YAML configuration the lake was built with.", valueName: "file")) var config: String?
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Replay these DBN MBO files (of --symbol) instead of a lake date.", valueName: "file"))
    var replay: [String] = []
    @Option(help: "Root to replay (ES, AMZN…).") var symbol: String?
    @Option(help: ArgumentHelp("Trade date to replay, YYYY-MM-DD.", valueName: "date")) var date: String?
    @Option(help: ArgumentHelp("Start at this local time, HH:MM[:SS].", valueName: "time")) var time: String?
    @Option(help: ArgumentHelp("Replay speed, a multiple of real time (0.1–1000).", valueName: "x")) var speed = 1.0
    @Option(help: "Address to bind; anything but loopback needs --token-file.") var host = "127.0.0.1"
    @Option(help: "Port (0: any free port; the URL is printed).") var port = 8080
    @Option(help: ArgumentHelp("File holding the bearer token clients must send.", valueName: "file")) var tokenFile: String?
    @Option(help: "Most WebSocket clients at once.") var maxClients = 256
    @Option(help: "Neighbours in the answers (as precedent query).") var k = 50
    @Option(help: ArgumentHelp("Market seconds per heatmap column.", valueName: "s")) var bucketSeconds = 1.0
    @Option(help: ArgumentHelp("Ticks above and below the mid in a heatmap column.", valueName: "n")) var bandTicks = 40
    @Option(help: ArgumentHelp("Frames queued per client before its columns are dropped.", valueName: "n")) var queue = 256
    @Flag(help: "Follow Databento's live gateway instead of replaying (needs --symbol; the options below).") var live = false
    @Option(help: ArgumentHelp("With --live: the contract to draw (e.g. ESZ5).", valueName: "symbol")) var contract: String?
    @OptionGroup(title: "Live feed (with --live; --symbols defaults to ROOT.FUT with --stype-in parent)") var feed: LiveOptions

    func validate() throws {
        guard FileManager.default.fileExists(atPath: lake) else { throw ValidationError("no lake at \(lake): run precedent run --layer all first") }
        guard speed >= 0.1 && speed <= 1000 else { throw ValidationError("--speed must be 0.1…1000; got \(speed)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535; got \(port)") }
        guard maxClients > 0 else { throw ValidationError("--max-clients must be positive; got \(maxClients)") }
        guard k > 0 else { throw ValidationError("--k must be positive; got \(k)") }
        guard bucketSeconds >= 0.01 && bucketSeconds <= 3600 else { throw ValidationError("--bucket-seconds must be 0.01…3600; got \(bucketSeconds)") }
        guard (1...2000).contains(bandTicks) else { throw ValidationError("--band-ticks must be 1…2000; got \(bandTicks)") }
        guard queue >= 8 else { throw ValidationError("--queue must be at least 8; got \(queue)") }
        if let date, CivilDate(iso: date) == nil { throw ValidationError("--date must be YYYY-MM-DD; got \(date)") }
        if let time, LocalTime(time) == nil { throw ValidationError("--time must be HH:MM or HH:MM:SS; got \(time)") }
        if !replay.isEmpty && symbol == nil { throw ValidationError("--replay needs --symbol (the root the files belong to)") }
        for f in replay where !FileManager.default.fileExists(atPath: f) { throw ValidationError("no file \(f)") }
        if live {
            guard symbol != nil else { throw ValidationError("--live needs --symbol (the root whose configuration applies, e.g. ES)") }
            guard replay.isEmpty, date == nil, time == nil else { throw ValidationError("--live follows the feed: --replay, --date and --time do not apply") }
            guard feed.schema == "mbo" else { throw ValidationError("--live draws order books: --schema must be mbo; got \(feed.schema)") }
            var f = feed
            if f.symbols.isEmpty { f.symbols = ["\(symbol!).FUT"] }
            try f.validateLive()
        } else if contract != nil {
            throw ValidationError("--contract applies to --live (a replay draws the contract the lake selected)")
        }
        if tokenFile == nil && !Self.isLoopback(host) {
            throw ValidationError("--host \(host) is not a loopback address: give --token-file so that only holders of the token connect")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    func run() throws {
        let configuration = try config.map(PipelineConfig.load) ?? PipelineConfig()
        var token: String? = nil
        if let tokenFile {
            guard let text = FileManager.default.contents(atPath: tokenFile).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw ValidationError("cannot read the token file \(tokenFile)")
            }
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard t.count >= 16 else { throw ValidationError("the token in \(tokenFile) is shorter than 16 characters") }
            token = t
        }
        let theLake = Lake(root: lake)
        // The roots the lake holds features of.
        let candidates = configuration.instruments.keys.sorted()
        let all = try LakeQueries(lake: theLake, config: configuration, roots: candidates)
        let probe = LakeAPI(queries: all, roots: candidates)
        let roots = candidates.filter { !probe.dates($0).isEmpty || $0 == symbol }
        guard !roots.isEmpty else { throw ValidationError("the lake at \(lake) holds no complete silver partition: run precedent run --layer all") }
        let queries = try LakeQueries(lake: theLake, config: configuration, roots: roots)
        for r in roots { try queries.context.requireSameSettings(root: r, dates: nil) }
        let api = LakeAPI(queries: queries, roots: roots, k: k)

        let root = symbol ?? roots[0]
        guard roots.contains(root) else { throw ValidationError("--symbol \(root): the lake holds no silver partition of it") }
        let hubContext: PipelineContext
        let source: ReplaySource
        let day: CivilDate
        if live {
            hubContext = queries.context
            var f = feed
            if f.symbols.isEmpty { f.symbols = ["\(root).FUT"] }
            let key = try f.apiKey()
            var request = f.request()
            let clock = hubContext.clocks[root]!
            if request.start == nil {
                // The current trade date so far (the gateway replays at most about 24 hours).
                let now = UnixNanos(rawValue: UInt64(Date().timeIntervalSince1970 * 1e9))
                request.start = max(clock.span(clock.tradeDate(now)).lowerBound.rawValue, now.rawValue - 23 * 3_600_000_000_000)
            }
            let client: LiveClient
            do { client = try LiveClient(request: request, key: key, options: f.clientOptions(request)) }
            catch let e as LiveError { throw ValidationError("\(e)") }
            source = .live(LiveFeed(client: client, root: root, contract: contract, coverageStart: request.start.map(UnixNanos.init(rawValue:)),
                                    redact: { key.redacted($0) }))
            day = clock.tradeDate(UnixNanos(rawValue: request.start!))
            printError("serve: following \(request.dataset) \(request.symbols.joined(separator: ",")) from \(client.options.host):\(client.options.port)"
                       + " (replay from \(UnixNanos(rawValue: request.start!).iso8601 ?? ""))")
        } else if replay.isEmpty {
            hubContext = queries.context
            source = .lake
            let dates = api.dates(root)
            if let date {
                day = CivilDate(iso: date)!
                guard dates.contains(day) else {
                    throw ValidationError("no complete silver partition of \(root) on \(date); dates: \(dates.map(\.description).joined(separator: ", "))")
                }
            } else {
                guard let first = dates.first else { throw ValidationError("the lake holds no date of \(root)") }
                day = first
            }
        } else {
            hubContext = try PipelineContext(lake: theLake, config: configuration, roots: [root], files: [root: replay])
            source = .files(root: root, paths: replay)
            let days = hubContext.catalogs[root]!.tradeDates(hubContext.clocks[root]!)
            // The given date, else the first with a selected contract (a holiday's data selects none).
            let candidates = date.map { [CivilDate(iso: $0)!] } ?? days
            var chosen: CivilDate? = nil
            for d in candidates where days.contains(d) {
                if let selected = try hubContext.replayDay(root: root, date: d)?.contract, !selected.isEmpty { chosen = d; break }
            }
            guard let chosen else {
                throw ValidationError(date.map { "the files hold no selected contract of \(root) on trade date \($0)" }
                                      ?? "the files hold no trade date with a selected contract of \(root) (dates: \(days.map(\.description).joined(separator: ", ")))")
            }
            day = chosen
        }
        var settings = StreamSettings()
        settings.bucketNs = UInt64(bucketSeconds * 1e9)
        settings.bandTicks = bandTicks
        settings.queueCapacity = queue
        let metrics = ServerMetrics()
        let k = self.k
        let hub = ReplayHub(context: hubContext, source: source, speed: speed, settings: settings, metrics: metrics,
                            book: { try queries.book(root: $0, k: k) })
        if live {
            hub.startLive()
        } else {
            hub.start(root: root, date: day, at: time.map { hubContext.clocks[root]!.moment(day, LocalTime($0)!) })
        }

        let host = self.host, port = self.port, access = AccessSettings(token: token, maxClients: maxClients)
        let shown = host.contains(":") ? "[\(host)]" : host
        let tokenNote = token == nil ? "" : "?token=… (the token in \(tokenFile!))"
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error? = nil
        Task {
            do {
                try await ViewServer.serve(api: api, hub: hub, access: access, metrics: metrics, host: host, port: port) { bound in
                    printError("serve: \(root) " + (live ? "live" : "\(day) at \(speed)×") + ": open http://\(shown):\(bound)/" + tokenNote)
                }
            } catch { failure = error }
            done.signal()
        }
        done.wait()
        hub.stop()
        if let failure { throw ValidationError("serve: \(failure)") }
        printError("serve: stopped")
    }
}
