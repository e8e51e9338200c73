/// A CAP 1.2 date and time: whole seconds in UTC, written `YYYY-MM-DDThh:mm:ss-00:00`.
///
/// CAP 1.2 section 3.3.2 (and the data dictionary for `<sent>`): "Alphabetic timezone designators
/// such as "Z" MUST NOT be used. The timezone for UTC MUST be represented as "-00:00"." CAP's
/// format has no fraction of a second, so milliseconds are dropped (rounded down).
public struct CAPDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00 UTC.
    public var secondsSince1970: Int64

    /// The UTC offset as CAP 1.2 requires it for UTC.
    public static let utcOffset = "-00:00"

    /// The instant `milliseconds` after 1970-01-01T00:00:00 UTC, rounded down to the second.
    public init(millisecondsSince1970 milliseconds: Int64) {
        secondsSince1970 = Self.floorDivide(milliseconds, 1_000)
    }

    /// The instant `seconds` after 1970-01-01T00:00:00 UTC.
    public init(secondsSince1970 seconds: Int64) {
        secondsSince1970 = seconds
    }

    /// `YYYY-MM-DDThh:mm:ss-00:00`, e.g. `2026-11-20T09:53:01-00:00`.
    public var description: String {
        let days = Self.floorDivide(secondsSince1970, 86_400)
        // The floor remainder, without `days * 86_400`, which overflows near Int64.min.
        let remainder = secondsSince1970 % 86_400
        let secondOfDay = remainder < 0 ? remainder + 86_400 : remainder
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay % 3_600 / 60, 2)):\(pad(secondOfDay % 60, 2))"
            + Self.utcOffset
    }

    /// Orders by time.
    public static func < (lhs: CAPDateTime, rhs: CAPDateTime) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (day 0), after Howard
    /// Hinnant's `civil_from_days` (eras of 400 years, years starting on 1 March).
    ///
    /// Total over `Int64`: the shift to 0000-03-01 is applied to the day within the era, so no
    /// step overflows.
    static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        // days + 719_468 (days from 0000-03-01), split into eras of 146,097 days.
        let remainder = days % 146_097
        let shiftedDayOfEra = (remainder < 0 ? remainder + 146_097 : remainder) + 719_468  // 719,468...865,564
        let era = floorDivide(days, 146_097) + shiftedDayOfEra / 146_097
        let dayOfEra = shiftedDayOfEra % 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from 1 March
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0...11
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
