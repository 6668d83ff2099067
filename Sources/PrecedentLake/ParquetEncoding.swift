/// PLAIN and RLE/bit-packed hybrid encodings (Parquet `Encodings.md`).
enum ParquetEncoding {
    static let plain: Int32 = 0
    static let plainDictionary: Int32 = 2
    static let rle: Int32 = 3
    static let rleDictionary: Int32 = 8

    // MARK: writing

    static func appendLE<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func varint(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    /// Definition levels (at most 255, stored in one byte per run) as RLE runs.
    static func definitionLevels(_ levels: [UInt8], to out: inout [UInt8]) {
        var i = 0
        while i < levels.count {
            var j = i + 1
            while j < levels.count && levels[j] == levels[i] { j += 1 }
            varint(UInt64(j - i) << 1, to: &out)
            out.append(levels[i])
            i = j
        }
    }

    /// Bits needed for definition levels up to `maxLevel`.
    static func bitWidth(_ maxLevel: Int) -> Int {
        var w = 0
        while (1 << w) <= maxLevel { w += 1 }
        return w
    }

    /// PLAIN values of the non-null entries; also the definition levels.
    static func plain(_ column: ParquetColumn, into out: inout [UInt8]) -> [Bool] {
        var present: [Bool] = []
        present.reserveCapacity(column.count)
        func fixed<T: FixedWidthInteger>(_ values: [T?]) {
            for v in values { present.append(v != nil); if let v { appendLE(v, to: &out) } }
        }
        switch column {
        case .boolean(let values):
            var byte: UInt8 = 0, bits = 0
            for v in values {
                present.append(v != nil)
                guard let v else { continue }
                if v { byte |= 1 << bits }
                bits += 1
                if bits == 8 { out.append(byte); byte = 0; bits = 0 }
            }
            if bits > 0 { out.append(byte) }
        case .int32(let values): fixed(values)
        case .int64(let values): fixed(values)
        case .float(let values): fixed(values.map { $0.map(\.bitPattern) })
        case .double(let values): fixed(values.map { $0.map(\.bitPattern) })
        case .byteArray(let values):
            for v in values {
                present.append(v != nil)
                if let v { appendLE(UInt32(v.count), to: &out); out += v }
            }
        case .group:
            preconditionFailure("groups are written leaf by leaf")
        }
        return present
    }

    // MARK: reading

    /// Decodes `count` values of `bitWidth` bits from an RLE/bit-packed hybrid run sequence.
    static func hybrid(_ data: ArraySlice<UInt8>, bitWidth: Int, count: Int) throws -> [UInt32] {
        guard (0...32).contains(bitWidth) else { throw ParquetError("bit width \(bitWidth) is invalid") }
        var out: [UInt32] = []
        out.reserveCapacity(count)
        var p = data.startIndex
        let byteWidth = (bitWidth + 7) / 8
        func next() throws -> UInt8 {
            guard p < data.endIndex else { throw ParquetError("RLE/bit-packed data ends early") }
            defer { p += 1 }
            return data[p]
        }
        while out.count < count {
            var header: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try next()
                header |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
                guard shift < 64 else { throw ParquetError("RLE header too long") }
            }
            if header & 1 == 0 {
                let run = Int(header >> 1)
                var value: UInt32 = 0
                for k in 0..<byteWidth { value |= UInt32(try next()) << (8 * UInt32(k)) }
                out.append(contentsOf: repeatElement(value, count: min(run, count - out.count)))
            } else {
                let values = Int(header >> 1) * 8
                let bytes = values * bitWidth / 8
                guard p + bytes <= data.endIndex else { throw ParquetError("bit-packed run ends early") }
                var bitPos = 0
                for _ in 0..<values {
                    var v: UInt32 = 0
                    for b in 0..<bitWidth {
                        let bit = (data[p + (bitPos + b) / 8] >> UInt8((bitPos + b) % 8)) & 1
                        v |= UInt32(bit) << UInt32(b)
                    }
                    bitPos += bitWidth
                    if out.count < count { out.append(v) }
                }
                p += bytes
            }
        }
        return out
    }

    /// Decodes `count` PLAIN values of `type` (non-null values only).
    static func decodePlain(_ data: ArraySlice<UInt8>, type: ParquetPhysicalType, count: Int) throws -> PlainValues {
        var p = data.startIndex
        func need(_ n: Int) throws {
            guard n >= 0, p + n <= data.endIndex else { throw ParquetError("PLAIN values end early") }
        }
        func le<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
            let size = MemoryLayout<T>.size
            try need(count * size)
            var out = [T](repeating: 0, count: count)
            out.withUnsafeMutableBytes { o in
                data.withUnsafeBytes { i in o.baseAddress!.copyMemory(from: i.baseAddress! + (p - data.startIndex), byteCount: count * size) }
            }
            p += count * size
            return out.map { T(littleEndian: $0) }
        }
        switch type {
        case .boolean:
            try need((count + 7) / 8)
            return .boolean((0..<count).map { (data[p + $0 / 8] >> UInt8($0 % 8)) & 1 == 1 })
        case .int32: return .int32(try le(Int32.self))
        case .int64: return .int64(try le(Int64.self))
        case .float: return .float(try le(UInt32.self).map(Float.init(bitPattern:)))
        case .double: return .double(try le(UInt64.self).map(Double.init(bitPattern:)))
        case .byteArray:
            var out: [[UInt8]] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                try need(4)
                let n = Int(UInt32(data[p]) | UInt32(data[p + 1]) << 8 | UInt32(data[p + 2]) << 16 | UInt32(data[p + 3]) << 24)
                p += 4
                try need(n)
                out.append(Array(data[p..<p + n]))
                p += n
            }
            return .byteArray(out)
        case .int96, .fixedLenByteArray:
            throw ParquetError("physical type \(type) is not supported")
        }
    }
}

/// Non-null values of one page.
enum PlainValues {
    case boolean([Bool]), int32([Int32]), int64([Int64]), float([Float]), double([Double]), byteArray([[UInt8]])

    var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .byteArray(let v): v.count
        }
    }

    /// Picks entries by dictionary index.
    func gather(_ indices: [UInt32]) throws -> PlainValues {
        guard indices.allSatisfy({ Int($0) < count }) else { throw ParquetError("dictionary index out of range") }
        switch self {
        case .boolean(let v): return .boolean(indices.map { v[Int($0)] })
        case .int32(let v): return .int32(indices.map { v[Int($0)] })
        case .int64(let v): return .int64(indices.map { v[Int($0)] })
        case .float(let v): return .float(indices.map { v[Int($0)] })
        case .double(let v): return .double(indices.map { v[Int($0)] })
        case .byteArray(let v): return .byteArray(indices.map { v[Int($0)] })
        }
    }
}
