import PrecedentCore

/// Any DBN record, always in the latest (v3) layout: records of v1/v2 streams
/// are upgraded on decode exactly as Databento's own decoder does with
/// `UpgradePolicy.UPGRADE_TO_V3` (`docs/DBN-MODULE.md`).
///
/// Large payloads are `indirect` so that the enum stays small for the hot
/// record kinds. For the fastest path read typed structs from `RecordRef`
/// directly (`ref.mbo`), with no enum at all.
public enum DBNRecord: Sendable, Equatable {
    case mbo(MBOMsg)
    /// Trades (MBP-0).
    case trade(TradeMsg)
    /// MBP-1 and TBBO (same layout).
    case mbp1(MBP1Msg)
    indirect case mbp10(MBP10Msg)
    /// BBO-1s / BBO-1m.
    case bbo(BBOMsg)
    /// CMBP-1 and TCBBO (same layout).
    case cmbp1(CMBP1Msg)
    /// CBBO-1s / CBBO-1m.
    case cbbo(CBBOMsg)
    /// OHLCV of every interval (the rtype tells which).
    case ohlcv(OHLCVMsg)
    case status(StatusMsg)
    case imbalance(ImbalanceMsg)
    case statistics(StatMsg)
    indirect case instrumentDef(InstrumentDefMsg)
    indirect case symbolMapping(SymbolMappingMsg)
    indirect case error(ErrorMsg)
    indirect case system(SystemMsg)

    /// The record's header.
    public var header: RecordHeader {
        switch self {
        case .mbo(let r): r.hd
        case .trade(let r): r.hd
        case .mbp1(let r): r.hd
        case .mbp10(let r): r.hd
        case .bbo(let r): r.hd
        case .cmbp1(let r): r.hd
        case .cbbo(let r): r.hd
        case .ohlcv(let r): r.hd
        case .status(let r): r.hd
        case .imbalance(let r): r.hd
        case .statistics(let r): r.hd
        case .instrumentDef(let r): r.hd
        case .symbolMapping(let r): r.hd
        case .error(let r): r.hd
        case .system(let r): r.hd
        }
    }

    /// The record's layout type (for its size and field table).
    public var layout: any DBNRecordLayout.Type {
        switch self {
        case .mbo: MBOMsg.self
        case .trade: TradeMsg.self
        case .mbp1: MBP1Msg.self
        case .mbp10: MBP10Msg.self
        case .bbo: BBOMsg.self
        case .cmbp1: CMBP1Msg.self
        case .cbbo: CBBOMsg.self
        case .ohlcv: OHLCVMsg.self
        case .status: StatusMsg.self
        case .imbalance: ImbalanceMsg.self
        case .statistics: StatMsg.self
        case .instrumentDef: InstrumentDefMsg.self
        case .symbolMapping: SymbolMappingMsg.self
        case .error: ErrorMsg.self
        case .system: SystemMsg.self
        }
    }

    /// Writes the v3 layout (`layout.recordSize` bytes) at `p`, header as stored.
    public func write(to p: UnsafeMutableRawPointer) {
        switch self {
        case .mbo(let r): r.write(to: p)
        case .trade(let r): r.write(to: p)
        case .mbp1(let r): r.write(to: p)
        case .mbp10(let r): r.write(to: p)
        case .bbo(let r): r.write(to: p)
        case .cmbp1(let r): r.write(to: p)
        case .cbbo(let r): r.write(to: p)
        case .ohlcv(let r): r.write(to: p)
        case .status(let r): r.write(to: p)
        case .imbalance(let r): r.write(to: p)
        case .statistics(let r): r.write(to: p)
        case .instrumentDef(let r): r.write(to: p)
        case .symbolMapping(let r): r.write(to: p)
        case .error(let r): r.write(to: p)
        case .system(let r): r.write(to: p)
        }
    }

    /// The record encoded in the v3 layout, without `ts_out`.
    public var encoded: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: layout.recordSize) { buf, n in
            write(to: UnsafeMutableRawPointer(buf.baseAddress!))
            n = layout.recordSize
        }
    }

    /// Decodes the record at `p` (`byteCount` bytes, as framed by its header) of
    /// a DBN `version` stream, upgrading v1/v2 layouts. Returns `nil` for an
    /// rtype this decoder does not know. Throws `.corruptRecord` when the record
    /// is shorter than its layout.
    public static func decode(_ p: UnsafeRawPointer, byteCount: Int, version: UInt8) throws -> DBNRecord? {
        let rtype: UInt8 = p.le(1)
        func need<T: DBNRecordLayout>(_: T.Type) throws -> T {
            guard byteCount >= T.recordSize else {
                throw DBNError(.corruptRecord,
                               "\(RType.name(rtype)) record (rtype 0x\(String(rtype, radix: 16))) is \(byteCount) bytes, "
                               + "shorter than the \(T.recordSize) bytes of its DBN v\(version) layout",
                               hint: "The stream is corrupt, or its DBN version is not \(version)")
            }
            return T(unchecked: p)
        }
        switch rtype {
        case RType.mbo: return .mbo(try need(MBOMsg.self))
        case RType.mbp0: return .trade(try need(TradeMsg.self))
        case RType.mbp1: return .mbp1(try need(MBP1Msg.self))
        case RType.mbp10: return .mbp10(try need(MBP10Msg.self))
        case RType.bbo1s, RType.bbo1m: return .bbo(try need(BBOMsg.self))
        case RType.cmbp1, RType.tcbbo: return .cmbp1(try need(CMBP1Msg.self))
        case RType.cbbo1s, RType.cbbo1m: return .cbbo(try need(CBBOMsg.self))
        case RType.ohlcvDeprecated, RType.ohlcv1s, RType.ohlcv1m, RType.ohlcv1h, RType.ohlcv1d, RType.ohlcvEod:
            return .ohlcv(try need(OHLCVMsg.self))
        case RType.status: return .status(try need(StatusMsg.self))
        case RType.imbalance: return .imbalance(try need(ImbalanceMsg.self))
        case RType.statistics:
            return .statistics(version >= 3 ? try need(StatMsg.self) : StatMsg(upgrading: try need(StatMsgV1.self)))
        case RType.instrumentDef:
            switch version {
            case 1: return .instrumentDef(InstrumentDefMsg(upgrading: try need(InstrumentDefMsgV1.self)))
            case 2: return .instrumentDef(InstrumentDefMsg(upgrading: try need(InstrumentDefMsgV2.self)))
            default: return .instrumentDef(try need(InstrumentDefMsg.self))
            }
        case RType.symbolMapping:
            return .symbolMapping(version >= 2 ? try need(SymbolMappingMsg.self)
                                  : SymbolMappingMsg(upgrading: try need(SymbolMappingMsgV1.self)))
        case RType.error:
            return .error(version >= 2 ? try need(ErrorMsg.self) : ErrorMsg(upgrading: try need(ErrorMsgV1.self)))
        case RType.system:
            return .system(version >= 2 ? try need(SystemMsg.self) : SystemMsg(upgrading: try need(SystemMsgV1.self)))
        default:
            return nil
        }
    }
}
