import Foundation
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentFeatures
import PrecedentLake
import PrecedentPipeline
import PrecedentSetups
import PrecedentTestSupport
import Testing

/// The engine fed one record at a time against what `precedent run` wrote: every level, silver
/// row, trigger, vector and label of every sample day, all columns.
@Suite struct EngineTests {
    /// Row `i` of `columns` as `precedent parquet cat` prints it, field by field.
    static func row(_ fields: [ParquetField], _ columns: [ParquetColumn], _ i: Int) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(fields, columns).map { ($0.name, $1.json(at: i, field: $0)) })
    }

    static func rows(of path: String) throws -> [[String: String]] {
        let r = try ParquetReader(path: path)
        let columns = try r.readAll()
        return (0..<(columns.first?.count ?? 0)).map { row(r.fields, columns, $0) }
    }

    struct Replayed {
        var events: [EngineEvent] = []
        var setup: EngineSetup
    }

    /// The engine over the selected contract's bronze records of `key`'s date, one at a time.
    static func replay(_ context: PipelineContext, root: String, date: CivilDate) throws -> Replayed? {
        let lake = context.lake
        let sk = PartitionKey(layer: "silver", productType: context.specs[root]!.productType, symbol: root, table: "selection_map", date: date)
        let contract = try lake.manifest(sk).properties?["selected"] ?? ""
        guard !contract.isEmpty else { return nil }
        let bk = PartitionKey(layer: "bronze", productType: context.specs[root]!.productType, symbol: root, table: "mbo", date: date)
        let bm = try lake.manifest(bk)
        let coverage = UnixNanos(rawValue: UInt64(bm.properties!["coverage_start_ns"]!)!)..<UnixNanos(rawValue: UInt64(bm.properties!["coverage_end_ns"]!)!)
        let records = try BronzeTable.read(path: lake.path(bk) + "/" + Lake.dataFile, contract: contract).first!.records
        let setup = try context.engineSetup(root: root, date: date, contract: contract, coverage: coverage,
                                            prior: try context.priorFromLake(root: root, date: date, contract: contract))
        var engine = Engine(setup)
        var out = Replayed(setup: setup)
        for m in records { out.events += engine.apply(m) }
        out.events += engine.finish(at: coverage.upperBound)
        return out
    }

    @Test func theEngineRecordByRecordEqualsTheLake() throws {
        let lake = Lake(root: SampleLake.shared)
        var compared = (levels: 0, windows: 0, triggers: 0)
        for key in lake.completePartitions(layer: "silver", table: "level_vacuum_5s") {
            let context = try PipelineContext(lake: lake, config: SampleLake.config, roots: [key.symbol])
            let silver = try Self.rows(of: lake.path(key) + "/" + Lake.dataFile)
            guard let run = try Self.replay(context, root: key.symbol, date: key.date) else {
                #expect(silver.isEmpty, "\(key.relativePath): rows without a selected contract")
                continue
            }
            let events = run.events
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.ts <= $1.ts }, "\(key.relativePath): events out of time order")

            // Silver: every row, all columns, in order.
            var mine: [[String: String]] = []
            for case .window(let w) in events {
                let columns = w.columns(run.setup)
                for i in 0..<w.rows.count { mine.append(Self.row(SilverTable.fields, columns, i)) }
            }
            #expect(mine.count == silver.count, "\(key.relativePath): \(mine.count) rows, lake \(silver.count)")
            for (i, (a, b)) in zip(mine, silver).enumerated() where a != b {
                let differing = a.keys.filter { a[$0] != b[$0] }.sorted()
                Issue.record("\(key.relativePath) row \(i): \(differing.prefix(5).map { "\($0) \(a[$0]!) vs \(b[$0] ?? "-")" })")
                break
            }
            compared.windows += mine.count

            // Levels of the selected contract: one event per configured kind, equal to the table's row.
            let levelKey = PartitionKey(layer: "silver", productType: key.productType, symbol: key.symbol, table: "levels", date: key.date)
            let table = try Self.rows(of: lake.path(levelKey) + "/" + Lake.dataFile).filter { $0["contract"] == "\"\(run.setup.contract)\"" }
            var levels: [String: [String: String]] = [:]
            for case .level(let v) in events {
                let c = LevelsTable.columns([(run.setup.contract, v)], root: key.symbol, date: key.date, tick: run.setup.tick)
                levels[v.kind.rawValue] = Self.row(LevelsTable.fields, c, 0)
            }
            #expect(levels.count == table.count && table.allSatisfy { levels[$0["level_id"]!.replacingOccurrences(of: "\"", with: "")] == $0 },
                    "\(key.relativePath): levels differ")
            compared.levels += levels.count

            // Triggers with vectors and labels, all columns, as the gold table orders them.
            var fired: [Trigger] = [], labelled: [Trigger] = []
            for e in events {
                if case .trigger(let t, _) = e { fired.append(t) }
                if case .outcome(let t) = e { labelled.append(t) }
            }
            #expect(fired.count == labelled.count)
            labelled.sort { ($0.time, $0.levelID, $0.direction.rawValue) < ($1.time, $1.levelID, $1.direction.rawValue) }
            let gk = PartitionKey(layer: "gold", productType: key.productType, symbol: key.symbol, table: "triggers", date: key.date)
            let gold = try Self.rows(of: lake.path(gk) + "/" + Lake.dataFile)
            let list = try SampleLake.config.featureList()
            let columns = TriggerTable.columns(labelled, list: list, root: key.symbol, contract: run.setup.contract, date: key.date)
            let ours = (0..<labelled.count).map { Self.row(TriggerTable.fields(list), columns, $0) }
            #expect(ours == gold, "\(key.relativePath): triggers differ")
            compared.triggers += ours.count
        }
        // ES reopen: 2 levels × 300 windows; AMZN: 2 × 1,980; the AMZN day's 26 triggers and ES's 2.
        #expect(compared.windows == 2 * 300 + 2 * 1_980 && compared.triggers >= 27, "\(compared)")
        print("engine = lake: \(compared.levels) levels, \(compared.windows) silver rows, \(compared.triggers) triggers")
    }
}
