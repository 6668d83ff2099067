import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// What the engine needs to know about one contract and trade date before its first record.
public struct EngineSetup: Sendable {
    public var root: String
    /// The contract whose records the engine is fed (the day's selected contract).
    public var contract: String
    public var date: CivilDate
    public var clock: ExchangeClock
    public var sessions: SessionWindows
    /// Level kinds, in configuration order (the order of the silver rows of a window).
    public var levels: [LevelKind]
    /// Tick size, 1e-9 fixed point.
    public var tick: Int64
    public var zones: VacuumZones
    public var windowSeconds: Int
    /// The span the input covers: from the first file's start (or the trade-date start when the
    /// book is seeded), to the end of the contiguous files — `UnixNanos.max` as the end when it is
    /// not known in advance (a live feed): then windows and levels close as the clock passes them.
    public var coverage: Range<UnixNanos>
    /// The prior trade date's trades of the contract and what its input covered, for `pd_*`;
    /// nil when that date is not available.
    public var prior: (date: CivilDate, trades: [TradePrint], coverage: Range<UnixNanos>)?
    public var parameters: SetupParameters
    public var features: FeatureList

    public init(root: String, contract: String, date: CivilDate, clock: ExchangeClock, sessions: SessionWindows, levels: [LevelKind],
                tick: Int64, zones: VacuumZones, windowSeconds: Int, coverage: Range<UnixNanos>,
                prior: (date: CivilDate, trades: [TradePrint], coverage: Range<UnixNanos>)?, parameters: SetupParameters,
                features: FeatureList) {
        self.root = root; self.contract = contract; self.date = date; self.clock = clock; self.sessions = sessions
        self.levels = levels; self.tick = tick; self.zones = zones; self.windowSeconds = windowSeconds; self.coverage = coverage
        self.prior = prior; self.parameters = parameters; self.features = features
    }

    /// The analysis window's first feature window and their number.
    public var grid: (start: UnixNanos, count: Int) {
        let analysis = clock.window(date, sessions.analysis[0], sessions.analysis[1])
        let windowNs = UInt64(windowSeconds) * UnixNanos.nanosPerSecond
        return (analysis.lowerBound, Int((analysis.upperBound.rawValue - analysis.lowerBound.rawValue) / windowNs))
    }
}

/// The precedents a trigger is compared with: per level kind and direction, those of the lake's
/// indexes (each `Retrieval.query` keeps to the ones complete before the trigger).
public struct PrecedentBook: Sendable {
    public var k: Int
    public var precedents: [String: [Precedent]]
    public init(k: Int, precedents: [String: [Precedent]]) { self.k = k; self.precedents = precedents }
    public static func key(_ level: String, _ direction: Direction) -> String { "\(level)|\(direction.rawValue)" }
}

/// One thing the engine learnt, at the moment it could first know it.
public enum EngineEvent: Sendable {
    /// A level's window ended: its value (or why it has none), as a row of the `levels` table.
    case level(LevelValue)
    /// A feature window closed: the silver rows of every known level, as `SilverTable` columns.
    case window(WindowRows)
    /// A trigger fired, with its vector and, given precedents, the query answer at that moment.
    case trigger(Trigger, answer: QueryAnswer?)
    /// A trigger's horizon ended (or the input did): the trigger with its label.
    case outcome(Trigger)

    /// Its name in `precedent replay`'s output and the stream: level, window, trigger or outcome.
    public var kind: String {
        switch self {
        case .level: return "level"
        case .window: return "window"
        case .trigger: return "trigger"
        case .outcome: return "outcome"
        }
    }

    /// UTC nanoseconds: when the engine could first know it.
    public var ts: UnixNanos {
        switch self {
        case .level(let v): return v.knownAt
        case .window(let w): return w.end
        case .trigger(let t, _): return t.time
        case .outcome(let t): return t.outcomeCompleteAt
        }
    }
}

/// The silver rows of one closed window.
public struct WindowRows: Sendable {
    public var index: Int
    public var start: UnixNanos, end: UnixNanos
    public var rows: [VacuumRow]
    /// The engine's levels when the window closed (`rows[i].level` indexes them).
    public var levels: [LevelVacuumEngine.Level]

