import Foundation
import Testing

@testable import VigilCAP
import VigilWire

/// Times far in the past or future, and numbers at the ends of their types, on the way from an
/// alert message to CAP (issue 12): the decoder refuses what CAP cannot carry, by field, and the
/// date formatter is total over Int64.
@Suite struct CAPHostileNumbersTests {
    /// Worked out independently (Python integers, Hinnant's algorithm) and matching the known
    /// ends of 64-bit Unix time.
    @Test func capDatesAreTotalOverInt64Seconds() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00-00:00"),
            (-1, "1969-12-31T23:59:59-00:00"),
            (253_402_300_799, "9999-12-31T23:59:59-00:00"),
            (.max, "292277026596-12-04T15:30:07-00:00"),
            // `days * 86_400` fell below Int64.min here and trapped.
            (.min, "-292277022657-01-27T08:29:52-00:00"),
            (.min + 86_399, "-292277022657-01-28T08:29:51-00:00"),
        ]
        for (seconds, text) in cases { #expect(CAPDateTime(secondsSince1970: seconds).description == text, "\(seconds)") }
        #expect(CAPDateTime(millisecondsSince1970: .max).description == "292278994-08-17T07:12:55-00:00")
        #expect(CAPDateTime(millisecondsSince1970: .min).description == "-292275055-05-16T16:47:04-00:00")
    }

    /// `days + 719_468` overflowed for the last days of Int64.
    @Test func civilDatesAreTotalOverInt64Days() {
        #expect(CAPDateTime.civilDate(daysSince1970: .max) == (25_252_734_927_768_524, 7, 27))
        #expect(CAPDateTime.civilDate(daysSince1970: .min) == (-25_252_734_927_764_585, 6, 7))
        #expect(CAPDateTime.civilDate(daysSince1970: 0) == (1970, 1, 1))
        #expect(CAPDateTime.civilDate(daysSince1970: -719_468) == (0, 3, 1))
    }

    /// Each time field of an alert message is refused by name outside 0...9999-12-31, however
    /// it is written; inside, any value gives a CAP message.
    @Test func alertTimesOutsideWhatCAPCarriesAreRefusedByField() throws {
        for field in ["first_ts", "last_ts", "emitted_ts"] {
            for value in ["-1", "-9223372036854775808", "9223372036854775807", "253402300800000"] {
                let json = Fixtures.contractExample.replacingOccurrences(of: #""\#(field)":"#, with: #""\#(field)":\#(value),"was":"#)
                do {
                    _ = try AlertMessage.decode(json)
                    Issue.record("\(field) \(value) was taken")
                } catch {
                    #expect(error.field == field && error.code == .badValue, "\(field) \(value): \(error)")
                }
            }
            for value in ["9223372036854775808", "-9223372036854775809", "1e400", "1.5", "\"1\""] {
                let json = Fixtures.contractExample.replacingOccurrences(of: #""\#(field)":"#, with: #""\#(field)":\#(value),"was":"#)
                #expect(throws: AlertDecodingError.self, "\(field) \(value)") { try AlertMessage.decode(json) }
            }
        }
        for (count, seq) in [("9223372036854775807", "18446744073709551615"), ("0", "0")] {
            let json = Fixtures.contractExample.replacingOccurrences(of: #""count":3"#, with: #""count":\#(count)"#)
                .replacingOccurrences(of: #""seq":1042"#, with: #""seq":\#(seq)"#)
            let alert = try AlertMessage.decode(json)
            var writer = CAPWriter(options: Fixtures.options)
            #expect(writer.line(for: alert).contains("vigil-al-7f3a9c21-\(seq)"))
        }
        for value in ["18446744073709551616", "-1", "9223372036854775808"] {
            let json = Fixtures.contractExample.replacingOccurrences(of: #""count":3"#, with: #""count":\#(value)"#)
            #expect(throws: AlertDecodingError.self, "count \(value)") { try AlertMessage.decode(json) }
        }
    }

    /// A writer given an alert built in code, with times the decoder would refuse, still writes
    /// a message (never traps).
    @Test func aWriterGivenExtremeTimesStillWrites() {
        var writer = CAPWriter(options: Fixtures.options)
        for ts in [Int64.min, -1, .max] {
            var alert = Fixtures.alert(emittedTs: 0)
            alert.firstTs = ts
            alert.lastTs = ts
            alert.emittedTs = ts
            alert.count = .min
            #expect(!writer.line(for: alert).isEmpty)
        }
    }
}
