import Foundation
import PrecedentBook
import PrecedentCore
import PrecedentDBN
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline
import PrecedentSetups
import PrecedentTestSupport
import Testing

/// The silver table of a partition as named columns.
func silverTable(_ lake: String, _ key: PartitionKey) throws -> [String: ParquetColumn] {
    let r = try ParquetReader(path: Lake(root: lake).path(key) + "/" + Lake.dataFile)
    return Dictionary(uniqueKeysWithValues: zip(r.fields.map(\.name), try r.readAll()))
}

func ints(_ c: ParquetColumn?) -> [Int64] {
    switch c {
    case .int64(let v)?: v.map { $0! }
    case .int32(let v)?: v.map { Int64($0!) }
    default: []
    }
}

func strings(_ c: ParquetColumn?) -> [String] {
    if case .bytes(let v)? = c { return (0..<v.count).map { v.string($0) ?? "" } }
    return []
}

@Suite struct ConservationTests {
    static let zones = VacuumZones()

    /// Checks depth(k) − depth(k−1) = added(k) − pulled(k) − filled(k) on every consecutive pair of
    /// windows of each level, frame, zone and side of one silver partition; returns the pairs checked.
    static func checkConservation(_ lake: String, _ key: PartitionKey) throws -> Int {
        let t = try silverTable(lake, key)
        let level = strings(t["level_id"]), window = ints(t["window_index"])
        // Rows come in time order, the levels of a window together: pair each row with its level's previous window.
        let names = VacuumZones.frameNames.flatMap { f in VacuumZones.zoneNames.flatMap { z in VacuumZones.sideNames.map { "\(f)_\(z)_\($0)_" } } }
        let columns = names.map { p in (p, ints(t[p + "depth"]), ints(t[p + "added"]), ints(t[p + "pulled"]), ints(t[p + "filled"])) }
        var previous: [String: Int] = [:]
        var pairs = 0
        for i in level.indices {
            defer { previous[level[i]] = i }
            guard let j = previous[level[i]], window[j] + 1 == window[i] else { continue }
            for (p, d, a, pl, f) in columns {
                if d[i] - d[j] != a[i] - pl[i] - f[i] {
                    Issue.record("\(key.symbol) \(key.date) \(level[i]) window \(window[i]) \(p): depth \(d[j]) → \(d[i]), added \(a[i]) pulled \(pl[i]) filled \(f[i])")
                }
                pairs += 1
            }
        }
        return pairs
    }

    /// depth(end) − depth(previous end) = added − pulled − filled, exactly, for
    /// every consecutive pair of windows, zone, side and frame of every sample partition.
    @Test func depthChangeEqualsAddedMinusPulledMinusFilled() throws {
        let lake = SampleLake.shared
        let keys = Lake(root: lake).completePartitions(layer: "silver", table: "level_vacuum_5s")
        #expect(keys.count == 4)
        var pairs = 0
        for key in keys { pairs += try Self.checkConservation(lake, key) }
        // ES reopen: 2 levels × 299 pairs; AMZN: 2 × 1979; 32 zone-sides each.
        #expect(pairs == (2 * 299 + 2 * 1979) * 32)
    }

    /// A level between ticks, as a new user gets one: with the AMZN session started at 10:11 and a
    /// one-minute opening range, the range's low is a hidden execution at 223.405 (half a cent).
    /// Conservation holds at it as on the grid.
    @Test func conservationHoldsAtALevelOffTheTickGrid() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try SampleLake.makeRaw(lake)
        let yaml = """
            instruments:
              - root: AMZN
                product_type: equity
                tick_size: "0.01"
                tick_value: "0.01"
                time_zone: America/New_York
                trade_date_boundary: null
                sessions: {rth: ["10:11", "16:00"], analysis: ["10:11", "12:30"], opening_range_minutes: 1}
            """
        let path = Oracle.temporaryPath(".yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        var options = RunOptions()
        options.layer = "all"
        options.roots = ["AMZN"]
        let report = PipelineRunner(context: try PipelineContext(lake: Lake(root: lake), config: try PipelineConfig.load(path: path),
                                                                 roots: ["AMZN"]), options: options).run()
        try #require(report.failed == 0, "\(report.text())")
        let key = try #require(Lake(root: lake).completePartitions(layer: "silver", table: "level_vacuum_5s").first)
        let t = try silverTable(lake, key)
        let ids = strings(t["level_id"]), prices = ints(t["level_price"])
        let low = try #require(ids.firstIndex(of: "or_low"))
        #expect(prices[low] == 223_405_000_000, "or_low at \(prices[low])")
        // 1,656 windows of each of the two levels: 1,655 pairs each, 32 zone-sides.
        #expect(try Self.checkConservation(lake, key) == 2 * 1_655 * 32)
    }

