import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline
import PrecedentStudies
import PrecedentSetups

/// An answer of the JSON API: an HTTP status and a JSON body.
public struct APIResult: Sendable {
    public var status: Int
    public var json: String
    public static func ok(_ json: String) -> APIResult { APIResult(status: 200, json: json) }
}

/// A request the API refuses: the status, what is wrong and which parameter (nil: the request as a whole).
public struct APIError: Error, Sendable {
    public var status: Int
    public var message: String
    public var parameter: String?
    public var extra: [(String, String)] = []
    public init(_ status: Int, _ message: String, parameter: String? = nil, extra: [(String, String)] = []) {
        self.status = status; self.message = message; self.parameter = parameter; self.extra = extra
    }
    public var result: APIResult {
        APIResult(status: status, json: JSONText.object([("error", JSONText.quoted(message))]
                                                        + (parameter.map { [("parameter", JSONText.quoted($0))] } ?? []) + extra))
    }
}

/// A request's query parameters, checked before use: only the names an endpoint takes, none
/// longer than 64 characters, none holding `..`, a slash or a backslash (the lake is addressed
/// by symbol, date and level, never by a path).
public struct APIParameters: Sendable {
    public let values: [String: String]

    public init(_ pairs: [(String, String)], allowed: Set<String>) throws {
        var values: [String: String] = [:]
        for (name, value) in pairs {
            guard allowed.contains(name) else {
                throw APIError(400, "unknown parameter \(name.prefix(64)); this endpoint takes "
                               + (allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")), parameter: String(name.prefix(64)))
            }
            try Self.check(name, value)
            guard values[name] == nil else { throw APIError(400, "\(name) is given twice", parameter: name) }
            values[name] = value
        }
        self.values = values
    }

    /// Refuses oversized values and anything that looks like a path.
    public static func check(_ name: String, _ value: String) throws {
        guard value.utf8.count <= 64 else { throw APIError(400, "\(name) is longer than 64 characters", parameter: name) }
        guard !value.contains(".."), !value.contains("/"), !value.contains("\\") else {
            throw APIError(400, "\(name) may not hold '..', '/' or '\\'", parameter: name)
        }
    }

    public func required(_ name: String) throws -> String {
        guard let v = values[name], !v.isEmpty else { throw APIError(400, "\(name) is required", parameter: name) }
        return v
    }
    public subscript(_ name: String) -> String? { values[name] }
}

/// The JSON API over a read-only lake (docs/API.md): what the lake holds, levels, windows and
/// triggers of a date, the answer at a moment and one past setup. Opens no raw file; the query
/// library keeps the indexes loaded; table reads are cached (a few recent partitions).
public final class LakeAPI: @unchecked Sendable {  // `cache` is guarded by `lock`
    public let queries: LakeQueries
    public let roots: [String]
    /// The default number of neighbours, as `precedent query`.
    public let k: Int
    private var cache: [(key: String, table: Table)] = []
    private let lock = NSLock()

    public init(queries: LakeQueries, roots: [String], k: Int = 50) {
        self.queries = queries; self.roots = roots; self.k = k
    }

    var context: PipelineContext { queries.context }

    // MARK: parameters

    func symbol(_ p: APIParameters) throws -> String {
        let s = try p.required("symbol")
        guard roots.contains(s) else {
            throw APIError(404, "unknown symbol \(s); the lake serves \(roots.joined(separator: ", "))", parameter: "symbol")
        }
        return s
    }

    func date(_ p: APIParameters, root: String) throws -> CivilDate {
        let s = try p.required("date")
        guard let d = CivilDate(iso: s) else { throw APIError(400, "date must be YYYY-MM-DD; got \(s)", parameter: "date") }
        guard dates(root).contains(d) else {
            throw APIError(404, "no complete silver partitions of \(root) on \(s); dates: \(dates(root).map(\.description).joined(separator: ", "))",
                           parameter: "date")
        }
        return d
    }

    func level(_ p: APIParameters) throws -> String {
        let s = try p.required("level")
        guard context.config.levels.contains(where: { $0.rawValue == s }) else {
            throw APIError(404, "unknown level \(s); levels: \(context.config.levels.map(\.rawValue).joined(separator: ", "))", parameter: "level")
        }
        return s
    }

    static func time(_ p: APIParameters, _ name: String) throws -> LocalTime? {
        guard let s = p[name] else { return nil }
        guard let t = LocalTime(s) else { throw APIError(400, "\(name) must be HH:MM or HH:MM:SS (local, session-relative); got \(s)", parameter: name) }
        return t
    }

    // MARK: endpoints

    /// `GET /report?symbol=ROOT[&level=KIND][&k=N][&minimum_precedents=N][&placebo=0]`: the walk-forward
    /// evaluation page, as `precedent evaluate --html` writes it (over every date of the lake).
    public func report(_ p: APIParameters) throws -> String {
        let root = try symbol(p)
        let level = try p["level"].map { _ in try self.level(p) }
        func positive(_ name: String, _ fallback: Int) throws -> Int {
            guard let s = p[name] else { return fallback }
            guard let v = Int(s), v > 0, v <= 100_000 else { throw APIError(400, "\(name) must be a positive integer; got \(s)", parameter: name) }
            return v
        }
        let k = try positive("k", self.k), minimum = try positive("minimum_precedents", 10)
        let placebo = p["placebo"] != "0"
        let differing = try context.mismatches(.triggers, root: root, dates: nil)
        guard differing.isEmpty else { throw APIError(409, "the lake's triggers were built with other settings: \(differing.joined(separator: "; "))") }
        let groups = try queries.evaluate(root: root, dates: nil, level: level, k: k, minimumPrecedents: minimum, placebo: placebo)
        return EvaluationPage.html(groups, settings: .init(root: root, dates: "all", k: k, minimumPrecedents: minimum))
    }

    /// Dates of `root` with a complete silver feature partition.
    public func dates(_ root: String) -> [CivilDate] {
        let product = context.specs[root]!.productType
        return context.lake.completePartitions(layer: "silver", table: Registry.levelVacuum.table, symbol: root)
            .filter { $0.productType == product }.map(\.date).sorted()
    }

    /// `GET /api/symbols`
    public func symbols() -> APIResult {
        .ok(JSONText.object([("symbols", JSONText.array(roots.map { r in
            let spec = context.specs[r]!
            return JSONText.object([("symbol", JSONText.quoted(r)), ("tick", JSONText.quoted(Price(rawValue: spec.tick).decimalString ?? "")),
                                    ("time_zone", JSONText.quoted(spec.timeZone)),
                                    ("dates", JSONText.array(dates(r).map { JSONText.quoted($0.description) }))])
        }))]))
    }

    /// `GET /api/levels?symbol&date`: the date's rows of the `levels` table.
    public func levels(_ p: APIParameters) throws -> APIResult {
        let root = try symbol(p), d = try date(p, root: root)
        let t = try table(Registry.levels, root, d, stage: "silver")
        return .ok(JSONText.object([("symbol", JSONText.quoted(root)), ("date", JSONText.quoted(d.description)),
                                    ("levels", JSONText.array((0..<t.rows).map { t.row($0) }))]))
    }

    /// `GET /api/windows?symbol&date&level[&from][&to][&limit]`: 5-second rows of one level
    /// whose window starts in [from, to) (local times), at most `limit` (default 720, one hour).
    public func windows(_ p: APIParameters) throws -> APIResult {
        let root = try symbol(p), d = try date(p, root: root), lvl = try level(p)
        let clock = context.clocks[root]!
        let from = try Self.time(p, "from").map { clock.moment(d, $0) }, to = try Self.time(p, "to").map { clock.moment(d, $0) }
        if let from, let to, to <= from { throw APIError(400, "to must be after from", parameter: "to") }
        var limit = 720
        if let l = p["limit"] {
            guard let n = Int(l), n > 0, n <= 20_000 else { throw APIError(400, "limit must be 1…20000; got \(l)", parameter: "limit") }
            limit = n
        }
        let t = try table(Registry.levelVacuum, root, d, stage: "silver")
        guard case .bytes(let ids)? = t.column("level_id"), case .int64(let starts)? = t.column("window_start") else {
            throw APIError(500, "the level_vacuum_5s table of \(root) \(d) lacks level_id or window_start")
        }
        var rows: [String] = []
        var truncated = false
        for i in 0..<t.rows where ids.string(i) == lvl {
            let s = UnixNanos(rawValue: UInt64(starts[i] ?? 0))
            if let from, s < from { continue }
            if let to, s >= to { continue }
            if rows.count == limit { truncated = true; break }
            rows.append(t.row(i))
        }
        return .ok(JSONText.object([("symbol", JSONText.quoted(root)), ("date", JSONText.quoted(d.description)), ("level", JSONText.quoted(lvl)),
                                    ("truncated", truncated ? "true" : "false"), ("windows", JSONText.array(rows))]))
    }

    /// `GET /api/triggers?symbol&date`: the date's gold triggers, each with its setup `id` and local time.
    public func triggers(_ p: APIParameters) throws -> APIResult {
        let root = try symbol(p), d = try date(p, root: root)
        let t = try table(Registry.triggers, root, d, stage: "gold")
        guard case .bytes(let lvl)? = t.column("level_id"), case .bytes(let dir)? = t.column("direction"),
              case .int64(let at)? = t.column("trigger_time") else { throw APIError(500, "the triggers table of \(root) \(d) lacks its keys") }
        let clock = context.clocks[root]!
        let rows = (0..<t.rows).map { i -> String in
            let time = UnixNanos(rawValue: UInt64(at[i] ?? 0))
            let id = SetupID(root: root, date: d, level: lvl.string(i) ?? "", direction: dir.string(i) ?? "", time: time)
            return t.row(i, extra: [("id", JSONText.quoted(id.description)), ("time_local", JSONText.quoted(QueryReport.local(time, clock)))])
        }
        return .ok(JSONText.object([("symbol", JSONText.quoted(root)), ("date", JSONText.quoted(d.description)), ("triggers", JSONText.array(rows))]))
    }

    /// `GET /api/query?symbol&date&time&level[&direction][&k]`: `precedent query --json`'s answer;
    /// 404 naming the nearest trigger when none fired at that moment.
    public func query(_ p: APIParameters) throws -> APIResult {
        let root = try symbol(p), d = try date(p, root: root), lvl = try level(p)
        guard let time = try Self.time(p, "time") else { throw APIError(400, "time is required", parameter: "time") }
        var direction: Direction? = nil
        if let s = p["direction"] {
            guard let v = Direction(rawValue: s) else { throw APIError(400, "direction must be up or down; got \(s)", parameter: "direction") }
            direction = v
        }
        var k = self.k
        if let s = p["k"] {
            guard let v = Int(s), v > 0, v <= 10_000 else { throw APIError(400, "k must be 1…10000; got \(s)", parameter: "k") }
            k = v
        }
        try requireSameSettings(root)
        let clock = context.clocks[root]!
        switch try queries.answer(root: root, date: d, time: time, level: lvl, direction: direction, k: k) {
        case .answer(let report, _):
            return .ok(try Self.encode(report))
        case .noTrigger(let nearest):
            let moment = clock.moment(d, time)
            var extra: [(String, String)] = []
            if let n = nearest {
                let t = n.precedent.triggerTime
                extra.append(("nearest", JSONText.object([
                    ("time", JSONText.quoted(String(QueryReport.local(t, clock).suffix(8)))), ("time_local", JSONText.quoted(QueryReport.local(t, clock))),
                    ("trigger_time", String(t.rawValue)), ("direction", JSONText.quoted(n.precedent.direction.rawValue)),
                    ("seconds_away", String(format: "%.3f", Double(absDistance(t, moment)) / 1e9)),
                    ("id", JSONText.quoted(SetupID(root: root, date: d, level: lvl, direction: n.precedent.direction.rawValue, time: t).description)),
                ])))
            }
            throw APIError(404, "no trigger of \(lvl) fired at \(QueryReport.local(moment, clock)) or in the \(context.config.windowSeconds) s before it"
                           + (nearest == nil ? "; \(lvl) has no trigger on \(d)" : ""), parameter: "time", extra: extra)
        case .noVector(let trigger):
            throw APIError(422, "the trigger at \(QueryReport.local(trigger.precedent.triggerTime, clock)) has no complete vector: \(trigger.vectorReason ?? "")",
                           parameter: "time")
        }
    }

    /// `GET /api/setups/{id}`: one past setup — its vector, label, excursions and the moment to replay it.
    public func setup(_ idText: String) throws -> APIResult {
        try APIParameters.check("id", idText)
        guard let id = SetupID(idText) else {
            throw APIError(400, "id must be ROOT.YYYY-MM-DD.LEVEL.DIRECTION.TRIGGER_NS (as /api/triggers gives it); got \(idText)", parameter: "id")
        }
        guard roots.contains(id.root) else { throw APIError(404, "unknown symbol \(id.root) in id", parameter: "id") }
        guard dates(id.root).contains(id.date) else { throw APIError(404, "no date \(id.date) of \(id.root) in the lake", parameter: "id") }
        let all = try context.goldTriggers(root: id.root, dates: id.date...id.date)
        guard let g = all.first(where: { $0.precedent.levelID == id.level && $0.precedent.direction.rawValue == id.direction
                                          && $0.precedent.triggerTime == id.time }) else {
            throw APIError(404, "no setup \(idText) in the lake", parameter: "id")
        }
        let clock = context.clocks[id.root]!
        let p = g.precedent
        let local = QueryReport.local(p.triggerTime, clock)
        func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        let names = (try? context.config.featureList().features) ?? []
        return .ok(JSONText.object([
            ("id", JSONText.quoted(idText)), ("symbol", JSONText.quoted(p.symbol)), ("contract", JSONText.quoted(p.contract)),
            ("date", JSONText.quoted(p.date.description)), ("level", JSONText.quoted(p.levelID)),
            ("level_price", JSONText.quoted(Price(rawValue: p.levelPrice).decimalString ?? "")), ("direction", JSONText.quoted(p.direction.rawValue)),
            ("trigger_time", String(p.triggerTime.rawValue)), ("trigger_time_local", JSONText.quoted(local)),
            ("x_mid_ticks", num(g.xMid)),
            ("label", g.hasLabel ? JSONText.quoted(p.outcome.rawValue) : "null"), ("label_reason", g.labelReason.map(JSONText.quoted) ?? "null"),
            ("outcome_complete_at", String(p.outcomeCompleteAt.rawValue)),
            ("mfe_ticks", g.hasLabel ? String(p.mfe) : "null"), ("mae_ticks", g.hasLabel ? String(p.mae) : "null"),
            ("penetration_ticks", g.hasLabel ? String(p.penetration) : "null"),
            ("time_to_barrier_s", p.timeToBarrier.map { num(Double($0) / 1e9) } ?? "null"),
            ("vector", g.hasVector ? JSONText.object(zip(names, p.vector).map { ($0, num($1)) }) : "null"),
            ("vector_reason", g.vectorReason.map(JSONText.quoted) ?? "null"),
            ("replay", JSONText.object([("symbol", JSONText.quoted(p.symbol)), ("date", JSONText.quoted(p.date.description)),
                                        ("time", JSONText.quoted(String(local.suffix(8))))])),
        ]))
    }

    func requireSameSettings(_ root: String) throws {
        do { try context.requireSameSettings(root: root, dates: nil) } catch {
            throw APIError(409, "the lake was built with other settings than this server's configuration: \(error)")
        }
    }

    static func encode(_ report: QueryReport) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try e.encode(report), as: UTF8.self)
    }

