import PrecedentCore

/// Irregularities met while applying MBO, counted per kind with the first few
/// examples. None is fatal; each has a documented resolution (`docs/BOOK.md`).
public struct BookAnomalies: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `C` for an order not in the book: ignored (normal when starting mid-session).
        case cancelOfUnknownOrder = "cancel_of_unknown_order"
        /// `C` larger than the order's size: the order is removed (clamped).
        case cancelLargerThanOrder = "cancel_larger_than_order"
        /// `M` for an order not in the book: treated as an add.
        case modifyOfUnknownOrder = "modify_of_unknown_order"
        /// `M` that changes the order's side: removed from the old side, added on the new.
        case sideChange = "side_change"
        /// `A` for an order id already resting: the old order is replaced.
        case duplicateAdd = "duplicate_add"
        /// `A`/`C`/`M` with an undefined price: skipped.
        case undefinedPrice = "undefined_price"
        /// `A` with side `N`: skipped.
        case addWithoutSide = "add_without_side"
        /// `F` for an order not resting (often the aggressor's own id): no effect.
        case fillOfUnknownOrder = "fill_of_unknown_order"
        /// `M` to size 0: the order is removed.
        case modifyToZero = "modify_to_zero"
        /// A record flagged `F_MAYBE_BAD_BOOK`: the venue reported a gap.
        case maybeBadBook = "maybe_bad_book"
        /// An unknown action byte: skipped.
        case unknownAction = "unknown_action"
    }

    public struct Example: Sendable, Equatable {
        public var recordIndex: Int
        public var orderID: UInt64
        public var tsRecv: UnixNanos
    }

    public private(set) var counts: [Kind: Int] = [:]
    public private(set) var examples: [Kind: [Example]] = [:]
    /// Examples kept per kind.
    public static let examplesKept = 3

    public init() {}

    @inline(never)
    public mutating func record(_ kind: Kind, recordIndex: Int, orderID: UInt64, tsRecv: UnixNanos) {
        counts[kind, default: 0] += 1
        if examples[kind, default: []].count < Self.examplesKept {
            examples[kind, default: []].append(Example(recordIndex: recordIndex, orderID: orderID, tsRecv: tsRecv))
        }
    }

    public var total: Int { counts.values.reduce(0, +) }
    public subscript(kind: Kind) -> Int { counts[kind] ?? 0 }

    public mutating func merge(_ other: BookAnomalies) {
        for (k, n) in other.counts { counts[k, default: 0] += n }
        for (k, list) in other.examples {
            examples[k, default: []] = Array((examples[k, default: []] + list).prefix(Self.examplesKept))
        }
    }
}
