import Foundation
import PrecedentCore
import PrecedentLake

/// The silver table `level_vacuum_5s`: one row per contract × trade date ×
/// level × window, both approach frames (`u_` from below, `f_` from above).
/// Every column is defined in `docs/FEATURES.md`.
public enum SilverTable {
    static let frames = VacuumZones.frameNames, zones = VacuumZones.zoneNames
    static let sides = VacuumZones.sideNames, quantities = VacuumZones.quantityNames

    public static let fields: [ParquetField] = {
        var f: [ParquetField] = [
            ParquetField("symbol", .byteArray, logical: .string, doc: "root symbol (ES)"),
            ParquetField("contract", .byteArray, logical: .string, doc: "contract (ESH4) the features are computed on"),
            ParquetField("trade_date", .int32, logical: .date, doc: "exchange trade date"),
            ParquetField("level_id", .byteArray, logical: .string, doc: "level kind (or_high, pm_low, …)"),
            ParquetField("level_price", .int64, doc: "level price L, fixed point 1e-9"),
            ParquetField("level_ticks", .int64, doc: "level price in ticks: ⌊L / tick⌋"),
            ParquetField("window_index", .int32, doc: "window index k: the window starts k × window length after the analysis start"),
            ParquetField("window_start", .int64, logical: .timestamp(.nanos, utc: true), doc: "start of the window, UTC ns (inclusive)"),
            ParquetField("window_end", .int64, logical: .timestamp(.nanos, utc: true), doc: "end of the window, UTC ns (exclusive)"),
            ParquetField("events", .int64, doc: "MBO records applied in the window"),
            ParquetField("book_reset", .boolean, doc: "a clear record or snapshot rebuilt the book in the window (its removals count as pulled, its orders as added)"),
            ParquetField("volume", .int64, doc: "contracts traded in the window (T records)"),
            ParquetField("buy_volume", .int64, doc: "contracts traded with a buying aggressor (side B)"),
            ParquetField("sell_volume", .int64, doc: "contracts traded with a selling aggressor (side A)"),
        ]
        for (fi, p) in frames.enumerated() {
            let frame = fi == 0 ? "up frame, x = (p − L)/tick" : "down frame, x = (L − p)/tick"
            for z in zones { for s in sides { for q in quantities {
                f.append(ParquetField("\(p)_\(z)_\(s)_\(q)", .int64, doc: "\(q) on the \(s) side in zone \(z), \(frame); contracts (orders for `orders`)"))
            } } }
            for z in zones { for s in sides {
                f.append(ParquetField("\(p)_\(z)_\(s)_pull_share", .double, nullable: true, doc: "pulled / (added + pulled); null when both are 0"))
                f.append(ParquetField("\(p)_\(z)_\(s)_net_change", .int64, doc: "added − pulled − filled, contracts"))
            } }
            for half in ["beyond", "approach"] { for s in sides {
                f.append(ParquetField("\(p)_\(half)_\(s)_inner_slope", .double, doc: "ln((depth_near + 1) / (depth_at + 1))"))
                f.append(ParquetField("\(p)_\(half)_\(s)_convex_slope", .double, doc: "ln((depth_far + 1) / (depth_near + 1))"))
            } }
            f += [
                ParquetField("\(p)_x_bid", .int64, nullable: true, doc: "best bid offset in ticks at window end; null when no bid"),
                ParquetField("\(p)_x_ask", .int64, nullable: true, doc: "best ask offset in ticks at window end; null when no ask"),
                ParquetField("\(p)_dx_bid", .int64, nullable: true, doc: "x_bid minus x_bid at the previous window end; null if either is null"),
                ParquetField("\(p)_dx_ask", .int64, nullable: true, doc: "x_ask minus x_ask at the previous window end; null if either is null"),
                ParquetField("\(p)_x_mid", .double, nullable: true, doc: "mid offset in ticks at window end; null unless both sides exist"),
                ParquetField("\(p)_dx_mid", .double, nullable: true, doc: "x_mid minus x_mid at the previous window end (velocity, ticks per window)"),
                ParquetField("\(p)_toward_volume", .int64, doc: "aggressor volume pushing toward the level (buys in u, sells in f)"),
                ParquetField("\(p)_away_volume", .int64, doc: "aggressor volume pushing away (sells in u, buys in f)"),
                ParquetField("\(p)_beyond_volume", .int64, doc: "volume traded at or beyond the level (x ≥ 0)"),
                ParquetField("\(p)_ofi", .int64, nullable: true, doc: "order-flow imbalance at the best quotes, signed in the frame; null when the book was never two-sided"),
            ]
        }
        return f
    }()

    /// A price's offset from level `l` in ticks in a frame (`sign` 1 up, −1 down): ⌊sign·(p − l)/tick⌋.
    static func offset(_ p: Int64?, level l: Int64, tick: Int64, sign: Int64) -> Int64? {
        p.map { (sign * ($0 - l)).floorDivided(by: tick) }
    }

