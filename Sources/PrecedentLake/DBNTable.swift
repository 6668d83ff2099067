import PrecedentCore
import PrecedentDBN

/// Turns DBN records into Parquet columns, one table per record layout, from
/// the records' field tables (the official `databento-dbn` names):
/// unsigned integers keep their width as Parquet INT(n, unsigned); prices stay
/// fixed-point integers (1 unit = 1e-9) and timestamps UTC nanoseconds
/// (TIMESTAMP(NANOS, UTC)); Databento's undefined sentinels (`UNDEF_PRICE`,
/// `UNDEF_TIMESTAMP`) become null; one-character and fixed-width text become
/// strings. With `decimalPrices`, each price also gets a `<name>_decimal`
/// DOUBLE column (for display; the integer stays the reference).
public struct DBNTableBuilder {
    public let layout: any DBNRecordLayout.Type
    public let fields: [ParquetField]
    private let specs: [FieldSpec]
    private let decimalPrices: Bool
    private var scratch: [UInt8]
    public private(set) var count = 0

    /// Where each output column accumulates: its kind and index in the typed stores below.
    private enum Slot { case i32(Int), i64(Int), f64(Int), bytes(Int) }
    private var slots: [Slot] = []
    private var i32: [[Int32?]] = [], i64: [[Int64?]] = [], f64: [[Double?]] = [], bytes: [ByteArrayColumn] = []

    public init(layout: any DBNRecordLayout.Type, decimalPrices: Bool = false) {
        self.layout = layout
        self.decimalPrices = decimalPrices
        specs = layout.fields
        scratch = [UInt8](repeating: 0, count: layout.recordSize)
        var fields: [ParquetField] = []
        for f in specs {
            defer {
                if let i = fields.lastIndex(where: { $0.name == f.name }) { fields[i].doc = Self.doc(f) }
            }
            switch f.kind {
            case .u8, .flags: fields.append(ParquetField(f.name, .int32, logical: .integer(bits: 8, signed: false)))
            case .u16: fields.append(ParquetField(f.name, .int32, logical: .integer(bits: 16, signed: false)))
            case .u32: fields.append(ParquetField(f.name, .int32, logical: .integer(bits: 32, signed: false)))
            case .u64: fields.append(ParquetField(f.name, .int64, logical: .integer(bits: 64, signed: false)))
            case .i8: fields.append(ParquetField(f.name, .int32, logical: .integer(bits: 8, signed: true)))
            case .i16: fields.append(ParquetField(f.name, .int32, logical: .integer(bits: 16, signed: true)))
            case .i32: fields.append(ParquetField(f.name, .int32))
            case .i64: fields.append(ParquetField(f.name, .int64))
            case .price:
                fields.append(ParquetField(f.name, .int64, nullable: true))
                if decimalPrices {
                    fields.append(ParquetField(f.name + "_decimal", .double, nullable: true,
                                               doc: "\(f.name) as a decimal number, for display only (the integer column is the reference); null when undefined"))
                }
            case .timestamp:
                fields.append(ParquetField(f.name, .int64, logical: .timestamp(.nanos, utc: true), nullable: true))
            case .char, .string:
                fields.append(ParquetField(f.name, .byteArray, logical: .string))
            }
        }
        self.fields = fields
        // Each column accumulates in the typed store of its physical type.
        for f in fields {
            switch f.type {
            case .int32: slots.append(.i32(i32.count)); i32.append([])
            case .int64: slots.append(.i64(i64.count)); i64.append([])
            case .double: slots.append(.f64(f64.count)); f64.append([])
            default: slots.append(.bytes(bytes.count)); bytes.append(ByteArrayColumn())
            }
        }
    }

    /// The table's schema with column docs, for Avro and BigQuery export.
    public func schema(name: String) -> TableSchema {
        TableSchema(name: name, doc: "Databento DBN records (\(String(describing: layout))), field names as in databento-dbn", fields: fields)
    }

