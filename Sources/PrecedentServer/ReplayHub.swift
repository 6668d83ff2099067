import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentFeatures
import PrecedentPipeline
import PrecedentSetups

/// One trade date ready to replay: the engine's setup and the selected contract's records.
public struct ReplayDay: Sendable {
    public var setup: EngineSetup
    public var records: [MBOMsg]
    public init(setup: EngineSetup, records: [MBOMsg]) { self.setup = setup; self.records = records }
}

/// Where the hub's days come from: the lake's bronze partitions, or DBN files outside it.
public enum ReplaySource: Sendable {
    case lake
    /// Raw DBN files of one root (decoded as the bronze stage decodes them).
    case files(root: String, paths: [String])
    /// Databento's live gateway (`precedent serve --live`).
    case live(LiveFeed)

    var isLake: Bool { if case .lake = self { true } else { false } }
    var isLive: Bool { if case .live = self { true } else { false } }
}

/// How the stream is cut.
public struct StreamSettings: Sendable {
    /// Market time per heatmap column, ns.
    public var bucketNs: UInt64 = 1_000_000_000
    /// Price ticks on each side of the mid in a column.
    public var bandTicks: Int = 40
    /// Columns a joining client gets to draw its screen.
    public var historyColumns: Int = 900
    /// Closed windows a joining client gets.
    public var historyWindows: Int = 120
    /// Frames queued per client before columns are dropped.
    public var queueCapacity: Int = 256
    public init() {}
}

/// The replay clock the server shares with every client: one trade date at a time run through
/// the engine at a chosen speed on its own thread, turned into frames (heatmap columns, levels,
/// windows, triggers with answers, outcomes) that every client's bounded queue receives. A client
/// joining mid-replay first gets `hello` and one `history` frame with what it needs to draw the
/// screen (docs/API.md, "The stream").
public final class ReplayHub: @unchecked Sendable {  // shared state is guarded by `lock`; the engine lives on the replay thread
    public let settings: StreamSettings
    let context: PipelineContext
    let source: ReplaySource
    let book: (String) throws -> PrecedentBook?
    let metrics: ServerMetrics
    let lock = NSLock()

    // Shared state (lock).
    private var clients: [ObjectIdentifier: Outbox] = [:]
    private var playing = true
    private var speed: Double
    private var command: Command? = nil
    /// Empty until a day is loaded (a client joining before then gets it with the first reset).
    private var hello = ""
    private var columns: [String] = []
    private var levelFrames: [String] = []
    private var windowFrames: [String] = []
    private var triggerFrames: [String] = []
    /// The live feed's gaps and notices, oldest first.
    private var feedFrames: [String] = []
    var status = Status()
    var stopped = false

    enum Command { case load(String, CivilDate, UnixNanos?), seek(UnixNanos), nextTrigger }

    /// What the replay is doing, for `/api/replay` and `/metrics`.
    public struct Status: Sendable {
        public var symbol = "", date = "", contract = ""
        public var clock = UnixNanos(rawValue: 0)
        public var start = UnixNanos(rawValue: 0), end = UnixNanos(rawValue: 0)
        public var ended = false
        public var error: String? = nil
        /// Live: records of the contract through the engine, and gaps so far.
        public var live = false
        public var records = 0, gaps = 0
    }

    public init(context: PipelineContext, source: ReplaySource, speed: Double, settings: StreamSettings, metrics: ServerMetrics,
                book: @escaping (String) throws -> PrecedentBook?) {
        self.context = context; self.source = source; self.speed = speed; self.settings = settings; self.metrics = metrics; self.book = book
    }

    // MARK: control (any thread)

    /// Starts the replay thread on `root`'s `date`, from `time` (nil: the start).
    public func start(root: String, date: CivilDate, at time: UnixNanos? = nil) {
        lock.withLock { command = .load(root, date, time) }
        let t = Thread { [self] in loop() }
        t.name = "precedent-replay"
        t.start()
    }