    /// The mid's offset in ticks in a frame, exactly from integer prices; nil unless both sides exist.
    static func midOffset(bid: Int64?, ask: Int64?, level l: Int64, tick: Int64, sign: Int64) -> Double? {
        guard let bid, let ask else { return nil }
        return Double(sign * ((bid - l) + (ask - l))) / Double(2 * tick)
    }

    /// pulled / (added + pulled); nil when both are 0.
    static func pullShare(added: Int64, pulled: Int64) -> Double? {
        added + pulled == 0 ? nil : Double(pulled) / Double(added + pulled)
    }

    /// ln((outer + 1) / (inner + 1)) of two zones' depths.
    static func slope(inner: Int64, outer: Int64) -> Double { log(Double(outer + 1) / Double(inner + 1)) }

    public static func schema() -> TableSchema {
        TableSchema(name: "level_vacuum_5s", doc: "Level-vacuum features per contract, trade date, level and 5-second window (docs/FEATURES.md)", fields: fields)
    }

    /// Columns for `rows` of one contract and date, in `fields` order.
    public static func columns(rows: [VacuumRow], levels: [LevelVacuumEngine.Level], tick: Int64,
                               root: String, contract: String, tradeDate: CivilDate) -> [ParquetColumn] {
        var out: [ParquetColumn] = []
        func i64(_ f: (VacuumRow) -> Int64?) { out.append(.int64(rows.map(f))) }
        func dbl(_ f: (VacuumRow) -> Double?) { out.append(.double(rows.map(f))) }
        func str(_ f: (VacuumRow) -> String) { out.append(.byteArray(rows.map { Array(f($0).utf8) })) }
        // The 160 base quantities of every row side by side: their columns and the ones derived
        // from them read this matrix (a closure per value over `rows` would copy each row's array).
        let width = 160
        var matrix = [Int64](repeating: 0, count: rows.count * width)
        for (r, row) in rows.enumerated() {
            precondition(row.base.count == width)
            for j in 0..<width { matrix[r * width + j] = row.base[j] }
        }
        func column(_ j: Int) -> [Int64?] { (0..<rows.count).map { matrix[$0 * width + j] } }
        str { _ in root }
        str { _ in contract }
        out.append(.int32(rows.map { _ in Int32(tradeDate.daysSinceEpoch) }))
        str { levels[$0.level].id }
        i64 { levels[$0.level].price }
        i64 { levels[$0.level].price.floorDivided(by: tick) }
        out.append(.int32(rows.map { Int32($0.window) }))
        i64 { Int64($0.windowStart.rawValue) }
        i64 { Int64($0.windowEnd.rawValue) }
        i64 { $0.events }
        out.append(.boolean(rows.map { $0.bookReset }))
        i64 { $0.volume }
        i64 { $0.buyVolume }
        i64 { $0.sellVolume }
        for frame in 0..<2 {
            let sign: Int64 = frame == 0 ? 1 : -1
            for z in 0..<8 { for s in 0..<2 { for q in 0..<5 {
                out.append(.int64(column(VacuumRow.index(frame: frame, zone: z, side: s, quantity: q))))
            } } }
            for z in 0..<8 { for s in 0..<2 {
                let a = VacuumRow.index(frame: frame, zone: z, side: s, quantity: 2)
                out.append(.double((0..<rows.count).map { r -> Double? in
                    pullShare(added: matrix[r * width + a], pulled: matrix[r * width + a + 1])
                }))
                out.append(.int64((0..<rows.count).map { r -> Int64? in
                    matrix[r * width + a] - matrix[r * width + a + 1] - matrix[r * width + a + 2]
                }))
            } }
            for half in 0..<2 { for s in 0..<2 {
                let d = { (band: Int) in VacuumRow.index(frame: frame, zone: half * 4 + band, side: s, quantity: 0) }
                let (d0, d1, d3) = (d(0), d(1), d(3))
                out.append(.double((0..<rows.count).map { r -> Double? in
                    slope(inner: matrix[r * width + d0], outer: matrix[r * width + d1])
                }))
                out.append(.double((0..<rows.count).map { r -> Double? in
                    slope(inner: matrix[r * width + d1], outer: matrix[r * width + d3])
                }))
            } }
            func x(_ p: Int64?, _ r: VacuumRow) -> Int64? { offset(p, level: levels[r.level].price, tick: tick, sign: sign) }
            func mid(_ b: Int64?, _ a: Int64?, _ r: VacuumRow) -> Double? {
                midOffset(bid: b, ask: a, level: levels[r.level].price, tick: tick, sign: sign)
            }
            i64 { x($0.bid, $0) }
            i64 { x($0.ask, $0) }
            i64 { r in x(r.bid, r).flatMap { now in x(r.previousBid, r).map { now - $0 } } }
            i64 { r in x(r.ask, r).flatMap { now in x(r.previousAsk, r).map { now - $0 } } }
            dbl { mid($0.bid, $0.ask, $0) }
            dbl { r in mid(r.bid, r.ask, r).flatMap { now in mid(r.previousBid, r.previousAsk, r).map { now - $0 } } }
            i64 { frame == 0 ? $0.buyVolume : $0.sellVolume }
            i64 { frame == 0 ? $0.sellVolume : $0.buyVolume }
            i64 { frame == 0 ? $0.volumeAtOrAbove : $0.volumeAtOrBelow }
            i64 { $0.ofi.map { sign * $0 } }
        }
        precondition(out.count == fields.count)
        return out
    }
}