    /// Zone depths and order counts at window ends equal an independent replay
    /// of the bronze partition queried with the book's range query.
    @Test func zoneDepthsEqualTheBookQueriedDirectly() throws {
        let lake = SampleLake.shared
        var checked = 0
        defer { #expect(checked == (600 + 3960) * 32) }
        for key in Lake(root: lake).completePartitions(layer: "silver", table: "level_vacuum_5s") {
            let t = try silverTable(lake, key)
            let contracts = strings(t["contract"])
            guard let contract = contracts.first else { continue }
            let bronze = PartitionKey(layer: "bronze", productType: key.productType, symbol: key.symbol, table: "mbo", date: key.date)
            let records = try BronzeTable.read(path: Lake(root: lake).path(bronze) + "/" + Lake.dataFile).first { $0.contract == contract }!.records
            let tick = SampleLake.config.instruments[key.symbol]!.tick
            let ends = ints(t["window_end"]), prices = ints(t["level_price"])
            var depths: [String: [Int64]] = [:], counts: [String: [Int64]] = [:]
            for f in VacuumZones.frameNames { for z in VacuumZones.zoneNames { for s in VacuumZones.sideNames {
                depths["\(f)_\(z)_\(s)_"] = ints(t["\(f)_\(z)_\(s)_depth"]); counts["\(f)_\(z)_\(s)_"] = ints(t["\(f)_\(z)_\(s)_orders"])
            } } }
            var book = OrderBook(instrumentID: records.first?.hd.instrumentID ?? 0)
            var next = 0
            // Rows are sorted by level then window; visit window ends in time order.
            for i in ends.indices.sorted(by: { (ends[$0], $0) < (ends[$1], $1) }) {
                while next < records.count && records[next].tsRecv.rawValue < UInt64(ends[i]) { book.apply(records[next]); next += 1 }
                for (fi, frame) in VacuumZones.frameNames.enumerated() {
                    for (zi, zone) in VacuumZones.zoneNames.enumerated() {
                        let band = zi % 4
                        let lo = band == 0 ? (zi < 4 ? 0 : 1) : [0, Self.zones.at, Self.zones.near, Self.zones.mid][band] + 1
                        let hi = [Self.zones.at, Self.zones.near, Self.zones.mid, Self.zones.far][band]
                        // Frame offsets x in [lo, hi] (beyond) or [−hi, −lo] (approach) → price range.
                        let (x0, x1) = zi < 4 ? (lo, hi) : (-hi, -lo)
                        let (d0, d1) = fi == 0 ? (x0, x1) : (-x1, -x0)
                        let low = Price(rawValue: prices[i] + Int64(d0) * tick), high = Price(rawValue: prices[i] + Int64(d1) * tick)
                        for (si, side) in [Side.bid, Side.ask].enumerated() {
                            let name = "\(frame)_\(zone)_\(VacuumZones.sideNames[si])_"
                            let depth = book.depth(side, from: low, through: high)
                            let orders = book.topLevels(side, count: book.levelCount(side))
                                .filter { $0.price >= low && $0.price <= high }.reduce(0) { $0 + Int64($1.count) }
                            if Int64(depth) != depths[name]![i] || orders != counts[name]![i] {
                                Issue.record("\(key) row \(i) \(name): depth \(depths[name]![i]) orders \(counts[name]![i]), book \(depth) / \(orders)")
                            }
                            checked += 1
                        }
                    }
                }
            }
        }
    }
}

@Suite struct IdempotencyTests {
    /// A second run skips everything; `--overwrite` rewrites byte-identical Parquet files.
    @Test func rerunSkipsAndOverwriteReproducesEveryFile() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try SampleLake.makeRaw(lake)
        let first = try SampleLake.run(lake)
        #expect(first.failed == 0)
        let files = try Fixtures.parquetFiles(under: lake)
        #expect(files.count == 24, "4 trade dates × 6 stages")

