/// A fixed-width, NUL-padded ASCII field (`raw_symbol`, `currency`, …) stored
/// inline, so records stay plain values with no heap storage. All `count` bytes
/// are kept, bytes after the first NUL included, so a record round-trips
/// byte for byte.
public struct FixedString<let count: Int>: Sendable, Hashable {
    public var bytes: InlineArray<count, UInt8>

    /// All zero bytes (the empty string).
    @inlinable public init() { bytes = InlineArray(repeating: 0) }

    /// `text`'s UTF-8 bytes, NUL padded. Precondition: it fits in `count` bytes.
    public init(_ text: String) {
        self.init()
        let utf8 = Array(text.utf8)
        precondition(utf8.count <= count, "'\(text)' does not fit in \(count) bytes")
        for (i, b) in utf8.enumerated() { bytes[i] = b }
    }

    /// Copies `count` bytes from `p`.
    @inlinable public init(unchecked p: UnsafeRawPointer) {
        self.init()
        withUnsafeMutableBytes(of: &bytes) { dst in
            // Safe: InlineArray<count, UInt8> occupies exactly `count` contiguous bytes.
            dst.baseAddress!.copyMemory(from: p, byteCount: count)
        }
    }

    @inlinable public func write(to p: UnsafeMutableRawPointer) {
        withUnsafeBytes(of: bytes) { src in
            p.copyMemory(from: src.baseAddress!, byteCount: count)
        }
    }

    /// The text up to the first NUL (Databento's `c_chars_to_str`), decoded as UTF-8.
    public var string: String {
        withUnsafeBytes(of: bytes) { raw in
            let end = raw.firstIndex(of: 0) ?? count
            return String(decoding: raw[..<end], as: UTF8.self)
        }
    }

    public static func == (a: Self, b: Self) -> Bool {
        withUnsafeBytes(of: a.bytes) { x in withUnsafeBytes(of: b.bytes) { y in x.elementsEqual(y) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: bytes) { hasher.combine(bytes: $0) }
    }
}
