import Foundation
import Synchronization

/// Reads Parquet files with a flat schema: PLAIN, dictionary
/// (PLAIN_DICTIONARY, RLE_DICTIONARY) and DELTA_BINARY_PACKED encodings, data pages v1 and v2,
/// required and optional columns, uncompressed, snappy, gzip or zstd.
public struct ParquetReader {
    public let path: String
    public let fields: [ParquetField]
    public let rowCount: Int
    public let rowGroupCount: Int
    public let createdBy: String?
    private let data: [UInt8]
    private let zstd = ZstdContext()
    private let rowGroups: [ThriftValue]
    /// The stored columns in file order: top-level field index, leaf field, max definition level.
    private let leaves: [(top: Int, field: ParquetField, maxLevel: Int, groupNullable: Bool)]

    /// Threads that may decode a large row group's column chunks at once.
    public let threads: Int

    /// `threads`: how many threads may decode a large row group's chunks at once (default: one
    /// per core, at most 8).
    public init(path: String, threads: Int? = nil) throws {
        try self.init(bytes: try Self.readFile(path), name: path, threads: threads)
    }

    public init(bytes: [UInt8], name: String = "<memory>", threads: Int? = nil) throws {
        path = name
        self.threads = max(1, threads ?? ParquetWriter.defaultThreads)
        data = bytes
        let magic = Array("PAR1".utf8)
        guard bytes.count >= 12, Array(bytes.prefix(4)) == magic, Array(bytes.suffix(4)) == magic else {
            throw ParquetError("not a Parquet file (no PAR1 at both ends), or a truncated one", file: name)
        }
        let n = bytes.count
        let footerLength = Int(UInt32(bytes[n - 8]) | UInt32(bytes[n - 7]) << 8 | UInt32(bytes[n - 6]) << 16 | UInt32(bytes[n - 5]) << 24)
        guard footerLength > 0, footerLength <= n - 12 else {
            throw ParquetError("footer length \(footerLength) does not fit the file", file: name, offset: n - 8)
        }
        let footerStart = n - 8 - footerLength
        var r = ThriftReader(bytes, at: footerStart)
        let meta: ThriftValue
        do { meta = try r.readStruct() } catch let e as ThriftReader.Failure {
            throw ParquetError("corrupt footer: \(e.message)", file: name, offset: e.offset)
        }
        guard let schema = meta[2]?.list, let root = schema.first else { throw ParquetError("footer has no schema", file: name) }
        // Depth-first: each top-level field, a group followed by its leaves (one level).
        var fields: [ParquetField] = []
        var leaves: [(top: Int, field: ParquetField, maxLevel: Int, groupNullable: Bool)] = []
        var i = 1
        let declared = root[5]?.int ?? 0
        guard declared >= 0, declared < schema.count else {
            throw ParquetError("schema root declares \(declared) fields but the schema has \(schema.count - 1) elements", file: name)
        }
        for _ in 0..<Int(declared) {
            guard i < schema.count else { throw ParquetError("schema lists fewer elements than it declares", file: name) }
            let e = schema[i]
            let childCount = e[5]?.int ?? 0
            i += 1
            guard childCount >= 0, childCount <= schema.count - i else { throw ParquetError("malformed group in the schema", file: name) }
            let n = Int(childCount)
            if n > 0 {
                guard let gname = e[4]?.string else { throw ParquetError("malformed group in the schema", file: name) }
                guard (e[3]?.int ?? 0) != 2 else { throw ParquetError("repeated groups (lists) are not supported yet", file: name, column: gname) }
                let children = try schema[i..<i + n].map { try Self.field($0, file: name) }
                i += n
                let group = ParquetField.group(gname, children, nullable: (e[3]?.int ?? 0) == 1)
                for c in children {
                    leaves.append((fields.count, c, (group.nullable ? 1 : 0) + (c.nullable ? 1 : 0), group.nullable))
                }
                fields.append(group)
            } else {
                let f = try Self.field(e, file: name)
                leaves.append((fields.count, f, f.nullable ? 1 : 0, false))
                fields.append(f)
            }
        }
        self.fields = fields
        self.leaves = leaves
        rowCount = Int(meta[3]?.int ?? 0)
        rowGroups = meta[4]?.list ?? []
        rowGroupCount = rowGroups.count
        createdBy = meta[6]?.string
    }

