import Foundation
import PrecedentCore

/// A commodity root of the daily-by-contract vendor files: the vendor's root, the exchange's root,
/// the months the exchange lists and when a contract stops trading.
public struct CommodityRoot: Sendable, Equatable {
    /// When a contract's last trading day falls, counted in business days (Monday–Friday; exchange
    /// holidays are not modelled — a source that states the last trading day is always preferred).
    public enum LastTrade: Sendable, Equatable {
        /// The business day before the `day`th calendar day of the contract month (CBOT grains and oilseeds: 15).
        case businessDayBefore(day: Int)
        /// The last business day of the month before the contract month (NYMEX heating oil).
        case lastBusinessDayOfPriorMonth
        /// The `n`th business day before the last business day of the contract month (0: the last business day).
        case businessDaysBeforeLast(Int)
    }

    /// The vendor's root (`BO`, `C`, `LC`).
    public var vendor: String
    /// The exchange's root (`ZL`, `ZC`, `LE`): the contracts are named with it.
    public var exchange: String
    /// The contract months the exchange lists, as month codes (`FHKNQUVZ`).
    public var months: String
    public var lastTrade: LastTrade

    /// The explicit vendor → exchange root table (docs/BARS.md lists it with its sources).
    public static let all: [CommodityRoot] = [
        CommodityRoot(vendor: "BO", exchange: "ZL", months: "FHKNQUVZ", lastTrade: .businessDayBefore(day: 15)),
        CommodityRoot(vendor: "C", exchange: "ZC", months: "HKNUZ", lastTrade: .businessDayBefore(day: 15)),
        CommodityRoot(vendor: "S", exchange: "ZS", months: "FHKNQUX", lastTrade: .businessDayBefore(day: 15)),
        CommodityRoot(vendor: "SM", exchange: "ZM", months: "FHKNQUVZ", lastTrade: .businessDayBefore(day: 15)),
        CommodityRoot(vendor: "W", exchange: "ZW", months: "HKNUZ", lastTrade: .businessDayBefore(day: 15)),
        CommodityRoot(vendor: "HO", exchange: "HO", months: "FGHJKMNQUVXZ", lastTrade: .lastBusinessDayOfPriorMonth),
        CommodityRoot(vendor: "LC", exchange: "LE", months: "GJMQVZ", lastTrade: .businessDaysBeforeLast(0)),
        CommodityRoot(vendor: "KC", exchange: "KC", months: "HKNUZ", lastTrade: .businessDaysBeforeLast(8)),
        CommodityRoot(vendor: "HG", exchange: "HG", months: "FGHJKMNQUVXZ", lastTrade: .businessDaysBeforeLast(2)),
        CommodityRoot(vendor: "LB", exchange: "LBS", months: "FHKNUX", lastTrade: .businessDayBefore(day: 16)),
    ]

    /// The root named `name`, by its exchange root (`ZL`) or its vendor root (`BO`).
    public static func named(_ name: String) -> CommodityRoot? {
        let n = name.uppercased()
        return all.first { $0.exchange == n } ?? all.first { $0.vendor == n }
    }

    /// The last trading day of the contract expiring in `month` of `year` by the root's rule.
    public func lastTradeDate(year: Int, month: Int) -> CivilDate {
        func isBusiness(_ d: CivilDate) -> Bool { (1...5).contains(d.weekday) }
        func previousBusinessDay(_ d: CivilDate) -> CivilDate {
            var x = CivilDate(daysSinceEpoch: d.daysSinceEpoch - 1)
            while !isBusiness(x) { x = CivilDate(daysSinceEpoch: x.daysSinceEpoch - 1) }
            return x
        }
        func lastBusinessDay(year: Int, month: Int) -> CivilDate {
            let end = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))
            return isBusiness(end) ? end : previousBusinessDay(end)
        }
        switch lastTrade {
        case .businessDayBefore(let day):
            return previousBusinessDay(CivilDate(year: year, month: month, day: day))
        case .lastBusinessDayOfPriorMonth:
            return month == 1 ? lastBusinessDay(year: year - 1, month: 12) : lastBusinessDay(year: year, month: month - 1)
        case .businessDaysBeforeLast(let n):
            var d = lastBusinessDay(year: year, month: month)
            for _ in 0..<n { d = previousBusinessDay(d) }
            return d
        }
    }
}

