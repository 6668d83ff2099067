import Foundation

/// Byte strings of one column, stored columnar: every value's bytes back to
/// back in `bytes`, value `i` at `offsets[i]..<offsets[i + 1]`, and `validity`
/// (nil when no value is null; a null has an empty range). One allocation per
/// column instead of one per value.
public struct ByteArrayColumn: Sendable, Equatable {
    public private(set) var offsets: [Int]
    public private(set) var bytes: [UInt8]
    /// `validity[i]` is false for a null; nil when every value is present.
    public private(set) var validity: [Bool]?

    public init() { offsets = [0]; bytes = []; validity = nil }

    public init(_ values: [[UInt8]?]) {
        self.init()
        reserveCapacity(values.count, bytes: values.reduce(0) { $0 + ($1?.count ?? 0) })
        for v in values { append(v) }
    }

    public init(strings: [String?]) { self.init(strings.map { $0.map { Array($0.utf8) } }) }

    /// Values and bytes already laid out (`offsets.count == count + 1`).
    init(offsets: [Int], bytes: [UInt8], validity: [Bool]?) {
        self.offsets = offsets; self.bytes = bytes
        self.validity = validity?.contains(false) == true ? validity : nil
    }

    /// `count` copies of `value`.
    public init(repeating value: [UInt8], count: Int) {
        let n = value.count
        self.init(offsets: (0...count).map { $0 * n },
                  bytes: n == 1 ? [UInt8](repeating: value[0], count: count)
                      : [UInt8](unsafeUninitializedCapacity: n * count) { buffer, initialized in
                          value.withUnsafeBufferPointer { v in
                              for i in 0..<count { _ = UnsafeMutableBufferPointer(rebasing: buffer[(i * n)...]).initialize(fromContentsOf: v) }
                          }
                          initialized = n * count
                      },
                  validity: nil)
    }

    /// One-byte values from `codes`, where code 0 stands for the empty string (DBN's
    /// `action` and `side` characters, whose 0 means none).
    public init(byteCodes codes: [UInt8]) {
        var offsets = [Int](repeating: 0, count: codes.count + 1)
        var bytes = [UInt8]()
        bytes.reserveCapacity(codes.count)
        for (i, c) in codes.enumerated() {
            if c != 0 { bytes.append(c) }
            offsets[i + 1] = bytes.count
        }
        self.init(offsets: offsets, bytes: bytes, validity: nil)
    }

    public var count: Int { offsets.count - 1 }

    public mutating func reserveCapacity(_ values: Int, bytes total: Int) {
        offsets.reserveCapacity(values + 1)
        bytes.reserveCapacity(total)
    }

    public mutating func append(_ value: [UInt8]?) {
        if let value {
            bytes += value
            validity?.append(true)
        } else {
            if validity == nil { validity = [Bool](repeating: true, count: count) }
            validity!.append(false)
        }
        offsets.append(bytes.count)
    }

    /// Appends a present value from raw memory (no intermediate array).
    public mutating func append(bytes value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
        validity?.append(true)
        offsets.append(bytes.count)
    }

    public mutating func append(contentsOf other: ByteArrayColumn) {
        let shift = bytes.count
        if validity != nil || other.validity != nil {
            validity = (validity ?? [Bool](repeating: true, count: count)) + (other.validity ?? [Bool](repeating: true, count: other.count))
        }
        bytes += other.bytes
        offsets += other.offsets.dropFirst().map { $0 + shift }
    }

    @inlinable public func isNull(_ i: Int) -> Bool { validity?[i] == false }

    /// Value `i` (a copy), or nil for a null.
    public subscript(i: Int) -> [UInt8]? { isNull(i) ? nil : Array(bytes[offsets[i]..<offsets[i + 1]]) }

    /// Value `i` as UTF-8 text, or nil for a null.
    public func string(_ i: Int) -> String? {
        isNull(i) ? nil : String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self)
    }

    /// The first byte of value `i`, 0 when it is empty or null (one-character DBN fields).
    @inlinable public func first(_ i: Int) -> UInt8 {
        offsets[i + 1] > offsets[i] ? bytes[offsets[i]] : 0
    }

    /// Every value as its own array (for small tables and tests).
    public var values: [[UInt8]?] { (0..<count).map { self[$0] } }

    /// The values with nulls where `present` is false.
    func masked(by present: [Bool]) -> ByteArrayColumn {
        var out = ByteArrayColumn()
        for i in 0..<count { out.append(present[i] && !isNull(i) ? self[i] : nil) }
        return out
    }

    /// Unsigned lexicographic comparison of values `i` and `j` of `a` and `b`.
    static func less(_ a: ByteArrayColumn, _ i: Int, _ b: ByteArrayColumn, _ j: Int) -> Bool {
        let la = a.offsets[i + 1] - a.offsets[i], lb = b.offsets[j + 1] - b.offsets[j]
        let n = min(la, lb)
        if n > 0 {
            let c = a.bytes.withUnsafeBufferPointer { x in
                b.bytes.withUnsafeBufferPointer { y in memcmp(x.baseAddress! + a.offsets[i], y.baseAddress! + b.offsets[j], n) }
            }
            if c != 0 { return c < 0 }
        }
        return la < lb
    }
}
