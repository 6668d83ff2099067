extension Int64 {
    /// ⌊self / divisor⌋ for a positive divisor (Swift's `/` truncates toward zero): the tick
    /// offset of a price below a level is −1, not 0, for anything within the tick below it.
    @inlinable public func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && self < 0) ? q - 1 : q
    }
}

extension CivilDate {
    /// Day of the week: 0 Sunday … 6 Saturday.
    @inlinable public var weekday: Int { ((daysSinceEpoch % 7) + 7 + 4) % 7 }

    /// Monday-to-Friday dates from the earliest to the latest of `dates` that are not among them
    /// (gaps against a weekday calendar; exchange holidays show up too).
    public static func missingWeekdays(in dates: Set<CivilDate>) -> [CivilDate] {
        guard let first = dates.min(), let last = dates.max() else { return [] }
        return (first.daysSinceEpoch...last.daysSinceEpoch).map(CivilDate.init(daysSinceEpoch:))
            .filter { $0.weekday != 0 && $0.weekday != 6 && !dates.contains($0) }
    }
}
