#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ArgumentParser
import Foundation
import PrecedentCLI
import PrecedentCore
import PrecedentDBN
import PrecedentEngine
import PrecedentLake
import PrecedentLive
import PrecedentPipeline

/// `precedent-bench live FILES…`
struct LiveBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "The live client from a local gateway: records/s and record-to-engine latency, beside Databento's official Python client.",
        discussion: """
            A gateway in this process (its text phase, then the files' MBO records as one DBN v3 stream \
            over 127.0.0.1 TCP) serves the same records to two clients in turn:
              precedent   LiveClient (socket, gateway protocol, DBN decoding) feeding every record of \
            the selected contract's trade date to the engine (book, levels, windows, triggers, labels);
              official    databento.Live from PyPI (Benchmarks/live_official.py), its callback counting \
            each record (decoding only).
            Both clients get --repeat sessions of each kind.
            Throughput: the server writes 64 KiB chunks as fast as the client reads; records/s from the \
            first record delivered to the last, best of --repeat sessions each. Latency: the server \
            writes one record at a time at --rate records/s, noting the monotonic time before each \
            write; a record's latency is the time from then to the client being done with it (for \
            precedent: the engine returned; for official: its callback ran). p50/p99 over every record \
            of a session: the median session's, and the range of p99 over the sessions.
            """)

    @Argument(help: ArgumentHelp("DBN MBO files of one root, in order.", valueName: "file")) var files: [String]
    @Option(help: "Root the files belong to.") var symbol = "ES"
    @Option(help: ArgumentHelp("YAML configuration.", valueName: "file")) var config: String?
    @Option(help: "Throughput sessions of each client.") var `repeat` = 5
    @Option(help: ArgumentHelp("Records per second in the latency session.", valueName: "n")) var rate = 20_000
    @Option(help: ArgumentHelp("Python with the databento package (the official client); none: skip it.", valueName: "path"))
    var python = "python3"
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let configuration = try config.map(PipelineConfig.load) ?? PipelineConfig()
        let scratch = NSTemporaryDirectory() + "precedent-bench-live-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let context = try PipelineContext(lake: Lake(root: scratch), config: configuration, roots: [symbol], files: [symbol: files])
        let clock = context.clocks[symbol]!
        var day: (setup: EngineSetup, instrument: InstrumentID)? = nil
        for date in context.catalogs[symbol]!.tradeDates(clock) {
            guard let d = try context.replayDay(root: symbol, date: date), !d.contract.isEmpty, let first = d.records.first else { continue }
            day = (try context.engineSetup(root: symbol, date: date, contract: d.contract, coverage: d.coverage, prior: nil), first.hd.instrumentID)
            break
        }
        guard let day else { throw ValidationError("no trade date with a selected contract in the files") }

        // The stream: DBN v3 metadata, then every record of the files as they are (MBO records have one layout in v1–v3).
        var records: [[UInt8]] = []
        var first: Metadata? = nil
        for f in files {
            let reader = try DBNFileReader(path: f)
            try reader.forEachRecord { ref in
                guard ref.mbo != nil else { return }
                records.append(Array(UnsafeRawBufferPointer(start: ref.pointer, count: ref.byteCount)))
            }
            if first == nil { first = reader.metadata }
        }
        guard let meta = first, !records.isEmpty else { throw ValidationError("no MBO records in the files") }
        let metadata = try Metadata(dataset: meta.dataset, schema: .mbo, start: meta.start, end: UnixNanos(rawValue: .max),
                                    stypeIn: meta.stypeIn, stypeOut: .instrumentID, symbols: meta.symbols, mappings: []).encodedV3()
        let span = clock.span(day.setup.date)
        let key = "db-benchmarkgatewaykey00000ABCDE"

        // precedent: throughput, then latency.
        var ours: [Double] = [], engineRecords = 0, events = 0
        for _ in 0..<self.repeat {
            let server = try BenchGateway(metadata: metadata, records: records, rate: nil)
            let r = try runOurs(server: server, key: key, day: day, span: span, latency: false)
            ours.append(Double(records.count) / r.seconds)
            engineRecords = r.engineRecords; events = r.events
        }
        // Latency: --repeat paced sessions (a stall of the machine in one shows as that session's tail).
        var ourLatency: [[UInt64]] = []
        for _ in 0..<self.repeat {
            let server = try BenchGateway(metadata: metadata, records: records, rate: rate)
            ourLatency.append(try runOurs(server: server, key: key, day: day, span: span, latency: true).latencies)
        }

        // official: the same.
        var theirs: [Double] = [], theirLatency: [[UInt64]] = []
        if python != "none" {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("live_official.py").path
            for _ in 0..<self.repeat {
                let server = try BenchGateway(metadata: metadata, records: records, rate: nil)
                let out = try runOfficial(script: script, server: server, key: key, count: records.count, times: nil)
                theirs.append(Double(records.count) / out)
            }
            for _ in 0..<self.repeat {
                let server = try BenchGateway(metadata: metadata, records: records, rate: rate)
                let timesFile = scratch + "/official-times.txt"
                _ = try runOfficial(script: script, server: server, key: key, count: records.count, times: timesFile)
                let received = try String(contentsOfFile: timesFile, encoding: .utf8).split(separator: "\n").compactMap { UInt64($0) }
                theirLatency.append(zip(received, server.sentTimes).map { $0 &- $1 })
            }
        }

        func q(_ a: [UInt64], _ p: Double) -> Double {
            let s = a.sorted()
            return s.isEmpty ? .nan : Double(s[min(s.count - 1, Int(p * Double(s.count)))]) / 1e3
        }
        /// Per session's quantile `p` (µs): the median session's, and the range over sessions.
        func sessions(_ all: [[UInt64]], _ p: Double) -> (median: Double, low: Double, high: Double) {
            let v = all.map { q($0, p) }.sorted()
            return v.isEmpty ? (.nan, .nan, .nan) : (v[v.count / 2], v.first!, v.last!)
        }
        let (o50, o99) = (sessions(ourLatency, 0.5), sessions(ourLatency, 0.99))
        let (t50, t99) = (sessions(theirLatency, 0.5), sessions(theirLatency, 0.99))
        let oursBest = ours.max()!, theirsBest = theirs.max() ?? .nan
        if json {
            func num(_ x: Double) -> String { x.isFinite ? String(x) : "null" }
            print(JSONText.object([
                ("files", JSONText.array(files.map(JSONText.quoted))), ("records", String(records.count)),
                ("engine_records", String(engineRecords)), ("engine_events", String(events)), ("sessions", String(self.repeat)),
                ("precedent_records_per_s", num(oursBest)), ("official_records_per_s", num(theirsBest)), ("ratio", num(oursBest / theirsBest)),
                ("rate", String(rate)),
                ("precedent_latency_us_p50", num(o50.median)), ("precedent_latency_us_p99", num(o99.median)),
                ("precedent_latency_us_p99_range", "[\(num(o99.low)),\(num(o99.high))]"),
                ("official_latency_us_p50", num(t50.median)), ("official_latency_us_p99", num(t99.median)),
                ("official_latency_us_p99_range", "[\(num(t99.low)),\(num(t99.high))]"),
            ]))
        } else {
            print("\(grouped(records.count)) MBO records served over 127.0.0.1 (\(grouped(engineRecords)) of them, \(day.setup.contract) on trade date \(day.setup.date), through the engine: \(events) events); best of \(self.repeat) sessions each:")
            print("  precedent  \(grouped(Int(oursBest))) records/s (socket, protocol, decoding, book and engine)")
            if python != "none" {
                print("  official   \(grouped(Int(theirsBest))) records/s (databento.Live, a callback counting records)")
                print(String(format: "  ratio      %.2f× (precedent / official)", oursBest / theirsBest))
            }
            print(String(format: "  latency at %@ records/s, from the server's write to the client being done with the record (median session; p99 range over %d):",
                         grouped(rate), self.repeat))
            print(String(format: "    precedent  p50 %.1f µs, p99 %.1f µs (%.1f–%.1f) (engine returned)", o50.median, o99.median, o99.low, o99.high))
            if python != "none" {
                print(String(format: "    official   p50 %.1f µs, p99 %.1f µs (%.1f–%.1f) (callback ran)", t50.median, t99.median, t99.low, t99.high))
            }
        }
    }

    /// One session of our client: seconds from the first record to the last, and per-record latencies.
    func runOurs(server: BenchGateway, key: String, day: (setup: EngineSetup, instrument: InstrumentID), span: Range<UnixNanos>, latency: Bool) throws
        -> (seconds: Double, latencies: [UInt64], engineRecords: Int, events: Int) {
        var request = LiveRequest(dataset: "GLBX.MDP3", schema: .mbo, stypeIn: .rawSymbol, symbols: [day.setup.contract])
        request.heartbeatInterval = 30
        var options = LiveClient.Options(host: "127.0.0.1", port: server.port)
        options.maxAttempts = 1
        let client = try LiveClient(request: request, key: try APIKey(key), options: options)
        var engine = Engine(day.setup)
        let total = server.records.count
        var received = 0, engineRecords = 0, events = 0
        var firstAt: UInt64 = 0, lastAt: UInt64 = 0
        var latencies: [UInt64] = []
        latencies.reserveCapacity(latency ? total : 0)
        try client.run(shouldStop: { received >= total }) { event in
            guard case .record(let ref) = event, let m = ref.mbo else { return }
            if received == 0 { firstAt = monotonicNanos() }
            if ref.instrumentID == day.instrument && span.contains(m.tsRecv) {
                events &+= engine.apply(m).count
                engineRecords += 1
            }
            if latency { latencies.append(monotonicNanos() &- server.sentTimes[received]) }
            received += 1
            if received == total { lastAt = monotonicNanos() }
        }
        server.finish()
        guard received == total else { throw ValidationError("precedent received \(received) of \(total) records") }
        return (Double(lastAt - firstAt) / 1e9, latencies, engineRecords, events)
    }

    /// One session of the official client (a child process): seconds from its first record to its last.
    func runOfficial(script: String, server: BenchGateway, key: String, count: Int, times: String?) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, script, "--port", String(server.port), "--key", key, "--count", String(count)] + (times.map { ["--times", $0] } ?? [])
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        server.finish()
        guard p.terminationStatus == 0, let s = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("the official client failed (\(python) \(script)): \(String(decoding: data, as: UTF8.self))")
        }
        return s
    }
}

