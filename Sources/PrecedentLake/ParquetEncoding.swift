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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { buffer in
            var k = 0
            varint(v, to: buffer.baseAddress!, at: &k)
            out.append(contentsOf: buffer[..<k])
        }
    }

    /// ULEB128 `v` at `out + k` (at most 10 bytes); `k` moves past it.
    @inline(__always) static func varint(_ v: UInt64, to out: UnsafeMutablePointer<UInt8>, at k: inout Int) {
        var v = v
        while v >= 0x80 { out[k] = UInt8(truncatingIfNeeded: v) | 0x80; k += 1; v >>= 7 }
        out[k] = UInt8(v); k += 1
    }

    /// Signed integers as unsigned, small magnitudes small (Thrift, DELTA_BINARY_PACKED).
    @inline(__always) static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always) static func unzigzag(_ z: UInt64) -> Int64 { Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1) }

    /// Bits needed for definition levels up to `maxLevel`.
    static func bitWidth(_ maxLevel: Int) -> Int {
        var w = 0
        while (1 << w) <= maxLevel { w += 1 }
        return w
    }

    /// PLAIN values of the non-null entries of `column`, written into `out`
    /// (replacing its contents); returns which rows are non-null, or nil when all are.
    static func plain(_ column: ParquetColumn, into out: inout [UInt8]) -> [Bool]? {
        var present: [Bool]? = nil
        func markNull(_ row: Int, _ n: Int) {
            if present == nil { present = [Bool](repeating: true, count: n) }
            present![row] = false
        }
        /// Stores `n` values of `size` bytes given by `store(row, pointer) -> stored?` in one buffer.
        func fixed(_ n: Int, _ size: Int, _ store: (Int, UnsafeMutableRawPointer) -> Bool) {
            out = [UInt8](unsafeUninitializedCapacity: n * size) { buffer, initialized in
                let base = UnsafeMutableRawPointer(buffer.baseAddress!)
                var k = 0
                for row in 0..<n {
                    if store(row, base + k * size) { k += 1 } else { markNull(row, n) }
                }
                initialized = k * size
            }
        }
        switch column {
        case .boolean(let values):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(values.count / 8 + 1)
            var byte: UInt8 = 0, bits = 0
            for (row, v) in values.enumerated() {
                guard let v else { markNull(row, values.count); continue }
                if v { byte |= 1 << bits }
                bits += 1
                if bits == 8 { bytes.append(byte); byte = 0; bits = 0 }
            }
            if bits > 0 { bytes.append(byte) }
            out = bytes
        case .int32(let values): present = plainIntegers(values, into: &out)
        case .int64(let values): present = plainIntegers(values, into: &out)
        case .float(let values):
            values.withUnsafeBufferPointer { v in
                fixed(v.count, 4) { r, p in
                    guard let x = v[r] else { return false }
                    p.storeBytes(of: x.bitPattern.littleEndian, as: UInt32.self); return true
                }
            }
        case .double(let values):
            values.withUnsafeBufferPointer { v in
                fixed(v.count, 8) { r, p in
                    guard let x = v[r] else { return false }
                    p.storeBytes(of: x.bitPattern.littleEndian, as: UInt64.self); return true
                }
            }
        case .bytes(let values):
            let n = values.count
            present = values.validity
            let total = 4 * n + values.bytes.count
            out = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
                let base = UnsafeMutableRawPointer(buffer.baseAddress!)
                var k = 0
                values.bytes.withUnsafeBytes { src in
                    values.offsets.withUnsafeBufferPointer { off in
                        for row in 0..<n where !values.isNull(row) {
                            let len = off[row + 1] - off[row]
                            (base + k).storeBytes(of: UInt32(len).littleEndian, as: UInt32.self)
                            k += 4
                            if len > 0 { (base + k).copyMemory(from: src.baseAddress! + off[row], byteCount: len) }
                            k += len
                        }
                    }
                }
                initialized = k
            }
        case .group:
            preconditionFailure("groups are written leaf by leaf")
        }
        return present
    }

    /// PLAIN little-endian integers of the non-null values; which rows are non-null (nil: all).
    static func plainIntegers<T: FixedWidthInteger>(_ values: [T?], into out: inout [UInt8]) -> [Bool]? {
        let n = values.count, size = MemoryLayout<T>.size
        var present: [Bool]? = nil
        out = [UInt8](unsafeUninitializedCapacity: n * size) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            var k = 0
            values.withUnsafeBufferPointer { v in
                for row in 0..<n {
                    if let x = v[row] {
                        (base + k).storeBytes(of: x.littleEndian, as: T.self)
                        k += size
                    } else {
                        if present == nil { present = [Bool](repeating: true, count: n) }
                        present![row] = false
                    }
                }
            }
            initialized = k
        }
        return present
    }

    /// Definition levels of `rows` rows as RLE runs, each run's level from `level(row)`.
    static func definitionLevels(rows: Int, to out: inout [UInt8], _ level: (Int) -> UInt8) {
        var i = 0
        while i < rows {
            let l = level(i)
            var j = i + 1
            while j < rows && level(j) == l { j += 1 }
            varint(UInt64(j - i) << 1, to: &out)
            out.append(l)
            i = j
        }
    }

    // MARK: reading

    /// The ULEB128 varint at `p` in `data`; `p` moves past it. `what` names the data in errors.
    static func readVarint(_ data: ArraySlice<UInt8>, at p: inout Int, _ what: String) throws -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard p < data.endIndex else { throw ParquetError("\(what) ends early") }
            let b = data[p]
            p += 1
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
            guard shift < 64 else { throw ParquetError("\(what): varint too long") }
        }
    }

    /// Decodes `count` values of `bitWidth` bits from an RLE/bit-packed hybrid run sequence.
    static func hybrid(_ data: ArraySlice<UInt8>, bitWidth: Int, count: Int) throws -> [UInt32] {
        guard (0...32).contains(bitWidth) else { throw ParquetError("bit width \(bitWidth) is invalid") }
        guard count >= 0 else { throw ParquetError("RLE/bit-packed data: \(count) values asked for") }
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
            let header = try readVarint(data, at: &p, "RLE/bit-packed data")
            if header & 1 == 0 {
                let run = Int(header >> 1)
                var value: UInt32 = 0
                for k in 0..<byteWidth { value |= UInt32(try next()) << (8 * UInt32(k)) }
                out.append(contentsOf: repeatElement(value, count: min(run, count - out.count)))
            } else {
                // Groups of 8 values, `bitWidth` bytes each, all present even past `count`.
                let groups = header >> 1
                let values: Int, bytes: Int
                if bitWidth == 0 {
                    values = groups > UInt64(Int.max / 8) ? Int.max : Int(groups) * 8
                    bytes = 0
                } else {
                    guard groups <= UInt64(data.endIndex - p) / UInt64(bitWidth) else { throw ParquetError("bit-packed run ends early") }
                    values = Int(groups) * 8
                    bytes = Int(groups) * bitWidth
                }
                // A 64-bit window refilled a byte at a time (widths are at most 32 bits).
                var acc: UInt64 = 0, held = 0, q = p
                let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
                for _ in 0..<min(values, count - out.count) {
                    while held < bitWidth { acc |= UInt64(data[q]) << UInt64(held); q += 1; held += 8 }
                    out.append(UInt32(truncatingIfNeeded: acc & mask))
                    acc >>= UInt64(bitWidth); held -= bitWidth
                }
                p += bytes
            }
        }
        return out
    }

    /// Decodes a PLAIN page of `rows` rows straight into a column (nulls where
    /// `present` is false; nil `present`: every row has a value), in one pass.
    /// Returns nil for types this fast path does not cover.
    static func decodePlainRows(_ data: ArraySlice<UInt8>, type: ParquetPhysicalType, present: [Bool]?,
                                rows: Int) throws -> ParquetColumn? {
        let values = present.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? rows
        func fixed<T>(_: T.Type, _ size: Int, _ load: (UnsafeRawPointer) -> T) throws -> [T?] {
            guard values * size <= data.count else { throw ParquetError("PLAIN values end early") }
            return data.withUnsafeBytes { raw in
                var k = 0
                let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                return [T?](unsafeUninitializedCapacity: rows) { out, initialized in
                    if let present {
                        for r in 0..<rows {
                            if present[r] { out.initializeElement(at: r, to: load(base + k)); k += size } else {
                                out.initializeElement(at: r, to: nil)
                            }
                        }
                    } else {
                        for r in 0..<rows { out.initializeElement(at: r, to: load(base + r * size)) }
                    }
                    initialized = rows
                }
            }
        }
        switch type {
        case .int32: return .int32(try fixed(Int32.self, 4) { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) })
        case .int64: return .int64(try fixed(Int64.self, 8) { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) })
        case .float: return .float(try fixed(Float.self, 4) { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) })
        case .double: return .double(try fixed(Double.self, 8) { Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) })
        default: return nil
        }
    }

    /// Decodes `count` PLAIN values of `type` (non-null values only).
    static func decodePlain(_ data: ArraySlice<UInt8>, type: ParquetPhysicalType, count: Int) throws -> PlainValues {
        // Every value takes at least a bit (booleans), 4 bytes (byte arrays' lengths) or its width.
        let least = type == .boolean ? 1 : type == .byteArray ? 32 : type == .int64 || type == .double ? 64 : 32
        guard count >= 0, count <= data.count * 8 / least else { throw ParquetError("PLAIN values end early") }
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
            #if _endian(big)
            return out.map { T(littleEndian: $0) }
            #else
            return out
            #endif
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
            var offsets = [Int](repeating: 0, count: count + 1)
            var bytes: [UInt8] = []
            try data.withUnsafeBytes { raw in
                var q = p - data.startIndex
                bytes.reserveCapacity(max(0, raw.count - q - 4 * count))
                for i in 0..<count {
                    guard q + 4 <= raw.count else { throw ParquetError("PLAIN values end early") }
                    let n = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: q, as: UInt32.self)))
                    q += 4
                    guard n <= raw.count - q else { throw ParquetError("PLAIN values end early") }
                    bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[q..<q + n]))
                    offsets[i + 1] = bytes.count
                    q += n
                }
                p = q + data.startIndex
            }
            return .byteArray(ByteArrayColumn(offsets: offsets, bytes: bytes, validity: nil))
        case .int96, .fixedLenByteArray:
            throw ParquetError("physical type \(type) is not supported")
        }
    }
}

/// Non-null values of one page.
enum PlainValues {
    case boolean([Bool]), int32([Int32]), int64([Int64]), float([Float]), double([Double]), byteArray(ByteArrayColumn)

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
        case .byteArray(let v):
            // Offsets first, then every value's bytes copied once (no array per value).
            var offsets = [Int](repeating: 0, count: indices.count + 1)
            var total = 0
            v.offsets.withUnsafeBufferPointer { o in
                for (k, i) in indices.enumerated() {
                    total += o[Int(i) + 1] - o[Int(i)]
                    offsets[k + 1] = total
                }
            }
            let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                v.bytes.withUnsafeBufferPointer { src in
                    v.offsets.withUnsafeBufferPointer { o in
                        var k = 0
                        for i in indices {
                            let start = o[Int(i)], n = o[Int(i) + 1] - start
                            if n > 0 { (out.baseAddress! + k).initialize(from: src.baseAddress! + start, count: n) }
                            k += n
                        }
                    }
                }
                initialized = total
            }
            return .byteArray(ByteArrayColumn(offsets: offsets, bytes: bytes, validity: nil))
        }
    }
}
