import PrecedentCore

extension Metadata {
    /// Parses the metadata body (the `metadataLength` bytes after the prelude).
    /// `bodyOffset` is the body's offset in the stream, for error messages.
    static func decode(version: UInt8, body: UnsafeRawBufferPointer, bodyOffset: Int = preludeLength) throws -> Metadata {
        func fail(_ message: String, at offset: Int) -> DBNError {
            DBNError(.invalidMetadata, message, byteOffset: bodyOffset + offset,
                     hint: "The metadata block is corrupt; re-download the file")
        }
        guard body.count >= fixedLength + 4 else {
            throw fail("metadata length \(body.count) is below the minimum of \(fixedLength + 4) bytes", at: 0)
        }
        let p = body.baseAddress!
        func text(_ offset: Int, _ width: Int) -> String {
            let raw = UnsafeRawBufferPointer(start: p + offset, count: width)
            let end = raw.firstIndex(of: 0) ?? width
            return String(decoding: raw[..<end], as: UTF8.self)
        }
        let schemaRaw: UInt16 = p.le(16)
        var md = Metadata(version: version, dataset: text(0, 16),
                          schema: schemaRaw == .max ? nil : Schema(rawValue: schemaRaw),
                          start: UnixNanos(rawValue: p.le(18)), end: UnixNanos(rawValue: p.le(26)),
                          limit: p.le(34), stypeIn: nil, stypeOut: nil)
        let stypeIn: UInt8, stypeOut: UInt8, tsOut: UInt8
        if version == 1 {
            // v1: u64 record_count at 42 (deprecated), then stype_in, stype_out, ts_out.
            (stypeIn, stypeOut, tsOut) = (p.le(50), p.le(51), p.le(52))
            md.symbolCstrLen = symbolCstrLenV1
        } else {
            (stypeIn, stypeOut, tsOut) = (p.le(42), p.le(43), p.le(44))
            md.symbolCstrLen = Int(p.le(45) as UInt16)
            guard md.symbolCstrLen > 0 else { throw fail("symbol_cstr_len is 0", at: 45) }
        }
        md.stypeIn = stypeIn == .max ? nil : SType(rawValue: stypeIn)
        md.stypeOut = stypeOut == .max ? nil : SType(rawValue: stypeOut)
        guard tsOut <= 1 else { throw fail("ts_out is \(tsOut), expected 0 or 1", at: version == 1 ? 52 : 44) }
        md.tsOut = tsOut == 1
        let schemaDefinitionLength: UInt32 = p.le(fixedLength)
        guard schemaDefinitionLength == 0 else {
            throw fail("schema_definition_length is \(schemaDefinitionLength); only 0 is defined", at: fixedLength)
        }

        var pos = fixedLength + 4
        let width = md.symbolCstrLen
        func need(_ n: Int, _ what: String) throws {
            guard n >= 0, pos + n <= body.count else {
                throw fail("\(what) runs past the end of the \(body.count)-byte metadata", at: pos)
            }
        }
        func count(_ what: String) throws -> Int {
            try need(4, what)
            defer { pos += 4 }
            return Int(p.le(pos) as UInt32)
        }
        func symbolList(_ what: String) throws -> [String] {
            let n = try count(what)
            try need(n * width, what)
            defer { pos += n * width }
            return (0..<n).map { text(pos + $0 * width, width) }
        }
        md.symbols = try symbolList("symbols")
        md.partial = try symbolList("partial")
        md.notFound = try symbolList("not_found")
        let mappingCount = try count("mappings")
        md.mappings.reserveCapacity(min(mappingCount, body.count / (width + 4)))
        for _ in 0..<mappingCount {
            try need(width, "a mapping's raw_symbol")
            let raw = text(pos, width)
            pos += width
            let intervalCount = try count("a mapping's interval count")
            try need(intervalCount * (8 + width), "mapping intervals of \(raw)")
            var intervals: [SymbolMapping.Interval] = []
            intervals.reserveCapacity(intervalCount)
            for _ in 0..<intervalCount {
                let s: UInt32 = p.le(pos), e: UInt32 = p.le(pos + 4)
                guard let start = CivilDate(yyyymmdd: s), let end = CivilDate(yyyymmdd: e) else {
                    throw fail("mapping interval of \(raw) has an invalid date (\(s)–\(e))", at: pos)
                }
                intervals.append(.init(startDate: start, endDate: end, symbol: text(pos + 8, width)))
                pos += 8 + width
            }
            md.mappings.append(SymbolMapping(rawSymbol: raw, intervals: intervals))
        }
        // v3 pads the body to a multiple of 8 with zeros; anything after the
        // mappings is padding and is ignored, as Databento's decoder does.
        return md
    }

    /// Encodes prelude and metadata as DBN v3 (`symbol_cstr_len` 71, zero
    /// padding to a multiple of 8). Throws if a text field does not fit.
    public func encodedV3() throws -> [UInt8] {
        let width = Metadata.symbolCstrLenV3
        var out = [UInt8](repeating: 0, count: Metadata.preludeLength + Metadata.fixedLength + 4)
        func put(_ text: String, width: Int, what: String) throws {
            let utf8 = Array(text.utf8)
            guard utf8.count < width else {
                throw DBNError(.encoding, "\(what) '\(text)' needs \(utf8.count) bytes; at most \(width - 1) fit")
            }
            out.append(contentsOf: utf8)
            out.append(contentsOf: repeatElement(0, count: width - utf8.count))
        }
        func putU32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        let dset = Array(dataset.utf8)
        guard dset.count <= 16 else { throw DBNError(.encoding, "dataset '\(dataset)' is longer than 16 bytes") }
        out.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            p.copyMemory(from: Array("DBN".utf8), byteCount: 3)
            p.storeLE(Metadata.latestVersion, 3)
            let b = p + Metadata.preludeLength
            for (i, c) in dset.enumerated() { b.storeLE(c, i) }
            b.storeLE(schema?.rawValue ?? .max, 16)
            b.storeLE(start.rawValue, 18)
            b.storeLE(end.rawValue, 26)
            b.storeLE(limit, 34)
            b.storeLE(stypeIn?.rawValue ?? .max, 42)
            b.storeLE(stypeOut?.rawValue ?? .max, 43)
            b.storeLE(UInt8(tsOut ? 1 : 0), 44)
            b.storeLE(UInt16(width), 45)
            // 47..<100 reserved (zero); 100: schema_definition_length = 0.
        }
        for (list, what) in [(symbols, "symbol"), (partial, "partial symbol"), (notFound, "not_found symbol")] {
            putU32(UInt32(list.count))
            for s in list { try put(s, width: width, what: what) }
        }
        putU32(UInt32(mappings.count))
        for m in mappings {
            try put(m.rawSymbol, width: width, what: "mapping raw_symbol")
            putU32(UInt32(m.intervals.count))
            for iv in m.intervals {
                putU32(iv.startDate.yyyymmdd)
                putU32(iv.endDate.yyyymmdd)
                try put(iv.symbol, width: width, what: "mapping symbol")
            }
        }
        while out.count % 8 != 0 { out.append(0) }
        let metadataLength = UInt32(out.count - Metadata.preludeLength)
        out.withUnsafeMutableBytes { $0.baseAddress!.storeLE(metadataLength, 4) }
        return out
    }
}
