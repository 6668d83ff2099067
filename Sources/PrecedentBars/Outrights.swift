import Foundation
import PrecedentCore
import PrecedentDBN

/// Outright vs spread (docs/BARS.md): by the instrument definition when there is one
/// (`instrument_class` F, no legs), else by the strict per-root pattern
/// (`^ES[FGHJKMNQUVXZ][0-9]{1,2}$`). Everything else is counted, never fed to a series.
public struct OutrightFilter: Sendable {
    public enum Verdict: String, Sendable { case outright, spread, otherRoot = "other_root" }

    public let root: String
    public let definitions: InstrumentDefinitions
    private let pattern: NSRegularExpression

    public init(root: String, definitions: InstrumentDefinitions = InstrumentDefinitions(), pattern: String? = nil) throws {
        self.root = root
        self.definitions = definitions
        self.pattern = try NSRegularExpression(pattern: pattern ?? "^\(root)[FGHJKMNQUVXZ][0-9]{1,2}$")
    }

    public func classify(symbol: String, instrumentID: InstrumentID? = nil) -> Verdict {
        if let id = instrumentID, let d = definitions[id] {
            if d.isSpread { return .spread }
            return symbol.hasPrefix(root) && pattern.firstMatch(in: symbol, range: NSRange(symbol.startIndex..., in: symbol)) != nil
                ? .outright : .otherRoot
        }
        if pattern.firstMatch(in: symbol, range: NSRange(symbol.startIndex..., in: symbol)) != nil { return .outright }
        // Calendar spreads are named LEG1-LEG2 (ESM4-ESU4) or carry a root with a spread suffix.
        return symbol.hasPrefix(root) ? .spread : .otherRoot
    }
}

/// DBN OHLCV records (`ohlcv-1s/1m/1h/1d/eod`) as bars, named by the file's symbology.
public enum DBNBars {
    public static func read(path: String) throws -> (bars: [Bar], unmapped: Int) {
        let reader = try DBNFileReader(path: path)
        let symbols = reader.metadata.map(SymbolMap.init(metadata:)) ?? SymbolMap()
        var bars: [Bar] = [], unmapped = 0
        try reader.forEachRecord { ref in
            guard case .ohlcv(let o)? = try ref.decode() else { return }
            guard let name = symbols.symbol(for: o.hd.instrumentID, at: o.hd.tsEvent) else { unmapped += 1; return }
            bars.append(Bar(contract: name, start: o.hd.tsEvent, open: o.open, high: o.high, low: o.low, close: o.close,
                            volume: Int64(clamping: o.volume)))
        }
        return (bars, unmapped)
    }
}

/// Price sanity before any load: every price on the contract's tick grid, and every
/// close within `band` (a fraction) of the contract's median close. A spread's price
/// (60.25 for an ES calendar spread, on a 0.05 grid) fails both.
public enum PriceSanity {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public var contract: String
        public var start: UnixNanos
        public var reason: String
        public var description: String { "\(contract) \(start.iso8601 ?? ""): \(reason)" }
    }

    public static func check(_ bars: [Bar], tick: Price, band: Double = 0.2) -> [Issue] {
        var issues: [Issue] = []
        for (contract, series) in Dictionary(grouping: bars, by: \.contract).sorted(by: { $0.key < $1.key }) {
            let closes = series.compactMap { $0.close.doubleValue }.sorted()
            let median = closes.isEmpty ? 0 : closes[closes.count / 2]
            for b in series {
                for (name, p) in [("open", b.open), ("high", b.high), ("low", b.low), ("close", b.close)]
                where p.isDefined && p.rawValue % tick.rawValue != 0 {
                    issues.append(Issue(contract: contract, start: b.start, reason: "\(name) \(p.decimalString ?? "") is off the \(tick.decimalString ?? "") tick grid"))
                }
                if let c = b.close.doubleValue, median > 0, abs(c / median - 1) > band {
                    issues.append(Issue(contract: contract, start: b.start,
                                        reason: "close \(b.close.decimalString ?? "") is \(Int((abs(c / median - 1) * 100).rounded())) % from the median \(median)"))
                }
            }
        }
        return issues
    }
}