    static func doc(_ f: FieldSpec) -> String {
        switch f.kind {
        case .price: return "DBN \(f.name): fixed-point price, 1 unit = 1e-9 of the quote currency; null when undefined (UNDEF_PRICE)"
        case .timestamp: return "DBN \(f.name): UTC nanoseconds since 1970-01-01; null when undefined (UNDEF_TIMESTAMP)"
        case .flags: return "DBN \(f.name): bit field (128 F_LAST, 64 F_TOB, 32 F_SNAPSHOT, 16 F_MBP, 8 F_BAD_TS_RECV, 4 F_MAYBE_BAD_BOOK)"
        case .char: return "DBN \(f.name): one ASCII character (empty when NUL)"
        case .string: return "DBN \(f.name): text without its NUL padding"
        default: return "DBN \(f.name)"
        }
    }

    /// Adds one record of this table's layout.
    public mutating func append(_ record: DBNRecord) {
        var buffer = scratch
        buffer.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            record.write(to: p)
            var c = 0
            for f in specs {
                let q = UnsafeRawPointer(p) + f.offset
                func push32(_ v: Int32?) { if case .i32(let k) = slots[c] { i32[k].append(v) } }
                func push64(_ v: Int64?) { if case .i64(let k) = slots[c] { i64[k].append(v) } }
                func pushBytes(_ v: UnsafeRawBufferPointer) { if case .bytes(let k) = slots[c] { bytes[k].append(bytes: v) } }
                switch f.kind {
                case .u8, .flags: push32(Int32(q.load(as: UInt8.self)))
                case .u16: push32(Int32(q.loadUnaligned(as: UInt16.self).littleEndian))
                case .u32: push32(Int32(bitPattern: q.loadUnaligned(as: UInt32.self).littleEndian))
                case .u64: push64(Int64(bitPattern: q.loadUnaligned(as: UInt64.self).littleEndian))
                case .i8: push32(Int32(q.load(as: Int8.self)))
                case .i16: push32(Int32(q.loadUnaligned(as: Int16.self).littleEndian))
                case .i32: push32(q.loadUnaligned(as: Int32.self).littleEndian)
                case .i64: push64(q.loadUnaligned(as: Int64.self).littleEndian)
                case .price:
                    let price = Price(rawValue: q.loadUnaligned(as: Int64.self).littleEndian)
                    push64(price.isDefined ? price.rawValue : nil)
                    if decimalPrices {
                        c += 1
                        if case .f64(let k) = slots[c] { f64[k].append(price.doubleValue) }
                    }
                case .timestamp:
                    let t = UnixNanos(rawValue: q.loadUnaligned(as: UInt64.self).littleEndian)
                    push64(t.isDefined ? Int64(bitPattern: t.rawValue) : nil)
                case .char:
                    pushBytes(UnsafeRawBufferPointer(start: q, count: q.load(as: UInt8.self) == 0 ? 0 : 1))
                case .string(let width):
                    let raw = UnsafeRawBufferPointer(start: q, count: width)
                    pushBytes(UnsafeRawBufferPointer(rebasing: raw[..<(raw.firstIndex(of: 0) ?? width)]))
                }
                c += 1
            }
        }
        scratch = buffer
        count += 1
    }

    /// The accumulated rows as Parquet columns, and a fresh start.
    public mutating func take() -> [ParquetColumn] {
        defer {
            count = 0
            for k in i32.indices { i32[k] = [] }
            for k in i64.indices { i64[k] = [] }
            for k in f64.indices { f64[k] = [] }
            for k in bytes.indices { bytes[k] = ByteArrayColumn() }
        }
        return slots.map {
            switch $0 {
            case .i32(let k): .int32(i32[k])
            case .i64(let k): .int64(i64[k])
            case .f64(let k): .double(f64[k])
            case .bytes(let k): .bytes(bytes[k])
            }
        }
    }
}