        let second = try SampleLake.run(lake)
        #expect(second.partitions.allSatisfy { $0.status == .skipped })
        #expect(second.partitions.count == 24)

        let third = try SampleLake.run(lake, overwrite: true, workers: 2)
        #expect(third.partitions.allSatisfy { $0.status == .done })
        #expect(try Fixtures.parquetFiles(under: lake) == files)
        // The shared lake (another process history, two workers) holds the same bytes too.
        #expect(try Fixtures.parquetFiles(under: SampleLake.shared) == files)
    }

    /// Layer by layer (bronze, then silver, which reads bronze back, then gold) writes the same
    /// files as the date-by-date `--layer all` runs above, which hand each day's records from
    /// bronze to the silver stages in memory.
    @Test func layerByLayerEqualsDateByDate() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try SampleLake.makeRaw(lake)
        for layer in ["bronze", "silver", "gold"] {
            let report = try SampleLake.run(lake, layer: layer)
            #expect(report.failed == 0 && report.partitions.allSatisfy { $0.status == .done }, "\(report.text())")
        }
        let files = try Fixtures.parquetFiles(under: lake)
        #expect(files.count == 24)
        #expect(try Fixtures.parquetFiles(under: SampleLake.shared) == files)
    }

    /// Each stage run on its own (every input read back from the lake, nothing shared between
    /// stages) writes the same files as the runs above, which share a date's inputs between its
    /// stages in memory — as does recomputing everything after bronze in one run, with two workers.
    @Test func stagesAloneEqualStagesSharingTheirInputs() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try SampleLake.makeRaw(lake)
        for stage in Stage.allCases {
            let report = try SampleLake.run(lake, stages: [stage.rawValue], workers: 2)
            #expect(report.failed == 0 && report.partitions.allSatisfy { $0.status == .done }, "\(report.text())")
        }
        let files = try Fixtures.parquetFiles(under: lake)
        #expect(files.count == 24)
        #expect(try Fixtures.parquetFiles(under: SampleLake.shared) == files)

        for layer in ["silver", "gold"] { try FileManager.default.removeItem(atPath: lake + "/" + layer) }
        let report = try SampleLake.run(lake, stages: ["selection", "levels", "silver", "triggers", "pressure"], workers: 2)
        #expect(report.failed == 0 && report.partitions.allSatisfy { $0.status == .done }, "\(report.text())")
        #expect(try Fixtures.parquetFiles(under: lake) == files)
    }

    /// A failure in one partition is reported and the others go on.
    @Test func oneBrokenPartitionDoesNotStopTheOthers() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try SampleLake.makeRaw(lake)
        _ = try SampleLake.run(lake, layer: "bronze")
        // Corrupt one bronze data file: its silver stages must fail with the file named, the rest succeed.
        let bad = Lake(root: lake).path(PartitionKey(layer: "bronze", productType: "future", symbol: "ES", table: "mbo",
                                                     date: CivilDate(year: 2023, month: 12, day: 26))) + "/" + Lake.dataFile
        try Data("not parquet".utf8).write(to: URL(fileURLWithPath: bad))
        let report = try SampleLake.run(lake, layer: "silver")
        let failed = report.partitions.filter { $0.status == .failed }
        #expect(Set(failed.map(\.stage)) == ["levels", "silver"])
        #expect(failed.allSatisfy { $0.date == "2023-12-26" })
        #expect(failed.first { $0.stage == "levels" }?.detail?.contains(bad + ": not a Parquet file") == true)
        // Silver reads the same broken bronze file (the engine computes the levels it needs from its trades).
        #expect(failed.first { $0.stage == "silver" }?.detail?.contains(bad + ": not a Parquet file") == true,
                "\(failed.first { $0.stage == "silver" }?.detail ?? "")")
        // Selection ×4 (it reads bronze manifests), levels and silver ×3 each.
        #expect(report.partitions.filter { $0.status == .done }.count == 10)
    }

    @Test func configurationErrorsNameTheFileAndTheKey() throws {
        let path = Oracle.temporaryPath(".yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "instruments:\n  - root: XYZ\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PipelineError.self) { try PipelineConfig.load(path: path) }
        do { _ = try PipelineConfig.load(path: path) } catch {
            #expect("\(error)".contains(path) && "\(error)".contains("XYZ") && "\(error)".contains("tick_size"))
        }
        try "zones: {at: 3, near: 2}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PipelineError.self) { try PipelineConfig.load(path: path) }
        // Defaults round-trip through YAML.
        try PipelineConfig().yaml().write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PipelineConfig.load(path: path) == PipelineConfig())
    }
}