    static func field(_ e: ThriftValue, file: String) throws -> ParquetField {
        guard let name = e[4]?.string else { throw ParquetError("schema element without a name", file: file) }
        guard e[5] == nil || e[5]?.int == 0, let t = e[1]?.int, let raw = Int32(exactly: t), let type = ParquetPhysicalType(rawValue: raw) else {
            throw ParquetError("nested or untyped schema element", file: file, column: name)
        }
        guard (e[3]?.int ?? 0) != 2 else { throw ParquetError("repeated columns are not supported yet", file: file, column: name) }
        var logical: ParquetLogicalType? = nil
        if let l = e[10] {
            if l[1] != nil { logical = .string }
            else if l[6] != nil { logical = .date }
            else if let ts = l[8] {
                let unit: ParquetTimeUnit = ts[2]?[1] != nil ? .millis : ts[2]?[2] != nil ? .micros : .nanos
                logical = .timestamp(unit, utc: ts[1]?.bool ?? false)
            } else if let i = l[10] {
                guard let bits = Int8(exactly: i[1]?.int ?? 0), [8, 16, 32, 64].contains(bits) else {
                    throw ParquetError("integer annotation with \(i[1]?.int ?? 0) bits", file: file, column: name)
                }
                logical = .integer(bits: bits, signed: i[2]?.bool ?? true)
            }
        } else if let c = e[6]?.int {
            switch c {
            case 0: logical = .string
            case 6: logical = .date
            case 9: logical = .timestamp(.millis, utc: true)
            case 10: logical = .timestamp(.micros, utc: true)
            case 11...14: logical = .integer(bits: [8, 16, 32, 64][Int(c - 11)], signed: false)
            case 15...18: logical = .integer(bits: [8, 16, 32, 64][Int(c - 15)], signed: true)
            default: break
            }
        }
        return ParquetField(name, type, logical: logical, nullable: (e[3]?.int ?? 0) == 1)
    }

    /// What the footer says about one column chunk.
    public struct ChunkInfo: Sendable {
        public var values: Int
        public var nullCount: Int?
        /// PLAIN-encoded statistics (byte arrays without their length).
        public var min: [UInt8]?
        public var max: [UInt8]?
        public var compression: ParquetCompression?
        public var compressedSize: Int
        public var uncompressedSize: Int
        public var rows: Int
    }

    /// Stored (leaf) columns in file order — `chunkInfo`'s column index — with
    /// dotted names for a group's fields.
    public var leafFields: [(name: String, field: ParquetField)] {
        leaves.map { (fields[$0.top].isGroup ? fields[$0.top].name + "." + $0.field.name : $0.field.name, $0.field) }
    }

    public func chunkInfo(rowGroup g: Int, column c: Int) -> ChunkInfo? {
        guard rowGroups.indices.contains(g), let chunks = rowGroups[g][1]?.list, chunks.indices.contains(c),
              let m = chunks[c][3] else { return nil }
        let st = m[12]
        return ChunkInfo(values: Int(m[5]?.int ?? 0), nullCount: st?[3]?.int.map(Int.init),
                         min: st?[6]?.binary ?? st?[2]?.binary, max: st?[5]?.binary ?? st?[1]?.binary,
                         compression: m[4]?.int.flatMap { Int32(exactly: $0) }.flatMap { ParquetCompression(rawValue: $0) },
                         compressedSize: Int(m[7]?.int ?? 0), uncompressedSize: Int(m[6]?.int ?? 0),
                         rows: Int(rowGroups[g][3]?.int ?? 0))
    }

