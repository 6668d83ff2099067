/// Thrift compact protocol, as Parquet uses for its metadata: a writer for
/// the structures we emit and a generic reader into `ThriftValue`, from which
/// the metadata types take what they need (unknown fields are skipped).
struct ThriftWriter {
    private(set) var bytes: [UInt8] = []
    private var lastField: [Int16] = [0]

    enum FieldType: UInt8 {
        case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    mutating func varint(_ v: UInt64) { ParquetEncoding.varint(v, to: &bytes) }

    mutating func zigzag(_ v: Int64) { varint(ParquetEncoding.zigzag(v)) }

    mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = id - lastField[lastField.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastField[lastField.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ v: Int32) { fieldHeader(id, .i32); zigzag(Int64(v)) }
    mutating func i64(_ id: Int16, _ v: Int64) { fieldHeader(id, .i64); zigzag(v) }
    mutating func i8(_ id: Int16, _ v: Int8) { fieldHeader(id, .byte); bytes.append(UInt8(bitPattern: v)) }
    mutating func bool(_ id: Int16, _ v: Bool) { fieldHeader(id, v ? .boolTrue : .boolFalse) }
    mutating func binary(_ id: Int16, _ v: [UInt8]) { fieldHeader(id, .binary); varint(UInt64(v.count)); bytes += v }
    mutating func string(_ id: Int16, _ v: String) { binary(id, Array(v.utf8)) }

    /// A struct field; `body` writes its fields.
    mutating func structure(_ id: Int16, _ body: (inout ThriftWriter) -> Void) {
        fieldHeader(id, .structure)
        beginStruct()
        body(&self)
        endStruct()
    }

    mutating func beginStruct() { lastField.append(0) }
    mutating func endStruct() { bytes.append(0); lastField.removeLast() }

    mutating func listHeader(_ id: Int16, _ count: Int, _ element: FieldType) {
        fieldHeader(id, .list)
        if count < 15 { bytes.append(UInt8(count) << 4 | element.rawValue) } else {
            bytes.append(0xF0 | element.rawValue)
            varint(UInt64(count))
        }
    }

    mutating func list<T>(_ id: Int16, _ items: [T], structs body: (inout ThriftWriter, T) -> Void) {
        listHeader(id, items.count, .structure)
        for item in items { beginStruct(); body(&self, item); endStruct() }
    }

    mutating func list(_ id: Int16, i32s items: [Int32]) {
        listHeader(id, items.count, .i32)
        for v in items { zigzag(Int64(v)) }
    }

    mutating func list(_ id: Int16, strings items: [String]) {
        listHeader(id, items.count, .binary)
        for s in items { varint(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
    }
}

/// A decoded Thrift value.
indirect enum ThriftValue {
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case structure([Int16: ThriftValue])

    var int: Int64? { if case .int(let v) = self { v } else { nil } }
    var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    var binary: [UInt8]? { if case .binary(let v) = self { v } else { nil } }
    var string: String? { binary.map { String(decoding: $0, as: UTF8.self) } }
    var list: [ThriftValue]? { if case .list(let v) = self { v } else { nil } }
    var fields: [Int16: ThriftValue]? { if case .structure(let v) = self { v } else { nil } }
    subscript(_ id: Int16) -> ThriftValue? { fields?[id] }
}

/// Reads compact-protocol structs from bytes, with bounds and depth checks.
struct ThriftReader {
    let bytes: [UInt8]
    private(set) var position: Int

    struct Failure: Error { var message: String; var offset: Int }

    init(_ bytes: [UInt8], at position: Int = 0) { self.bytes = bytes; self.position = position }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Failure(message: "Thrift data ends early", offset: position) }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw Failure(message: "varint too long", offset: position) }
        }
    }

    private mutating func zigzag() throws -> Int64 {
        ParquetEncoding.unzigzag(try varint())
    }

    /// Reads one struct (fields until the stop byte).
    mutating func readStruct(depth: Int = 0) throws -> ThriftValue {
        guard depth < 64 else { throw Failure(message: "Thrift nesting too deep", offset: position) }
        var fields: [Int16: ThriftValue] = [:]
        var last: Int16 = 0
        while true {
            let header = try byte()
            if header == 0 { return .structure(fields) }
            let type = header & 0x0F
            let delta = Int16(header >> 4)
            let id: Int16 = delta != 0 ? last &+ delta : Int16(truncatingIfNeeded: try zigzag())
            last = id
            fields[id] = try value(type: type, depth: depth)
        }
    }

    private mutating func value(type: UInt8, depth: Int) throws -> ThriftValue {
        switch type {
        case 1: return .bool(true)
        case 2: return .bool(false)
        case 3: return .int(Int64(Int8(bitPattern: try byte())))
        case 4, 5, 6: return .int(try zigzag())
        case 7:
            guard position + 8 <= bytes.count else { throw Failure(message: "Thrift double ends early", offset: position) }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 8
            return .double(Double(bitPattern: bits))
        case 8:
            let length = try varint()
            guard length <= UInt64(bytes.count - position) else { throw Failure(message: "Thrift binary runs past the end", offset: position) }
            let n = Int(length)
            defer { position += n }
            return .binary(Array(bytes[position..<position + n]))
        case 9, 10:
            let h = try byte()
            var declared = UInt64(h >> 4)
            if declared == 15 { declared = try varint() }
            // Every element takes at least one byte (an empty struct, its stop byte).
            guard declared <= UInt64(bytes.count - position) + 1 else { throw Failure(message: "Thrift list too long", offset: position) }
            let count = Int(declared)
            let element = h & 0x0F
            var items: [ThriftValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                items.append(element == 12 ? try readStruct(depth: depth + 1)
                             : element == 1 || element == 2 ? .bool(try byte() == 1)
                             : try value(type: element, depth: depth + 1))
            }
            return .list(items)
        case 11:
            throw Failure(message: "Thrift maps are not used by Parquet metadata", offset: position)
        case 12: return try readStruct(depth: depth + 1)
        default: throw Failure(message: "unknown Thrift type \(type)", offset: position)
        }
    }
}
