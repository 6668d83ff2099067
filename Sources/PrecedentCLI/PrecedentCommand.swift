import ArgumentParser

/// The `precedent` command: a thin shell that parses arguments, calls the
/// library and maps errors to one clear message and an exit code.
public struct PrecedentCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "precedent",
        abstract: "Order-book precedents around key price levels, from Databento order-by-order data.",
        discussion: """
            Precedent turns Databento DBN files (CME Globex MBO: ES, MES, NQ…) into a reproducible \
            lake of order-book features around key levels and retrieves the most similar setups \
            from history. Start by inspecting data:

              precedent dbn info ../shared/data/dbn/cme/*.dbn.zst
              precedent dbn cat FILE --limit 5 --pretty
              precedent book FILE --depth 5 --pretty | tail
              precedent lake write-dbn ../shared/data/dbn/cme/*.mbo.dbn.zst --lake lake --table mbo

            Then the pipeline and the precedents (bash scripts/demo.sh lays out a sample lake):

              precedent run --layer all --symbol ES --lake out/lake --config config/sample.yaml
              precedent index build --symbol ES --lake out/lake --config config/sample.yaml
              precedent query --symbol ES --date 2023-12-26 --time 18:22:50 --level or_high --lake out/lake --config config/sample.yaml

            And the engine, record by record (levels, windows, triggers with their precedents, outcomes):

              precedent replay out/lake/raw/source=lobster/product_type=equity/symbol=AMZN/table=market_by_order_dbn/*.dbn.zst \\
                --symbol AMZN --config config/sample.yaml --lake out/lake --format pretty

            Sample data is read from ../shared/data or $PRECEDENT_DATA.
            """,
        version: version,
        subcommands: [DBNCommand.self, BookCommand.self, ImportCommand.self, RunCommand.self, ReplayCommand.self, ServeCommand.self, LiveCommand.self, IndexCommand.self, QueryCommand.self,
                      EvaluateCommand.self, StudyCommand.self, BarsCommand.self, AuditCommand.self, ParquetCommand.self, LakeCommand.self]
    )

    public init() {}
}

/// `precedent dbn …`: Databento Binary Encoding files.
struct DBNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbn",
        abstract: "Inspect, print and convert Databento Binary Encoding (DBN) files.",
        discussion: """
            Reads DBN versions 1, 2 and 3, raw (.dbn) or zstd-compressed (.dbn.zst, several frames \
            allowed), streaming with bounded memory. Records of v1/v2 files are shown in the v3 \
            layout, as Databento's own tools upgrade them. Metadata-free fragments (.frag) need \
            --fragment-version. Legacy DBZ (version 0) files are rejected.
            """,
        subcommands: [DBNInfoCommand.self, DBNCatCommand.self, DBNConvertCommand.self, DBNToParquetCommand.self]
    )
}

/// Options shared by commands that read DBN files.
struct FramingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Read the input as a metadata-free fragment of records of this DBN version (1, 2 or 3).",
        valueName: "version"))
    var fragmentVersion: UInt8?

    @Flag(name: .long, help: "With --fragment-version: records carry an 8-byte ts_out suffix.")
    var fragmentTsOut = false

    func validate() throws {
        if let v = fragmentVersion, !(1...3).contains(v) {
            throw ValidationError("--fragment-version must be 1, 2 or 3 (got \(v))")
        }
        if fragmentTsOut && fragmentVersion == nil {
            throw ValidationError("--fragment-ts-out needs --fragment-version")
        }
    }

    var fragment: (version: UInt8, tsOut: Bool)? { fragmentVersion.map { ($0, fragmentTsOut) } }
}
