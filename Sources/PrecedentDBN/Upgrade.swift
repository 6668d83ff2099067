import PrecedentCore

// Upgrading v1/v2 records to the v3 layout, with the rules of Databento's
// decoder (dbn `v2.rs`, `v3/methods.rs`): every field of the old layout with
// the same name is copied (integers widened, strings zero-extended); fields new
// in v3 take Databento's defaults; a few fields have explicit rules below.

/// Copies same-named fields from an old layout into a new one.
struct UpgradePlan: Sendable {
    struct Copy: Sendable { var from: Int; var to: Int; var fromWidth: Int; var toWidth: Int; var signed: Bool }
    let copies: [Copy]

    init(from old: [FieldSpec], to new: [FieldSpec]) {
        let byName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        copies = new.compactMap { n in
            // Header fields (offsets < 16) are rebuilt, not copied.
            guard n.offset >= RecordHeader.size, let o = byName[n.name] else { return nil }
            return Copy(from: o.offset, to: n.offset, fromWidth: o.kind.width, toWidth: n.kind.width,
                        signed: o.kind.isSigned)
        }
    }

    /// Builds a new-layout record of `size` bytes from `old`, starting from
    /// all-zero bytes and a header rebuilt for the new size.
    func apply<New: DBNRecordLayout>(_ old: UnsafeRawPointer, oldHeader: RecordHeader, as _: New.Type,
                                     fixUp: (inout New) -> Void = { _ in }) -> New {
        withUnsafeTemporaryAllocation(byteCount: New.recordSize, alignment: 8) { buf in
            let p = buf.baseAddress!
            p.initializeMemory(as: UInt8.self, repeating: 0, count: New.recordSize)
            for c in copies {
                if c.fromWidth == c.toWidth || !c.signed {
                    // Same width, an unsigned integer widened, or a string zero-extended.
                    p.advanced(by: c.to).copyMemory(from: old + c.from, byteCount: min(c.fromWidth, c.toWidth))
                } else {
                    let v: Int64 = switch c.fromWidth {
                    case 1: Int64((old + c.from).load(as: Int8.self))
                    case 2: Int64(old.le(c.from) as Int16)
                    default: Int64(old.le(c.from) as Int32)
                    }
                    switch c.toWidth {
                    case 2: p.storeLE(Int16(v), c.to)
                    case 4: p.storeLE(Int32(v), c.to)
                    default: p.storeLE(v, c.to)
                    }
                }
            }
            var hd = oldHeader
            hd.length = UInt8(New.recordSize / RecordHeader.lengthMultiplier)
            hd.write(to: p)
            var rec = New(unchecked: UnsafeRawPointer(p))
            fixUp(&rec)
            return rec
        }
    }
}

extension FieldKind {
    /// Encoded width in bytes.
    var width: Int {
        switch self {
        case .u8, .i8, .char, .flags: 1
        case .u16, .i16: 2
        case .u32, .i32: 4
        case .u64, .i64, .price, .timestamp: 8
        case .string(let n): n
        }
    }

    var isSigned: Bool {
        switch self {
        case .i8, .i16, .i32, .i64, .price: true
        default: false
        }
    }
}

private enum Plans {
    static let defV1 = UpgradePlan(from: InstrumentDefMsgV1.fields, to: InstrumentDefMsg.fields)
    static let defV2 = UpgradePlan(from: InstrumentDefMsgV2.fields, to: InstrumentDefMsg.fields)
    static let statV1 = UpgradePlan(from: StatMsgV1.fields, to: StatMsg.fields)
    static let symbolMappingV1 = UpgradePlan(from: SymbolMappingMsgV1.fields, to: SymbolMappingMsg.fields)
    static let errorV1 = UpgradePlan(from: ErrorMsgV1.fields, to: ErrorMsg.fields)
    static let systemV1 = UpgradePlan(from: SystemMsgV1.fields, to: SystemMsg.fields)
}

