import ArgumentParser
import PrecedentCLI
import Foundation
import PrecedentDBN
import PrecedentPipeline
import PrecedentRetrieval
import PrecedentSetups

/// `precedent-bench knn`
struct KNNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knn",
        abstract: "Exact k-NN throughput on real silver rows (used by Benchmarks/knn_search.py).",
        discussion: """
            Vectors: the 160 base quantities (both frames) of every 5-second window of the selected \
            contract-days in the lake, at levels every tick within ±--spread ticks of each known level, \
            robust-z normalised. Queries: every (n / --queries)-th vector. Writes both as raw float32 \
            files (--out, --out-queries) for the faiss side, then times single queries (SIMD scan) and one \
            batch (OpenBLAS sgemm, one thread), k = --k. The index bounds distances by its leading principal \
            components unless --no-pruning (FlatL2Index); the answers are the same either way.
            """)
    @Option(help: "Root symbols (repeat).") var symbol: [String] = ["AMZN"]
    @Option(help: "Levels every tick within ± this many ticks of each known level.") var spread = 12
    @Option(help: "Number of queries.") var queries = 1000
    @Option(help: "Neighbours.") var k = 50
    @Option(help: "Vectors file to write.") var out = "/tmp/precedent-knn-vectors.f32"
    @Option(help: "Queries file to write.") var outQueries = "/tmp/precedent-knn-queries.f32"
    @Flag(help: "Scan every vector whole (no principal-component bounds), as IndexFlatL2 does.") var noPruning = false
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var lake: LakeOptions

    func validate() throws {
        guard spread >= 0 else { throw ValidationError("--spread must be 0 or more; got \(spread)") }
        guard queries >= 1 else { throw ValidationError("--queries must be 1 or more; got \(queries)") }
        guard k >= 1 else { throw ValidationError("--k must be positive; got \(k)") }
    }

    func run() throws {
        let context = try lake.context(symbol)
        var raw: [[Float]] = []
        for s in symbol { raw += try context.silverVectors(root: s, offsets: Array(-spread...spread)) }
        guard raw.count > k else { throw ValidationError("only \(raw.count) vectors: run the pipeline first") }
        let scaler = RobustScaler(fit: raw.map { $0.map(Double.init) })
        let vectors = raw.map { scaler.transform($0.map(Double.init)) }
        let d = vectors[0].count, n = vectors.count
        let step = max(1, n / queries)
        let qs = stride(from: 0, to: n, by: step).prefix(queries).map { vectors[$0] }
        try vectors.flatMap { $0 }.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: out)) }
        try qs.flatMap { $0 }.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: outQueries)) }
        FlatL2Index.useOneThread()
        var start = monotonicNanos()
        var index = FlatL2Index(dimension: d, pruning: !noPruning)
        index.add(vectors.flatMap { $0 })
        let buildSeconds = Double(monotonicNanos() - start) / 1e9
        let components = index.pruningComponents
        start = monotonicNanos()
        var check = 0
        for q in qs { check &+= index.search(q, k: k).first?.index ?? 0 }
        let single = Double(monotonicNanos() - start) / 1e9
        start = monotonicNanos()
        let batch = index.search(batch: qs.flatMap { $0 }, queryCount: qs.count, k: k)
        let batchSeconds = Double(monotonicNanos() - start) / 1e9
        precondition(batch.count == qs.count && check >= 0)
        if json {
            print(JSONText.object([("tool", "\"precedent\""), ("vectors", String(n)), ("dimension", String(d)), ("queries", String(qs.count)),
                                   ("k", String(k)), ("single_qps", String(Double(qs.count) / single)),
                                   ("batch_qps", String(Double(qs.count) / batchSeconds)), ("build_seconds", String(buildSeconds)),
                                   ("bound_components", String(components?.count ?? 0)),
                                   ("bound_variance_share", String(components?.varianceShare ?? 0))]))
        } else {
            print("\(n) vectors × \(d), \(qs.count) queries, k = \(k): single \(Int(Double(qs.count) / single)) QPS, batch \(Int(Double(qs.count) / batchSeconds)) QPS; "
                  + (components.map { "bounds from \($0.count) principal components (\(Int($0.varianceShare * 100)) % of the variance)" } ?? "no bounds")
                  + String(format: ", index built in %.3f s", buildSeconds))
        }
    }
}