    /// Starts following the live feed (a hub made with a `.live` source) on its own thread.
    public func startLive() {
        guard case .live(let feed) = source else { preconditionFailure("startLive on a hub without a live source") }
        let t = Thread { [self] in liveLoop(feed) }
        t.name = "precedent-live"
        t.start()
    }

    public func stop() {
        lock.withLock { stopped = true }
        let all = lock.withLock { Array(clients.values) }
        for c in all { c.close() }
    }

    public func setPlaying(_ on: Bool) { lock.withLock { playing = on }; broadcastState() }
    public func setSpeed(_ x: Double) { lock.withLock { speed = x }; broadcastState() }
    public func load(root: String, date: CivilDate, at time: UnixNanos?) { lock.withLock { command = .load(root, date, time) } }
    public func seek(to t: UnixNanos) { lock.withLock { command = .seek(t) } }
    public func nextTrigger() { lock.withLock { command = .nextTrigger } }
    public var current: (status: Status, playing: Bool, speed: Double) { lock.withLock { (status, playing, speed) } }
    /// True when the hub follows a live feed (no pause, speed, seek or load).
    public var isLive: Bool { source.isLive }

    // MARK: clients

    /// A new client's queue, primed with `hello` and the history; nil when `max` clients are connected.
    public func join(max: Int) -> Outbox? {
        let box = Outbox(capacity: settings.queueCapacity, onDrop: { [metrics] n in metrics.framesDropped.increment(by: Int64(n)) })
        let ok: Bool = lock.withLock {
            guard clients.count < max, !stopped else { return false }
            clients[ObjectIdentifier(box)] = box
            if !hello.isEmpty {
                box.push(Frame(hello))
                box.push(Frame(historyFrame()))
            }
            if source.isLive {  // the feed's counts and error, which a replay's hello and state carry
                box.push(Frame(Self.stateJSON(status, playing: playing, speed: speed, clock: clockOf(status.symbol))))
            }
            return true
        }
        guard ok else { return nil }
        metrics.clients.increment()
        return box
    }

    public func leave(_ box: Outbox) {
        let removed = lock.withLock { clients.removeValue(forKey: ObjectIdentifier(box)) != nil }
        box.close()
        if removed { metrics.clients.decrement() }
    }

    public var clientCount: Int { lock.withLock { clients.count } }

    /// The columns a joining client would get (the API's view of what the page draws).
    public var recentColumns: [String] { lock.withLock { columns } }

    private func historyFrame() -> String {
        "{\"type\":\"history\",\"frames\":[" + (feedFrames + levelFrames + windowFrames + triggerFrames + columns).joined(separator: ",") + "]}"
    }

    func broadcast(_ f: Frame) {
        let type = kind(f.text)
        remember(f.text, kind: String(type))
        let all: [Outbox] = lock.withLock { Array(clients.values) }
        for c in all where c.push(f) { metrics.framesSent.increment() }
    }

    private func append(_ a: inout [String], _ s: String, max: Int) {
        a.append(s)
        if a.count > max + max / 4 { a.removeFirst(a.count - max) }
    }

    private func kind(_ text: String) -> Substring {
        // Frames begin {"type":"…"
        let body = text.dropFirst(9)
        return body.prefix { $0 != "\"" }
    }

    func broadcastState() {
        let (s, on, x) = lock.withLock { (status, playing, speed) }
        broadcast(Frame(Self.stateJSON(s, playing: on, speed: x, clock: clockOf(s.symbol))))
    }

    func clockOf(_ root: String) -> ExchangeClock? { context.clocks[root] }

    static func stateJSON(_ s: Status, playing: Bool, speed: Double, clock: ExchangeClock?) -> String {
        JSONText.object([("type", "\"state\""), ("symbol", JSONText.quoted(s.symbol)), ("date", JSONText.quoted(s.date)),
                         ("contract", JSONText.quoted(s.contract)), ("clock", String(s.clock.rawValue)),
                         ("clock_local", JSONText.quoted(clock.map { QueryReport.local(s.clock, $0) } ?? "")),
                         ("playing", playing ? "true" : "false"), ("speed", "\(speed)"), ("ended", s.ended ? "true" : "false"),
                         ("error", s.error.map(JSONText.quoted) ?? "null"), ("live", s.live ? "true" : "false"),
                         ("records", String(s.records)), ("gaps", String(s.gaps))])
    }

