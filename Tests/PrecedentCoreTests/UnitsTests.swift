import PrecedentCore
import Testing

@Suite struct UnitsTests {
    /// Day numbers checked against Python's `datetime.date` arithmetic.
    @Test(arguments: [
        ("1970-01-01", 0), ("2000-03-01", 11017), ("2024-02-29", 19782),
        ("1969-12-31", -1), ("2023-12-25", 19716), ("1600-02-29", -135081),
    ])
    func civilDateDayNumbers(_ iso: String, _ days: Int) throws {
        let date = try #require(CivilDate(iso: iso))
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
        #expect(date.description == iso)
    }

    @Test func civilDateRoundTripsEveryDayOfFourCenturies() {
        for days in stride(from: -146_097, to: 146_097 * 3, by: 1) {
            let d = CivilDate(daysSinceEpoch: days)
            if d.daysSinceEpoch != days { Issue.record("day \(days) → \(d) → \(d.daysSinceEpoch)"); return }
        }
    }

    @Test func invalidDatesAreRejected() {
        #expect(CivilDate(iso: "2023-02-29") == nil)
        #expect(CivilDate(iso: "2023-13-01") == nil)
        #expect(CivilDate(iso: "23-01-01") == nil)
        #expect(CivilDate(yyyymmdd: 20231232) == nil)
        #expect(CivilDate(yyyymmdd: 20231225) == CivilDate(year: 2023, month: 12, day: 25))
        #expect(CivilDate(year: 2023, month: 12, day: 25).yyyymmdd == 20231225)
    }

    /// The 2023-12-25 snapshot time of the CME sample (docs/BOOK.md).
    @Test func iso8601() {
        #expect(UnixNanos(rawValue: 1_703_462_400_000_000_000).iso8601 == "2023-12-25T00:00:00.000000000Z")
        #expect(UnixNanos(rawValue: 1_703_545_200_000_069_000).iso8601 == "2023-12-25T23:00:00.000069000Z")
        #expect(UnixNanos.undefined.iso8601 == nil)
        #expect(UnixNanos(rawValue: 1_703_462_400_000_000_000).utcDay == CivilDate(year: 2023, month: 12, day: 25))
    }

    @Test func priceDecimals() {
        #expect(Price(rawValue: 4_799_250_000_000).decimalString == "4799.25")
        #expect(Price(rawValue: -50_000_000).decimalString == "-0.05")
        #expect(Price(rawValue: 12_000_000_000).decimalString == "12")
        #expect(Price(rawValue: 1).decimalString == "0.000000001")
        #expect(Price(rawValue: Int64.min).decimalString == "-9223372036.854775808")
        #expect(Price.undefined.decimalString == nil)
        #expect(Price.undefined.doubleValue == nil)
    }

    @Test func spreadClasses() {
        #expect(InstrumentClass.futureSpread.isSpread && InstrumentClass.optionSpread.isSpread && InstrumentClass.mixedSpread.isSpread)
        #expect(!InstrumentClass.future.isSpread && !InstrumentClass.stock.isSpread)
    }
}
