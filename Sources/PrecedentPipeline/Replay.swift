import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentFeatures
import PrecedentLake
import PrecedentSetups

/// The trade date before one: its date, its trade prints per contract and what its input covered.
public struct PriorDay: Sendable {
    public var date: CivilDate
    public var trades: [String: [TradePrint]]
    public var coverage: Range<UnixNanos>

    /// The prior date as the levels of `contract` use it (no trade of it: an empty list).
    public func of(_ contract: String) -> (date: CivilDate, trades: [TradePrint], coverage: Range<UnixNanos>) {
        (date, trades[contract] ?? [], coverage)
    }
}

extension PipelineContext {
    /// The engine's setup for `root`'s `contract` on `date`: this configuration's sessions,
    /// levels, zones, windows and setup parameters, the input's `coverage`, and the prior trade
    /// date's trades of the contract (`prior`).
    public func engineSetup(root: String, date: CivilDate, contract: String, coverage: Range<UnixNanos>,
                            prior: (date: CivilDate, trades: [TradePrint], coverage: Range<UnixNanos>)?) throws -> EngineSetup {
        let spec = specs[root]!
        return EngineSetup(root: root, contract: contract, date: date, clock: clocks[root]!, sessions: spec.sessions, levels: config.levels,
                           tick: spec.tick, zones: config.zones, windowSeconds: config.windowSeconds, coverage: coverage, prior: prior,
                           parameters: config.setupParameters(root), features: try config.featureList())
    }

    /// The trade date before `date` (the previous weekday with a trade-date boundary, else the
    /// previous calendar day) — where the `pd_*` levels come from.
    public func priorDate(root: String, _ date: CivilDate) -> CivilDate {
        let clock = clocks[root]!
        return clock.boundary == nil ? CivilDate(daysSinceEpoch: date.daysSinceEpoch - 1) : clock.previousWeekday(date)
    }

    /// The prior trade date's trades per contract and its coverage, from the lake's complete bronze
    /// partition (the `pd_*` levels come from it); nil when that partition is not complete. Read
    /// once per date: the levels and silver stages of a date-by-date run share it.
    public func priorDay(root: String, date: CivilDate) throws -> PriorDay? {
        let prior = priorDate(root: root, date)
        let pk = key(Registry.bronzeMBO, root, prior)
        guard lake.isComplete(pk) else { return nil }
        let trades = try BronzeTable.trades(path: lake.path(pk) + "/" + Lake.dataFile)
        return PriorDay(date: prior, trades: Dictionary(trades, uniquingKeysWith: { a, _ in a }),
                        coverage: try BronzeFacts(lake.manifest(pk)).coverage)
    }

    /// `priorDay` for one contract, as the engine takes it.
    public func priorFromLake(root: String, date: CivilDate, contract: String) throws
        -> (date: CivilDate, trades: [TradePrint], coverage: Range<UnixNanos>)? {
        try priorDay(root: root, date: date)?.of(contract)
    }

    /// One trade date of the raw files, ready for the engine: decoded as bronze decodes it (books
    /// seeded at the trade-date start, spreads excluded), the contract the selection rules pick
    /// (they need the whole day's analysis-window volume: a replay knows its day in advance), and
    /// the selected contract's records in order. Nil when no raw file covers the date.
    public func replayDay(root: String, date: CivilDate) throws -> (contract: String, coverage: Range<UnixNanos>, records: [MBOMsg],
                                                                    trades: [TradePrint])? {
        guard let day = try decodeBronze(root: root, date: date) else { return nil }
        let contract = try selection(root: root, date: date, bronze: day.facts).facts.selected ?? ""
        let records = day.contracts.first { $0.contract == contract }?.records ?? []
        return (contract, day.facts.coverage, records, BronzeTable.trades(records: records))
    }
}

/// The engine's events as JSON lines (`precedent replay`): `type` (`level`, `window`, `trigger`,
/// `outcome`), `ts` (UTC ns, when the engine could first know it), then the fields of the
/// level, silver row, trigger or labelled trigger named and valued as in the lake's `levels`,
/// `level_vacuum_5s` and `triggers` tables (as `precedent parquet cat` prints them); a trigger
/// with precedents also has `answer`, as `precedent query --json` prints it.
public enum EngineEventJSON {
    /// `book`: the precedents the engine answered from (for the answer's k and index size).
    public static func lines(_ event: EngineEvent, setup: EngineSetup, book: PrecedentBook? = nil) throws -> [String] {
        func row(_ type: String, _ ts: UnixNanos, _ fields: [ParquetField], _ columns: [ParquetColumn], _ i: Int,
                 extra: [(String, String)] = []) -> String {
            JSONText.object([("type", JSONText.quoted(type)), ("ts", String(ts.rawValue))]
                            + zip(fields, columns).map { ($0.name, $1.json(at: i, field: $0)) } + extra)
        }
        switch event {
        case .level(let v):
            return [row("level", event.ts, LevelsTable.fields,
                        LevelsTable.columns([(setup.contract, v)], root: setup.root, date: setup.date, tick: setup.tick), 0)]
        case .window(let w):
            let columns = w.columns(setup)
            return (0..<w.rows.count).map { row("window", event.ts, SilverTable.fields, columns, $0) }
        case .trigger(let t, let answer):
            let columns = TriggerTable.columns([t], list: setup.features, root: setup.root, contract: setup.contract, date: setup.date)
            let extra = try answer.map { a in
                [("answer", try QueryReport(root: setup.root, contract: setup.contract, tradeDate: setup.date, level: t.levelID,
                                            levelPrice: t.levelPrice, direction: t.direction, time: t.time, xMid: t.xMid, answer: a,
                                            k: book?.k ?? a.neighbours.count,
                                            indexSize: book?.precedents[PrecedentBook.key(t.levelID, t.direction)]?.count ?? 0,
                                            clock: setup.clock).jsonLine())]
            } ?? []
            return [row("trigger", event.ts, TriggerTable.fields(setup.features), columns, 0, extra: extra)]
        case .outcome(let t):
            let columns = TriggerTable.columns([t], list: setup.features, root: setup.root, contract: setup.contract, date: setup.date)
            return [row("outcome", event.ts, TriggerTable.fields(setup.features), columns, 0)]
        }
    }
}

extension PipelineContext {
    /// One trade date of the lake, ready for the engine: the contract its selection map picked,
    /// the bronze partition's coverage and that contract's records in order (what the silver stage
    /// fed the engine). Nil when the date's selection map is not complete; an error naming the
    /// stage to run when its bronze partition is not.
    public func lakeDay(root: String, date: CivilDate) throws -> (contract: String, coverage: Range<UnixNanos>, records: [MBOMsg])? {
        guard let selected = try lakeSelection(root: root, date: date) else { return nil }
        let (bk, bm) = try require(Registry.bronzeMBO, root, date, stage: "bronze")
        let records = selected.isEmpty ? [] : try BronzeTable.read(path: lake.path(bk) + "/" + Lake.dataFile, contract: selected).first?.records ?? []
        return (selected, try BronzeFacts(bm).coverage, records)
    }
}

extension PipelineContext {
    /// The contract the lake's complete selection map of `root` on `date` picked ("" when it picked
    /// none); nil when that partition is not complete.
    public func lakeSelection(root: String, date: CivilDate) throws -> String? {
        let sk = key(Registry.selectionMap, root, date)
        guard lake.isComplete(sk) else { return nil }
        return SelectionFacts(try lake.manifest(sk)).selected ?? ""
    }
}
