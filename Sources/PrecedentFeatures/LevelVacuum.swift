import PrecedentBook
import PrecedentCore
import PrecedentDBN

/// Zone thresholds in ticks by |x| (docs/FEATURES.md): `at` 0…at, `near` …near, `mid` …mid, `far` …far.
public struct VacuumZones: Codable, Sendable, Equatable {
    public var at = 2, near = 5, mid = 14, far = 20
    public init(at: Int = 2, near: Int = 5, mid: Int = 14, far: Int = 20) {
        self.at = at; self.near = near; self.mid = mid; self.far = far
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        at = try c.decodeIfPresent(Int.self, forKey: .at) ?? 2
        near = try c.decodeIfPresent(Int.self, forKey: .near) ?? 5
        mid = try c.decodeIfPresent(Int.self, forKey: .mid) ?? 14
        far = try c.decodeIfPresent(Int.self, forKey: .far) ?? 20
        guard 0 < at, at < near, near < mid, mid < far, far <= 500 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "zones need 0 < at < near < mid < far ≤ 500"))
        }
    }

    /// 0 at, 1 near, 2 mid, 3 far for |x| = `distance`; nil beyond `far`.
    @inlinable public func band(_ distance: Int) -> Int? {
        distance <= at ? 0 : distance <= near ? 1 : distance <= mid ? 2 : distance <= far ? 3 : nil
    }

    public static let bandNames = ["at", "near", "mid", "far"]
    /// Zone index in a frame: beyond 0–3, approach 4–7 (band order within each).
    public static let zoneNames = ["beyond_at", "beyond_near", "beyond_mid", "beyond_far",
                                   "approach_at", "approach_near", "approach_mid", "approach_far"]
    public static let frameNames = ["u", "f"]  // up (from below), down (from above)
    public static let sideNames = ["bid", "ask"]
    public static let quantityNames = ["depth", "orders", "added", "pulled", "filled"]

    /// Zone of frame offset `x` (ticks), or nil outside ±far.
    @inlinable public func zone(_ x: Int) -> Int? {
        x >= 0 ? band(x) : band(-x).map { $0 + 4 }
    }
}

/// What one 5-second window measured around one level. Prices are 1e-9
/// fixed point; quantities are contracts.
public struct VacuumRow: Sendable, Equatable {
    /// Index into the engine's `levels`.
    public var level: Int
    public var window: Int
    public var windowStart: UnixNanos
    public var windowEnd: UnixNanos
    /// `[frame 2][zone 8][side 2][quantity 5]`, see `VacuumZones` names; `index(...)`.
    public var base: [Int64]
    /// Best bid / ask price at the window's end and at the previous window's end (nil: side empty).
    public var bid: Int64?, ask: Int64?, previousBid: Int64?, previousAsk: Int64?
    /// Order-flow imbalance at the best quotes over the window (Cont, Kukanov & Stoikov), bid-positive; nil
    /// when the book was never two-sided in the window.
    public var ofi: Int64?
    /// Aggressor buy / sell volume, all trade volume, volume traded at or above / at or below the level.
    public var buyVolume: Int64 = 0, sellVolume: Int64 = 0, volume: Int64 = 0
    public var volumeAtOrAbove: Int64 = 0, volumeAtOrBelow: Int64 = 0
    /// Records applied in the window, and whether a clear or snapshot reset the book in it.
    public var events: Int64 = 0
    public var bookReset = false

    @inlinable public static func index(frame: Int, zone: Int, side: Int, quantity: Int) -> Int {
        ((frame * 8 + zone) * 2 + side) * 5 + quantity
    }
    public func value(frame: Int, zone: Int, side: Int, quantity: Int) -> Int64 {
        base[Self.index(frame: frame, zone: zone, side: side, quantity: quantity)]
    }
}

/// Replays MBO records through an L3 book and measures, per 5-second window
/// and level, resting depth and order count at the window end and size added,
/// pulled and filled during it, per price zone around the level in both
/// approach frames (`docs/FEATURES.md`).
///
/// Windows are `[start + k·length, start + (k+1)·length)` by `ts_recv`; the
/// state at a window's end is the book after the last record before it.
/// Only windows wholly inside `coverage` (the span the input really covers)
/// are emitted, and a level's rows start with the first window that begins at
/// or after the level is known.
///
/// Levels can also become known while records are applied (`setLevel`): a slot
/// made with `Level.pending` measures nothing until it is set, so an engine fed
/// one record at a time gives the same rows, in the same order, as one given the
/// known levels from the start.
public struct LevelVacuumEngine {
    public struct Level: Sendable, Equatable {
        public var id: String
        /// Level price, 1e-9 fixed point.
        public var price: Int64
        public var knownAt: UnixNanos
        public init(id: String, price: Int64, knownAt: UnixNanos) { self.id = id; self.price = price; self.knownAt = knownAt }

