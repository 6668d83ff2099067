/// One row of a LOBSTER message file: `time, type, order id, size, price, direction`.
public struct LOBSTERMessage: Sendable, Equatable {
    /// Event type (1 add, 2 partial cancel, 3 delete, 4 visible execution,
    /// 5 hidden execution, 6 cross trade, 7 trading halt).
    public var type: Int
    /// Nanoseconds after midnight, exchange local time (America/New_York).
    public var nanosAfterMidnight: Int64
    public var orderID: UInt64
    public var size: UInt32
    /// Price in LOBSTER's units (dollars × 10,000).
    public var price: Int64
    /// 1 buy, -1 sell; for executions the side of the resting order.
    public var direction: Int

    /// Parses one line; `nil` with a reason on malformed input.
    static func parse(_ line: [UInt8]) -> Result<LOBSTERMessage, ParseFailure> {
        let f = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard f.count == 6 else { return .failure(ParseFailure("expected 6 comma-separated fields, found \(f.count)")) }
        guard let t = parseTime(f[0]) else {
            return .failure(ParseFailure("time '\(String(decoding: f[0], as: UTF8.self))' is not seconds after midnight (0 to 86,400)"))
        }
        guard let type = int(f[1]), (1...7).contains(type) else { return .failure(ParseFailure("event type '\(String(decoding: f[1], as: UTF8.self))' is not 1…7")) }
        guard let id = int(f[2]), id >= 0 else { return .failure(ParseFailure("order id is not a non-negative integer")) }
        guard let size = int(f[3]), size >= 0, size <= Int(UInt32.max) else { return .failure(ParseFailure("size is not a non-negative integer")) }
        guard let price = int(f[4]), abs(price) <= maxPrice else {
            return .failure(ParseFailure("price is not an integer of at most \(maxPrice) (dollars × 10,000)"))
        }
        guard let dir = int(f[5]), dir == 1 || dir == -1 else { return .failure(ParseFailure("direction is not 1 or -1")) }
        return .success(LOBSTERMessage(type: type, nanosAfterMidnight: t, orderID: UInt64(id), size: UInt32(size),
                                       price: Int64(price), direction: dir))
    }

    /// `34200.017459617` → 34,200,017,459,617 ns, exactly (no floating point).
    static func parseTime(_ s: ArraySlice<UInt8>) -> Int64? {
        let parts = s.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = int(parts[0]), (0...86_400).contains(whole) else { return nil }  // within the day
        var frac: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            for d in digits { frac = frac * 10 + Int64(d - 0x30) }
            for _ in digits.count..<9 { frac *= 10 }
        }
        return Int64(whole) * 1_000_000_000 + frac
    }

    static func int(_ s: ArraySlice<UInt8>) -> Int? { Int(String(decoding: s, as: UTF8.self)) }

    /// The largest price (LOBSTER units) whose 1e-9 fixed-point value fits 64 bits.
    static let maxPrice = Int(Int64.max / LOBSTERImporter.priceScale)
}

/// One row of a LOBSTER order-book file: per level, ask price, ask size, bid price, bid size.
struct LOBSTERBookRow {
    /// (price in dollars × 10,000, size) best first; LOBSTER's dummy levels left out.
    var asks: [(Int64, UInt64)] = []
    var bids: [(Int64, UInt64)] = []
    /// Levels per side in the file.
    var depth = 0

    static let dummyAsk: Int64 = 9_999_999_999
    static let dummyBid: Int64 = -9_999_999_999

    static func parse(_ line: [UInt8]) -> Result<LOBSTERBookRow, ParseFailure> {
        let f = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard f.count % 4 == 0, !f.isEmpty else { return .failure(ParseFailure("expected a multiple of 4 fields, found \(f.count)")) }
        var row = LOBSTERBookRow()
        row.depth = f.count / 4
        for level in 0..<(f.count / 4) {
            guard let ap = LOBSTERMessage.int(f[4 * level]), let az = LOBSTERMessage.int(f[4 * level + 1]),
                  let bp = LOBSTERMessage.int(f[4 * level + 2]), let bz = LOBSTERMessage.int(f[4 * level + 3]),
                  az >= 0, bz >= 0, abs(ap) <= LOBSTERMessage.maxPrice, abs(bp) <= LOBSTERMessage.maxPrice
            else { return .failure(ParseFailure("level \(level + 1) is not four integers (prices of at most \(LOBSTERMessage.maxPrice))")) }
            if Int64(ap) != dummyAsk { row.asks.append((Int64(ap), UInt64(az))) }
            if Int64(bp) != dummyBid { row.bids.append((Int64(bp), UInt64(bz))) }
        }
        return .success(row)
    }
}

/// Why a line did not parse.
struct ParseFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