    // MARK: tables

    /// One partition's columns, read whole.
    struct Table {
        let fields: [ParquetField]
        let columns: [ParquetColumn]
        let rows: Int
        func column(_ name: String) -> ParquetColumn? { fields.firstIndex { $0.name == name }.map { columns[$0] } }
        func row(_ i: Int, extra: [(String, String)] = []) -> String {
            JSONText.object(zip(fields, columns).map { ($0.name, $1.json(at: i, field: $0)) } + extra)
        }
    }

    func table(_ d: Dataset, _ root: String, _ date: CivilDate, stage: String) throws -> Table {
        let key = d.partition(product: context.specs[root]!.productType, root: root, date: date)
        let name = key.relativePath
        if let hit = lock.withLock({ cache.first { $0.key == name }?.table }) { return hit }
        guard context.lake.isComplete(key) else {
            throw APIError(404, "the \(d.table) partition of \(root) on \(date) is not complete: run precedent run --layer \(stage)", parameter: "date")
        }
        let r = try ParquetReader(path: context.lake.path(key) + "/" + Lake.dataFile)
        let t = Table(fields: r.fields, columns: try r.readAll(), rows: r.rowCount)
        lock.withLock {
            cache.removeAll { $0.key == name }
            cache.append((name, t))
            if cache.count > 6 { cache.removeFirst() }
        }
        return t
    }
}

/// A past setup's address: `ROOT.YYYY-MM-DD.LEVEL.DIRECTION.TRIGGER_NS`.
public struct SetupID: CustomStringConvertible, Sendable {
    public var root: String, date: CivilDate, level: String, direction: String, time: UnixNanos
    public init(root: String, date: CivilDate, level: String, direction: String, time: UnixNanos) {
        self.root = root; self.date = date; self.level = level; self.direction = direction; self.time = time
    }
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let d = CivilDate(iso: parts[1]), let ns = UInt64(parts[4]), Direction(rawValue: parts[3]) != nil,
              !parts[0].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(root: parts[0], date: d, level: parts[2], direction: parts[3], time: UnixNanos(rawValue: ns))
    }
    public var description: String { "\(root).\(date).\(level).\(direction).\(time.rawValue)" }
}
