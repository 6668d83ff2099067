import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Writes a Parquet file with a flat schema, one row group per call to
/// `write(rowGroup:)` (memory is bounded by one row group). Each column chunk
/// is one data page (v1, values in the field's `encoding` — PLAIN unless it asks
/// for DELTA_BINARY_PACKED or a dictionary page — RLE definition levels), compressed with
/// the chosen codec, with min/max/null-count statistics. The schema is
/// enforced: a wrong column count, type or a null in a required column is an
/// error naming the column and row. The file appears at `path` only when
/// `close()` succeeds (written under a temporary name, then renamed).
public final class ParquetWriter {
    public let path: String
    public let fields: [ParquetField]
    public let compression: ParquetCompression
    private let temporaryPath: String
    private let fd: Int32
    /// Bytes not yet handed to the file (flushed at `flushThreshold` and on close): a row
    /// group of a wide table is hundreds of small pages, one `write(2)` each would dominate.
    private var pending: [UInt8] = []
    private static let flushThreshold = 1 << 20
    private var offset: Int64 = 0
    private var rowGroups: [RowGroupMeta] = []
    private var closed = false
    private var fdOpen = true
    /// One zstd context per thread that may encode pages at once.
    private let contexts: [ZstdContext]
    /// Rows written so far.
    public var rowCount: Int { rowGroups.reduce(0) { $0 + Int($1.rows) } }
    public static let createdBy = "precedent version 0.1.0"

    struct ChunkMeta {
        var field: ParquetField
        var path: [String]
        var maxLevel: Int
        var offset: Int64
        var dataOffset: Int64
        var dictionaryOffset: Int64?
        /// The encodings of the chunk's pages: values, then RLE when it has definition levels.
        var encodings: [Int32]
        var values: Int64
        var compressedSize: Int64
        var uncompressedSize: Int64
        var nullCount: Int64
        var min: [UInt8]?
        var max: [UInt8]?
    }

    struct RowGroupMeta { var rows: Int64; var offset: Int64; var chunks: [ChunkMeta] }

    /// Flush the file to disk (fsync) before renaming it into place; on by default, so a
    /// file that appears under its name survives a power loss. The benchmark turns it
    /// off to time the encoder as pyarrow's `write_table` (which does not sync) is timed.
    public let durable: Bool

    /// `encoders`: threads that may encode and compress a row group's pages at once (default: one per
    /// core, at most 8); the file's bytes are the same whatever the number.
    /// Threads a writer (and a reader) uses by default: the cores, at most 8. Read once: Foundation
    /// reads the cgroup files on every `activeProcessorCount`.
    public static let defaultThreads = min(ProcessInfo.processInfo.activeProcessorCount, 8)