/// A query at moment t uses nothing after t (docs/SETUPS.md).
@Suite struct QueryNoLookaheadTests {
    static let context = try! PipelineContext(lake: Lake(root: SampleLake.shared), config: SampleLake.config, roots: ["AMZN"])

    static func key(_ p: Precedent) -> String { "\(p.triggerTime.rawValue)|\(p.levelID)|\(p.direction.rawValue)" }

    static func same(_ a: QueryAnswer, _ b: QueryAnswer) -> Bool {
        a.eligible == b.eligible && a.baseRate.counts == b.baseRate.counts && a.distribution.counts == b.distribution.counts
            && a.neighbours.map { key($0.precedent) } == b.neighbours.map { key($0.precedent) }
            && a.neighbours.map(\.distance) == b.neighbours.map(\.distance)
    }

    /// A question asked at t is about a trigger that fired at or before t: one nanosecond before a
    /// trigger fires, it is not the answer (it may be an earlier one, never it).
    @Test func theTriggerOfAMomentHasAlreadyFired() throws {
        let gold = try Self.context.goldTriggers(root: "AMZN")
        try #require(gold.count >= 20)
        let window: UInt64 = 5_000_000_000
        for t in gold {
            let same = gold.filter { $0.precedent.levelID == t.precedent.levelID && $0.precedent.direction == t.precedent.direction }
            let at = try #require(GoldTrigger.firedAt(t.precedent.triggerTime, within: window, among: same))
            #expect(at.precedent.triggerTime == t.precedent.triggerTime)
            let before = GoldTrigger.firedAt(UnixNanos(rawValue: t.precedent.triggerTime.rawValue - 1), within: window, among: same)
            #expect(before.map { $0.precedent.triggerTime < t.precedent.triggerTime } ?? true, "a query before a trigger fired returned it")
            // Until one window after it fired, it (or a later one that has fired by then) is the answer.
            let later = UnixNanos(rawValue: t.precedent.triggerTime.rawValue + window)
            #expect(GoldTrigger.firedAt(later, within: window, among: same).map { $0.precedent.triggerTime >= t.precedent.triggerTime && $0.precedent.triggerTime <= later } == true)
        }
    }