    /// The columns of row group `index`, in schema order (groups reassembled).
    public func rowGroup(_ index: Int) throws -> [ParquetColumn] {
        guard let columns = rowGroups[index][1]?.list, columns.count == leaves.count else {
            throw ParquetError("row group has a different number of columns than the schema", file: path, rowGroup: index)
        }
        let read = try readChunks(columns, index: index)
        // Leaves in schema order: each top-level field's leaves are consecutive (one pass; a
        // filter per field was quadratic, 8 ms for a 274-column silver file).
        var byTop = [[(ParquetColumn, [UInt32]?)]](repeating: [], count: fields.count)
        for (leaf, chunk) in zip(leaves, read) { byTop[leaf.top].append(chunk) }
        return fields.indices.map { top in
            let mine = byTop[top]
            guard fields[top].isGroup else { return mine[0].0 }
            // The group is present where a leaf's definition level reaches the group's own level.
            let present = fields[top].nullable ? mine[0].1?.map { $0 >= 1 } : nil
            return .group(mine.map { $0.0 }, present: present)
        }
    }

    /// Only the named top-level columns of row group `index`, in the order asked: the other
    /// column chunks are neither decompressed nor decoded. Group (nested) fields cannot be named.
    public func rowGroup(_ index: Int, columns names: [String]) throws -> [ParquetColumn] {
        guard let columns = rowGroups[index][1]?.list, columns.count == leaves.count else {
            throw ParquetError("row group has a different number of columns than the schema", file: path, rowGroup: index)
        }
        return try names.map { name in
            guard let top = fields.firstIndex(where: { $0.name == name }), !fields[top].isGroup,
                  let c = leaves.firstIndex(where: { $0.top == top }) else {
                throw ParquetError("no flat column named \(name)", file: path, rowGroup: index)
            }
            do { return try Self.readChunk(columns[c], field: leaves[c].field, maxLevel: leaves[c].maxLevel, data: data, zstd: zstd).0 } catch var e as ParquetError {
                e.file = path; e.column = e.column ?? name; e.rowGroup = index
                throw e
            }
        }
    }