/// Bytes of a generated record struct, for the upgrade copier.
private func withBytes<R: DBNRecordLayout, T>(of record: R, _ body: (UnsafeRawPointer) -> T) -> T {
    withUnsafeTemporaryAllocation(byteCount: R.recordSize, alignment: 8) { buf in
        record.write(to: buf.baseAddress!)
        return body(UnsafeRawPointer(buf.baseAddress!))
    }
}

extension InstrumentDefMsg {
    /// Fields new in v3 that are not zero by default.
    fileprivate mutating func applyV3LegDefaults() {
        legPrice = .undefined
        legDelta = .undefined
        legSide = .none
    }

    /// v1 → v3: `trading_reference_*`, `settl_price_type` and
    /// `md_security_trading_status` are dropped; `raw_symbol` (22 → 71 bytes),
    /// `asset` (7 → 11) and `raw_instrument_id` (u32 → u64) are widened.
    public init(upgrading old: InstrumentDefMsgV1) {
        self = withBytes(of: old) { Plans.defV1.apply($0, oldHeader: old.hd, as: InstrumentDefMsg.self) { $0.applyV3LegDefaults() } }
    }

    /// v2 → v3: as from v1, with `raw_symbol` already 71 bytes.
    public init(upgrading old: InstrumentDefMsgV2) {
        self = withBytes(of: old) { Plans.defV2.apply($0, oldHeader: old.hd, as: InstrumentDefMsg.self) { $0.applyV3LegDefaults() } }
    }
}

extension StatMsg {
    /// Databento's `UNDEF_STAT_QUANTITY` in v3 (`Int64.max`).
    public static let undefinedQuantity = Int64.max

    /// v1/v2 → v3: `quantity` widens from i32 to i64; the v1 sentinel
    /// `Int32.max` becomes `Int64.max`.
    public init(upgrading old: StatMsgV1) {
        self = withBytes(of: old) {
            Plans.statV1.apply($0, oldHeader: old.hd, as: StatMsg.self) {
                if old.quantity == Int32.max { $0.quantity = StatMsg.undefinedQuantity }
            }
        }
    }
}

extension SymbolMappingMsg {
    /// v1 → v2+: symbols widen 22 → 71 bytes; `stype_in`/`stype_out` (new) are `0xFF` (unset).
    public init(upgrading old: SymbolMappingMsgV1) {
        self = withBytes(of: old) {
            Plans.symbolMappingV1.apply($0, oldHeader: old.hd, as: SymbolMappingMsg.self) {
                $0.stypeIn = .max
                $0.stypeOut = .max
            }
        }
    }
}

extension ErrorMsg {
    /// v1 → v2+: `err` widens 64 → 302 bytes; `code` is derived from the text
    /// as Databento does; `is_last` is `0xFF` (unset).
    public init(upgrading old: ErrorMsgV1) {
        self = withBytes(of: old) {
            Plans.errorV1.apply($0, oldHeader: old.hd, as: ErrorMsg.self) { rec in
                let text = old.err.string
                rec.code = switch true {
                case text == "User or API key deactivated": 2
                case text == "User has reached their open connection limit": 3
                case text.hasPrefix("Failed to resolve symbol"): 4
                case text == "Internal error": 6
                case text.hasPrefix("Slow client detected for "): 7
                default: 255
                }
                rec.isLast = .max
            }
        }
    }
}

extension SystemMsg {
    /// v1 → v2+: `msg` widens 64 → 303 bytes; `code` is derived from the text
    /// as Databento does (heartbeat, subscription ack, slow reader, replay
    /// completed, end of interval; otherwise 255, unset).
    public init(upgrading old: SystemMsgV1) {
        self = withBytes(of: old) {
            Plans.systemV1.apply($0, oldHeader: old.hd, as: SystemMsg.self) { rec in
                let text = old.msg.string
                rec.code = switch true {
                case text == "Heartbeat": 0
                case text.hasPrefix("End of interval for "): 4
                case text.hasPrefix("Subscription request ") && text.hasSuffix(" succeeded"): 1
                case text.hasPrefix("Warning: slow reading"): 2
                case text.hasPrefix("Finished ") && text.hasSuffix(" replay"): 3
                default: 255
                }
            }
        }
    }
}
