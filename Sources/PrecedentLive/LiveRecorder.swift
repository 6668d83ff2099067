#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PrecedentCore
import PrecedentDBN

/// Writes a live stream as raw DBN files, one per UTC day of `ts_recv`, into a lake's raw folder.
///
/// Each file is a valid, uncompressed DBN v3 file at every moment: the metadata is written first in
/// one write, then whole records only, flushed at least every `flushInterval` seconds (one write per
/// flush), so a reader — or a restart after SIGKILL — sees every record up to the last flush and a
/// clean end. The symbol mappings in force are written at the start of each file (live metadata
/// carries none), and again whenever one changes. Heartbeats and other system records are not
/// written. Gaps go to `_gaps.jsonl` beside the files (ignored by the raw catalog, as any `_` file).
public final class LiveRecorder {
    public let folder: String
    public let dataset: String
    public let schema: Schema
    public let flushInterval: Double

    private var fd: Int32 = -1
    private var currentDay: CivilDate?
    private var currentPath: String?
    private var pending: [UInt8] = []
    private var lastFlush = Date()
    private var sessionMetadata: Metadata?
    /// Where the recording's coverage begins: the first session's start (now, or its replay start).
    private var coveredFrom: UInt64?
    /// Latest symbol-mapping record per instrument (v3 bytes), and the symbol the open file maps it to.
    private var mappings: [InstrumentID: [UInt8]] = [:]
    private var written: [InstrumentID: String] = [:]
    private var encoder = DBNEncoder()
    /// Records written (all files), and the files touched.
    public private(set) var recordsWritten = 0
    public private(set) var files: [String] = []
    /// `ts_event` of the last data record written.
    public private(set) var lastEvent: UInt64?

    public static let flushBytes = 1 << 20
    /// Offset of the metadata's `end` field: the 8-byte prelude, dataset (16), schema (2), start (8).
    static let metadataEndOffset: off_t = 34