    /// The rows as `SilverTable.fields` columns (made on demand: the engine itself needs only a few values).
    public func columns(_ setup: EngineSetup) -> [ParquetColumn] {
        SilverTable.columns(rows: rows, levels: levels, tick: setup.tick, root: setup.root, contract: setup.contract, tradeDate: setup.date)
    }
}

/// The one in-memory path from MBO records to precedents (docs/ENGINE.md): fed the records of one
/// contract and trade date one at a time, in `ts_recv` order — from a file, a replay clock or a
/// live socket — it keeps the book, the exchange clock, the levels as they become known, the
/// 5-second level-vacuum windows, the triggers with their vectors and their labels once the
/// outcome resolves, and says each as an `EngineEvent` when it could first be known. The batch
/// silver stage writes its window events; the levels and gold stages compute with its parts
/// (`LevelCalculator`, `TriggerTracker`, `LabelTracker`), so batch, replay and live agree by
/// construction (tested: the engine over every sample day equals what `precedent run` writes).
///
/// Memory is bounded by one instrument-day: the book, the day's trade prints (for the levels),
/// the last 25 windows of each level and the trades of one label horizon.
public struct Engine {
    public let setup: EngineSetup
    var vacuum: LevelVacuumEngine
    var triggers: TriggerTracker
    /// The up-frame mid offset, which the approach state machine reads every window.
    let xMid = SilverValue(name: "u_x_mid")!
    /// The next moment something is due: a window boundary, a level's window end, a label's horizon.
    var nextDue = UnixNanos(rawValue: 0)
    var labels: LabelTracker
    let book: PrecedentBook?
    /// Level kinds whose window has not ended yet, with the moment it ends (in `setup.levels` order).
    var pendingLevels: [(slot: Int, kind: LevelKind, knownAt: UnixNanos)]
    var trades: [TradePrint] = []
    var clock = UnixNanos(rawValue: 0)
    var finished = false
    /// The level slots in configuration order: known ones with their price, the others pending.
    public var levels: [LevelVacuumEngine.Level] { vacuum.levels }
    /// The contract's order book after the last record applied (read only: the view draws it).
    public var orderBook: OrderBook { vacuum.book }

    public init(_ setup: EngineSetup, precedents: PrecedentBook? = nil) {
        self.setup = setup
        let grid = setup.grid
        vacuum = LevelVacuumEngine(levels: setup.levels.map { .pending($0.rawValue) }, tick: setup.tick, zones: setup.zones,
                                   gridStart: grid.start, windowSeconds: setup.windowSeconds, windowCount: grid.count,
                                   coverage: setup.coverage)
        triggers = TriggerTracker(parameters: setup.parameters, features: setup.features, tick: setup.tick)
        labels = LabelTracker(tick: setup.tick, parameters: setup.parameters)
        book = precedents
        // The moment each level becomes known: its window's end (LevelCalculator's windows).
        pendingLevels = LevelCalculator.compute(kinds: setup.levels, date: setup.date, clock: setup.clock, sessions: setup.sessions,
                                                trades: [], coverage: setup.coverage, prior: setup.prior.map { ($0.date, [], $0.coverage) })
            .enumerated().map { (slot: $0.offset, kind: $0.element.kind, knownAt: $0.element.knownAt) }
            .sorted { ($0.knownAt, $0.slot) < ($1.knownAt, $1.slot) }
    }

    /// Applies one record (records in `ts_recv` order) and returns what became known by its time:
    /// everything up to the record itself, which a later call sees.
    public mutating func apply(_ m: MBOMsg) -> [EngineEvent] {
        precondition(!finished, "Engine.apply after finish")
        var out = m.tsRecv >= nextDue ? advance(to: m.tsRecv) : []
        vacuum.apply(m)
        if m.action == .trade && m.price.isDefined && m.tsRecv.isDefined {
            let t = TradePrint(ts: m.tsRecv, price: m.price.rawValue, size: m.size)
            trades.append(t)
            labels.trade(t)
        }
        if !vacuum.rows.isEmpty { out += drainWindows() }
        return out
    }

