/// DELTA_BINARY_PACKED integers and dictionary-coded byte arrays (Parquet `Encodings.md`):
/// the encodings a column asks for with `ParquetField.encoding`. Both give zstd a fraction of
/// the bytes PLAIN does on columns like timestamps, sequence numbers and one-letter codes.
extension ParquetEncoding {
    static let deltaBinaryPacked: Int32 = 5

    /// Values per block, miniblocks per block and values per miniblock (pyarrow's choice too).
    static let deltaBlock = 128, deltaMiniblocks = 4, deltaMiniblock = 32

    // MARK: DELTA_BINARY_PACKED

    /// The non-null `values` DELTA_BINARY_PACKED into `out` (replacing it); which rows are
    /// non-null (nil: all). Deltas wrap around in `T`'s width, as the format specifies.
    static func deltaBinaryPacked<T: FixedWidthInteger & SignedInteger>(_ values: [T?], into out: inout [UInt8]) -> [Bool]? {
        var present: [Bool]? = nil
        var dense: [Int64] = []
        dense.reserveCapacity(values.count)
        values.withUnsafeBufferPointer { v in
            for row in 0..<v.count {
                if let x = v[row] { dense.append(Int64(x)) } else {
                    if present == nil { present = [Bool](repeating: true, count: v.count) }
                    present![row] = false
                }
            }
        }
        out = deltaBinaryPacked(dense, bits: T.bitWidth)
        return present
    }