    public init(folder: String, dataset: String, schema: Schema, flushInterval: Double = 1.0) throws {
        self.folder = folder; self.dataset = dataset; self.schema = schema; self.flushInterval = flushInterval
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw LiveError.usage("cannot create the raw folder \(folder): \(error.localizedDescription)")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// The file of UTC `day`.
    public func path(for day: CivilDate) -> String {
        "\(folder)/\(dataset.lowercased().replacingOccurrences(of: ".", with: "-"))-\(schema)-\(day).live.dbn"
    }

    /// Recorded files in this folder, oldest day first.
    public func recordedFiles() -> [String] {
        let prefix = dataset.lowercased().replacingOccurrences(of: ".", with: "-") + "-\(schema)-"
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".live.dbn") }.sorted().map { folder + "/" + $0 }
    }

    /// Where a restarted recorder resumes: the tail of the newest file. A file whose end was cut
    /// inside a record (a write interrupted by a crash) is truncated to its last whole record first;
    /// the report says so.
    public func resumePoint() throws -> (ResumePoint, [String]) {
        var report: [String] = []
        var point = ResumePoint()
        // The newest file that holds a data record (a newer one may hold only its metadata and
        // mappings, when the recorder stopped right after opening it).
        for path in recordedFiles().reversed() {
            let (tail, mapped, end, size, empty) = try scan(path)
            if end < size {
                guard truncate(path, off_t(end)) == 0 else {
                    throw LiveError.usage("cannot truncate the torn end of \(path): \(String(cString: strerror(errno)))")
                }
                report.append("\(path): cut \(size - end) bytes of an incomplete record at byte \(end)")
            }
            if currentPath == nil {
                // Appends go to the newest file, whatever it holds.
                let name = (path as NSString).lastPathComponent
                guard let day = CivilDate(iso: String(name.dropLast(".live.dbn".count).suffix(10))) else { continue }
                fd = Glibc.open(path, O_WRONLY)
                guard fd >= 0, lseek(fd, 0, SEEK_END) >= 0 else {
                    throw LiveError.usage("cannot open \(path) to append: \(String(cString: strerror(errno)))")
                }
                currentDay = day; currentPath = path
                files.append(path)
                for (id, bytes) in mapped { mappings[id] = bytes; written[id] = Self.symbol(v3: bytes) }
            }
            if empty { continue }
            if point.tail.isEmpty {
                for (recv, event) in tail { point.append(recv: recv, event: event) }
                lastEvent = tail.last?.1
            } else {
                point.prepend(tail.map { (recv: $0.0, event: $0.1) })
            }
            // Older files too, while the replay start lies before this one's first record.
            if point.reachesStart { break }
        }
        return (point, report)
    }

    /// One recorded file: its data records' stamps, its symbol mappings, where its last whole record
    /// ends, its size, and whether it holds no data record.
    private func scan(_ path: String) throws -> ([(UInt64, UInt64)], [InstrumentID: [UInt8]], Int, Int, Bool) {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw LiveError.usage("cannot read \(path) to resume: \(error.localizedDescription)")
        }
        var decoder = DBNDecoder(initialCapacity: max(1 << 16, bytes.count + 1))
        bytes.withUnsafeBytes { decoder.append($0) }
        var tail: [(UInt64, UInt64)] = [], mapped: [InstrumentID: [UInt8]] = [:]
        var end = 0
        do {
            guard try decoder.decodeMetadata() != nil else {
                throw LiveError.usage("\(path) ends inside its metadata (\(bytes.count) bytes): it was not written by this recorder; move it away to record anew")
            }
            end = decoder.streamOffset
            try decoder.decodeRecords { ref in
                if let s = LiveClient.stamps(ref) {
                    tail.append((s.recv, s.event))
                } else if ref.rtype == RType.symbolMapping {
                    mapped[ref.instrumentID] = Array(UnsafeRawBufferPointer(start: ref.pointer, count: ref.byteCount))
                }
                end = ref.streamOffset + ref.byteCount
            }
        } catch let e as LiveError {
            throw e
        } catch {
            throw LiveError.usage("\(path) is not a DBN file this recorder wrote (\(error)); move it away to record anew")
        }
        return (tail, mapped, end, bytes.count, tail.isEmpty)
    }

    /// Takes one client event.
    public func take(_ event: LiveEvent) throws {
        switch event {
        case .metadata(let m):
            // The stream is continuous from the first session's start (later sessions replay the gap).
            if sessionMetadata == nil { coveredFrom = m.start.isDefined ? m.start.rawValue : nil }
            sessionMetadata = m
        case .record(let ref):
            if ref.rtype == RType.symbolMapping {
                let bytes = try v3Bytes(ref)
                mappings[ref.instrumentID] = bytes
                // A new session sends the mappings again: write one only when the symbol changed.
                if currentPath != nil, let symbol = Self.symbol(ref), written[ref.instrumentID] != symbol {
                    pending.append(contentsOf: bytes); written[ref.instrumentID] = symbol
                }
                return
            }
            guard let s = LiveClient.stamps(ref) else { return }
            let day = UnixNanos(rawValue: s.recv).utcDay
            if day != currentDay { try open(day: day, firstRecv: s.recv) }
            pending.append(contentsOf: try v3Bytes(ref))
            recordsWritten += 1
            lastEvent = s.event
            if pending.count >= Self.flushBytes { try flush() }
        case .gap(let g):
            try appendGap(g)
        case .connected, .system, .notice, .tick:
            break
        }
        if Date().timeIntervalSince(lastFlush) >= flushInterval { try flush() }
    }

    /// Writes what is pending (one write).
    public func flush() throws {
        lastFlush = Date()
        guard !pending.isEmpty, fd >= 0 else { return }
        try writeAll(pending, to: currentPath ?? folder)
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes the open file.
    public func close() throws {
        try flush()
        if fd >= 0 {
            fsync(fd)
            Glibc.close(fd)
            fd = -1
        }
    }

    private func open(day: CivilDate, firstRecv: UInt64) throws {
        try flush()
        let dayStart = UInt64(day.daysSinceEpoch) * 86_400_000_000_000
        if fd >= 0, let current = currentDay, day > current {
            // The stream ran on into a later day: the finished file covers its day to the end.
            // Its metadata's `end` (8 bytes at a fixed offset) is set in place; the file stays valid.
            var end = dayStart.littleEndian
            guard pwrite(fd, &end, 8, Self.metadataEndOffset) == 8 else {
                throw LiveError.usage("cannot complete \(currentPath ?? folder): \(String(cString: strerror(errno)))")
            }
        }
        if fd >= 0 { fsync(fd); Glibc.close(fd); fd = -1 }
        let path = path(for: day)
        currentDay = day; currentPath = path
        written.removeAll()
        if FileManager.default.fileExists(atPath: path) {
            // A day already recorded (a restart within it): append.
            // Not O_APPEND: Linux's pwrite would append the metadata's end instead of placing it.
            fd = Glibc.open(path, O_WRONLY)
            guard fd >= 0, lseek(fd, 0, SEEK_END) >= 0 else { throw LiveError.usage("cannot open \(path) to append: \(String(cString: strerror(errno)))") }
        } else {
            let m = sessionMetadata
            // The file covers its day from the stream's start (midnight when the stream ran into this
            // day), never before; a start the metadata cannot vouch for is the first record's ts_recv.
            let start = coveredFrom.map { min(firstRecv, max(dayStart, $0)) } ?? firstRecv
            let metadata = Metadata(dataset: m?.dataset ?? dataset, schema: m?.schema ?? schema,
                                    start: UnixNanos(rawValue: start), stypeIn: m?.stypeIn, stypeOut: m?.stypeOut,
                                    symbols: m?.symbols ?? [])
            // The metadata alone is a valid (empty) file: written under a temporary name and renamed.
            let tmp = path + ".partial-\(getpid())"
            let t = Glibc.open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard t >= 0 else { throw LiveError.usage("cannot create \(tmp): \(String(cString: strerror(errno)))") }
            fd = t
            try writeAll(try metadata.encodedV3(), to: tmp)
            guard rename(tmp, path) == 0 else { throw LiveError.usage("cannot rename \(tmp) into place: \(String(cString: strerror(errno)))") }
        }
        files.append(path)
        for (id, bytes) in mappings.sorted(by: { $0.key < $1.key }) {
            pending.append(contentsOf: bytes)
            written[id] = Self.symbol(v3: bytes)
        }
    }

    static func symbol(v3 bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { raw in
            guard case .symbolMapping(let s)?? = try? DBNRecord.decode(raw.baseAddress!, byteCount: raw.count, version: 3) else { return nil }
            return s.stypeOutSymbol.string
        }
    }

    static func symbol(_ ref: RecordRef) -> String? {
        if case .symbolMapping(let s)? = try? ref.decode() { return s.stypeOutSymbol.string }
        return nil
    }

    private func v3Bytes(_ ref: RecordRef) throws -> [UInt8] {
        if ref.version == 3 || ref.rtype == RType.mbo {
            return Array(UnsafeRawBufferPointer(start: ref.pointer, count: ref.byteCount - (ref.hasTsOut ? 8 : 0)))
        }
        guard let r = try ref.decode() else { return [] }
        var out: [UInt8] = []
        try encoder.encode(r, into: &out)
        return out
    }

    private func writeAll(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LiveError.usage("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                off += n
            }
        }
    }

    private func appendGap(_ g: LiveGap) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(g)
        line.append(0x0A)
        let path = folder + "/_gaps.jsonl"
        let f = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard f >= 0 else { throw LiveError.usage("cannot write the gap log \(path): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(f) }
        _ = line.withUnsafeBytes { write(f, $0.baseAddress!, $0.count) }
    }
}
