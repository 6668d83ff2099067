import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentLive
import PrecedentPipeline

/// What `precedent serve --live` follows: a client of Databento's live gateway, run on the hub's
/// thread, and how the hub picks the contract whose book the view draws.
public final class LiveFeed: @unchecked Sendable {  // the client is used only by the hub's thread once started
    public let client: LiveClient
    /// The root whose configuration applies (ES, AMZN…).
    public let root: String
    /// The contract to draw; nil: the one the lake's selection map picked on the prior trade date,
    /// else the feed's only instrument.
    public let contract: String?
    /// The start of the data the subscription asked for (its intraday replay `start`); nil: the
    /// first record received.
    public let coverageStart: UnixNanos?
    /// Removes the API key from a message before it is shown.
    let redact: @Sendable (String) -> String

    public init(client: LiveClient, root: String, contract: String?, coverageStart: UnixNanos?, redact: @escaping @Sendable (String) -> String) {
        self.client = client; self.root = root; self.contract = contract; self.coverageStart = coverageStart; self.redact = redact
    }
}

extension ReplayHub {
    /// The hub's thread when it follows a live feed: every record of the chosen contract goes
    /// through the engine as it arrives, and the same frames as a replay's leave for the clients
    /// (a column closes when the first record at or past its end arrives, as in a replay). A new
    /// trade date finishes the day and starts the next. Gaps and notices become `gap` and `notice`
    /// frames, kept for joining clients. The run ends when the hub stops or the client gives up
    /// (a fatal gateway error, a refused key): the error is then the state's `error`.
    func liveLoop(_ feed: LiveFeed) {
        let root = feed.root
        lock.withLock {
            status = Status(symbol: root)
            status.live = true
        }
        guard context.specs[root] != nil, let clock = context.clocks[root] else {
            failLive("unknown symbol \(root): the configuration has no instrument of that root")
            return
        }
        var run: Run? = nil
        var names: [InstrumentID: String] = [:]
        var lastDate: CivilDate? = nil
        var stateShown: UInt64 = 0
        do {
            try feed.client.run(shouldStop: { [self] in lock.withLock { stopped } }) { event in
                switch event {
                case .record(let ref):
                    if ref.rtype == RType.symbolMapping {
                        if case .symbolMapping(let s)? = try? ref.decode() {
                            names[ref.instrumentID] = s.stypeOutSymbol.string
                            if let r = run, r.instrument == nil, s.stypeOutSymbol.string == r.day.setup.contract {
                                run!.instrument = ref.instrumentID
                            }
                        }
                        return
                    }
                    guard let m = ref.mbo else { return }
                    let date = clock.tradeDate(m.tsRecv)
                    if let d = lastDate, date < d { return }  // a late record of a finished trade date
                    if date != lastDate {
                        lastDate = date
                        let continued = run != nil
                        if var r = run {
                            finishLive(&r, at: clock.span(r.day.setup.date).upperBound)
                        }
                        run = nil
                        do {
                            run = try prepareLive(feed, date: date, first: m.tsRecv, names: names, continued: continued)
                        } catch {
                            failLive(feed.redact("\(error)"))
                        }
                    }
                    guard run != nil, ref.instrumentID == run!.instrument else { return }
                    var r = run!
                    run = nil  // `r` is the run's only owner while it steps
                    liveRecord(&r, m)
                    run = r
                case .gap(let g):
                    let text = Self.gapJSON(g)
                    lock.withLock { if g.closedBy == "open" { status.gaps += 1 } }
                    broadcast(Frame(text))
                    broadcastState()
                case .notice(let text):
                    broadcast(Frame(JSONText.object([("type", "\"notice\""), ("ts", String(wallNanos())), ("text", JSONText.quoted(feed.redact(text)))])))
                case .connected, .metadata, .system, .tick:
                    break
                }
                // The feed's counts, once a second.
                let now = wallNanos()
                if now >= stateShown + 1_000_000_000 {
                    stateShown = now
                    broadcastState()
                }
            }
        } catch {
            failLive(feed.redact("\(error)"))
        }
    }

    /// One record of the contract: the columns it closes, then the record through the engine.
    private func liveRecord(_ r: inout Run, _ m: MBOMsg) {
        var events: [EngineEvent] = []
        while m.tsRecv >= r.nextColumn {
            _ = publishEvents(events, r, publish: true)
            events = closeColumn(&r, publish: true)
        }
        events += apply(m, to: &r)
        _ = publishEvents(events, r, publish: true)
        lock.withLock {
            status.records += 1
            status.end = m.tsRecv
        }
    }

    /// The trade date ended: the engine settles what it can with data until `end`.
    private func finishLive(_ r: inout Run, at end: UnixNanos) {
        _ = publishEvents(r.engine.finish(at: end), r, publish: true)
        r.ended = true
        lock.withLock { status.ended = true }
        broadcastState()
    }

    /// A run of `date` for the feed's contract: the given one, else the lake's selection of the
    /// prior trade date, else the feed's only instrument. The data covers the trade date from the
    /// subscription's start (or the first record) when the session began in it, from the trade
    /// date's start when the feed ran into it (`continued`).
    private func prepareLive(_ feed: LiveFeed, date: CivilDate, first: UnixNanos, names: [InstrumentID: String], continued: Bool) throws -> Run {
        let root = feed.root
        let clock = context.clocks[root]!
        let priorDate = context.priorDate(root: root, date)
        var contract = feed.contract
        if contract == nil, let picked = try context.lakeSelection(root: root, date: priorDate), !picked.isEmpty { contract = picked }
        if contract == nil, Set(names.values).count == 1 { contract = names.values.first }
        guard let contract else {
            throw PipelineError("cannot choose the contract of \(root) for \(date) before the day's volume is known: the lake has no "
                                + "selection of the prior trade date \(priorDate) and the feed carries \(Set(names.values).count) instruments",
                                file: nil, hint: "give --contract (e.g. the front month)")
        }
        let span = clock.span(date)
        let lower = continued ? span.lowerBound : max(span.lowerBound, min(feed.coverageStart ?? first, first))
        let prior = try context.priorFromLake(root: root, date: date, contract: contract)
        let setup = try context.engineSetup(root: root, date: date, contract: contract, coverage: lower..<UnixNanos(rawValue: .max), prior: prior)
        var r = try makeRun(ReplayDay(setup: setup, records: []), first: first, end: nil)
        r.instrument = names.first { $0.value == contract }?.key
        publishReset(r)
        return r
    }

    private func failLive(_ message: String) {
        lock.withLock { status.error = message }
        broadcastState()
    }

    /// A gap as a frame: the gap log entry (docs/LIVE.md) with `type` first.
    static func gapJSON(_ g: LiveGap) -> String {
        func n(_ x: UInt64?) -> String { x.map(String.init) ?? "null" }
        return JSONText.object([("type", "\"gap\""), ("from", n(g.from)), ("to", n(g.to)), ("noticed", String(g.noticed)),
                                ("reason", JSONText.quoted(g.reason)), ("closed_by", JSONText.quoted(g.closedBy)),
                                ("resume_start", n(g.resumeStart)), ("dropped", String(g.dropped)), ("mismatched", String(g.mismatched)),
                                ("attempts", String(g.attempts))])
    }
}