    /// DELTA_BINARY_PACKED of `values` (sign-extended integers of `bits` = 32 or 64 bits): one
    /// concrete loop for both widths, so that it is compiled once and not through generics.
    static func deltaBinaryPacked(_ values: [Int64], bits: Int) -> [UInt8] {
        let n = values.count
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        // Worst case: the header, then per block its minimum, widths and 128 values of full width.
        let blocks = max(0, n - 1 + deltaBlock - 1) / deltaBlock
        let capacity = 4 * 10 + blocks * (10 + deltaMiniblocks + deltaBlock * 8) + 8
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let o = buffer.baseAddress!
            var k = 0
            for v in [UInt64(deltaBlock), UInt64(deltaMiniblocks), UInt64(n), zigzag(values.first ?? 0)] { varint(v, to: o, at: &k) }
            values.withUnsafeBufferPointer { v in
              withUnsafeTemporaryAllocation(of: UInt64.self, capacity: deltaBlock) { scratch in
                let d = v.baseAddress!, deltas = scratch.baseAddress!
                var i = 1
                while i < n {
                    let m = min(deltaBlock, n - i)
                    // The deltas and their minimum in one pass (a loop per width, no test per value).
                    var minDelta = Int64.max
                    if bits == 64 {
                        for j in 0..<m { let x = d[i &+ j] &- d[i &+ j &- 1]; deltas[j] = UInt64(bitPattern: x); minDelta = min(minDelta, x) }
                    } else {
                        for j in 0..<m {
                            let x = Int64(Int32(truncatingIfNeeded: d[i &+ j] &- d[i &+ j &- 1]))
                            deltas[j] = UInt64(bitPattern: x); minDelta = min(minDelta, x)
                        }
                    }
                    // Minus the minimum, within `bits`; each miniblock's width from the OR of its values.
                    // A partly filled miniblock is padded with zeros and written whole; later ones not at all.
                    let base = UInt64(bitPattern: minDelta), used = (m + deltaMiniblock - 1) / deltaMiniblock
                    for j in m..<used * deltaMiniblock { deltas[j] = base }
                    varint(zigzag(minDelta), to: o, at: &k)
                    let widthsAt = k
                    for b in 0..<deltaMiniblocks {
                        var any: UInt64 = 0
                        if b < used {
                            for j in b * deltaMiniblock..<(b + 1) * deltaMiniblock {
                                let u = (deltas[j] &- base) & mask
                                deltas[j] = u
                                any |= u
                            }
                        }
                        o[widthsAt + b] = UInt8(64 - any.leadingZeroBitCount)
                    }
                    k += deltaMiniblocks
                    for b in 0..<used {
                        let w = Int(o[widthsAt + b])
                        let values = deltas + b * deltaMiniblock
                        if w == 64 {
                            for j in 0..<deltaMiniblock { (UnsafeMutableRawPointer(o) + k).storeBytes(of: values[j].littleEndian, as: UInt64.self); k &+= 8 }
                            continue
                        }
                        // A 64-bit window, stored as each word fills; the bits of the value that fills it
                        // and did not fit carry over (none when it ends the word: u >> w is 0 for w < 64).
                        var acc: UInt64 = 0, held = 0
                        for j in 0..<deltaMiniblock {
                            let u = values[j]
                            acc |= u &<< UInt64(held)
                            held &+= w
                            if held >= 64 {
                                (UnsafeMutableRawPointer(o) + k).storeBytes(of: acc.littleEndian, as: UInt64.self)
                                k &+= 8
                                held &-= 64
                                acc = u &>> UInt64(w &- held)
                            }
                        }
                        // 32 values of w bits fill 4w bytes: what is left is whole bytes.
                        while held > 0 { o[k] = UInt8(truncatingIfNeeded: acc); k &+= 1; acc >>= 8; held &-= 8 }
                    }
                    i += m
                }
              }
            }
            initialized = k
        }
    }

    /// Decodes DELTA_BINARY_PACKED integers of `T`'s width; `count` values are expected.
    static func decodeDeltaBinaryPacked<T: FixedWidthInteger & SignedInteger>(_ data: ArraySlice<UInt8>, count: Int,
                                                                            as _: T.Type) throws -> [T] {
        let wide = try decodeDeltaBinaryPacked(data, count: count, bits: T.bitWidth)
        if T.self == Int64.self { return wide as! [T] }
        return wide.map { T(truncatingIfNeeded: $0) }
    }

    /// DELTA_BINARY_PACKED integers of `bits` (32 or 64) as sign-extended Int64s: one concrete
    /// loop for both widths (through generics it ran at a third of the speed).
    static func decodeDeltaBinaryPacked(_ data: ArraySlice<UInt8>, count: Int, bits: Int) throws -> [Int64] {
        var p = data.startIndex
        let what = "DELTA_BINARY_PACKED values"
        func byte() throws -> UInt8 {
            guard p < data.endIndex else { throw ParquetError("\(what) end early") }
            defer { p += 1 }
            return data[p]
        }
        func uleb() throws -> UInt64 { try readVarint(data, at: &p, what) }
        func signed() throws -> Int64 { unzigzag(try uleb()) }
        /// `v` wrapped around to `bits` and sign-extended.
        @inline(__always) func wrap(_ v: Int64) -> Int64 { bits == 64 ? v : Int64(Int32(truncatingIfNeeded: v)) }
        let blockRaw = try uleb(), miniblocksRaw = try uleb(), totalRaw = try uleb()
        // Each miniblock's width takes a byte of the page, and a miniblock holds at most 2^20 values
        // here (writers use 32 or 64), so no size computed below can overflow.
        guard blockRaw > 0, blockRaw % 128 == 0, miniblocksRaw > 0, miniblocksRaw <= UInt64(data.count),
              blockRaw % miniblocksRaw == 0, (blockRaw / miniblocksRaw) % 32 == 0, blockRaw / miniblocksRaw <= 1 << 20 else {
            throw ParquetError("DELTA_BINARY_PACKED header is invalid (block \(blockRaw), miniblocks \(miniblocksRaw))")
        }
        guard totalRaw == UInt64(max(count, 0)), count >= 0 else {
            throw ParquetError("DELTA_BINARY_PACKED page holds \(totalRaw) values where \(count) are expected")
        }
        let block = Int(blockRaw), miniblocks = Int(miniblocksRaw), total = count
        let perMiniblock = block / miniblocks
        var out: [Int64] = []
        out.reserveCapacity(total)
        guard total > 0 else { return out }
        var last = wrap(try signed())
        out.append(last)
        var widths = [Int](repeating: 0, count: miniblocks)
        try data.withUnsafeBufferPointer { raw in
            let base = raw.baseAddress!, start = data.startIndex
            while out.count < total {
                let minDelta = try signed()
                for k in 0..<miniblocks { widths[k] = Int(try byte()) }
                for w in widths where out.count < total {
                    guard w <= bits else { throw ParquetError("DELTA_BINARY_PACKED bit width \(w) exceeds \(bits)") }
                    let bytes = perMiniblock * w / 8
                    guard data.endIndex - p >= bytes else { throw ParquetError("DELTA_BINARY_PACKED miniblock ends early") }
                    let take = min(perMiniblock, total - out.count)
                    var q = p - start
                    if w <= 56 {
                        // A 64-bit window refilled a byte at a time holds any value of up to 56 bits.
                        var acc: UInt64 = 0, held = 0
                        let mask: UInt64 = w == 0 ? 0 : .max >> UInt64(64 - w)
                        for _ in 0..<take {
                            while held < w { acc |= UInt64(base[q]) &<< UInt64(held); q &+= 1; held &+= 8 }
                            last = wrap(last &+ minDelta &+ Int64(bitPattern: acc & mask))
                            out.append(last)
                            acc &>>= UInt64(w); held &-= w
                        }
                    } else {
                        var acc: UInt128 = 0, held = 0
                        let mask: UInt128 = (1 << w) - 1
                        for _ in 0..<take {
                            while held < w { acc |= UInt128(base[q]) << held; q += 1; held += 8 }
                            last = wrap(last &+ minDelta &+ Int64(truncatingIfNeeded: acc & mask))
                            out.append(last)
                            acc >>= w; held -= w
                        }
                    }
                    p += bytes  // the miniblock is padded to its full length
                }
            }
        }
        return out
    }

    // MARK: dictionary

    /// A byte-array column as dictionary entries (in order of first appearance; the dictionary
    /// page is their PLAIN encoding) and RLE_DICTIONARY indices (bit width byte, then the
    /// RLE/bit-packed hybrid); which rows are non-null (nil: all).
    static func dictionary(_ column: ByteArrayColumn) -> (entries: ByteArrayColumn, indices: [UInt8], present: [Bool]?) {
        var codes: [UInt32] = []
        codes.reserveCapacity(column.count)
        var entries = ByteArrayColumn()
        var known: [ArraySlice<UInt8>: UInt32] = [:]
        var single = [UInt32](repeating: .max, count: 256)  // one-byte values, the common case
        var previous: (range: Range<Int>, code: UInt32)? = nil
        column.offsets.withUnsafeBufferPointer { off in
            for row in 0..<column.count where !column.isNull(row) {
                let range = off[row]..<off[row + 1]
                func add() -> UInt32 {
                    entries.append(Array(column.bytes[range]))
                    return UInt32(entries.count - 1)
                }
                let code: UInt32
                if range.count == 1 {
                    let b = Int(column.bytes[range.lowerBound])
                    if single[b] == .max { single[b] = add() }
                    code = single[b]
                } else if let p = previous, p.range.count == range.count, column.bytes[p.range] == column.bytes[range] {
                    code = p.code
                } else if let c = known[column.bytes[range]] {
                    code = c
                } else {
                    let c = add()
                    known[column.bytes[range]] = c
                    code = c
                }
                previous = (range, code)
                codes.append(code)
            }
        }
        let width = entries.count <= 1 ? 0 : UInt32.bitWidth - UInt32(entries.count - 1).leadingZeroBitCount
        var indices: [UInt8] = [UInt8(width)]
        hybrid(codes, bitWidth: width, to: &indices)
        return (entries, indices, column.validity)
    }

    /// `values` as RLE/bit-packed hybrid runs of `bitWidth` (≤ 32) bits: runs of 8 or more equal
    /// values as RLE runs, the rest bit-packed in groups of 8 (the last group zero-padded).
    static func hybrid(_ values: [UInt32], bitWidth: Int, to out: inout [UInt8]) {
        let n = values.count, byteWidth = (bitWidth + 7) / 8
        func run(_ i: Int) -> Int {
            var j = i + 1
            while j < n && values[j] == values[i] { j += 1 }
            return j - i
        }
        var i = 0
        while i < n {
            let r = run(i)
            if r >= 8 || bitWidth == 0 {
                varint(UInt64(r) << 1, to: &out)
                for k in 0..<byteWidth { out.append(UInt8(truncatingIfNeeded: values[i] >> (8 * k))) }
                i += r
                continue
            }
            var j = i
            repeat { j += 8 } while j < n && run(j) < 8
            varint(UInt64((j - i) / 8) << 1 | 1, to: &out)
            var acc: UInt64 = 0, held = 0
            for k in i..<j {
                acc |= UInt64(k < n ? values[k] : 0) << held
                held += bitWidth
                while held >= 8 { out.append(UInt8(truncatingIfNeeded: acc)); acc >>= 8; held -= 8 }
            }
            i = j
        }
    }
}
