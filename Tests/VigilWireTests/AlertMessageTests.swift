import Testing

@testable import VigilWire

/// The alert message: encoding, strict and lenient decoding, and hostile input.
@Suite struct AlertMessageTests {
    private static func replacing(_ old: String, with new: String, in text: String = WireFixtures.contractExample) -> String {
        let parts = text.split(separator: old, omittingEmptySubsequences: false)
        precondition(parts.count == 2, "\(old) occurs once")
        return parts.joined(separator: new)
    }

    @Test func encodingTheDecodedContractExampleGivesItsBytes() throws {
        for text in [WireFixtures.contractExample, WireFixtures.coverageGap] {
            let message = try AlertMessage.decode(text)
            #expect(String(decoding: AlertEncoder.encode(message), as: UTF8.self) == text)
            #expect(try AlertMessage.decode(AlertEncoder.encode(message)) == message)
        }
    }

    @Test func strictDecodingReadsEveryField() throws {
        let gap = try AlertMessage.decode(WireFixtures.coverageGap)
        #expect(gap.seq == 7 && gap.id == "al-gap-1" && gap.state == .raised && gap.kind == "coverage_gap")
        #expect(gap.severity == .high && gap.objectClass == .unknown && gap.count == 0 && gap.sector == "S12")
        #expect(gap.position == GeoPoint(lat: 36.8325, lon: 42.105) && gap.direction == nil && gap.cameras == ["cam-rabia-16"])
        #expect(gap.firstTs == 1_795_228_381_000 && gap.lastTs == 1_795_228_381_000 && gap.emittedTs == 1_795_228_381_004)
        #expect(gap.rule == "gap-border" && gap.exercise)
        #expect(
            gap.stretch
                == AlertStretch(
                    border: "iq-sy-border", fromKm: 556.1, toKm: 559.3, km: 3.2, from: GeoPoint(lat: 36.82, lon: 42.09),
                    to: GeoPoint(lat: 36.845, lon: 42.12)))
        #expect(gap.topic == "alert.high.S12.iq-sy-border")
    }

    @Test func inAClusterTheEpochIsWrittenLastAndReadBack() throws {
        var message = try AlertMessage.decode(WireFixtures.contractExample)
        #expect(message.epoch == nil)
        message.epoch = 41
        let text = String(decoding: AlertEncoder.encode(message), as: UTF8.self)
        #expect(text == String(WireFixtures.contractExample.dropLast()) + #","epoch":41}"#)
        #expect(try AlertMessage.decode(text) == message)
        #expect(throws: AlertDecodingError.self) { try AlertMessage.decode(Self.replacing(#""seq":"#, with: #""epoch":"41","seq":"#)) }
    }

    @Test func aClassOutsideTheListIsUnknownAndUnknownFieldsAreIgnored() throws {
        let drone = try AlertMessage.decode(Self.replacing(#""class":"person""#, with: #""class":"drone","future":{"x":[1,{"y":null}]}"#))
        #expect(drone.objectClass == .unknown)
    }

    @Test func stampingSetsSeqAndEmittedTime() throws {
        let message = try AlertMessage.decode(WireFixtures.contractExample)
        let stamped = message.stamped(seq: 9, emittedTs: 12)
        #expect(stamped.seq == 9 && stamped.emittedTs == 12)
        #expect(AlertEncoder.encode(stamped) == AlertEncoder.encode(message, seq: 9, emittedTs: 12))
    }

    /// Hostile inputs: each gives its code and names its field; none traps.
    static let hostile: [(String, AlertDecodingError.Code, String?)] = hostileRows()

    private static func hostileRows() -> [(String, AlertDecodingError.Code, String?)] {
        let rows: [(String, AlertDecodingError.Code, String?)] = [
        ("", .notJSON, nil),
        ("{\"v\":1", .notJSON, nil),
        ("\"alert\"", .notJSON, nil),
        ("{\"v\":\"1\"}", .wrongType, "v"),
        ("{\"v\":1e400}", .badValue, "v"),
        ("{\"v\":null}", .missingField, "v"),
        ("{\"v\":-3}", .badVersion, "v"),
        ("{\"v\":1,\"seq\":-1}", .badValue, "seq"),
        ("{\"v\":1,\"seq\":18446744073709551616}", .badValue, "seq"),
        ("{\"v\":1,\"seq\":true}", .wrongType, "seq"),
        ("{\"v\":1,\"seq\":1,\"id\":[]}", .wrongType, "id"),
        ("{\"v\":1,\"seq\":1,\"id\":\"a\"}", .missingField, "state"),
        (replacing(#""count":3"#, with: #""count":1.5"#), .badValue, "count"),
        (replacing(#""count":3"#, with: #""count":-1"#), .badValue, "count"),
        (replacing(#""lon":42.08931"#, with: #""lon":-180.5"#), .badValue, "lon"),
        (replacing(#""lat":36.79213"#, with: #""lat":"north""#), .wrongType, "lat"),
        (replacing(#""lat":36.79213"#, with: #""lat":1e999"#), .badValue, "lat"),
        (replacing(#""kind":"border_crossing""#, with: #""kind":"""#), .badValue, "kind"),
        (replacing(#""cameras":["#, with: #""cameras":[null,"#), .missingField, "cameras[0]"),
        (replacing(#""cameras":["#, with: #""cameras":{"a":["#), .notJSON, nil),
        (replacing(#""first_ts":1795228381000"#, with: #""first_ts":253402300800000"#), .badValue, "first_ts"),
        (replacing(#""exercise":true"#, with: #""exercise":1"#, in: WireFixtures.coverageGap), .wrongType, "exercise"),
        (replacing(#""from":[36.82,42.09]"#, with: #""from":[36.82,"e"]"#, in: WireFixtures.coverageGap), .wrongType, "stretch.from[1]"),
        (replacing(#""from":[36.82,42.09]"#, with: #""from":[96.82,42.09]"#, in: WireFixtures.coverageGap), .badValue, "stretch.from"),
        (replacing(#""border":"iq-sy-border""#, with: #""border":7"#, in: WireFixtures.coverageGap), .wrongType, "stretch.border"),
        (replacing(#""km":3.2"#, with: #""km":"3.2""#, in: WireFixtures.coverageGap), .wrongType, "stretch.km"),
        ]
        return rows
    }

    @Test(arguments: hostile.indices) func hostileInputGivesASpecificError(_ index: Int) {
        let (input, code, field) = Self.hostile[index]
        #expect {
            _ = try AlertMessage.decode(input)
        } throws: { error in
            guard let error = error as? AlertDecodingError else { return false }
            return error.code == code && error.field == field && !error.problem.isEmpty
        }
    }

    @Test func anAbsentKmIsTheStretchsLength() throws {
        let message = try AlertMessage.decode(Self.replacing(#","km":3.2"#, with: "", in: WireFixtures.coverageGap))
        #expect(message.stretch?.km == abs(559.3 - 556.1))
    }

    @Test func errorsSayWhatWasExpected() {
        #expect(throws: AlertDecodingError(.missingField, field: "seq", "required, absent")) { try AlertMessage.decode(#"{"v":1}"#) }
        #expect(throws: AlertDecodingError(.wrongType, field: "count", "expected an integer")) {
            try AlertMessage.decode(Self.replacing(#""count":3"#, with: #""count":"3""#))
        }
        #expect(throws: AlertDecodingError(.missingField, field: "count", "is null; expected an integer")) {
            try AlertMessage.decode(Self.replacing(#""count":3"#, with: #""count":null"#))
        }
    }

    @Test func lenientDecodingTakesWhatIsThere() throws {
        let full = try #require(PartialAlertMessage.parse(Array(WireFixtures.contractExample.utf8)))
        #expect(full.seq == 1042 && full.id == "al-7f3a9c21" && full.state == "raised" && full.kind == "border_crossing")
        #expect(full.severity == "critical" && full.objectClass == "person" && full.count == 3 && full.direction == "SY->IQ")
        #expect(full.position == GeoPoint(lat: 36.79213, lon: 42.08931))
        #expect(full.firstTs == 1_795_228_381_000 && full.lastTs == 1_795_228_387_250 && full.emittedTs == 1_795_228_387_253)

        let odd = try #require(PartialAlertMessage.parse(Array(#"{"id":"x","seq":2.9,"count":1e400,"lat":1,"lon":true,"state":7}"#.utf8)))
        #expect(odd.seq == 2, "a fraction is cut off")
        #expect(odd.count == nil && odd.position == nil && odd.state == nil && odd.kind == nil)
        #expect(PartialAlertMessage.parse(Array(#"{"id":3}"#.utf8)) == nil)
        #expect(PartialAlertMessage.parse(Array("[]".utf8)) == nil)
    }

    @Test func seqAloneIsReadFromAnyObject() {
        #expect(AlertMessage.seq(of: Array(#"{"seq":18446744073709551615}"#.utf8)) == .max)
        #expect(AlertMessage.seq(of: Array(#"{"seq":-1}"#.utf8)) == nil)
        #expect(AlertMessage.seq(of: Array(#"{"seq":"1"}"#.utf8)) == nil)
        #expect(AlertMessage.seq(of: Array(#"{"id":"x"}"#.utf8)) == nil)
        #expect(AlertMessage.seq(of: Array("not json".utf8)) == nil)
    }
}
