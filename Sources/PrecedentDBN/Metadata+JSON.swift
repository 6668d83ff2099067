extension Metadata {
    /// The metadata as one JSON object, field names as in `databento-dbn`
    /// (`start`/`end` in UTC ns; `end` is `UInt64.max` when not set, as stored).
    public var json: String {
        let strings = { (list: [String]) in JSONText.array(list.map(JSONText.quoted)) }
        let mappingsJSON = JSONText.array(mappings.map { m in
            JSONText.object([
                ("raw_symbol", JSONText.quoted(m.rawSymbol)),
                ("intervals", JSONText.array(m.intervals.map { iv in
                    JSONText.object([("start_date", JSONText.quoted(iv.startDate.description)),
                                     ("end_date", JSONText.quoted(iv.endDate.description)),
                                     ("symbol", JSONText.quoted(iv.symbol))])
                })),
            ])
        })
        return JSONText.object([
            ("version", String(version)),
            ("dataset", JSONText.quoted(dataset)),
            ("schema", schema.map { JSONText.quoted($0.description) } ?? "null"),
            ("start", String(start.rawValue)),
            ("end", String(end.rawValue)),
            ("limit", String(limit)),
            ("stype_in", stypeIn.map { JSONText.quoted($0.description) } ?? "null"),
            ("stype_out", stypeOut.map { JSONText.quoted($0.description) } ?? "null"),
            ("ts_out", tsOut ? "true" : "false"),
            ("symbol_cstr_len", String(symbolCstrLen)),
            ("symbols", strings(symbols)),
            ("partial", strings(partial)),
            ("not_found", strings(notFound)),
            ("mappings", mappingsJSON),
        ])
    }
}