/// A contract name of the daily-by-contract vendor files, read into an exchange contract.
public struct VendorContract: Sendable, Equatable {
    public var root: CommodityRoot
    public var year: Int
    /// 1…12
    public var month: Int
    /// The exchange name with a two-digit year (`ZLF10`): unambiguous within a century.
    public var name: String { root.exchange + String(monthCodes[month - 1]) + (year % 100 < 10 ? "0" : "") + String(year % 100) }
    /// The expiry month as year × 12 + month − 1 (the `DailyRecord.expiryMonth` convention).
    public var expiryMonth: Int { year * 12 + month - 1 }

    /// Reads a vendor contract name. Three forms occur:
    /// - `BOF95 Comdty`: a two-digit year, placed in the century nearest the row's date;
    /// - `BOF0 Comdty`: a one-digit year, read as the first year ending in that digit whose
    ///   contract month is not before the row's month (a row is never dated after its contract
    ///   expires; the other readings are ten years apart);
    /// - `BOQ8 08 Comdty` (from late 2007): a one-digit year followed by the two-digit year, which
    ///   must end in the same digit.
    /// One-letter vendor roots may be padded with a space (`C Z4 Comdty`). A stated last trading
    /// day must fall in the contract month or the month before it (heating oil); a reading it
    /// contradicts is ambiguous and rejected. Returns the contract or the reason it is rejected.
    public static func parse(_ text: String, rowDate: CivilDate, lastTrade: CivilDate? = nil) -> Result<VendorContract, BarsError> {
        var tokens = text.split(separator: " ").map(String.init)
        guard tokens.last == "Comdty", tokens.count >= 2 else {
            return .failure(BarsError("'\(text)' is not a vendor contract name (`BOF95 Comdty`)"))
        }
        tokens.removeLast()
        var suffix: Int? = nil
        if tokens.count >= 2, let last = tokens.last, last.count == 2, last.allSatisfy(\.isASCIIDigit) {
            suffix = Int(last)
            tokens.removeLast()
        }
        let body = Array(tokens.joined())
        let digits = body.reversed().prefix { $0.isASCIIDigit }.count
        guard (1...2).contains(digits), body.count >= digits + 2 else {
            return .failure(BarsError("'\(text)' has no month code and one- or two-digit year"))
        }
        let code = body[body.count - digits - 1]
        let vendorRoot = String(body[..<(body.count - digits - 1)])
        let year = Int(String(body[(body.count - digits)...]))!
        guard let root = CommodityRoot.all.first(where: { $0.vendor == vendorRoot }) else {
            return .failure(BarsError("vendor root '\(vendorRoot)' of '\(text)' is not in the root table"))
        }
        guard let m = monthCodes.firstIndex(of: code).map({ $0 + 1 }), root.months.contains(code) else {
            return .failure(BarsError("'\(code)' of '\(text)' is not a \(root.exchange) contract month (\(root.months))"))
        }
        func nearestCentury(_ yy: Int) -> Int {
            let base = rowDate.year - rowDate.year % 100 + yy
            return base < rowDate.year - 50 ? base + 100 : base > rowDate.year + 50 ? base - 100 : base
        }
        let resolved: Int
        switch (digits, suffix) {
        case (2, nil):
            resolved = nearestCentury(year)
        case (1, let s?):
            guard s % 10 == year else {
                return .failure(BarsError("'\(text)' is ambiguous: the year digit \(year) disagrees with the suffix \(s)"))
            }
            resolved = nearestCentury(s)
        case (1, nil):
            let rowMonth = rowDate.year * 12 + rowDate.month - 1
            var y = rowDate.year - rowDate.year % 10 + year
            if y * 12 + m - 1 < rowMonth { y += 10 }
            resolved = y
        default:
            return .failure(BarsError("'\(text)' has both a two-digit year and a suffix"))
        }
        let contract = VendorContract(root: root, year: resolved, month: m)
        if let lastTrade {
            let gap = contract.expiryMonth - (lastTrade.year * 12 + lastTrade.month - 1)
            guard gap == 0 || gap == 1 else {
                return .failure(BarsError("'\(text)' is ambiguous: on \(rowDate) it reads as \(contract.name), "
                                          + "but the row says it last trades \(lastTrade)"))
            }
        }
        return .success(contract)
    }
}