    @Test func answersIgnoreAlteredOrDeletedDataAfterTheMoment() throws {
        let c = Self.context
        let gold = try c.goldTriggers(root: "AMZN")
        let usable = gold.filter { $0.hasLabel && $0.hasVector }.map(\.precedent)
        let day = CivilDate(year: 2012, month: 6, day: 21)
        let bronze = PartitionKey(layer: "bronze", productType: "equity", symbol: "AMZN", table: "mbo", date: day)
        let records = try BronzeTable.read(path: c.lake.path(bronze) + "/" + Lake.dataFile)[0].records
        let levels = try c.knownLevels(root: "AMZN", date: day, contract: "AMZN")
        let queries = usable.filter { q in usable.filter { $0.levelID == q.levelID && $0.direction == q.direction && $0.outcomeCompleteAt < q.triggerTime }.count >= 3 }
        try #require(queries.count >= 5, "the sample day should have setups with precedents")
        var rng = SeededRandom(seed: 42)
        for q in queries {
            let t = q.triggerTime
            let pool = usable.filter { $0.levelID == q.levelID && $0.direction == q.direction }
            let full = Retrieval.query(q.vector, at: t, in: pool, k: 5)
            #expect(full.neighbours.allSatisfy { $0.precedent.outcomeCompleteAt < t }, "a neighbour completed after the query")
            #expect(full.eligible == pool.filter { $0.outcomeCompleteAt < t }.count)

            // 1. Everything recorded after t removed: recompute features, triggers and labels from the cut bronze.
            let cut = records.filter { $0.tsRecv < t }
            let recomputed = c.computeTriggers(root: "AMZN", date: day, contract: "AMZN", levels: levels, records: cut,
                                               coverage: UnixNanos(rawValue: 0)..<t, features: .v1)
            let again = try #require(recomputed.first { $0.time == t && $0.levelID == q.levelID && $0.direction == q.direction })
            #expect(again.vector == q.vector, "the query's own vector changed when later records were removed")
            let cutPool = recomputed.compactMap { tr -> Precedent? in
                guard tr.levelID == q.levelID, tr.direction == q.direction, let l = tr.label, let v = tr.vector else { return nil }
                return Precedent(symbol: "AMZN", contract: "AMZN", date: day, levelID: tr.levelID, levelPrice: tr.levelPrice,
                                 direction: tr.direction, triggerTime: tr.time, outcomeCompleteAt: tr.outcomeCompleteAt,
                                 outcome: l.outcome, mfe: l.maxFavourable, mae: l.maxAdverse, penetration: l.penetration,
                                 timeToBarrier: l.timeToBarrier.map { Int64($0) }, vector: v)
            }
            #expect(Self.same(Retrieval.query(again.vector!, at: t, in: cutPool, k: 5), full), "answer changed when later records were removed")

            // 2. Setups completing at or after t altered (labels flipped, vectors scaled) or deleted.
            let altered = pool.map { p -> Precedent in
                guard p.outcomeCompleteAt >= t else { return p }
                var x = p
                x.outcome = Outcome.allCases[(Outcome.allCases.firstIndex(of: p.outcome)! + 1) % 4]
                x.vector = p.vector.map { $0 * Double.random(in: -3...3, using: &rng) }
                return x
            }
            #expect(Self.same(Retrieval.query(q.vector, at: t, in: altered, k: 5), full))
            #expect(Self.same(Retrieval.query(q.vector, at: t, in: pool.filter { $0.outcomeCompleteAt < t }, k: 5), full))
        }
    }
}