    /// Moves the clock to `ts` without a record (a heartbeat, a replay clock): windows, levels and
    /// horizons that ended by then are closed.
    public mutating func advance(to ts: UnixNanos) -> [EngineEvent] {
        guard ts > clock else { return [] }
        clock = ts
        var out: [EngineEvent] = []
        while let next = pendingLevels.first, next.knownAt <= ts {
            pendingLevels.removeFirst()
            vacuum.advance(to: next.knownAt)
            out += drainWindows()
            out.append(.level(know(next)))
        }
        vacuum.advance(to: ts)
        out += drainWindows()
        out += labels.advance(to: ts).map { .outcome($0) }
        nextDue = min(vacuum.nextBoundary, pendingLevels.first?.knownAt ?? UnixNanos(rawValue: .max), labels.nextDue)
        // In time order; events of one moment keep their order (a window before the triggers it fires).
        guard out.count > 1, !zip(out, out.dropFirst()).allSatisfy({ $0.ts <= $1.ts }) else { return out }
        return out.enumerated().sorted { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }.map(\.element)
    }

    /// The input ended; it covers the data until `end`: every window, level and label that
    /// depends on data past `end` is settled (levels not covered say so, labels past it are null).
    public mutating func finish(at end: UnixNanos) -> [EngineEvent] {
        var out = advance(to: end)
        vacuum.finish(at: end)
        out += drainWindows()
        for next in pendingLevels { out.append(.level(know(next, at: end))) }
        pendingLevels = []
        out += labels.finish(coveredUntil: end).map { .outcome($0) }
        finished = true
        return out
    }

    /// The value of a level whose window ended: from the day's trades so far (all of its window's).
    mutating func know(_ p: (slot: Int, kind: LevelKind, knownAt: UnixNanos), at end: UnixNanos? = nil) -> LevelValue {
        let upper = setup.coverage.upperBound.rawValue == .max ? (end ?? clock) : setup.coverage.upperBound
        let covered = setup.coverage.lowerBound..<max(setup.coverage.lowerBound, upper)
        let value = LevelCalculator.compute(kinds: [p.kind], date: setup.date, clock: setup.clock, sessions: setup.sessions,
                                            trades: trades, coverage: covered, prior: setup.prior)[0]
        if let price = value.price, end == nil { vacuum.setLevel(p.slot, price: price, knownAt: value.knownAt) }
        return value
    }

    /// Rows of the windows the book engine closed, as window events, and the triggers they fire.
    mutating func drainWindows() -> [EngineEvent] {
        guard !vacuum.rows.isEmpty else { return [] }
        let rows = vacuum.takeRows()
        var out: [EngineEvent] = []
        var i = 0
        while i < rows.count {
            var j = i
            while j < rows.count && rows[j].window == rows[i].window { j += 1 }
            out.append(.window(WindowRows(index: rows[i].window, start: rows[i].windowStart, end: rows[i].windowEnd,
                                          rows: i == 0 && j == rows.count ? rows : Array(rows[i..<j]), levels: vacuum.levels)))
            for ri in i..<j {  // by index: iterating a slice copied every row
                let r = rows[ri]
                let level = vacuum.levels[r.level]
                for t in triggers.add(levelID: level.id, slot: r.level, levelPrice: level.price, window: r.window, start: r.windowStart.rawValue,
                                      end: r.windowEnd.rawValue, xMid: xMid.value(r, levelPrice: level.price, tick: setup.tick),
                                      row: .window(r, levelPrice: level.price)) {
                    labels.watch(t)
                    nextDue = min(nextDue, t.outcomeCompleteAt)
                    out.append(.trigger(t, answer: answer(t)))
                }
            }
            i = j
        }
        return out
    }

    func answer(_ t: Trigger) -> QueryAnswer? {
        guard let book, let vector = t.vector else { return nil }
        return Retrieval.query(vector, at: t.time, in: book.precedents[PrecedentBook.key(t.levelID, t.direction)] ?? [], k: book.k)
    }
}