/// A gateway on 127.0.0.1 for one session: greeting, challenge, any authentication accepted,
/// subscription lines read until `start_session`, then the stream — in 64 KiB writes as fast as
/// the client reads, or (with `rate`) one record per write at that many records per second,
/// noting the monotonic time before each record's write.
final class BenchGateway: @unchecked Sendable {  // `sentTimes` is written by the server thread before each write and read after the record arrived
    let records: [[UInt8]]
    let port: Int
    let sentTimes: UnsafeMutableBufferPointer<UInt64>
    private let listener: Int32
    private let thread: Thread
    private let done = DispatchSemaphore(value: 0)

    init(metadata: [UInt8], records: [[UInt8]], rate: Int?) throws {
        self.records = records
        sentTimes = .allocate(capacity: records.count)
        sentTimes.initialize(repeating: 0)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard fd >= 0, bound == 0, listen(fd, 1) == 0 else { throw ValidationError("bench gateway: cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        nonisolated(unsafe) let times = sentTimes  // written here before each write, read by the client after the record arrived
        let done = self.done
        thread = Thread {
            defer { done.signal() }
            let c = accept(fd, nil, nil)
            guard c >= 0 else { return }
            defer { close(c) }
            // Each write leaves at once (no Nagle delay waiting for the previous segment's ACK).
            var on: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            func send(_ bytes: [UInt8]) -> Bool {
                bytes.withUnsafeBytes { raw in
                    var off = 0
                    while off < raw.count {
                        let n = write(c, raw.baseAddress! + off, raw.count - off)
                        if n <= 0 { return false }
                        off += n
                    }
                    return true
                }
            }
            func line() -> String? {
                var text: [UInt8] = []
                var byte: UInt8 = 0
                while read(c, &byte, 1) == 1 {
                    if byte == 10 { return String(decoding: text, as: UTF8.self) }
                    text.append(byte)
                }
                return nil
            }
            guard send(Array("lsg_version=bench\ncram=benchchallenge\n".utf8)), line() != nil,
                  send(Array("success=1|session_id=1\n".utf8)) else { return }
            while let l = line(), !l.hasPrefix("start_session") {}
            guard send(metadata) else { return }
            if let rate {
                let start = monotonicNanos()
                for (i, r) in records.enumerated() {
                    let due = start + UInt64(i) * 1_000_000_000 / UInt64(rate)
                    while true {
                        let now = monotonicNanos()
                        if now >= due { break }
                        if due - now > 200_000 { usleep(UInt32((due - now - 100_000) / 1000)) }
                    }
                    times[i] = monotonicNanos()
                    guard send(r) else { return }
                }
            } else {
                var chunk: [UInt8] = []
                chunk.reserveCapacity(1 << 16 + 256)
                for (i, r) in records.enumerated() {
                    if chunk.isEmpty { times[i] = monotonicNanos() }
                    chunk += r
                    if chunk.count >= 1 << 16 { guard send(chunk) else { return }; chunk.removeAll(keepingCapacity: true) }
                }
                if !chunk.isEmpty { guard send(chunk) else { return } }
            }
            // Stay connected (a live session does not end) until the client leaves.
            var sink = [UInt8](repeating: 0, count: 4096)
            while read(c, &sink, sink.count) > 0 {}
        }
        thread.start()
    }

    /// Waits for the session to end and releases the socket (a client that never connected: the
    /// listener's shutdown wakes the waiting accept).
    func finish() {
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
        close(listener)
    }

    deinit { sentTimes.deallocate() }
}