    public init(path: String, fields: [ParquetField], compression: ParquetCompression = .zstd, durable: Bool = true,
                encoders: Int? = nil) throws {
        self.durable = durable
        let threads = max(1, encoders ?? ParquetWriter.defaultThreads)
        contexts = (0..<threads).map { _ in ZstdContext() }
        for f in fields { try Self.check(f) }
        guard !fields.isEmpty else { throw ParquetError("a Parquet schema needs at least one column", file: path) }
        guard Set(fields.map(\.name)).count == fields.count else { throw ParquetError("column names repeat", file: path) }
        self.path = path
        self.fields = fields
        self.compression = compression
        temporaryPath = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ParquetError.system("cannot create the file", errno, file: temporaryPath)
        }
        pending.reserveCapacity(Self.flushThreshold)
        try write(Array("PAR1".utf8))
    }

    deinit {
        if !closed {
            if fdOpen { Glibc.close(fd) }
            unlink(temporaryPath)
        }
    }

    static func check(_ f: ParquetField) throws {
        if f.isGroup {
            for c in f.children {
                guard !c.isGroup else { throw ParquetError("groups nest one level deep at most", column: f.name + "." + c.name) }
                try check(c)
            }
            return
        }
        let ok: Bool
        switch f.logical {
        case nil: ok = f.type != .int96 && f.type != .fixedLenByteArray
        case .string?: ok = f.type == .byteArray
        case .date?: ok = f.type == .int32
        case .timestamp?: ok = f.type == .int64
        case .integer(let bits, _)?: ok = bits == 64 ? f.type == .int64 : [8, 16, 32].contains(bits) && f.type == .int32
        }
        guard ok else { throw ParquetError("logical type \(String(describing: f.logical)) cannot be stored as \(f.type)", column: f.name) }
        switch f.encoding {
        case .plain: break
        case .deltaBinaryPacked:
            guard f.type == .int32 || f.type == .int64 else { throw ParquetError("DELTA_BINARY_PACKED needs an INT32 or INT64 column", column: f.name) }
        case .dictionary:
            guard f.type == .byteArray else { throw ParquetError("dictionary encoding is written for BYTE_ARRAY columns only", column: f.name) }
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        pending += bytes
        offset += Int64(bytes.count)
        if pending.count >= Self.flushThreshold { try flush() }
    }

    /// Hands the pending bytes to the file (all of them: `write(2)` may take fewer).
    private func flush() throws {
        let failure = pending.withUnsafeBytes { Lake.writeAll(fd, $0) }
        guard failure == 0 else {
            throw ParquetError.system("cannot write", failure, file: temporaryPath)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// One stored column: a top-level leaf or a group's child.
    struct Leaf {
        var path: [String]
        var field: ParquetField
        /// Values, null wherever the group is absent.
        var values: ParquetColumn
        /// Which rows have the group (nil for a top-level leaf or a group present in every row).
        var groupPresent: [Bool]?
        var groupNullable: Bool
        var maxLevel: Int { (groupNullable ? 1 : 0) + (field.nullable ? 1 : 0) }
    }

    /// Checks one column against its field; a group's children too.
    private func validate(_ f: ParquetField, _ c: ParquetColumn, rows: Int, group: (present: [Bool]?, name: String)? = nil) throws {
        let name = group.map { $0.name + "." + f.name } ?? f.name
        func fail(_ m: String, row: Int? = nil) -> ParquetError {
            ParquetError(m, file: path, column: name, rowGroup: rowGroups.count, row: row)
        }
        guard c.count == rows else { throw fail("\(c.count) values, other columns have \(rows)") }
        if f.isGroup {
            guard case .group(let children, let present) = c, children.count == f.children.count else {
                throw fail("a group of \(f.children.count) fields needs .group with as many columns")
            }
            if !f.nullable, let i = present?.firstIndex(of: false) { throw fail("null in a required group", row: i) }
            for (cf, cc) in zip(f.children, children) { try validate(cf, cc, rows: rows, group: (present, f.name)) }
            return
        }
        guard c.physicalType == f.type else {
            throw fail("values are \(c.physicalType.map { "\($0)" } ?? "a group"), the schema says \(f.type)")
        }
        if !f.nullable {
            // A required leaf may be null only where its group is absent.
            let masked = group?.present.map { c.masked(by: $0) }
            if let i = c.firstNull, (masked == nil || group?.present?[i] != false) {
                throw fail("null in a required column", row: i)
            }
        }
    }

    /// Appends one row group given by column name: the names must be the
    /// schema's, in its order (an error names the first column out of place).
    public func write(rowGroup named: [(name: String, column: ParquetColumn)]) throws {
        for (i, f) in fields.enumerated() where i >= named.count || named[i].name != f.name {
            let given = i < named.count ? "'\(named[i].name)'" : "nothing"
            throw ParquetError("\(given) given at position \(i), where the schema has '\(f.name)'", file: path,
                               column: f.name, rowGroup: rowGroups.count)
        }
        guard named.count == fields.count else {
            throw ParquetError("column '\(named[fields.count].name)' is not in the schema", file: path, rowGroup: rowGroups.count)
        }
        try write(rowGroup: named.map(\.column))
    }

    /// Appends one row group; `columns` in schema order, all of the same length.
    public func write(rowGroup columns: [ParquetColumn]) throws {
        guard columns.count == fields.count else {
            throw ParquetError("\(columns.count) columns given, the schema has \(fields.count)", file: path, rowGroup: rowGroups.count)
        }
        let rows = columns.first?.count ?? 0
        for (f, c) in zip(fields, columns) { try validate(f, c, rows: rows) }
        var leaves: [Leaf] = []
        for (f, c) in zip(fields, columns) {
            if case .group(let children, let present) = c {
                for (cf, cc) in zip(f.children, children) {
                    leaves.append(Leaf(path: [f.name, cf.name], field: cf, values: present.map { cc.masked(by: $0) } ?? cc,
                                       groupPresent: present, groupNullable: f.nullable))
                }
            } else {
                leaves.append(Leaf(path: [f.name], field: f, values: c, groupPresent: nil, groupNullable: false))
            }
        }
        // Pages are encoded, compressed and summarised independently, on every core when the
        // row group is large enough to pay for it; they are written in schema order, so the
        // file's bytes do not depend on the number of cores.
        let pages = try encodePages(leaves, rows: rows)
        let start = offset
        var chunks: [ChunkMeta] = []
        for (leaf, page) in zip(leaves, pages) {
            let chunkStart = offset
            var compressed = 0, uncompressed = 0
            /// Writes a page: its header (`type`, sizes, then the type's own header as field
            /// `field`) and its body; returns where it starts.
            func writePage(type: Int32, body: [UInt8], uncompressedSize: Int, field: Int16,
                      _ header: (inout ThriftWriter) -> Void) throws -> Int64 {
                var h = ThriftWriter()
                h.beginStruct()
                h.i32(1, type)
                h.i32(2, Int32(uncompressedSize))
                h.i32(3, Int32(body.count))
                h.i32(4, pageChecksum(body[...]))  // lets a reader tell a damaged page from a good one
                h.structure(field, header)
                h.endStruct()
                let at = offset
                try write(h.bytes)
                try write(body)
                compressed += h.bytes.count + body.count
                uncompressed += h.bytes.count + uncompressedSize
                return at
            }
            let dictionaryOffset = try page.dictionary.map { d in
                try writePage(type: 2, body: d.body, uncompressedSize: d.uncompressedSize, field: 7) { p in  // DICTIONARY_PAGE
                    p.i32(1, Int32(d.entries))
                    p.i32(2, ParquetEncoding.plain)
                }
            }
            let dataOffset = try writePage(type: 0, body: page.body, uncompressedSize: page.uncompressedSize, field: 5) { d in  // DATA_PAGE
                d.i32(1, Int32(rows))
                d.i32(2, page.encoding)
                d.i32(3, ParquetEncoding.rle)
                d.i32(4, ParquetEncoding.rle)
            }
            var encodings = page.dictionary == nil ? [page.encoding] : [ParquetEncoding.plain, page.encoding]
            if leaf.maxLevel > 0 { encodings.append(ParquetEncoding.rle) }
            chunks.append(ChunkMeta(field: leaf.field, path: leaf.path, maxLevel: leaf.maxLevel, offset: chunkStart,
                                    dataOffset: dataOffset, dictionaryOffset: dictionaryOffset, encodings: encodings,
                                    values: Int64(rows), compressedSize: Int64(compressed), uncompressedSize: Int64(uncompressed),
                                    nullCount: Int64(page.nullCount), min: page.min, max: page.max))
        }
        rowGroups.append(RowGroupMeta(rows: Int64(rows), offset: start, chunks: chunks))
    }

    /// One leaf's data page, compressed, with its statistics.
    struct EncodedPage {
        var body: [UInt8]
        var uncompressedSize: Int
        /// The values' encoding (PLAIN, DELTA_BINARY_PACKED or RLE_DICTIONARY).
        var encoding: Int32
        /// The dictionary page of an RLE_DICTIONARY page, compressed.
        var dictionary: (body: [UInt8], uncompressedSize: Int, entries: Int)?
        var nullCount: Int
        var min: [UInt8]?
        var max: [UInt8]?
    }

    /// Values (rows × leaf columns) below which a row group is encoded on the calling thread only.
    public static let parallelValues = 16_384

    private func encodePages(_ leaves: [Leaf], rows: Int) throws -> [EncodedPage] {
        let contexts = self.contexts, compression = self.compression
        let workers = rows * leaves.count >= Self.parallelValues && leaves.count > 1
            ? min(leaves.count, contexts.count) : 1
        if workers <= 1 {
            return try leaves.map { try Self.encodePage($0, rows: rows, compression: compression, zstd: contexts[0]) }
        }
        let results = Mutex<[EncodedPage?]>(Array(repeating: nil, count: leaves.count))
        let failure = Mutex<Error?>(nil)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < leaves.count else { return }
                do {
                    let page = try Self.encodePage(leaves[i], rows: rows, compression: compression, zstd: contexts[w])
                    results.withLock { $0[i] = page }
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }

    /// Values in the leaf's encoding after RLE definition levels (when the leaf has any),
    /// compressed, and the dictionary page if any; min, max and null count.
    private static func encodePage(_ leaf: Leaf, rows: Int, compression: ParquetCompression, zstd: ZstdContext) throws -> EncodedPage {
        var values: [UInt8] = []
        let present: [Bool]?
        var encoding = ParquetEncoding.plain
        var dictionary: (body: [UInt8], uncompressedSize: Int, entries: Int)? = nil
        var statisticsOf = leaf.values
        switch (leaf.field.encoding, leaf.values) {
        case (.deltaBinaryPacked, .int32(let v)):
            present = ParquetEncoding.deltaBinaryPacked(v, into: &values)
            encoding = ParquetEncoding.deltaBinaryPacked
        case (.deltaBinaryPacked, .int64(let v)):
            present = ParquetEncoding.deltaBinaryPacked(v, into: &values)
            encoding = ParquetEncoding.deltaBinaryPacked
        case (.dictionary, .bytes(let v)):
            let d = ParquetEncoding.dictionary(v)
            values = d.indices
            present = d.present
            encoding = ParquetEncoding.rleDictionary
            var page: [UInt8] = []
            _ = ParquetEncoding.plain(.bytes(d.entries), into: &page)
            dictionary = (try compression.compress(page, zstd: zstd), page.count, d.entries.count)
            statisticsOf = .bytes(d.entries)  // the same extremes as every value's, from a few
        default:
            present = ParquetEncoding.plain(leaf.values, into: &values)
        }
        var page: [UInt8] = []
        if leaf.maxLevel > 0 {
            let base: UInt8 = leaf.groupNullable ? 1 : 0
            let own: UInt8 = leaf.field.nullable ? 1 : 0
            var encoded: [UInt8] = []
            ParquetEncoding.definitionLevels(rows: rows, to: &encoded) { r in
                if leaf.groupPresent?[r] == false { return 0 }
                return base + (present?[r] ?? true ? own : 0)
            }
            page.reserveCapacity(4 + encoded.count + values.count)
            ParquetEncoding.appendLE(UInt32(encoded.count), to: &page)
            page += encoded
            page += values
        } else {
            page = values
        }
        let body = try compression.compress(page, zstd: zstd)
        let (mn, mx) = ParquetStatistics.minMax(statisticsOf, unsigned: leaf.field.isUnsigned)
        return EncodedPage(body: body, uncompressedSize: page.count, encoding: encoding, dictionary: dictionary,
                           nullCount: present?.lazy.filter { !$0 }.count ?? 0, min: mn, max: mx)
    }

    /// Writes the footer, syncs and renames the file into place.
    public func close() throws {
        var m = ThriftWriter()
        m.beginStruct()
        m.i32(1, 2)
        // Depth-first: the root, then each field, a group followed by its children.
        let elements: [ParquetField?] = [nil] + fields.flatMap { f in [f] + f.children }
        m.list(2, elements, structs: { w, f in
            guard let f else {
                w.string(4, "schema")
                w.i32(5, Int32(self.fields.count))
                return
            }
            Self.schemaElement(f, &w)
        })
        m.i64(3, rowGroups.reduce(0) { $0 + $1.rows })
        m.list(4, Array(rowGroups.enumerated()), structs: { w, item in
            let (ordinal, g) = item
            w.list(1, g.chunks, structs: { w, c in
                w.i64(2, c.offset)
                w.structure(3) { cm in
                    cm.i32(1, c.field.type.rawValue)
                    cm.list(2, i32s: c.encodings)
                    cm.list(3, strings: c.path)
                    cm.i32(4, self.compression.rawValue)
                    cm.i64(5, c.values)
                    cm.i64(6, c.uncompressedSize)
                    cm.i64(7, c.compressedSize)
                    cm.i64(9, c.dataOffset)
                    if let d = c.dictionaryOffset { cm.i64(11, d) }
                    cm.structure(12) { s in
                        s.i64(3, c.nullCount)
                        if let mx = c.max { s.binary(5, mx) }
                        if let mn = c.min { s.binary(6, mn) }
                    }
                }
            })
            w.i64(2, g.chunks.reduce(0) { $0 + $1.uncompressedSize })
            w.i64(3, g.rows)
            w.i64(5, g.offset)
            w.i64(6, g.chunks.reduce(0) { $0 + $1.compressedSize })
            w.fieldHeader(7, .i16)
            w.zigzag(Int64(ordinal))
        })
        m.string(6, Self.createdBy)
        let leafCount = fields.reduce(0) { $0 + max(1, $1.children.count) }
        m.list(7, Array(repeating: 0, count: leafCount), structs: { w, _ in w.structure(1) { _ in } })  // TYPE_ORDER per leaf
        m.endStruct()
        try write(m.bytes)
        var tail: [UInt8] = []
        ParquetEncoding.appendLE(UInt32(m.bytes.count), to: &tail)
        tail += Array("PAR1".utf8)
        try write(tail)
        try flush()
        if durable && fsync(fd) != 0 {
            throw ParquetError.system("cannot flush to disk", errno, file: temporaryPath)
        }
        fdOpen = false
        guard Glibc.close(fd) == 0 else {
            throw ParquetError.system("cannot close", errno, file: temporaryPath)
        }
        closed = true
        try Lake.rename(temporaryPath, path)
    }

    static func schemaElement(_ f: ParquetField, _ w: inout ThriftWriter) {
        if f.isGroup {
            w.i32(3, f.nullable ? 1 : 0)
            w.string(4, f.name)
            w.i32(5, Int32(f.children.count))
            return
        }
        w.i32(1, f.type.rawValue)
        w.i32(3, f.nullable ? 1 : 0)
        w.string(4, f.name)
        let converted: Int32? = switch f.logical {
        case .string?: 0
        case .date?: 6
        case .timestamp(.millis, utc: true)?: 9
        case .timestamp(.micros, utc: true)?: 10
        case .integer(let bits, let signed)?:
            (signed ? 15 : 11) + Int32(bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3)
        default: nil
        }
        if let converted { w.i32(6, converted) }
        guard let logical = f.logical else { return }
        w.structure(10) { l in
            switch logical {
            case .string: l.structure(1) { _ in }
            case .date: l.structure(6) { _ in }
            case .timestamp(let unit, let utc):
                l.structure(8) { t in
                    t.bool(1, utc)
                    t.structure(2) { u in
                        u.structure(unit == .millis ? 1 : unit == .micros ? 2 : 3) { _ in }
                    }
                }
            case .integer(let bits, let signed):
                l.structure(10) { i in
                    i.i8(1, bits)
                    i.bool(2, signed)
                }
            }
        }
    }
}

/// Column statistics: min and max of the non-null values, PLAIN-encoded
/// (byte arrays without their length), compared as the column orders say
/// (unsigned for unsigned integers and byte arrays; NaN ignored).
enum ParquetStatistics {
    static func minMax(_ c: ParquetColumn, unsigned: Bool) -> ([UInt8]?, [UInt8]?) {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        /// Min and max of the non-null values in one pass, by `less`.
        func extremes<T>(_ v: [T?], _ less: (T, T) -> Bool) -> (T, T)? {
            var lo: T? = nil, hi: T? = nil
            for case let x? in v {
                if let l = lo, let h = hi {
                    if less(x, l) { lo = x }
                    if less(h, x) { hi = x }
                } else { lo = x; hi = x }
            }
            guard let lo, let hi else { return nil }
            return (lo, hi)
        }
        switch c {
        case .boolean(let v):
            guard let (lo, hi) = extremes(v, { !$0 && $1 }) else { return (nil, nil) }
            return ([lo ? 1 : 0], [hi ? 1 : 0])
        case .int32(let v):
            if !unsigned, let (lo, hi) = integerExtremes(v) { return (le(lo), le(hi)) }
            if unsigned, let (lo, hi) = unsignedExtremes(v, UInt32.self) { return (le(lo), le(hi)) }
            guard let (lo, hi) = extremes(v, <) else { return (nil, nil) }
            return (le(lo), le(hi))
        case .int64(let v):
            if !unsigned, let (lo, hi) = integerExtremes(v) { return (le(lo), le(hi)) }
            if unsigned, let (lo, hi) = unsignedExtremes(v, UInt64.self) { return (le(lo), le(hi)) }
            guard let (lo, hi) = extremes(v, <) else { return (nil, nil) }
            return (le(lo), le(hi))
        case .float(let v):
            guard let (lo, hi) = extremes(v.map { $0.flatMap { $0.isNaN ? nil : $0 } }, <) else { return (nil, nil) }
            return (le(lo.bitPattern), le(hi.bitPattern))
        case .double(let v):
            guard let (lo, hi) = extremes(v.map { $0.flatMap { $0.isNaN ? nil : $0 } }, <) else { return (nil, nil) }
            return (le(lo.bitPattern), le(hi.bitPattern))
        case .bytes(let v):
            var lo = -1, hi = -1
            v.bytes.withUnsafeBufferPointer { b in
                v.offsets.withUnsafeBufferPointer { o in
                    let base = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    /// Values of at most 8 bytes (codes, symbols) as one integer that orders like the
                    /// bytes: big-endian, zero-padded, then the length (a prefix sorts first).
                    func key(_ i: Int) -> UInt128? {
                        let n = o[i + 1] - o[i]
                        guard n <= 8 else { return nil }
                        var k: UInt64 = 0
                        for j in 0..<n { k |= UInt64(base[o[i] + j]) << (56 - 8 * j) }
                        return UInt128(k) << 8 | UInt128(n)
                    }
                    func less(_ i: Int, _ j: Int) -> Bool {
                        if let a = key(i), let b = key(j) { return a < b }
                        let li = o[i + 1] - o[i], lj = o[j + 1] - o[j]
                        let n = min(li, lj)
                        if n > 0 {
                            let c = memcmp(base + o[i], base + o[j], n)
                            if c != 0 { return c < 0 }
                        }
                        return li < lj
                    }
                    if v.validity == nil, let first = v.count > 0 ? key(0) : nil {
                        // Every value short: one pass over integer keys.
                        var kl = first, kh = first
                        lo = 0; hi = 0
                        for i in 1..<max(1, v.count) {
                            guard let k = key(i) else { lo = -2; break }
                            if k < kl { kl = k; lo = i } else if k > kh { kh = k; hi = i }
                        }
                        if lo != -2 { return }
                        lo = -1; hi = -1
                    }
                    for i in 0..<v.count where !v.isNull(i) {
                        if lo < 0 { lo = i; hi = i; continue }
                        if less(i, lo) { lo = i } else if less(hi, i) { hi = i }
                    }
                }
            }
            return lo < 0 ? (nil, nil) : (v[lo], v[hi])
        case .group:
            return (nil, nil)
        }
    }

    /// Min and max of the non-null values compared as unsigned integers of the same width.
    static func unsignedExtremes<T: FixedWidthInteger & SignedInteger, U: FixedWidthInteger & UnsignedInteger>(
        _ v: [T?], _: U.Type) -> (U, U)? {
        var lo = U.max, hi = U.min, any = false
        v.withUnsafeBufferPointer { p in
            for case let x? in p {
                any = true
                let u = U(truncatingIfNeeded: x)
                lo = Swift.min(lo, u); hi = Swift.max(hi, u)
            }
        }
        return any ? (lo, hi) : nil
    }

    /// Signed min and max of the non-null values (a tight loop for the common integer columns).
    static func integerExtremes<T: FixedWidthInteger & SignedInteger>(_ v: [T?]) -> (T, T)? {
        var lo = T.max, hi = T.min, any = false
        v.withUnsafeBufferPointer { p in
            for case let x? in p {
                any = true
                lo = Swift.min(lo, x); hi = Swift.max(hi, x)
            }
        }
        return any ? (lo, hi) : nil
    }
}