/// Daily settlements by contract in the vendor's CSV (`date, generic, contract, last_trade_date,
/// settle, ttm_days, open_interest, volume`; the `bars/zl-daily` sample is soybean oil 1995–2002),
/// for any root of `CommodityRoot.all`. Contracts are renamed explicitly to exchange names
/// (`BOF95 Comdty` → `ZLF95`, `C Z4 Comdty` on 2004-06-01 → `ZCZ04`). Settlement only: no open,
/// high or low is made up.
public enum Settlements {
    /// The rows of `root` (exchange or vendor root). Every other row is a `Rejection` whose `kind`
    /// says why (another root, an unreadable or ambiguous contract name, a bad number).
    public static func read(csv path: String, root: String) throws -> (records: [DailyRecord], rejections: [Rejection]) {
        guard let selected = CommodityRoot.named(root) else {
            throw BarsError("root '\(root)' is not in the root table; known: "
                            + CommodityRoot.all.map { "\($0.exchange) (\($0.vendor))" }.joined(separator: ", "))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BarsError("\(path): cannot read") }
        var out: [DailyRecord] = [], rejections: [Rejection] = []
        func reject(_ line: Int, _ kind: String, _ reason: String) {
            rejections.append(Rejection(file: path, line: line, reason: reason, kind: kind))
        }
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() where i > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let day = CivilDate(iso: f[0]) else {
                reject(i + 1, "not 8 fields with an ISO date", "not 8 fields with an ISO date"); continue
            }
            let stated = f[3].isEmpty ? nil : CivilDate(iso: f[3])
            guard f[3].isEmpty || stated != nil else {
                reject(i + 1, "last trade date does not parse", "last_trade_date '\(f[3])' is not an ISO date"); continue
            }
            let contract: VendorContract
            switch VendorContract.parse(f[2], rowDate: day, lastTrade: stated) {
            case .failure(let e):
                reject(i + 1, e.description.contains("ambiguous") ? "ambiguous contract name" : "unreadable contract name", e.description)
                continue
            case .success(let c): contract = c
            }
            guard contract.root == selected else {
                reject(i + 1, "root \(contract.root.exchange), not the selected \(selected.exchange)",
                       "'\(f[2])' is \(contract.root.exchange), not the selected \(selected.exchange)")
                continue
            }
            guard let settle = Price(decimal: f[4]) else {
                reject(i + 1, "settle does not parse", "settle '\(f[4])' does not parse"); continue
            }
            // Volume and open interest are written as decimals ("5764.0"); only whole numbers are accepted.
            func whole(_ s: String) -> Int64? {
                guard let p = Price(decimal: s), p.rawValue % Price.scale == 0 else { return nil }
                return p.rawValue / Price.scale
            }
            // A blank volume is missing (kept as nil), not zero; anything else must be a whole number.
            let volume = f[7].isEmpty ? nil : whole(f[7])
            guard f[7].isEmpty || volume != nil else {
                reject(i + 1, "volume is not a whole number", "volume '\(f[7])' is not a whole number"); continue
            }
            out.append(DailyRecord(contract: contract.name, date: day, open: nil, high: nil, low: nil, close: settle, volume: volume,
                                   openInterest: whole(f[6]), source: "settlements:\((path as NSString).lastPathComponent)",
                                   expiryMonth: contract.expiryMonth,
                                   lastTradeDate: stated ?? contract.root.lastTradeDate(year: contract.year, month: contract.month)))
        }
        return (out, rejections)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
