// Little-endian unaligned loads and stores. DBN v1/v2 records are usually not
// 8-byte aligned (metadata is not padded), so every access is unaligned.

extension UnsafeRawPointer {
    /// Loads a little-endian integer at `offset`. The caller has bounds-checked
    /// the record once; this does no checking of its own.
    @inlinable @inline(__always)
    func le<T: FixedWidthInteger>(_ offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension UnsafeMutableRawPointer {
    @inlinable @inline(__always)
    func le<T: FixedWidthInteger>(_ offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Stores `value` little-endian at `offset`; the caller guarantees the room.
    @inlinable @inline(__always)
    func storeLE<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
}
