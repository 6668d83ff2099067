import PrecedentCore

extension DBNRecord {
    /// The timestamp a stream is ordered by: `ts_recv` for records that have
    /// one, `ts_event` (bar start) for OHLCV, and `ts_event` for gateway
    /// records (symbol mapping, error, system).
    public var indexTimestamp: UnixNanos {
        switch self {
        case .mbo(let r): r.tsRecv
        case .trade(let r): r.tsRecv
        case .mbp1(let r): r.tsRecv
        case .mbp10(let r): r.tsRecv
        case .bbo(let r): r.tsRecv
        case .cmbp1(let r): r.tsRecv
        case .cbbo(let r): r.tsRecv
        case .status(let r): r.tsRecv
        case .imbalance(let r): r.tsRecv
        case .statistics(let r): r.tsRecv
        case .instrumentDef(let r): r.tsRecv
        case .ohlcv(let r): r.hd.tsEvent
        case .symbolMapping(let r): r.hd.tsEvent
        case .error(let r): r.hd.tsEvent
        case .system(let r): r.hd.tsEvent
        }
    }
}
