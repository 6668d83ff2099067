import PrecedentDBN

extension ParquetColumn {
    /// The value at `row` as JSON text, interpreted through `field`'s logical
    /// type: unsigned integers unsigned, strings as text, timestamps and dates
    /// as their stored integers, null as `null`.
    public func json(at row: Int, field: ParquetField) -> String {
        switch self {
        case .group(let children, let present):
            if present?[row] == false { return "null" }
            return "{" + zip(field.children, children).map { "\"\($0.name)\":" + $1.json(at: row, field: $0) }
                .joined(separator: ",") + "}"
        case .boolean(let v): return v[row].map { $0 ? "true" : "false" } ?? "null"
        case .int32(let v):
            guard let x = v[row] else { return "null" }
            if case .integer(let bits, false)? = field.logical {
                return String(UInt32(bitPattern: x) & (bits == 32 ? .max : (1 << UInt32(bits)) - 1))
            }
            return String(x)
        case .int64(let v):
            guard let x = v[row] else { return "null" }
            return field.isUnsigned ? String(UInt64(bitPattern: x)) : String(x)
        case .float(let v): return v[row].map { $0.isFinite ? "\($0)" : "null" } ?? "null"
        case .double(let v): return v[row].map { $0.isFinite ? "\($0)" : "null" } ?? "null"
        case .bytes(let v): return v.string(row).map(JSONText.quoted) ?? "null"
        }
    }
}