    // MARK: the replay thread

    /// One day's replay in progress.
    struct Run {
        var day: ReplayDay
        var engine: Engine
        var index = 0
        var nextColumn: UnixNanos
        var trades: [(Int64, UInt32, UInt8)] = []
        var pacing: (ts: UnixNanos, wall: UInt64)? = nil
        var ended = false
        var book: PrecedentBook?
        /// Live: the contract's instrument ID once the feed mapped it.
        var instrument: InstrumentID? = nil
    }

    func loop() {
        var run: Run? = nil
        while true {
            let (cmd, isStopped, on, x) = lock.withLock { () -> (Command?, Bool, Bool, Double) in
                defer { command = nil }
                return (command, stopped, playing, speed)
            }
            if isStopped { return }
            if let cmd {
                run = execute(cmd, run)
                continue
            }
            guard var r = run, !r.ended, on else {
                run?.pacing = nil
                usleep(20_000)
                continue
            }
            run = nil  // `r` is the run's only owner while it steps: the engine's arrays are not copied on write
            // Pace: the next thing due is a record or a column boundary.
            let nextTs = min(r.index < r.day.records.count ? r.day.records[r.index].tsRecv : UnixNanos(rawValue: .max), r.nextColumn)
            let now = monotonic()
            if let p = r.pacing, nextTs > p.ts {
                let due = p.wall + UInt64(Double(nextTs.rawValue - p.ts.rawValue) / x)
                if due > now + 200_000 {
                    run = r
                    usleep(useconds_t(min(20_000, (due - now) / 1_000)))
                    continue
                }
            } else if r.pacing == nil {
                r.pacing = (nextTs, now)
            }
            // Everything due by now, then look at the controls again.
            var steps = 0
            while steps < 4096 && !r.ended {
                let ts = min(r.index < r.day.records.count ? r.day.records[r.index].tsRecv : UnixNanos(rawValue: .max), r.nextColumn)
                if let p = r.pacing, ts > p.ts, p.wall + UInt64(Double(ts.rawValue - p.ts.rawValue) / x) > monotonic() { break }
                step(&r, publish: true)
                steps += 1
            }
            run = r
        }
    }

    /// Applies a control command to the run (loading, seeking, jumping), publishing a reset.
    func execute(_ cmd: Command, _ run: Run?) -> Run? {
        var r = run
        switch cmd {
        case .load(let root, let date, let at):
            do {
                r = try prepare(root: root, date: date)
                if let at { fastForward(&r!, until: { run, _ in run.nextColumn > at }) }
            } catch {
                lock.withLock { status.error = "\(error)" }
                broadcastState()
                return run
            }
        case .seek(let t):
            guard var cur = r else { return r }
            if t < cur.nextColumn {  // backwards: from the start of the day
                guard let fresh = try? prepare(root: cur.day.setup.root, date: cur.day.setup.date) else { return r }
                cur = fresh
            } else {
                resetHistory(keepLevels: true, keepTriggers: true)
            }
            fastForward(&cur, until: { run, _ in run.nextColumn > t })
            r = cur
        case .nextTrigger:
            guard var cur = r else { return r }
            resetHistory(keepLevels: true, keepTriggers: true)
            fastForward(&cur, until: { _, fired in fired })
            r = cur
        }
        r?.pacing = nil
        publishReset(r)
        return r
    }

    private func resetHistory(keepLevels: Bool, keepTriggers: Bool) {
        lock.withLock {
            columns = []; windowFrames = []
            if !keepLevels { levelFrames = [] }
            if !keepTriggers { triggerFrames = [] }
        }
    }

