import Foundation
import PrecedentCore
import PrecedentLake
import PrecedentLOBSTER
import PrecedentPipeline
import PrecedentTestSupport

/// A lake whose raw inputs are the real sample files: the CME MBO days and
/// definitions (linked in place, never copied) and the LOBSTER AMZN day
/// imported to DBN, as `scripts/demo.sh` lays them out.
enum SampleLake {
    static let config = try! PipelineConfig.load(path: Fixtures.repositoryRoot.appendingPathComponent("config/sample.yaml").path)
    static let roots = ["ES", "AMZN"]

    static func makeRaw(_ lake: String) throws {
        let fm = FileManager.default
        let es = lake + "/raw/source=databento/product_type=future/symbol=ES"
        for (table, names) in [
            ("market_by_order_dbn", ["esh4-glbx-mdp3-20231224.mbo.dbn.zst", "esh4-glbx-mdp3-20231225-to2330.mbo.dbn.zst",
                                     "esm4-glbx-mdp3-20240508T000000-000002.mbo.dbn.zst"]),
            ("definition_dbn", ["definition-glbx-es-fut.dbn.zst", "definition-glbx-es-futspread.dbn.zst",
                                "esm4-glbx-mdp3-20240508.definition.dbn.zst"]),
        ] {
            try fm.createDirectory(atPath: "\(es)/table=\(table)", withIntermediateDirectories: true)
            for n in names { try fm.createSymbolicLink(atPath: "\(es)/table=\(table)/\(n)", withDestinationPath: Fixtures.path("dbn/cme/\(n)")) }
        }
        let amzn = lake + "/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn"
        try fm.createDirectory(atPath: amzn, withIntermediateDirectories: true)
        var options = LOBSTERImporter.Options(symbol: "AMZN", date: CivilDate(year: 2012, month: 6, day: 21))
        options.timeZone = "America/New_York"
        _ = try LOBSTERImporter.run(messages: Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv"),
                                    orderbook: Fixtures.path("lobster/AMZN_2012-06-21_34200000_57600000_orderbook_1.csv"),
                                    options: options, output: amzn + "/amzn-20120621.mbo.dbn.zst")
    }

    /// `stages`: registry names, run instead of `layer`'s.
    static func run(_ lake: String, layer: String = "all", stages: [String]? = nil, overwrite: Bool = false, workers: Int = 1) throws -> RunReport {
        var options = RunOptions()
        options.layer = layer
        options.stageNames = stages
        options.roots = roots
        options.overwrite = overwrite
        options.workers = workers
        return PipelineRunner(context: try PipelineContext(lake: Lake(root: lake), config: config, roots: roots), options: options).run()
    }

    /// Built once per test process and shared read-only.
    static let shared: String = {
        let dir = Oracle.temporaryPath("-lake")
        try! makeRaw(dir)
        let report = try! run(dir, workers: 2)
        precondition(report.failed == 0, report.text())
        return dir
    }()
}
