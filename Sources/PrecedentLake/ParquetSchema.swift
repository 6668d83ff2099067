#if canImport(Glibc)
import Glibc
#endif

/// Parquet physical types (the `Type` enum of parquet.thrift).
public enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

/// Units of a Parquet timestamp.
public enum ParquetTimeUnit: Sendable, Hashable { case millis, micros, nanos }

/// The logical types Precedent writes and reads.
public enum ParquetLogicalType: Sendable, Hashable {
    /// UTF-8 text in a BYTE_ARRAY.
    case string
    /// Days since 1970-01-01 in an INT32.
    case date
    /// An INT64 count of `unit` since 1970-01-01; `utc` = isAdjustedToUTC.
    case timestamp(ParquetTimeUnit, utc: Bool)
    /// An integer of `bits` (8/16/32/64) in INT32 or INT64, signed or not.
    case integer(bits: Int8, signed: Bool)
}

/// How a leaf's values are laid out in its data page. Not part of the schema: readers take
/// each page's encoding from its header, and field equality ignores it.
public enum ParquetValueEncoding: Sendable, Hashable {
    /// PLAIN: fixed-width little-endian values, length-prefixed byte arrays.
    case plain
    /// DELTA_BINARY_PACKED (INT32 and INT64 leaves): for timestamps, ids and sequence numbers,
    /// whose neighbours differ by little.
    case deltaBinaryPacked
    /// A dictionary page and RLE_DICTIONARY indices (BYTE_ARRAY leaves): for columns of a few
    /// distinct strings.
    case dictionary
}

/// One column of a schema: a leaf, or a group (struct) of leaves (one level of nesting).
public struct ParquetField: Sendable, Hashable {
    public var name: String
    /// The leaf's physical type (unused for a group).
    public var type: ParquetPhysicalType
    public var logical: ParquetLogicalType?
    /// Nullable (`OPTIONAL`) or not (`REQUIRED`).
    public var nullable: Bool
    /// A group's fields (leaves); empty for a leaf.
    public var children: [ParquetField]
    /// What the column holds: meaning, unit, origin, null rule. Exported to Avro and BigQuery schemas;
    /// not stored in the Parquet file and not part of equality.
    public var doc: String
    /// The page encoding the writer uses for this leaf (not part of equality).
    public var encoding: ParquetValueEncoding = .plain

    public init(_ name: String, _ type: ParquetPhysicalType, logical: ParquetLogicalType? = nil, nullable: Bool = false,
                doc: String = "") {
        self.name = name; self.type = type; self.logical = logical; self.nullable = nullable; self.children = []
        self.doc = doc
    }

    /// A group (struct) of leaf fields.
    public static func group(_ name: String, _ children: [ParquetField], nullable: Bool = false, doc: String = "") -> ParquetField {
        var f = ParquetField(name, .int32, nullable: nullable, doc: doc)
        f.children = children
        return f
    }

    public static func == (a: ParquetField, b: ParquetField) -> Bool {
        a.name == b.name && a.nullable == b.nullable && a.children == b.children
            && (a.isGroup || (a.type == b.type && a.logical == b.logical))
    }

    public func hash(into hasher: inout Hasher) {  // what == compares
        hasher.combine(name); hasher.combine(nullable); hasher.combine(children)
        if !isGroup { hasher.combine(type); hasher.combine(logical) }
    }

    public var isGroup: Bool { !children.isEmpty }

    /// This field with its values written in `encoding`.
    public func encoded(_ encoding: ParquetValueEncoding) -> ParquetField {
        var f = self
        f.encoding = encoding
        return f
    }

    /// Unsigned integers compare unsigned (statistics, column order).
    var isUnsigned: Bool { if case .integer(_, false)? = logical { true } else { false } }
}

/// Compression codecs (`CompressionCodec` of parquet.thrift).
public enum ParquetCompression: Int32, Sendable, CaseIterable {
    case none = 0, snappy = 1, gzip = 2, zstd = 6
}

/// The values of one column in one row group; `nil` is null.
public indirect enum ParquetColumn: Sendable, Equatable {
    /// A group's child columns and which rows have the group (`nil`: every row).
    case group([ParquetColumn], present: [Bool]?)
    case boolean([Bool?])
    case int32([Int32?])
    case int64([Int64?])
    case float([Float?])
    case double([Double?])
    case bytes(ByteArrayColumn)

    /// Byte strings (nil: null), stored columnar.
    public static func byteArray(_ values: [[UInt8]?]) -> ParquetColumn { .bytes(ByteArrayColumn(values)) }
    /// UTF-8 strings (nil: null), stored columnar.
    public static func strings(_ values: [String?]) -> ParquetColumn { .bytes(ByteArrayColumn(strings: values)) }

    public var count: Int {
        switch self {
        case .group(let children, let present): present?.count ?? children.first?.count ?? 0
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .bytes(let v): v.count
        }
    }

    /// The leaf type (`nil` for a group).
    var physicalType: ParquetPhysicalType? {
        switch self {
        case .group: nil
        case .boolean: .boolean
        case .int32: .int32
        case .int64: .int64
        case .float: .float
        case .double: .double
        case .bytes: .byteArray
        }
    }

    /// Index of the first null, if any.
    var firstNull: Int? {
        switch self {
        case .group(_, let present): present?.firstIndex(of: false)
        case .boolean(let v): v.firstIndex(where: { $0 == nil })
        case .int32(let v): v.firstIndex(where: { $0 == nil })
        case .int64(let v): v.firstIndex(where: { $0 == nil })
        case .float(let v): v.firstIndex(where: { $0 == nil })
        case .double(let v): v.firstIndex(where: { $0 == nil })
        case .bytes(let v): v.validity?.firstIndex(of: false)
        }
    }
}

/// A Parquet problem, saying where.
public struct ParquetError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The system error behind a failed file operation (nil: the content was at fault).
    public var errno: Int32?
    public var file: String?
    public var offset: Int?
    public var column: String?
    public var rowGroup: Int?
    public var row: Int?

    public init(_ message: String, file: String? = nil, offset: Int? = nil, column: String? = nil,
                rowGroup: Int? = nil, row: Int? = nil) {
        self.message = message; self.file = file; self.offset = offset; self.column = column
        self.rowGroup = rowGroup; self.row = row
    }

    /// A failed file operation with `code` (errno): the message names the operation and the system's reason.
    public static func system(_ what: String, _ code: Int32, file: String) -> ParquetError {
        var e = ParquetError("\(what): \(String(cString: strerror(code)))", file: file)
        e.errno = code
        return e
    }

    /// True for a failure of the environment that a retry may not meet again: an I/O error, a
    /// full disk or quota, a stale network handle, too many open files, an interrupted call, a
    /// file taken away by a concurrent cleanup. Bad content, a missing input or a permission
    /// problem is permanent.
    public var isTransient: Bool {
        guard let errno else { return false }
        return [EIO, ENOSPC, EDQUOT, EAGAIN, EINTR, ESTALE, ENOENT, EBUSY, ETIMEDOUT, ENFILE, EMFILE, ENOMEM].contains(errno)
    }

    public var description: String {
        var at: [String] = []
        if let rowGroup { at.append("row group \(rowGroup)") }
        if let column { at.append("column '\(column)'") }
        if let row { at.append("row \(row)") }
        if let offset { at.append("byte \(offset)") }
        return (file.map { "\($0): " } ?? "") + message + (at.isEmpty ? "" : " (" + at.joined(separator: ", ") + ")")
    }
}