    /// Runs without pacing or publishing columns until `done` (given whether a trigger fired in the
    /// last step); keeps the last columns and windows as history.
    private func fastForward(_ r: inout Run, until done: (Run, Bool) -> Bool) {
        while !r.ended {
            let fired = step(&r, publish: false)
            if done(r, fired) { break }
        }
    }

    /// Everything a joining client needs after a reset: `reset`, then `hello` and `history`.
    func publishReset(_ r: Run?) {
        guard let r else { return }
        let h = helloJSON(r)
        let all: [Outbox] = lock.withLock {
            hello = h
            status.ended = r.ended
            return Array(clients.values)
        }
        let history = lock.withLock { historyFrame() }
        for c in all {
            c.push(Frame("{\"type\":\"reset\"}"))
            c.push(Frame(h))
            c.push(Frame(history))
        }
        broadcastState()
    }

    private func prepare(root: String, date: CivilDate) throws -> Run {
        guard context.specs[root] != nil else { throw PipelineError("unknown symbol \(root)", file: nil, hint: nil) }
        let input: (contract: String, coverage: Range<UnixNanos>, records: [MBOMsg])?
        switch source {
        case .lake: input = try context.lakeDay(root: root, date: date)
        case .files(let fileRoot, _): input = fileRoot == root ? try context.replayDay(root: root, date: date).map { ($0.contract, $0.coverage, $0.records) } : nil
        case .live: input = nil  // the live thread makes its own runs
        }
        guard let d = input, !d.contract.isEmpty else {
            throw PipelineError("no selected contract of \(root) on \(date) in the \(source.isLake ? "lake" : "replayed files")", file: nil,
                                hint: source.isLake ? "run precedent run --layer silver" : nil)
        }
        let prior = try context.priorFromLake(root: root, date: date, contract: d.contract)
        let day = ReplayDay(setup: try context.engineSetup(root: root, date: date, contract: d.contract, coverage: d.coverage, prior: prior),
                            records: d.records)
        return try makeRun(day, first: day.records.first?.tsRecv ?? day.setup.coverage.lowerBound, end: day.records.last?.tsRecv)
    }

    /// A fresh run of `day` whose first record is at `first`, the history cleared.
    func makeRun(_ day: ReplayDay, first: UnixNanos, end: UnixNanos?) throws -> Run {
        let bucket = settings.bucketNs
        let start = UnixNanos(rawValue: (first.rawValue / bucket + 1) * bucket)
        let precedents = try book(day.setup.root)
        let r = Run(day: day, engine: Engine(day.setup, precedents: precedents), nextColumn: start, book: precedents)
        lock.withLock {
            columns = []; windowFrames = []; levelFrames = []; triggerFrames = []
            let live = status.live, records = status.records, gaps = status.gaps
            status = Status(symbol: day.setup.root, date: day.setup.date.description, contract: day.setup.contract, clock: first, start: first,
                            end: end ?? first, ended: false, error: nil, live: live, records: records, gaps: gaps)
        }
        return r
    }

