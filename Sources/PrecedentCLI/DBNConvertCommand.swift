import ArgumentParser
import PrecedentCore
import PrecedentDBN

/// `precedent dbn convert IN OUT`
struct DBNConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Re-encode a DBN file as DBN v3 (upgrading v1/v2 records), raw or zstd.",
        discussion: """
            The output appears only when complete (written under a temporary name, then renamed). \
            Metadata is kept; a fragment stays a fragment.

            Example:
              precedent dbn convert old.v1.dbn.zst new.dbn.zst
            """)

    @Argument(help: ArgumentHelp("Input DBN file.", valueName: "input")) var input: String
    @Argument(help: ArgumentHelp("Output path.", valueName: "output")) var output: String

    @Option(help: "Output compression: zstd or none. Default: zstd if the output name ends in .zst.")
    var compression: String?

    @OptionGroup var framing: FramingOptions

    func validate() throws {
        if let compression, compression != "zstd" && compression != "none" {
            throw ValidationError("--compression must be zstd or none")
        }
        if input == output { throw ValidationError("input and output must differ") }
    }

    func run() throws {
        let reader = try DBNFileReader(path: input, fragment: framing.fragment)
        let zstd = (compression ?? (output.hasSuffix(".zst") ? "zstd" : "none")) == "zstd"
        let writer = try DBNFileWriter(path: output, metadata: reader.metadata.map { md in
            var v3 = md
            v3.version = Metadata.latestVersion
            v3.symbolCstrLen = Metadata.symbolCstrLenV3
            return v3
        }, compression: zstd ? .zstd(level: 3) : .none, tsOut: reader.tsOut)
        try reader.forEachRecord { ref in
            if let r = try ref.decode() { try writer.write(r, tsOut: ref.tsOut) }
        }
        try writer.finish()
        printError("wrote \(grouped(writer.recordCount)) records to \(output) (DBN v3, \(zstd ? "zstd" : "uncompressed"))")
    }
}
