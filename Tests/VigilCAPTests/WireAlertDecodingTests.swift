import Testing
@testable import VigilCAP
import VigilWire

@Suite struct WireAlertDecodingTests {
    @Test func readsTheContractExample() throws {
        let alert = try AlertMessage.decode(Fixtures.contractExample)
        #expect(alert.seq == 1042)
        #expect(alert.id == "al-7f3a9c21")
        #expect(alert.state == .raised)
        #expect(alert.kind == "border_crossing")
        #expect(alert.severity == .critical)
        #expect(alert.objectClass == .person)
        #expect(alert.count == 3)
        #expect(alert.sector == "S07")
        #expect(alert.zone == "iq-sy-border")
        #expect(alert.position == GeoPoint(lat: 36.79213, lon: 42.08931))
        #expect(alert.direction == "SY->IQ")
        #expect(alert.cameras == ["cam-rabia-03", "cam-rabia-04"])
        #expect(alert.firstTs == 1_795_228_381_000)
        #expect(alert.lastTs == 1_795_228_387_250)
        #expect(alert.emittedTs == 1_795_228_387_253)
        // Old messages have no extension fields.
        #expect(alert.rule == nil)
        #expect(alert.exercise == false)
        #expect(alert.stretch == nil)
        #expect(alert.topic == "alert.critical.S07.iq-sy-border")
    }

    @Test func readsTheExtensionFields() throws {
        let gap = try AlertMessage.decode(Fixtures.coverageGap)
        #expect(gap.rule == "gap-border")
        let stretch = try #require(gap.stretch)
        #expect(stretch.border == "iq-sy-border")
        #expect(stretch.fromKm == 556.1)
        #expect(stretch.toKm == 559.3)
        #expect(stretch.km == 3.2)
        #expect(stretch.from == GeoPoint(lat: 36.82, lon: 42.09))
        #expect(stretch.to == GeoPoint(lat: 36.845, lon: 42.12))

        let exercise = try AlertMessage.decode(Fixtures.contractExample.replacingOccurrences(of: "}", with: #","exercise":true}"#))
        #expect(exercise.exercise)
    }

    @Test func ignoresUnknownFieldsAndNullOptionals() throws {
        let line = Fixtures.contractExample.replacingOccurrences(of: #""direction":"SY->IQ""#, with: #""direction":null,"future":{"x":[1]}"#)
        let alert = try AlertMessage.decode(line)
        #expect(alert.direction == nil)
    }

    /// Each bad input, the error code, and the field named.
    static let badInputs: [(String, AlertDecodingError.Code, String?)] = [
        ("not json", .notJSON, nil),
        ("[1, 2]", .notJSON, nil),
        (#"{"v":1}"#, .missingField, "seq"),
        (#"{"seq":1}"#, .missingField, "v"),
        (Fixtures.contractExample.replacingOccurrences(of: #""v":1"#, with: #""v":2"#), .badVersion, "v"),
        (Fixtures.contractExample.replacingOccurrences(of: #""count":3"#, with: #""count":"3""#), .wrongType, "count"),
        (Fixtures.contractExample.replacingOccurrences(of: #""count":3"#, with: #""count":null"#), .missingField, "count"),
        (Fixtures.contractExample.replacingOccurrences(of: #""severity":"critical""#, with: #""severity":"urgent""#), .badValue, "severity"),
        (Fixtures.contractExample.replacingOccurrences(of: #""state":"raised""#, with: #""state":"open""#), .badValue, "state"),
        (Fixtures.contractExample.replacingOccurrences(of: #""id":"al-7f3a9c21""#, with: #""id":"al 7f""#), .badValue, "id"),
        (Fixtures.contractExample.replacingOccurrences(of: #""lat":36.79213"#, with: #""lat":136.7"#), .badValue, "lat"),
        (Fixtures.contractExample.replacingOccurrences(of: #""cameras":["cam-rabia-03""#, with: #""cameras":[3"#), .wrongType, "cameras[0]"),
        (Fixtures.contractExample.replacingOccurrences(of: #""emitted_ts":1795228387253"#, with: #""emitted_ts":-5"#), .badValue, "emitted_ts"),
        (Fixtures.coverageGap.replacingOccurrences(of: #""to":[36.845,42.12]"#, with: #""to":[36.845]"#), .badValue, "stretch.to"),
        (Fixtures.coverageGap.replacingOccurrences(of: #""from_km":556.1,"#, with: ""), .missingField, "stretch.from_km"),
    ]

    @Test(arguments: badInputs.indices) func badInputIsAnErrorNamingTheField(_ index: Int) {
        let (input, code, field) = Self.badInputs[index]
        #expect {
            _ = try AlertMessage.decode(input)
        } throws: { error in
            guard let error = error as? AlertDecodingError else { return false }
            return error.code == code && error.field == field && !error.problem.isEmpty
        }
    }

    @Test func errorsSayWhatWasExpected() {
        let line = Fixtures.contractExample.replacingOccurrences(of: #""severity":"critical""#, with: #""severity":"urgent""#)
        #expect(throws: AlertDecodingError(.badValue, field: "severity", #"expected critical, high, medium or low, got "urgent""#)) {
            try AlertMessage.decode(line)
        }
        let missing = AlertDecodingError(.missingField, field: "seq", "required, absent")
        #expect(missing.description == #"field "seq": required, absent"#)
        let wrongType = Fixtures.contractExample.replacingOccurrences(of: #""count":3"#, with: #""count":"3""#)
        #expect(throws: AlertDecodingError(.wrongType, field: "count", "expected an integer")) { try AlertMessage.decode(wrongType) }
    }
}
