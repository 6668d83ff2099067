/// A fixed-layout DBN record struct (generated from `docs/DBN_LAYOUTS.md`).
public protocol DBNRecordLayout: Sendable, Equatable {
    /// Encoded size in bytes without a `ts_out` suffix.
    static var recordSize: Int { get }
    /// The record's output fields, in the official `databento-dbn` names and order.
    static var fields: [FieldSpec] { get }
    var hd: RecordHeader { get set }
    /// Reads a record; the caller guarantees `recordSize` readable bytes.
    init(unchecked p: UnsafeRawPointer)
    /// Writes `recordSize` bytes; the header is written as stored in `hd`.
    func write(to p: UnsafeMutableRawPointer)
}

/// How a field is stored and shown.
public enum FieldKind: Sendable, Equatable {
    case u8, u16, u32, u64, i8, i16, i32, i64
    /// i64 fixed point, 1e-9 units; `Int64.max` is undefined.
    case price
    /// u64 UTC nanoseconds; `UInt64.max` is undefined.
    case timestamp
    /// u8 bit field (`RecordFlags`).
    case flags
    /// One ASCII character.
    case char
    /// Fixed-width NUL-padded text of the given width.
    case string(Int)
}

/// One output field of a record: its official name, byte offset in the latest
/// (v3) layout and kind.
public struct FieldSpec: Sendable, Equatable {
    public var name: String
    public var offset: Int
    public var kind: FieldKind
    public init(_ name: String, _ offset: Int, _ kind: FieldKind) {
        self.name = name; self.offset = offset; self.kind = kind
    }
}
