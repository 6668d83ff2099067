import PrecedentCore
import PrecedentDBN
import PrecedentTestSupport
import Testing

@Suite struct SymbologyTests {
    /// The CME sample file is ESH4, instrument 17077, on 2023-12-25.
    @Test func metadataMappingIsDateAware() throws {
        let reader = try Fixtures.reader(Fixtures.cmeMBO)
        let map = SymbolMap(metadata: try #require(reader.metadata))
        #expect(map.symbol(for: 17077, on: CivilDate(year: 2023, month: 12, day: 25)) == "ESH4")
        #expect(map.symbol(for: 17077, on: CivilDate(year: 2023, month: 12, day: 26)) == nil, "the mapping ends (exclusive)")
        #expect(map.symbol(for: 17078, on: CivilDate(year: 2023, month: 12, day: 25)) == nil)
        var first: UnixNanos?
        try reader.forEachRecord { ref in if first == nil { first = ref.mbo?.tsRecv } }
        #expect(map.symbol(for: 17077, at: try #require(first)) == "ESH4")
    }

    /// The live capture carries in-band symbol-mapping records (ESZ4 among them).
    @Test func inBandMappings() throws {
        let reader = try Fixtures.reader("dbn/databento-python/LIVE/test_data.live.dbn.zst")
        var map = SymbolMap(metadata: try #require(reader.metadata))
        var mapped: [InstrumentID: String] = [:]
        try reader.forEachRecord { ref in
            if case .symbolMapping(let m)? = try ref.decode() {
                map.insert(m)
                mapped[m.hd.instrumentID] = m.stypeOutSymbol.string
            }
        }
        #expect(!mapped.isEmpty)
        for (id, symbol) in mapped {
            #expect(map.symbol(for: id, on: CivilDate(year: 2024, month: 1, day: 2)) == symbol)
        }
        #expect(mapped.values.contains("ESZ4"))
    }

    /// ES outrights are class F with tick 0.25 and
    /// multiplier 50; ES calendar spreads are class S with tick 0.05.
    @Test func definitionsSeparateSpreads() throws {
        let outrights = try InstrumentDefinitions.load(paths: [Fixtures.path("dbn/cme/definition-glbx-es-fut.dbn.zst")])
        let spreads = try InstrumentDefinitions.load(paths: [Fixtures.path("dbn/cme/definition-glbx-es-futspread.dbn.zst")])
        #expect(outrights.count > 0 && spreads.count > 0)
        for d in outrights.byID.values {
            #expect(!d.isSpread && d.instrumentClass == .future, "\(d.rawSymbol.string)")
            #expect(d.tickSize == Price(rawValue: 250_000_000))
            #expect(d.multiplier == Price(rawValue: 50 * Price.scale))
            #expect(!d.rawSymbol.string.contains("-"))
        }
        for d in spreads.byID.values {
            #expect(d.isSpread && d.instrumentClass == .futureSpread, "\(d.rawSymbol.string)")
            #expect(d.tickSize == Price(rawValue: 50_000_000))
            #expect(d.rawSymbol.string.contains("-"))
        }
        let esm4 = try InstrumentDefinitions.load(paths: [Fixtures.path("dbn/cme/esm4-glbx-mdp3-20240508.definition.dbn.zst")])
        #expect(esm4.definition(rawSymbol: "ESM4")?.hd.instrumentID == 5602)
    }
}