    func helloJSON(_ r: Run) -> String {
        let s = r.day.setup
        let (st, on, x) = lock.withLock { (status, playing, speed) }
        return JSONText.object([
            ("type", "\"hello\""), ("symbol", JSONText.quoted(s.root)), ("date", JSONText.quoted(s.date.description)),
            ("contract", JSONText.quoted(s.contract)), ("tick", JSONText.quoted(Price(rawValue: s.tick).decimalString ?? "")),
            ("tick_nanos", String(s.tick)), ("bucket_ns", String(settings.bucketNs)), ("band_ticks", String(settings.bandTicks)),
            ("window_seconds", String(s.windowSeconds)), ("time_zone", JSONText.quoted(s.clock.timeZone.identifier)),
            ("utc_offset_s", String(s.clock.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(st.start.rawValue) / 1e9)))),
            ("start", String(st.start.rawValue)), ("end", String(st.end.rawValue)), ("clock", String(r.nextColumn.rawValue)),
            ("playing", on ? "true" : "false"), ("speed", "\(x)"), ("ended", r.ended ? "true" : "false"),
            ("levels", JSONText.array(s.levels.map { JSONText.quoted($0.rawValue) })), ("live", source.isLive ? "true" : "false"),
        ])
    }

    /// One step: a column boundary (the column, then the clock moved to it) or a record. True when
    /// a trigger fired.
    @discardableResult
    private func step(_ r: inout Run, publish: Bool) -> Bool {
        let records = r.day.records
        var events: [EngineEvent]
        if r.index < records.count && records[r.index].tsRecv < r.nextColumn {
            let m = records[r.index]
            r.index += 1
            events = apply(m, to: &r)
        } else if r.index >= records.count && r.nextColumn > r.day.setup.coverage.upperBound {
            events = r.engine.finish(at: r.day.setup.coverage.upperBound)
            r.ended = true
            lock.withLock { status.ended = true }
        } else {
            events = closeColumn(&r, publish: publish)
        }
        let fired = publishEvents(events, r, publish: publish)
        if r.ended && publish { broadcastState() }
        return fired
    }

    /// The record through the engine (its trade kept for the column's trades).
    func apply(_ m: MBOMsg, to r: inout Run) -> [EngineEvent] {
        if m.action == .trade && m.price.isDefined {
            r.trades.append((m.price.rawValue, m.size, m.side.rawValue))
        }
        return r.engine.apply(m)
    }

    /// The column ending at `r.nextColumn` (published, or only kept as history), then the engine's
    /// clock moved to that moment.
    func closeColumn(_ r: inout Run, publish: Bool) -> [EngineEvent] {
        let t = r.nextColumn
        let column = columnJSON(r, at: t)
        r.trades.removeAll(keepingCapacity: true)
        r.nextColumn = UnixNanos(rawValue: t.rawValue + settings.bucketNs)
        let events = r.engine.advance(to: t)
        lock.withLock { status.clock = t }
        metrics.replayClock.set(Double(t.rawValue) / 1e9)
        // A published column carries the wall clock at which it left the replay (`wall`, UTC ns), for latency.
        if publish { broadcast(Frame(String(column.dropLast()) + ",\"wall\":\(wallNanos())}", droppable: true)) } else { remember(column, kind: "column") }
        return events
    }

    /// The engine's events as frames; true when a trigger fired.
    func publishEvents(_ events: [EngineEvent], _ r: Run, publish: Bool) -> Bool {
        var fired = false
        for e in events {
            guard let text = frame(e, r) else { continue }
            if case .trigger = e { fired = true }
            if publish { broadcast(Frame(text)) } else { remember(text, kind: e.kind) }
        }
        return fired
    }

    func remember(_ text: String, kind: String) {
        lock.withLock {
            switch kind {
            case "column": append(&columns, text, max: settings.historyColumns)
            case "level": levelFrames.append(text)
            case "window": append(&windowFrames, text, max: settings.historyWindows)
            case "trigger", "outcome": triggerFrames.append(text)
            case "gap", "notice": append(&feedFrames, text, max: 1000)
            default: break
            }
        }
    }

    /// The heatmap column at `t`: resting size per tick within the band around the mid, the best
    /// quotes and the bucket's trades; prices in ticks. No book side: null arrays (drawn as a gap).
    func columnJSON(_ r: Run, at t: UnixNanos) -> String {
        let book = r.engine.orderBook
        let tick = r.day.setup.tick
        let bb = book.bestBid?.price.rawValue, ba = book.bestAsk?.price.rawValue
        func ticks(_ p: Int64) -> Int64 { p.floorDivided(by: tick) }
        let trades = JSONText.array(r.trades.map { "[\(ticks($0.0)),\($0.1),\"\(Character(UnicodeScalar($0.2)))\"]" })
        guard bb != nil || ba != nil else {
            return "{\"type\":\"column\",\"t\":\(t.rawValue),\"lo\":null,\"bid\":null,\"ask\":null,\"bb\":null,\"ba\":null,\"trades\":\(trades)}"
        }
        let centre = ((bb.map(ticks) ?? ticks(ba!)) + (ba.map(ticks) ?? ticks(bb!))) / 2
        let band = Int64(settings.bandTicks)
        let lo = centre - band, n = Int(2 * band + 1)
        var bids = [UInt64](repeating: 0, count: n), asks = [UInt64](repeating: 0, count: n)
        let low = Price(rawValue: lo * tick), high = Price(rawValue: (lo + Int64(n) - 1) * tick)
        book.forEachLevel(.bid, from: low, through: high) { l in
            let i = Int(ticks(l.price.rawValue) - lo)
            if i >= 0 && i < n { bids[i] += l.size }
        }
        book.forEachLevel(.ask, from: low, through: high) { l in
            let i = Int(ticks(l.price.rawValue) - lo)
            if i >= 0 && i < n { asks[i] += l.size }
        }
        func list(_ a: [UInt64]) -> String { "[" + a.map(String.init).joined(separator: ",") + "]" }
        return "{\"type\":\"column\",\"t\":\(t.rawValue),\"lo\":\(lo),\"bid\":\(list(bids)),\"ask\":\(list(asks)),"
            + "\"bb\":\(bb.map { String(ticks($0)) } ?? "null"),\"ba\":\(ba.map { String(ticks($0)) } ?? "null"),\"trades\":\(trades)}"
    }

    /// An engine event as a frame: levels, triggers and outcomes as `precedent replay` prints
    /// them (with the setup `id`), windows compacted to the features the page shows.
    func frame(_ e: EngineEvent, _ r: Run) -> String? {
        let setup = r.day.setup
        switch e {
        case .window(let w):
            let rows = w.rows.map { row -> String in
                let level = w.levels[row.level]
                var pairs: [(String, String)] = [("level_id", JSONText.quoted(level.id)), ("level_price", String(level.price)),
                                                 ("level_ticks", String(level.price.floorDivided(by: setup.tick))),
                                                 ("window_start", String(row.windowStart.rawValue)), ("volume", String(row.volume))]
                for (name, v) in Self.windowValues {
                    pairs.append((name, v.value(row, levelPrice: level.price, tick: setup.tick).map(Self.number) ?? "null"))
                }
                return JSONText.object(pairs)
            }
            return "{\"type\":\"window\",\"ts\":\(w.end.rawValue),\"window_index\":\(w.index),\"rows\":\(JSONText.array(rows))}"
        case .level, .outcome, .trigger:
            guard var line = (try? EngineEventJSON.lines(e, setup: setup, book: r.book))?.first else { return nil }
            switch e {
            case .trigger(let t, _), .outcome(let t):
                let id = SetupID(root: setup.root, date: setup.date, level: t.levelID, direction: t.direction.rawValue, time: t.time)
                // After `"type":"…",` (frames are told apart by their first key).
                guard let comma = line.firstIndex(of: ",") else { return line }
                line.insert(contentsOf: "\"id\":\(JSONText.quoted(id.description)),\"time_local\":\(JSONText.quoted(QueryReport.local(t.time, setup.clock))),",
                            at: line.index(after: comma))
            default: break
            }
            return line
        }
    }

    /// The silver columns a window frame carries, by their lake names.
    static let windowFieldNames: [String] = {
        var names: [String] = []
        for f in VacuumZones.frameNames {
            for z in ["approach_near", "approach_at", "beyond_at", "beyond_near"] {
                for s in VacuumZones.sideNames { for q in ["depth", "added", "pulled", "filled"] { names.append("\(f)_\(z)_\(s)_\(q)") } }
            }
            names += ["\(f)_x_mid", "\(f)_ofi"]
        }
        return names
    }()
    static let windowValues: [(String, SilverValue)] = windowFieldNames.map { ($0, SilverValue(name: $0)!) }

    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    func wallNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