    /// The whole file in one buffer (one copy, no `Data` in between).
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ParquetError("cannot read: \(String(cString: strerror(errno)))", file: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ParquetError("cannot stat", file: path) }
        let size = Int(st.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = read(fd, buffer.baseAddress! + done, size - done)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; failed = n < 0; break }
                done += n
            }
            initialized = done
        }
        if failed { throw ParquetError("read failed: \(String(cString: strerror(errno)))", file: path) }
        return bytes
    }

    /// Every row group concatenated, per column.
    public func readAll() throws -> [ParquetColumn] {
        var out: [ParquetColumn]? = nil
        for g in 0..<rowGroupCount {
            let cols = try rowGroup(g)
            out = out.map { zip($0, cols).map { $0.appending($1) } } ?? cols
        }
        return out ?? fields.map { ParquetColumn.empty($0.type) }
    }

    /// Bytes of decompressed pages below which a row group's chunks are read on the calling thread only.
    static let parallelBytes = 1 << 18

    /// Every leaf's chunk of one row group; on every core (one zstd context each) when the
    /// row group is large. The first failing leaf in schema order gives the error.
    private func readChunks(_ columns: [ThriftValue], index: Int) throws -> [(ParquetColumn, [UInt32]?)] {
        let data = data, path = path, fields = leaves.map(\.field), levels = leaves.map(\.maxLevel)
        @Sendable func one(_ i: Int, _ zstd: ZstdContext) -> Result<(ParquetColumn, [UInt32]?), Error> {
            Result {
                do { return try Self.readChunk(columns[i], field: fields[i], maxLevel: levels[i], data: data, zstd: zstd) }
                catch var e as ParquetError {
                    e.file = path; e.column = e.column ?? fields[i].name; e.rowGroup = index
                    throw e
                }
            }
        }
        let size = columns.reduce(0) { $0 + Int($1[3]?[6]?.int ?? 0) }
        let workers = size >= Self.parallelBytes ? min(threads, columns.count) : 1
        var results: [Result<(ParquetColumn, [UInt32]?), Error>]
        if workers <= 1 {
            results = columns.indices.map { one($0, zstd) }
        } else {
            let shared = Mutex<[Result<(ParquetColumn, [UInt32]?), Error>?]>(Array(repeating: nil, count: columns.count))
            let next = Atomic<Int>(0)
            let contexts = [zstd] + (1..<workers).map { _ in ZstdContext() }
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < columns.count else { return }
                    let r = one(i, contexts[w])
                    shared.withLock { $0[i] = r }
                }
            }
            results = shared.withLock { $0.map { $0! } }
        }
        return try results.map { try $0.get() }
    }

    /// One leaf's values (null unless fully defined) and its definition levels (when it has any).
    private static func readChunk(_ chunk: ThriftValue, field: ParquetField, maxLevel: Int, data: [UInt8], zstd: ZstdContext) throws -> (ParquetColumn, [UInt32]?) {
        guard let meta = chunk[3], let codecRaw = meta[4]?.int, let total = meta[5]?.int,
              let dataOffset = meta[9]?.int else { throw ParquetError("column chunk without metadata") }
        guard total >= 0 else { throw ParquetError("column chunk declares \(total) values") }
        guard let codec = Int32(exactly: codecRaw).flatMap({ ParquetCompression(rawValue: $0) }) else {
            throw ParquetError("compression codec \(codecRaw) is not supported (none, snappy, gzip, zstd are)")
        }
        var position = Int(meta[11]?.int ?? dataOffset)
        if let dict = meta[11]?.int, dict <= 0 { position = Int(dataOffset) }
        var dictionary: PlainValues? = nil
        var out = ParquetColumn.empty(field.type)
        var allLevels: [UInt32]? = maxLevel > 0 ? [] : nil
        let width = ParquetEncoding.bitWidth(maxLevel)
        var seen: Int64 = 0
        while seen < total {
            guard position >= 0, position < data.count else { throw ParquetError("page offset past the end", offset: position) }
            var r = ThriftReader(data, at: position)
            let header: ThriftValue
            do { header = try r.readStruct() } catch let e as ThriftReader.Failure {
                throw ParquetError("corrupt page header: \(e.message)", offset: e.offset)
            }
            guard let type = header[1]?.int, let uncompressed = header[2]?.int, let compressed = header[3]?.int,
                  compressed >= 0, compressed <= data.count - r.position
            else { throw ParquetError("page header is incomplete or runs past the end", offset: position) }
            let pageStart = position
            // A page's values (nulls included) lie within what the chunk declares; the format
            // stores the count as a 32-bit integer.
            func values(_ n: Int64?) throws -> Int {
                guard let n, n >= 0, n <= total - seen, n <= Int32.max else {
                    throw ParquetError("page declares \(n.map(String.init) ?? "no") values where the column chunk has \(total - seen) left",
                                       offset: pageStart)
                }
                return Int(n)
            }
            func encodingOf(_ e: Int64?) throws -> Int32 {
                guard let e, let v = Int32(exactly: e) else { throw ParquetError("page without a valid encoding", offset: pageStart) }
                return v
            }
            let body = data[r.position..<r.position + Int(compressed)]
            position = r.position + Int(compressed)
            if let crc = header[4]?.int, Int32(truncatingIfNeeded: crc) != pageChecksum(body) {
                throw ParquetError("page checksum does not match its bytes: the page is damaged (restore the file, or in a lake "
                                   + "rebuild its partition with `precedent run … --overwrite`)", offset: pageStart)
            }
            switch type {
            case 2:  // dictionary page
                guard let entries = header[7]?[1]?.int, entries >= 0, entries <= Int32.max else {
                    throw ParquetError("dictionary page without a valid entry count", offset: pageStart)
                }
                let n = Int(entries)
                let raw = try codec.decompress(body, uncompressedSize: Int(uncompressed), zstd: zstd)
                dictionary = try ParquetEncoding.decodePlain(raw[...], type: field.type, count: n)
            case 0:  // data page v1: [levels with length][values], all compressed
                guard let h = header[5] else { throw ParquetError("data page without its header", offset: pageStart) }
                let n = try values(h[1]?.int), encoding = try encodingOf(h[2]?.int)
                let raw = try codec.decompress(body, uncompressedSize: Int(uncompressed), zstd: zstd)
                var p = 0
                var present = [Bool](repeating: true, count: n)
                if maxLevel > 0 {
                    guard raw.count >= 4 else { throw ParquetError("definition levels missing") }
                    let len = Int(UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24)
                    guard 4 + len <= raw.count else { throw ParquetError("definition levels run past the page") }
                    let levels = try ParquetEncoding.hybrid(raw[4..<4 + len], bitWidth: width, count: n)
                    present = levels.map { Int($0) == maxLevel }
                    allLevels? += levels
                    p = 4 + len
                }
                let column: ParquetColumn
                if encoding == ParquetEncoding.plain, let fast = try ParquetEncoding.decodePlainRows(
                    raw[p...], type: field.type, present: maxLevel > 0 ? present : nil, rows: n) {
                    column = fast
                } else {
                    let values = try decodeValues(raw[p...], encoding: encoding, count: present.lazy.filter { $0 }.count,
                                                  field: field, dictionary: dictionary)
                    column = try ParquetColumn.expand(values, present: present)
                }
                out = out.count == 0 ? column : out.appending(column)
                seen += Int64(n)
            case 3:  // data page v2: levels uncompressed, then (maybe compressed) values
                guard let h = header[8], let nulls = h[2]?.int, let defLen = h[5]?.int, let repLen = h[6]?.int,
                      defLen >= 0, repLen >= 0, defLen <= body.count, repLen <= body.count - Int(defLen)
                else { throw ParquetError("data page v2 without a valid header", offset: pageStart) }
                let n = try values(h[1]?.int), encoding = try encodingOf(h[4]?.int)
                guard nulls >= 0, nulls <= n else { throw ParquetError("data page v2 declares \(nulls) nulls in \(n) values", offset: pageStart) }
                let levelsEnd = body.startIndex + Int(repLen + defLen)
                var present = [Bool](repeating: true, count: n)
                if maxLevel > 0 {
                    let levels = defLen > 0
                        ? try ParquetEncoding.hybrid(body[body.startIndex + Int(repLen)..<levelsEnd], bitWidth: width, count: n)
                        : [UInt32](repeating: UInt32(maxLevel), count: n)
                    present = levels.map { Int($0) == maxLevel }
                    allLevels? += levels
                }
                let isCompressed = h[7]?.bool ?? true
                let valuesBody = body[levelsEnd...]
                let raw = isCompressed && codec != .none
                    ? try codec.decompress(valuesBody, uncompressedSize: Int(uncompressed) - Int(defLen + repLen), zstd: zstd)
                    : Array(valuesBody)
                let count = n - Int(nulls)
                let column: ParquetColumn
                if encoding == ParquetEncoding.plain, let fast = try ParquetEncoding.decodePlainRows(
                    raw[...], type: field.type, present: maxLevel > 0 ? present : nil, rows: n) {
                    column = fast
                } else {
                    let values = try decodeValues(raw[...], encoding: encoding, count: count, field: field, dictionary: dictionary)
                    column = try ParquetColumn.expand(values, present: present)
                }
                out = out.count == 0 ? column : out.appending(column)
                seen += Int64(n)
            default:
                continue  // index pages and others carry no values
            }
        }
        return (out, allLevels)
    }

    private static func decodeValues(_ raw: ArraySlice<UInt8>, encoding: Int32, count: Int, field: ParquetField,
                              dictionary: PlainValues?) throws -> PlainValues {
        switch encoding {
        case ParquetEncoding.plain:
            return try ParquetEncoding.decodePlain(raw, type: field.type, count: count)
        case ParquetEncoding.rle where field.type == .boolean:
            // Booleans as an RLE/bit-packed hybrid of width 1, after a 4-byte length.
            guard raw.count >= 4 else { throw ParquetError("RLE boolean values without their length") }
            let b = raw.startIndex
            let len = Int(UInt32(raw[b]) | UInt32(raw[b + 1]) << 8 | UInt32(raw[b + 2]) << 16 | UInt32(raw[b + 3]) << 24)
            guard b + 4 + len <= raw.endIndex else { throw ParquetError("RLE boolean values run past the page") }
            return .boolean(try ParquetEncoding.hybrid(raw[(b + 4)..<(b + 4 + len)], bitWidth: 1, count: count).map { $0 == 1 })
        case ParquetEncoding.deltaBinaryPacked where field.type == .int32:
            return .int32(try ParquetEncoding.decodeDeltaBinaryPacked(raw, count: count, as: Int32.self))
        case ParquetEncoding.deltaBinaryPacked where field.type == .int64:
            return .int64(try ParquetEncoding.decodeDeltaBinaryPacked(raw, count: count, as: Int64.self))
        case ParquetEncoding.plainDictionary, ParquetEncoding.rleDictionary:
            guard let dictionary else { throw ParquetError("dictionary-encoded page without a dictionary page") }
            guard let width = raw.first else {
                guard count == 0 else { throw ParquetError("dictionary-encoded page without its indices") }
                return try dictionary.gather([])
            }
            let indices = try ParquetEncoding.hybrid(raw.dropFirst(), bitWidth: Int(width), count: count)
            return try dictionary.gather(indices)
        default:
            throw ParquetError("encoding \(encoding) is not supported for \(field.type) (PLAIN, dictionary, DELTA_BINARY_PACKED integers and RLE booleans are)")
        }
    }
}