        /// A slot for a level not known yet: no price, never in a row until `setLevel` gives it one.
        public static func pending(_ id: String) -> Level { Level(id: id, price: 0, knownAt: UnixNanos(rawValue: .max)) }
        public var isPending: Bool { knownAt.rawValue == .max }
    }

    public private(set) var levels: [Level]
    /// Indices of the levels with a price (all but pending slots), in order.
    private var active: [Int]
    public let tick: Int64
    public let zones: VacuumZones
    public let gridStart: UnixNanos
    public let windowLength: UInt64
    public let windowCount: Int
    public let coverage: Range<UnixNanos>
    public private(set) var book: OrderBook
    public private(set) var rows: [VacuumRow] = []

    /// Up-frame offsets d = ⌊(p − L)/t⌋ kept per level: −far − 1 … far + 1 (2·far + 3 of them). A
    /// price whose distance to the level is a whole number of ticks ("exact") has the down-frame
    /// offset −d; any other has ⌊(L − p)/t⌋ = −d − 1, which is in a zone for d = −far − 1.
    private let offsets: Int
    /// Per level: its price in ticks when it is a whole number of ticks (then a change's offset
    /// is its tick minus this, without a division per level), else nil.
    private var levelTicks: [Int64?]
    /// `zoneOf[(inexact * 2 + frame) * offsets + o]`: the zone of up-frame offset d = `o − far − 1`
    /// in `frame` (0 up, 1 down), for exact (`inexact` 0) or other distances; −1 for none.
    private let zoneOf: [Int]
    /// `[level][inexact][offset][side][added, pulled, filled]`
    private var flows: [Int64]
    /// Per level and exactness (`level * 2 + inexact`): the lowest and highest offset index with a
    /// flow in the current window (lo > hi: none), so a window end and the next window's reset
    /// visit only offsets that changed.
    private var touchedLo: [Int], touchedHi: [Int]
    /// Per level: the window of its last row and that row's base quantities. A window in which no
    /// change touched the level's offsets ends with the same depth and orders as the one before it,
    /// which are then copied rather than read from the book again.
    private var lastWindow: [Int], lastBase: [[Int64]]
    private var above: [Int64], below: [Int64]
    private var buy: Int64 = 0, sell: Int64 = 0, volume: Int64 = 0, events: Int64 = 0
    private var reset = false
    private var current = -1
    private var previousBid: Int64?, previousAsk: Int64?
    private var top: (bid: Int64, bidSize: UInt64, ask: Int64, askSize: UInt64)?
    private var ofi: Int64 = 0
    private var ofiSeen = false
    /// `flows`, `above` or `below` hold counts (zeroing them at every window start would
    /// dominate a replay whose analysis grid has thousands of windows without records).
    private var dirty = false

    public init(levels: [Level], tick: Int64, zones: VacuumZones = VacuumZones(), gridStart: UnixNanos,
                windowSeconds: Int = 5, windowCount: Int, coverage: Range<UnixNanos>, instrumentID: InstrumentID = 0) {
        precondition(tick > 0 && windowSeconds > 0 && windowCount >= 0)
        self.levels = levels; self.tick = tick; self.zones = zones; self.gridStart = gridStart
        self.windowLength = UInt64(windowSeconds) * UnixNanos.nanosPerSecond
        self.windowCount = windowCount; self.coverage = coverage
        book = OrderBook(instrumentID: instrumentID, recordsChanges: true)
        offsets = 2 * zones.far + 3
        levelTicks = levels.map { $0.price % tick == 0 ? $0.price / tick : nil }
        active = levels.indices.filter { !levels[$0].isPending }
        zoneOf = (0..<2).flatMap { inexact in
            (0..<2).flatMap { frame in
                (0..<(2 * zones.far + 3)).map { o in
                    let d = o - zones.far - 1
                    return zones.zone(frame == 0 ? d : -d - inexact) ?? -1
                }
            }
        }
        flows = Array(repeating: 0, count: levels.count * 2 * offsets * 2 * 3)
        touchedLo = Array(repeating: Int.max, count: levels.count * 2)
        touchedHi = Array(repeating: -1, count: levels.count * 2)
        lastWindow = Array(repeating: -2, count: levels.count)
        lastBase = Array(repeating: [], count: levels.count)
        above = Array(repeating: 0, count: levels.count)
        below = Array(repeating: 0, count: levels.count)
    }