/// One numeric column of the silver table, resolved once from its name and computed from a
/// `VacuumRow` by the same formulas as `SilverTable.columns` (`docs/FEATURES.md`), as a Double
/// (the triggers' vectors are built from these). The engine reads the columns a feature list
/// needs this way instead of building every column of every window.
public struct SilverValue: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case base(Int), pullShare(Int), netChange(Int), slope(Int, Int)
        case xBid, xAsk, dxBid, dxAsk, xMid, dxMid, toward, away, beyond, ofi
    }
    let kind: Kind
    /// 0 up (`u_`), 1 down (`f_`).
    let frame: Int

    /// The column named `name` (`u_beyond_at_ask_depth`, `f_x_mid`, …); nil for a name that is not
    /// a numeric column of a frame.
    public init?(name: String) {
        let parts = name.split(separator: "_", maxSplits: 1).map(String.init)
        guard parts.count == 2, let frame = VacuumZones.frameNames.firstIndex(of: parts[0]) else { return nil }
        self.frame = frame
        let rest = parts[1]
        let simple: [String: Kind] = ["x_bid": .xBid, "x_ask": .xAsk, "dx_bid": .dxBid, "dx_ask": .dxAsk, "x_mid": .xMid, "dx_mid": .dxMid,
                                      "toward_volume": .toward, "away_volume": .away, "beyond_volume": .beyond, "ofi": .ofi]
        if let k = simple[rest] { kind = k; return }
        for (z, zone) in VacuumZones.zoneNames.enumerated() {
            for (s, side) in VacuumZones.sideNames.enumerated() {
                for (q, quantity) in VacuumZones.quantityNames.enumerated() where rest == "\(zone)_\(side)_\(quantity)" {
                    kind = .base(VacuumRow.index(frame: frame, zone: z, side: s, quantity: q)); return
                }
                let added = VacuumRow.index(frame: frame, zone: z, side: s, quantity: 2)
                if rest == "\(zone)_\(side)_pull_share" { kind = .pullShare(added); return }
                if rest == "\(zone)_\(side)_net_change" { kind = .netChange(added); return }
            }
        }
        for (half, name) in ["beyond", "approach"].enumerated() {
            for (s, side) in VacuumZones.sideNames.enumerated() {
                let d = { (band: Int) in VacuumRow.index(frame: frame, zone: half * 4 + band, side: s, quantity: 0) }
                if rest == "\(name)_\(side)_inner_slope" { kind = .slope(d(0), d(1)); return }
                if rest == "\(name)_\(side)_convex_slope" { kind = .slope(d(1), d(3)); return }
            }
        }
        return nil
    }

    /// The value in `r` for a level at `levelPrice` (1e-9) and tick `tick`; nil where the column is null.
    @inlinable public func value(_ r: VacuumRow, levelPrice l: Int64, tick: Int64) -> Double? { compute(r, l, tick) }

    @usableFromInline func compute(_ r: VacuumRow, _ l: Int64, _ tick: Int64) -> Double? {
        let sign: Int64 = frame == 0 ? 1 : -1
        func x(_ p: Int64?) -> Int64? { SilverTable.offset(p, level: l, tick: tick, sign: sign) }
        func mid(_ b: Int64?, _ a: Int64?) -> Double? { SilverTable.midOffset(bid: b, ask: a, level: l, tick: tick, sign: sign) }
        switch kind {
        case .base(let i): return Double(r.base[i])
        case .pullShare(let a): return SilverTable.pullShare(added: r.base[a], pulled: r.base[a + 1])
        case .netChange(let a): return Double(r.base[a] - r.base[a + 1] - r.base[a + 2])
        case .slope(let inner, let outer): return SilverTable.slope(inner: r.base[inner], outer: r.base[outer])
        case .xBid: return x(r.bid).map(Double.init)
        case .xAsk: return x(r.ask).map(Double.init)
        case .dxBid: return x(r.bid).flatMap { now in x(r.previousBid).map { Double(now - $0) } }
        case .dxAsk: return x(r.ask).flatMap { now in x(r.previousAsk).map { Double(now - $0) } }
        case .xMid: return mid(r.bid, r.ask)
        case .dxMid: return mid(r.bid, r.ask).flatMap { now in mid(r.previousBid, r.previousAsk).map { now - $0 } }
        case .toward: return Double(frame == 0 ? r.buyVolume : r.sellVolume)
        case .away: return Double(frame == 0 ? r.sellVolume : r.buyVolume)
        case .beyond: return Double(frame == 0 ? r.volumeAtOrAbove : r.volumeAtOrBelow)
        case .ofi: return r.ofi.map { Double(sign * $0) }
        }
    }
}