extension ParquetColumn {
    static func empty(_ type: ParquetPhysicalType) -> ParquetColumn {
        switch type {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64: .int64([])
        case .float: .float([])
        case .double: .double([])
        default: .bytes(ByteArrayColumn())
        }
    }

    /// The same values with null wherever `present` is false.
    public func masked(by present: [Bool]) -> ParquetColumn {
        func mask<T>(_ v: [T?]) -> [T?] { zip(v, present).map { $1 ? $0 : nil } }
        switch self {
        case .group(let c, let p): return .group(c.map { $0.masked(by: present) }, present: p.map { zip($0, present).map { $0 && $1 } } ?? present)
        case .boolean(let v): return .boolean(mask(v))
        case .int32(let v): return .int32(mask(v))
        case .int64(let v): return .int64(mask(v))
        case .float(let v): return .float(mask(v))
        case .double(let v): return .double(mask(v))
        case .bytes(let v): return .bytes(v.masked(by: present))
        }
    }

    /// Non-null values placed at the present positions, nulls elsewhere.
    static func expand(_ values: PlainValues, present: [Bool]) throws -> ParquetColumn {
        let expected = present.lazy.filter { $0 }.count
        guard values.count == expected else {
            throw ParquetError("page holds \(values.count) values where its levels call for \(expected)")
        }
        func spread<T>(_ v: [T]) -> [T?] {
            var i = 0
            return present.map { p in
                guard p else { return nil }
                defer { i += 1 }
                return v[i]
            }
        }
        switch values {
        case .boolean(let v): return .boolean(spread(v))
        case .int32(let v): return .int32(spread(v))
        case .int64(let v): return .int64(spread(v))
        case .float(let v): return .float(spread(v))
        case .double(let v): return .double(spread(v))
        case .byteArray(let v):
            // Offsets of the present values spread over all rows; nulls get empty ranges.
            var offsets = [Int](repeating: 0, count: present.count + 1)
            var k = 0
            for (r, p) in present.enumerated() {
                if p { k += 1 }
                offsets[r + 1] = v.offsets[k]
            }
            return .bytes(ByteArrayColumn(offsets: offsets, bytes: v.bytes, validity: present))
        }
    }

    /// This column's values followed by `other`'s (same type required).
    public func appending(_ other: ParquetColumn) -> ParquetColumn {
        switch (self, other) {
        case (.boolean(let a), .boolean(let b)): .boolean(a + b)
        case (.int32(let a), .int32(let b)): .int32(a + b)
        case (.int64(let a), .int64(let b)): .int64(a + b)
        case (.float(let a), .float(let b)): .float(a + b)
        case (.double(let a), .double(let b)): .double(a + b)
        case (.bytes(var a), .bytes(let b)):
            { a.append(contentsOf: b); return .bytes(a) }()
        case (.group(let a, let pa), .group(let b, let pb)):
            .group(zip(a, b).map { $0.appending($1) },
                   present: pa == nil && pb == nil ? nil : (pa ?? Array(repeating: true, count: a.first?.count ?? 0))
                       + (pb ?? Array(repeating: true, count: b.first?.count ?? 0)))
        default: preconditionFailure("columns of one field share one type")
        }
    }
}