    public func windowStart(_ k: Int) -> UnixNanos { UnixNanos(rawValue: gridStart.rawValue + UInt64(k) * windowLength) }

    /// Gives the pending slot `i` its price, known at `knownAt`. Call it once the engine has been
    /// advanced to `knownAt` (`advance(to:)`) and before any record at or after `knownAt`: the level
    /// then measures every window that begins at or after `knownAt`, as if it had been given at the start.
    public mutating func setLevel(_ i: Int, price: Int64, knownAt: UnixNanos) {
        precondition(levels[i].isPending, "setLevel: level \(levels[i].id) is already known")
        levels[i].price = price
        levels[i].knownAt = knownAt
        levelTicks[i] = price % tick == 0 ? price / tick : nil
        let block = 2 * offsets * 2 * 3
        for j in (i * block)..<((i + 1) * block) { flows[j] = 0 }
        for t in (i * 2)..<(i * 2 + 2) { touchedLo[t] = .max; touchedHi[t] = -1 }
        lastWindow[i] = -2
        above[i] = 0; below[i] = 0
        active.append(i)
        active.sort()
    }

    /// The next moment at which the clock closes or opens a window (`UnixNanos.max` after the last).
    public var nextBoundary: UnixNanos {
        current < 0 ? gridStart : current < windowCount ? windowStart(current + 1) : UnixNanos(rawValue: .max)
    }

    /// Rows emitted so far, handed over and forgotten (an engine fed for a whole day holds only
    /// the rows not yet taken).
    public mutating func takeRows() -> [VacuumRow] {
        defer { rows.removeAll(keepingCapacity: true) }
        return rows
    }

    /// Applies one record (records must come in `ts_recv` order).
    public mutating func apply(_ m: MBOMsg) {
        advanceWindows(to: m.tsRecv)
        book.apply(m)
        let counting = current >= 0 && current < windowCount
        if counting {
            events += 1
            if m.action == .clear || m.flags.contains(.snapshot) { reset = true }
            for change in book.changes { count(change) }
            if m.action == .trade && m.price.isDefined {
                let size = Int64(m.size)
                volume += size
                dirty = true
                if m.side == .bid { buy += size } else if m.side == .ask { sell += size }
                for i in active {
                    if m.price.rawValue >= levels[i].price { above[i] += size }
                    if m.price.rawValue <= levels[i].price { below[i] += size }
                }
            }
        }
        book.removeAllChanges()
        if book.isConsistent { observeTop(counting: counting) }
    }

    /// Closes every window that ends at or before `end` (the input's real end).
    public mutating func finish(at end: UnixNanos) {
        advance(to: end)
    }

    /// Closes every window that ends at or before `ts` and begins the one holding `ts`: the
    /// engine's clock moves to `ts` without a record (`apply` does this first for each record).
    public mutating func advance(to ts: UnixNanos) {
        advanceWindows(to: ts)
    }

    private mutating func count(_ c: BookChange) {
        let kind: Int
        switch c.kind {
        case .added: kind = 0
        case .pulled, .cleared: kind = 1
        case .filled: kind = 2
        }
        let side = c.side == .ask ? 1 : 0
        dirty = true
        let far = Int64(zones.far)
        // floor((p − L) / tick) = floor(p / tick) − L / tick when L and p are whole numbers of ticks.
        let ticks = c.price.rawValue.floorDivided(by: tick)
        let onGrid = c.price.rawValue % tick == 0
        for i in active {
            let d: Int64, inexact: Int
            if onGrid, let l = levelTicks[i] {
                d = ticks - l; inexact = 0
            } else {
                let diff = c.price.rawValue - levels[i].price
                d = diff.floorDivided(by: tick); inexact = diff % tick == 0 ? 0 : 1
            }
            guard d >= -far - 1 && d <= far + 1 else { continue }
            let o = Int(d) + zones.far + 1, t = i * 2 + inexact
            flows[(((t * offsets) + o) * 2 + side) * 3 + kind] += Int64(c.quantity)
            if o < touchedLo[t] { touchedLo[t] = o }
            if o > touchedHi[t] { touchedHi[t] = o }
        }
    }

    private mutating func observeTop(counting: Bool) {
        guard let b = book.bestBid, let a = book.bestAsk else { top = nil; return }
        let now = (bid: b.price.rawValue, bidSize: b.size, ask: a.price.rawValue, askSize: a.size)
        if counting {
            if let p = top {
                var e: Int64 = 0
                if now.bid >= p.bid { e += Int64(now.bidSize) }
                if now.bid <= p.bid { e -= Int64(p.bidSize) }
                if now.ask <= p.ask { e -= Int64(now.askSize) }
                if now.ask >= p.ask { e += Int64(p.askSize) }
                ofi += e
            }
            ofiSeen = true
        }
        top = now
    }

