import PrecedentCore

/// Renders records as JSON lines or CSV with the official `databento-dbn`
/// field names: prices as their stored integers (1e-9 units), timestamps as
/// integer nanoseconds, one-character fields as one-character strings and
/// fixed-width strings without their NUL padding. With `pretty`, prices become
/// exact decimals and timestamps ISO 8601 (UTC, nanoseconds); undefined
/// sentinels become `null` (JSON) or empty (CSV).
public struct RecordTextFormatter {
    public enum Format: String, Sendable, CaseIterable { case jsonl, csv }

    public var format: Format
    public var pretty: Bool
    private var scratch: [UInt8] = []

    public init(format: Format, pretty: Bool = false) {
        self.format = format; self.pretty = pretty
    }

    /// The CSV header line for `layout` (`ts_out` appended when present).
    public func csvHeader(for layout: any DBNRecordLayout.Type, tsOut: Bool) -> String {
        (layout.fields.map(\.name) + (tsOut ? ["ts_out"] : [])).joined(separator: ",")
    }

    /// One rendered value.
    private enum Cell { case number(String), text(String), null }

    /// One line (no newline) for `record`.
    public mutating func line(for record: DBNRecord, tsOut: UnixNanos? = nil) -> String {
        let layout = record.layout
        // The scratch buffer is moved out while `cell` (a method on self) runs.
        var buffer: [UInt8] = []
        swap(&buffer, &scratch)
        defer { swap(&buffer, &scratch) }
        if buffer.count < layout.recordSize { buffer = [UInt8](repeating: 0, count: layout.recordSize) }
        var cells: [(String, Cell)] = []
        cells.reserveCapacity(layout.fields.count + 1)
        buffer.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            record.write(to: p)
            for f in layout.fields { cells.append((f.name, cell(f.kind, UnsafeRawPointer(p) + f.offset))) }
        }
        if let tsOut { cells.append(("ts_out", timestamp(tsOut))) }
        switch format {
        case .jsonl:
            return "{" + cells.map { "\"\($0.0)\":" + json($0.1) }.joined(separator: ",") + "}"
        case .csv:
            return cells.map { csv($0.1) }.joined(separator: ",")
        }
    }

    private func cell(_ kind: FieldKind, _ p: UnsafeRawPointer) -> Cell {
        switch kind {
        case .u8, .flags: return .number(String(p.load(as: UInt8.self)))
        case .u16: return .number(String(p.le(0) as UInt16))
        case .u32: return .number(String(p.le(0) as UInt32))
        case .u64: return .number(String(p.le(0) as UInt64))
        case .i8: return .number(String(p.load(as: Int8.self)))
        case .i16: return .number(String(p.le(0) as Int16))
        case .i32: return .number(String(p.le(0) as Int32))
        case .i64: return .number(String(p.le(0) as Int64))
        case .price:
            let price = Price(rawValue: p.le(0))
            guard pretty else { return .number(String(price.rawValue)) }
            return price.decimalString.map(Cell.number) ?? .null
        case .timestamp:
            return timestamp(UnixNanos(rawValue: p.le(0)))
        case .char:
            let b = p.load(as: UInt8.self)
            return .text(b == 0 ? "" : String(decoding: [b], as: UTF8.self))
        case .string(let width):
            let raw = UnsafeRawBufferPointer(start: p, count: width)
            let end = raw.firstIndex(of: 0) ?? width
            return .text(String(decoding: raw[..<end], as: UTF8.self))
        }
    }

    private func timestamp(_ t: UnixNanos) -> Cell {
        guard pretty else { return .number(String(t.rawValue)) }
        return t.iso8601.map(Cell.text) ?? .null
    }

    private func json(_ c: Cell) -> String {
        switch c {
        case .number(let n): return n
        case .null: return "null"
        case .text(let s): return JSONText.quoted(s)
        }
    }

    /// RFC 4180: quote a text cell only when it holds a comma, quote or line break.
    private func csv(_ c: Cell) -> String {
        switch c {
        case .number(let n): return n
        case .null: return ""
        case .text(let s):
            guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
            var out = "\""
            for ch in s { out += ch == "\"" ? "\"\"" : String(ch) }
            return out + "\""
        }
    }
}