/// The partial reads the levels and silver stages use return what a full read returns.
@Suite struct PartialBronzeReadTests {
    /// What a date-by-date run hands the silver stages in memory is what they would read back
    /// from the written bronze partition: records, trade prints and manifest properties.
    @Test func decodedDayEqualsItsPartitionReadBack() throws {
        let lake = Lake(root: SampleLake.shared)
        let context = try PipelineContext(lake: lake, config: SampleLake.config, roots: SampleLake.roots)
        var records = 0
        for key in lake.completePartitions(layer: "bronze", table: "mbo") {
            let day = try #require(try context.decodeBronze(root: key.symbol, date: key.date), "\(key)")
            let path = lake.path(key) + "/" + Lake.dataFile
            let back = try BronzeTable.read(path: path)
            #expect(day.contracts.map(\.contract) == back.map(\.contract), "\(key)")
            for (c, b) in zip(day.contracts, back) {
                #expect(c.records == b.records, "\(key) \(c.contract)")
                records += c.records.count
            }
            let trades = try BronzeTable.trades(path: path)
            #expect(day.trades.map(\.contract) == trades.map(\.contract), "\(key)")
            for (a, b) in zip(day.trades, trades) {
                #expect(a.trades.map(\.ts) == b.trades.map(\.ts) && a.trades.map(\.price) == b.trades.map(\.price)
                    && a.trades.map(\.size) == b.trades.map(\.size), "\(key) \(a.contract)")
            }
            #expect(day.properties == (try lake.manifest(key).properties ?? [:]), "\(key)")
        }
        #expect(records > 100_000)
    }

    @Test func tradesAndOneContractEqualTheFullRead() throws {
        var checked = 0
        for key in Lake(root: SampleLake.shared).completePartitions(layer: "bronze", table: "mbo") {
            let path = Lake(root: SampleLake.shared).path(key) + "/" + Lake.dataFile
            let full = try BronzeTable.read(path: path)
            let trades = try BronzeTable.trades(path: path)
            #expect(trades.map(\.contract) == full.map(\.contract))
            for ((contract, records), (_, prints)) in zip(full, trades) {
                let expected = records.filter { $0.action == .trade && $0.price.isDefined }
                #expect(prints.map(\.ts) == expected.map(\.tsRecv), "\(key) \(contract)")
                #expect(prints.map(\.price) == expected.map(\.price.rawValue), "\(key) \(contract)")
                #expect(prints.map(\.size) == expected.map(\.size), "\(key) \(contract)")
                let one = try BronzeTable.read(path: path, contract: contract)
                #expect(one.count == 1 && one[0].contract == contract && one[0].records == records, "\(key) \(contract)")
                checked += expected.count
            }
        }
        #expect(checked > 1_000)
        let any = try #require(Lake(root: SampleLake.shared).completePartitions(layer: "bronze", table: "mbo").first)
        let reader = try ParquetReader(path: Lake(root: SampleLake.shared).path(any) + "/" + Lake.dataFile)
        #expect(throws: ParquetError.self) { try reader.rowGroup(0, columns: ["no_such_column"]) }
    }
}

/// Raw MBO files are ordered by `ts_recv`; the pipeline relies on it (reading stops at the first
/// record after a trade date) and refuses a file that is not, naming the record (rule 4).
@Suite struct RawOrderTests {
    @Test func aRecordEarlierThanTheOneBeforeIsRefusedWithItsPlace() throws {
        let lake = Oracle.temporaryPath("-lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try SampleLake.makeRaw(lake)
        let dir = lake + "/raw/source=databento/product_type=future/symbol=ES/table=market_by_order_dbn"
        let name = "esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst"
        let reader = try DBNFileReader(path: Fixtures.path("dbn/cme/" + name))
        var records: [MBOMsg] = [], indices: [Int] = []
        try reader.forEachRecord { ref in
            guard case .mbo(let m)? = try ref.decode() else { return }
            records.append(m); indices.append(ref.index)
        }
        try #require(indices == Array(records.indices), "the file holds MBO records only")
        // Swap the first two records after 23:10 UTC whose ts_recv differ: the second one is then early.
        let cut = UnixNanos(rawValue: 1_703_545_800_000_000_000)  // 2023-12-25T23:10:00Z
        let i = try #require(records.indices.dropLast().first { records[$0].tsRecv >= cut && records[$0].tsRecv < records[$0 + 1].tsRecv })
        records.swapAt(i, i + 1)
        try FileManager.default.removeItem(atPath: dir + "/" + name)  // the link to the original
        let writer = try DBNFileWriter(path: dir + "/" + name, metadata: reader.metadata)
        for m in records { try writer.write(.mbo(m)) }
        try writer.finish()

        let report = try SampleLake.run(lake, layer: "bronze")
        let failed = report.partitions.filter { $0.status == .failed }
        // 2023-12-26 reads the file to its end; 2023-12-25 stops at 22:00 UTC, before the swap.
        #expect(failed.map(\.date) == ["2023-12-26"], "\(report.text())")
        let detail = failed.first?.detail ?? ""
        #expect(detail.contains(dir + "/" + name), "\(detail)")
        #expect(detail.contains("MBO record \(i + 1) ") && detail.contains("instrument \(records[i + 1].hd.instrumentID)"), "\(detail)")
        #expect(detail.contains("earlier than the record before"), "\(detail)")
        #expect(!Lake(root: lake).isComplete(PartitionKey(layer: "bronze", productType: "future", symbol: "ES", table: "mbo",
                                                          date: CivilDate(year: 2023, month: 12, day: 26))))
    }
}