    private mutating func advanceWindows(to ts: UnixNanos) {
        while current < windowCount {
            if current < 0 {
                guard ts >= gridStart else { return }
                begin(0)
            } else {
                let end = windowStart(current + 1)
                guard ts >= end else { return }
                close(current)
                begin(current + 1)
            }
        }
    }

    private mutating func begin(_ k: Int) {
        current = k
        guard k < windowCount else { return }
        if dirty {
            // Only the offsets that had flows (pending slots never do until `setLevel`).
            for t in touchedLo.indices where touchedLo[t] <= touchedHi[t] {
                for j in ((t * offsets + touchedLo[t]) * 6)..<((t * offsets + touchedHi[t] + 1) * 6) { flows[j] = 0 }
                touchedLo[t] = .max; touchedHi[t] = -1
            }
            for i in above.indices { above[i] = 0; below[i] = 0 }
            dirty = false
        }
        buy = 0; sell = 0; volume = 0; events = 0; reset = false; ofi = 0
        ofiSeen = top != nil
        previousBid = book.bestBid?.price.rawValue
        previousAsk = book.bestAsk?.price.rawValue
    }

    private mutating func close(_ k: Int) {
        let start = windowStart(k), end = windowStart(k + 1)
        guard coverage.lowerBound <= start && end <= coverage.upperBound else { return }
        let bid = book.bestBid?.price.rawValue, ask = book.bestAsk?.price.rawValue
        for i in active where levels[i].knownAt <= start {
            let level = levels[i]
            var base = [Int64](repeating: 0, count: 160)
            let far = Int64(zones.far)
            // Every change at the level's offsets is a flow: without one since the last row (of the
            // window before), depth and orders are that row's.
            let reuse = lastWindow[i] == k - 1 && touchedLo[i * 2] > touchedHi[i * 2] && touchedLo[i * 2 + 1] > touchedHi[i * 2 + 1]
            if reuse {
                let last = lastBase[i]
                for j in stride(from: 0, to: 160, by: 5) { base[j] = last[j]; base[j + 1] = last[j + 1] }
            }
            for side in 0..<2 where !reuse {
                // Resting size and orders at the level's offsets: one ordered walk of the book's
                // levels within far + 1 ticks, each price placed in both frames by the same rule as
                // its flows (so depth changes equal added − pulled − filled at every price).
                book.forEachLevel(side == 1 ? .ask : .bid, from: Price(rawValue: level.price - (far + 2) * tick),
                                  through: Price(rawValue: level.price + (far + 2) * tick)) { lvl in
                    let diff = lvl.price.rawValue - level.price
                    let d = diff.floorDivided(by: tick)
                    guard d >= -far - 1 && d <= far + 1 else { return }
                    let inexact = diff % tick == 0 ? 0 : 1
                    let o = Int(d) + zones.far + 1
                    for frame in 0..<2 {
                        let z = zoneOf[(inexact * 2 + frame) * offsets + o]
                        guard z >= 0 else { continue }
                        let at = VacuumRow.index(frame: frame, zone: z, side: side, quantity: 0)
                        base[at] += Int64(lvl.size)
                        base[at + 1] += Int64(lvl.count)
                    }
                }
            }
            for side in 0..<2 {
                for inexact in 0..<2 {
                    let t = i * 2 + inexact
                    guard touchedLo[t] <= touchedHi[t] else { continue }
                    for o in touchedLo[t]...touchedHi[t] {
                        let f = ((((i * 2 + inexact) * offsets) + o) * 2 + side) * 3
                        let (added, pulled, filled) = (flows[f], flows[f + 1], flows[f + 2])
                        guard added | pulled | filled != 0 else { continue }
                        for frame in 0..<2 {
                            let z = zoneOf[(inexact * 2 + frame) * offsets + o]
                            guard z >= 0 else { continue }
                            let at = VacuumRow.index(frame: frame, zone: z, side: side, quantity: 0)
                            base[at + 2] += added
                            base[at + 3] += pulled
                            base[at + 4] += filled
                        }
                    }
                }
            }
            lastWindow[i] = k
            lastBase[i] = base
            rows.append(VacuumRow(level: i, window: k, windowStart: start, windowEnd: end, base: base,
                                  bid: bid, ask: ask, previousBid: previousBid, previousAsk: previousAsk,
                                  ofi: ofiSeen ? ofi : nil, buyVolume: buy, sellVolume: sell, volume: volume,
                                  volumeAtOrAbove: above[i], volumeAtOrBelow: below[i], events: events, bookReset: reset))
        }
    }
}

