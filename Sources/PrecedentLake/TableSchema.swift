import PrecedentDBN

/// A table's declared schema: its columns with their docs (units, null rules),
/// exportable as an Avro schema (`.avsc`) and a BigQuery JSON schema.
public struct TableSchema: Sendable, Equatable {
    public var name: String
    public var doc: String
    public var fields: [ParquetField]

    public init(name: String, doc: String = "", fields: [ParquetField]) {
        self.name = name; self.doc = doc; self.fields = fields
    }

    /// Avro schema (JSON). Nullable fields are `["null", T]` with default null;
    /// dates, timestamps and groups use Avro's logical types and nested records.
    /// Avro has no unsigned integers: unsigned columns are `int`/`long`, which
    /// holds every value but uint32 ≥ 2³¹ and uint64 ≥ 2⁶³ (said in the doc).
    public func avroJSON() -> String {
        func q(_ s: String) -> String { JSONText.quoted(s) }
        func type(_ f: ParquetField) -> String {
            if f.isGroup {
                return "{\"type\":\"record\",\"name\":\(q(f.name)),\"fields\":[" + f.children.map(field).joined(separator: ",") + "]}"
            }
            switch (f.type, f.logical) {
            case (_, .date?): return "{\"type\":\"int\",\"logicalType\":\"date\"}"
            case (_, .timestamp(let unit, let utc)?):
                let u = unit == .millis ? "millis" : unit == .micros ? "micros" : "nanos"
                return "{\"type\":\"long\",\"logicalType\":\"\(utc ? "" : "local-")timestamp-\(u)\"}"
            case (_, .string?): return "\"string\""
            case (.boolean, _): return "\"boolean\""
            case (.int32, .integer(32, false)?): return "\"long\""  // uint32 fits a long
            case (.int32, _): return "\"int\""
            case (.int64, _): return "\"long\""
            case (.float, _): return "\"float\""
            case (.double, _): return "\"double\""
            default: return "\"bytes\""
            }
        }
        func field(_ f: ParquetField) -> String {
            var doc = f.doc
            if case .integer(64, false)? = f.logical { doc += (doc.isEmpty ? "" : " ") + "(unsigned 64-bit in Parquet)" }
            let t = f.nullable ? "[\"null\",\(type(f))],\"default\":null" : type(f)
            return "{\"name\":\(q(f.name)),\"type\":\(t)" + (doc.isEmpty ? "" : ",\"doc\":\(q(doc))") + "}"
        }
        return "{\"type\":\"record\",\"name\":\(q(name))" + (doc.isEmpty ? "" : ",\"doc\":\(q(doc))")
            + ",\"fields\":[" + fields.map(field).joined(separator: ",") + "]}"
    }

    /// BigQuery JSON schema (`bq load --schema`): one entry per column with
    /// name, type, mode and description; groups are RECORDs with their fields.
    public func bigQueryJSON() -> String {
        func entry(_ f: ParquetField, _ indent: String) -> String {
            let type: String
            if f.isGroup { type = "RECORD" } else {
                switch (f.type, f.logical) {
                case (_, .date?): type = "DATE"
                case (_, .timestamp(_, let utc)?): type = utc ? "TIMESTAMP" : "DATETIME"
                case (_, .string?): type = "STRING"
                case (.boolean, _): type = "BOOL"
                case (.int32, _), (.int64, _): type = "INT64"
                case (.float, _), (.double, _): type = "FLOAT64"
                default: type = "BYTES"
                }
            }
            var parts = ["\"name\": \(JSONText.quoted(f.name))", "\"type\": \"\(type)\"",
                         "\"mode\": \"\(f.nullable ? "NULLABLE" : "REQUIRED")\""]
            if !f.doc.isEmpty { parts.append("\"description\": \(JSONText.quoted(f.doc))") }
            if f.isGroup {
                parts.append("\"fields\": [\n" + f.children.map { entry($0, indent + "    ") }.joined(separator: ",\n") + "\n\(indent)  ]")
            }
            return indent + "{" + parts.joined(separator: ", ") + "}"
        }
        return "[\n" + fields.map { entry($0, "  ") }.joined(separator: ",\n") + "\n]\n"
    }
}
