import PrecedentCore
import PrecedentDBN

/// Builds hand-written MBO records for book tests. Prices are given in ticks
/// of 0.25 (ES), stored as fixed point.
public struct MBOBuilder {
    public var instrumentID: InstrumentID = 1
    public var time: UInt64 = 1_700_000_000_000_000_000
    public var sequence: UInt32 = 0

    public init() {}

    public static func price(ticks: Int64) -> Price { Price(rawValue: ticks * 250_000_000) }

    public mutating func record(_ action: Action, _ side: Side, id: UInt64, ticks: Int64?, size: UInt32,
                                flags: RecordFlags = []) -> MBOMsg {
        time += 1_000
        sequence += 1
        return MBOMsg(hd: RecordHeader(byteSize: MBOMsg.recordSize, rtype: RType.mbo, publisherID: 1,
                                       instrumentID: instrumentID, tsEvent: UnixNanos(rawValue: time)),
                      orderID: id, price: ticks.map(Self.price(ticks:)) ?? .undefined, size: size, flags: flags,
                      channelID: 0, action: action, side: side, tsRecv: UnixNanos(rawValue: time + 500),
                      tsInDelta: 0, sequence: sequence)
    }
}

/// A deterministic random source (SplitMix64) so property tests replay exactly.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15  // Safe: SplitMix64 relies on wrapping arithmetic.
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
