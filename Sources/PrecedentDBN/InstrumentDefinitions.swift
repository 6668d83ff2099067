import PrecedentCore

/// The latest instrument definition per `instrument_id` (by `ts_recv`:
/// definitions are re-sent, e.g. daily), with the facts the pipeline needs.
public struct InstrumentDefinitions: Sendable {
    public private(set) var byID: [InstrumentID: InstrumentDefMsg] = [:]

    public init() {}

    /// Keeps `definition` if it is at least as recent as the one held.
    public mutating func insert(_ definition: InstrumentDefMsg) {
        let id = definition.hd.instrumentID
        if let held = byID[id], held.tsRecv > definition.tsRecv { return }
        byID[id] = definition
    }

    /// Reads every definition record of the given DBN files.
    public static func load(paths: [String]) throws -> InstrumentDefinitions {
        var index = InstrumentDefinitions()
        for path in paths {
            try DBNFileReader(path: path).forEachRecord { ref in
                guard ref.rtype == RType.instrumentDef, case .instrumentDef(let d)? = try ref.decode() else { return }
                index.insert(d)
            }
        }
        return index
    }

    public subscript(id: InstrumentID) -> InstrumentDefMsg? { byID[id] }

    /// The latest definition with this raw symbol (e.g. `ESH4`), if any.
    /// - Complexity: O(n) over the definitions held.
    public func definition(rawSymbol: String) -> InstrumentDefMsg? {
        byID.values.filter { $0.rawSymbol.string == rawSymbol }.max { $0.tsRecv < $1.tsRecv }
    }

    public var count: Int { byID.count }
}

extension InstrumentDefMsg {
    /// Minimum price increment (tick), fixed point 1e-9 (ES: 0.25; ES calendar spreads: 0.05).
    public var tickSize: Price { minPriceIncrement }
    /// Contract multiplier (`unit_of_measure_qty`, fixed point 1e-9; ES: 50).
    public var multiplier: Price { unitOfMeasureQty }
    /// Number of legs (v3 definitions; 0 for outrights and for v1/v2 data).
    public var legs: Int { Int(legCount) }
    /// True for spreads and multi-leg strategies, which must never feed
    /// outright books, bars or features.
    public var isSpread: Bool { instrumentClass.isSpread || legCount > 0 }
}
