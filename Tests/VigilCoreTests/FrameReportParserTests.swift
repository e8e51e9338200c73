import Foundation
import Testing
@testable import VigilCore

/// The frame report parser against every rule of CONTRACT.md section 1 and RFC 8259.
@Suite struct FrameReportParserTests {
    typealias P = ParserPayloads

    // MARK: Helpers

    func parse(_ json: String) throws(FrameReportError) -> FrameReport {
        try FrameReportParser.parse(Array(json.utf8))
    }

    func rejection(_ bytes: [UInt8]) -> FrameReportError? {
        do {
            _ = try FrameReportParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    /// Expects `json` to be rejected for `reason`, with a detail that starts with `path` (the
    /// field path) when one is given.
    func expectRejected(
        _ json: String, _ reason: RejectReason, path: String? = nil, containing text: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectRejected(Array(json.utf8), reason, path: path, containing: text, sourceLocation: sourceLocation)
    }

    func expectRejected(
        _ bytes: [UInt8], _ reason: RejectReason, path: String? = nil, containing text: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = rejection(bytes) else {
            Issue.record(
                "accepted: \(String(decoding: bytes.prefix(300), as: UTF8.self))", sourceLocation: sourceLocation)
            return
        }
        #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        if let path {
            #expect(error.detail.hasPrefix(path + ":"), "\(error)", sourceLocation: sourceLocation)
        }
        if let text {
            #expect(error.detail.contains(text), "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// The single detection of a report built from `changes`.
    func onlyDetection(_ changes: [(String, String?)]) throws -> Detection {
        let report = try parse(P.report(detection: changes))
        try #require(report.detections.count == 1)
        return report.detections[0]
    }

    // MARK: Accepted reports

    @Test func decodesTheContractExample() throws {
        let report = try parse(P.contractExample)
        #expect(report == P.contractExampleReport)
        #expect(report.unknownClassCount == 0)
    }

    @Test func parsesFromARawBuffer() throws {
        let bytes = Array(P.contractExample.utf8)
        let report = try bytes.withUnsafeBytes { buffer throws(FrameReportError) in
            try FrameReportParser.parse(buffer)
        }
        #expect(report == P.contractExampleReport)
    }

    @Test func acceptsAHeartbeat() throws {
        let report = try parse(P.report(detections: []))
        #expect(report.detections.isEmpty)
        #expect(try parse(#"{"v":1,"camera":"c","seq":0,"ts":0,"detections":[ ]}"#).detections.isEmpty)
    }

    @Test func readsTheExerciseExtension() throws {
        #expect(try parse(#"{"v":1,"camera":"c","seq":0,"ts":0,"exercise":true,"detections":[]}"#).exercise)
        #expect(try parse(#"{"v":1,"camera":"c","seq":0,"ts":0,"exercise":false,"detections":[]}"#).exercise == false)
        #expect(try parse(#"{"v":1,"camera":"c","seq":0,"ts":0,"detections":[]}"#).exercise == false)
        expectRejected(#"{"v":1,"camera":"c","seq":0,"ts":0,"exercise":"yes","detections":[]}"#, .wrongType, path: "exercise")
        expectRejected(#"{"v":1,"camera":"c","seq":0,"ts":0,"exercise":true,"exercise":true,"detections":[]}"#, .badJSON)
    }

    @Test func acceptsWhitespaceAndAByteOrderMark() throws {
        let spaced = " \n\t\r" + P.report().replacingOccurrences(of: ", ", with: " ,\r\n\t ") + "\n \t\r"
        #expect(try parse(spaced) == P.contractExampleReport)
        #expect(try FrameReportParser.parse([0xEF, 0xBB, 0xBF] + Array(P.report().utf8)) == P.contractExampleReport)
    }

    @Test func ignoresUnknownFieldsWithAnyValue() throws {
        let value = #"{"a": [1, -2.5e-3, true, false, null, {"b": "\u00e9\ud83d\ude00 ü 😀", "c": []}], "d": {}}"#
        let json = P.report(
            [("gateway", value), ("x", "null"), ("y", #""\"\\\/\b\f\n\r\t""#)],
            detections: [P.detection([("bbox", "[1, 2, 3, 4]"), ("extra", value), ("zz", "1e400")])])
        let report = try parse(json)
        #expect(report.detections.count == 1)
        #expect(report.detections[0].track == 412)
    }

    @Test func decodesEscapesInStringsAndKeys() throws {
        let report = try parse(
            P.report(
                [("camera", #""cam\u002drabia\u002D03""#)],
                detections: [P.detection([("class", #""\u0070erson""#)])]
            ).replacingOccurrences(of: #""v""#, with: #""\u0076""#)
                .replacingOccurrences(of: #""lat""#, with: #""l\u0061t""#))
        #expect(report.camera == "cam-rabia-03")
        #expect(report.detections[0].objectClass == .person)
        #expect(report.detections[0].lat == 36.79213)
    }

    @Test func decodesOptionalFields() throws {
        let detection = try onlyDetection([
            ("temp_c", "-12.5"), ("size_m", "1.75"), ("speed_mps", "0"), ("heading_deg", "359.5"),
        ])
        #expect(detection.tempC == -12.5)
        #expect(detection.sizeM == 1.75)
        #expect(detection.speedMps == 0)
        #expect(detection.headingDeg == 359.5)
        let bare = try onlyDetection([("temp_c", nil)])
        #expect(bare.tempC == nil && bare.sizeM == nil && bare.speedMps == nil && bare.headingDeg == nil)
    }

    /// Decision: a heading of exactly 360 is the same direction as 0, and read as 0.
    @Test func readsHeading360As0() throws {
        #expect(try onlyDetection([("heading_deg", "360")]).headingDeg == 0)
        #expect(try onlyDetection([("heading_deg", "3.6e2")]).headingDeg == 0)
        #expect(try onlyDetection([("heading_deg", "0")]).headingDeg == 0)
    }

    @Test func acceptsTheEdgesOfEveryRange() throws {
        let low = try onlyDetection([
            ("track", "0"), ("conf", "0"), ("lat", "-90"), ("lon", "-180"), ("temp_c", "-100"), ("size_m", "0"),
            ("speed_mps", "0"), ("heading_deg", "0"),
        ])
        #expect(low == Detection(track: 0, objectClass: .person, conf: 0, lat: -90, lon: -180, tempC: -100, sizeM: 0,
                                 speedMps: 0, headingDeg: 0))
        let high = try onlyDetection([
            ("track", "4294967295"), ("conf", "1"), ("lat", "90"), ("lon", "180"), ("temp_c", "2000"),
            ("size_m", "1000"), ("speed_mps", "500"), ("heading_deg", "359.99999999999994"),
        ])
        #expect(high.track == .max && high.conf == 1 && high.lat == 90 && high.lon == 180)
        #expect(high.tempC == 2000 && high.sizeM == 1000 && high.speedMps == 500)
        #expect(high.headingDeg == 359.99999999999994)
        let report = try parse(P.report([("seq", "18446744073709551615"), ("ts", "9007199254740992")]))
        #expect(report.seq == .max)
        #expect(report.ts == 1 << 53)
        #expect(try parse(P.report([("seq", "0"), ("ts", "0")])).seq == 0)
    }

    /// Decision: integer fields accept any notation whose exact decimal value is an integer in range.
    @Test(arguments: [
        ("18231.0", UInt64(18231)), ("1.8231e4", 18231), ("1.8231E+4", 18231), ("182310e-1", 18231),
        ("0.0", 0), ("-0", 0), ("-0.0e7", 0), ("0e99999999999", 0), ("1.8446744073709551615e19", .max),
        ("18446744073709551615.000", .max), ("184467440737095516150e-1", .max), ("1e19", 10_000_000_000_000_000_000),
        ("12345678901234567890000e-4", 1_234_567_890_123_456_789),
    ])
    func acceptsIntegralNumbersForIntegerFields(_ literal: String, _ expected: UInt64) throws {
        #expect(try parse(P.report([("seq", literal)])).seq == expected)
    }

    @Test func acceptsIntegralNotationsForOtherIntegerFields() throws {
        #expect(try parse(P.report([("v", "1.0")])).seq == 18231)
        #expect(try parse(P.report([("v", "10e-1")])).seq == 18231)
        #expect(try parse(P.report([("ts", "1.79522838725e12")])).ts == 1_795_228_387_250)
        #expect(try onlyDetection([("track", "4.12e2")]).track == 412)
        #expect(try onlyDetection([("track", "4294967295.0")]).track == .max)
    }

    @Test func takesOtherClassesAsUnknownAndCountsThem() throws {
        let classes = [#""person""#, #""drone""#, #""vehicle""#, #""Person""#, #""animal""#, #""unknown""#, #""""#,
                       #""vehicl\u0065""#, #""véhicule""#]
        let report = try parse(P.report(detections: classes.map { P.detection([("class", $0)]) }))
        #expect(report.detections.map(\.objectClass) == [
            .person, .unknown, .vehicle, .unknown, .animal, .unknown, .unknown, .vehicle, .unknown,
        ])
        #expect(report.unknownClassCount == 4)
    }

    @Test(arguments: [
        "0.1", "-89.99999999999999", "1e-7", "36.792130000000000000000000001", "12.3456789012345678901234567890",
        "4.9406564584124654e-324", "2.2250738585072011e-308", "2.2250738585072014e-308", "89.999999999999999999999",
        "8.98846567431158e-1", "0.000000000000000000000000000000000000000000001", "45.00000000000000088817841970012523",
        "1e-400", "-1e-400", "2.5e-324", "7.2057594037927933e-1", "9007199254740993e-15", "123456789012345678e-16",
    ])
    func convertsNumbersCorrectlyRounded(_ literal: String) throws {
        let lat = try onlyDetection([("lat", literal)]).lat
        let expected = try #require(Double(literal))
        #expect(lat.bitPattern == expected.bitPattern, "\(literal): \(lat) != \(expected)")
    }

    @Test func keepsNegativeZero() throws {
        let detection = try onlyDetection([("lat", "-0.0"), ("lon", "-0"), ("conf", "-0e3"), ("speed_mps", "-0.0")])
        #expect(detection.lat.sign == .minus && detection.lat == 0)
        #expect(detection.lon.sign == .minus && detection.conf.sign == .minus)
        #expect(detection.speedMps?.sign == .minus)
    }

    @Test func acceptsTheLimits() throws {
        let report = try parse(P.report(detections: Array(repeating: P.secondDetection, count: 256)))
        #expect(report.detections.count == 256)
        let small = P.report()
        let padded = small + String(repeating: " ", count: FrameReportParser.maxPayloadBytes - small.utf8.count)
        #expect(padded.utf8.count == 65_536)
        #expect(try parse(padded) == P.contractExampleReport)
        // The report object is level 1; an unknown field's value adds 63 more levels here.
        let deep = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        #expect(try parse(P.report([("deep", deep)])).seq == 18231)
    }

    /// The parser's fast path matches plainly written keys as words; its constants must spell them.
    @Test func packedKeysSpellTheFieldNames() {
        typealias K = FrameReportParser.PackedKey
        let words: [(UInt64, String)] = [
            (K.v, "v\""), (K.ts, "ts\""), (K.seq, "seq\""), (K.camera, "camera\""), (K.detectio, "detectio"),
            (K.ns, "ns\""), (K.lat, "lat\""), (K.lon, "lon\""), (K.conf, "conf\""), (K.track, "track\""),
            (K.class, "class\""), (K.tempC, "temp_c\""), (K.sizeM, "size_m\""), (K.speedMp, "speed_mp"),
            (K.s, "s\""), (K.heading, "heading_"), (K.deg, "deg\""),
        ]
        for (word, text) in words {
            #expect(word == K.pack(text), "\(text)")
        }
    }

    /// Keys in the last 12 bytes, escaped, or merely similar take the general path; all read the same.
    @Test func readsKeysOnEveryPath() throws {
        let compact =
            #"{"detections":[{"lon":2,"lat":1,"conf":0.5,"class":"animal","track":7}],"#
            + #""seq":3,"ts":4,"camera":"c","v":1}"#
        let report = try parse(compact)
        #expect(report == FrameReport(camera: "c", seq: 3, ts: 4, detections: [
            Detection(track: 7, objectClass: .animal, conf: 0.5, lat: 1, lon: 2),
        ]))
        let similarDetection = P.detection([
            ("lats", "1"), ("classy", "1"), ("speed_mpsx", "1"), ("heading_degs", "1"), ("heading_dex", "1"),
            ("speed_mp", "1"), ("size_mm", "1"),
        ])
        let similar = P.report(
            [("va", "2"), ("tsx", "1"), ("cameras", "1"), ("detection", "1"), ("detectionsx", "1")],
            detections: [similarDetection])
        #expect(try parse(similar).detections[0] == P.contractExampleReport.detections[0])
    }

    // MARK: Oversize

    @Test func rejectsAnOversizePayloadBeforeReadingIt() {
        expectRejected([UInt8](repeating: 0xFF, count: 65_537), .oversize)
        let small = P.report()
        expectRejected(small + String(repeating: " ", count: 65_537 - small.utf8.count), .oversize)
    }

    // MARK: Bad JSON

    @Test(arguments: [
        "", "   ", "{", "}", "{\"v\":1", "nul", "{\"v\":1,}", "{,}", "{\"v\" 1}", "{\"v\":1 \"seq\":2}", "{\"v\":}",
        "{v:1}", "{'v':1}", "{\"v\":1}}", "{\"v\":1} x", "{\"v\":1}\u{0}", "{\"v\":1}{}", "{\"v\":1} // c",
        "{/*c*/\"v\":1}", "{\"v\":01}", "{\"v\":-01}", "{\"v\":00}", "{\"v\":1.}", "{\"v\":.5}", "{\"v\":+1}",
        "{\"v\":1e}", "{\"v\":1e+}", "{\"v\":-}", "{\"v\":--1}", "{\"v\":0x1}", "{\"v\":NaN}", "{\"v\":Infinity}",
        "{\"v\":-Infinity}", "{\"v\":1,\"x\":[1,]}", "{\"v\":1,\"x\":[,1]}", "{\"v\":1,\"x\":{\"a\":1,}}",
        "{\"v\":1,\"x\":tru}", "{\"v\":1,\"x\":True}", "{\"v\":1,\"x\":nulll}", "{\"v\":1,\"x\":\"abc}",
        "{\"v\":1,\"x\":\"a\\x\"}", "{\"v\":1,\"x\":\"a\\u12\"}", "{\"v\":1,\"x\":\"a\\u12g4\"}",
        "{\"v\":1,\"x\":\"\\ud800\"}", "{\"v\":1,\"x\":\"\\udc00\\ud800\"}", "{\"v\":1,\"x\":\"\\ud800\\u0041\"}",
        "{\"v\":1,\"x\":\"\\ud800x\"}", "{\"v\":1,\"x\":\"a\u{1}b\"}", "{\"v\":1,\"x\":\"tab\there\"}",
        "{\"v\":1,\"x\":\"\\'\"}", "{\"v\":1,\"x\":[1 2]}", "{\"v\":1,\"x\":{\"a\" 1}}", "{\"v\":1,\"x\":{1:2}}",
        "{\"v\":1,\"x\":\u{0B}1}", "{\"v\":1,\"x\":\u{0C}1}", "{\"v\":1,\"x\":\u{A0}1}", "[1,", "\"abc",
    ])
    func rejectsInvalidJSON(_ json: String) {
        expectRejected(json, .badJSON)
    }

    @Test func rejectsEveryTruncation() {
        let bytes = Array(P.contractExample.utf8)
        for length in 0..<bytes.count {
            expectRejected(Array(bytes[..<length]), .badJSON)
        }
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
        [0xE2, 0x82], [0xE2, 0x82, 0x41], [0x80], [0xBF], [0xC3], [0xF0, 0x9F, 0x98], [0xFE],
        [0xF8, 0x88, 0x80, 0x80, 0x80],
    ] as [[UInt8]])
    func rejectsInvalidUTF8InStrings(_ sequence: [UInt8]) {
        // In an unknown field's value, in a key, and in the camera: all bad JSON.
        let places = [
            (#"{"v":1,"x":"a"#, #"b"}"#), (#"{"v":1,""#, #"":1}"#), (#"{"v":1,"camera":"cam"#, #""}"#),
        ]
        for (before, after) in places {
            expectRejected(Array(before.utf8) + sequence + Array(after.utf8), .badJSON, containing: "UTF-8")
        }
    }

    @Test func acceptsValidUTF8InStrings() throws {
        let sequences: [[UInt8]] = [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        for sequence in sequences {
            let bytes = Array(P.report().dropLast().utf8) + Array(#", "note": "a"#.utf8) + sequence + Array(#""}"#.utf8)
            #expect(throws: Never.self) { try FrameReportParser.parse(bytes) }
        }
    }

    /// Decision: a contract key given twice is bad JSON, the detail naming it (JSONDecoder keeps the first).
    @Test func rejectsDuplicateContractKeys() {
        expectRejected(P.report().replacingOccurrences(of: #""seq": 18231"#, with: #""seq": 18231, "seq": 18232"#),
                       .badJSON, path: "seq", containing: "duplicate key")
        expectRejected(P.report([("x", "1")]).replacingOccurrences(of: #""x": 1"#, with: #""\u0076": 1"#),
                       .badJSON, path: "v", containing: "duplicate")
        let twoLats = P.detection().replacingOccurrences(of: "}", with: #", "lat": 1}"#)
        expectRejected(P.report(detections: [P.detection(), twoLats]), .badJSON, path: "detections[1].lat",
                       containing: "duplicate key")
        let twoHeadings = P.detection([("heading_deg", "1")])
            .replacingOccurrences(of: "}", with: #", "heading_deg": 1}"#)
        expectRejected(P.report(detections: [twoHeadings]), .badJSON, path: "detections[0].heading_deg")
    }

    @Test func ignoresRepeatedUnknownKeys() throws {
        let json = P.report([("x", "1")]).replacingOccurrences(of: #""x": 1"#, with: #""x": 1, "x": [2]"#)
        #expect(try parse(json) == P.contractExampleReport)
    }

    @Test func rejectsNestingDeeperThan64() {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        expectRejected(P.report([("deep", deep)]), .badJSON, containing: "deeper than 64")
        let deepObject = String(repeating: #"{"a":"#, count: 62) + "1" + String(repeating: "}", count: 62)
        expectRejected(P.report(detections: [P.detection([("deep", deepObject)])]), .badJSON, containing: "deeper")
        let veryDeep = String(repeating: "[", count: 100_000)
        expectRejected(veryDeep.count > 65_536 ? String(veryDeep.prefix(65_000)) : veryDeep, .badJSON)
    }

    /// Syntax wins over contract violations anywhere in the payload.
    @Test func reportsBadJSONBeforeContractViolations() {
        expectRejected(String(P.report(detection: [("lat", "200")]).dropLast()), .badJSON)
        expectRejected(P.report([("v", "2")]) + "x", .badJSON)
        expectRejected(P.report([("camera", "5"), ("x", "[1,]")]), .badJSON)
        expectRejected("[" + P.report() + ",]", .badJSON)
    }

    // MARK: Wrong types

    @Test func rejectsATopLevelThatIsNotAnObject() {
        for json in ["[]", #"[{"v":1}]"#, "1", #""report""#, "null", "true"] {
            expectRejected(json, .wrongType, path: "payload")
        }
    }

    @Test(arguments: [
        ("v", #""1""#), ("v", "true"), ("v", "null"), ("v", "[1]"), ("camera", "5"), ("camera", "null"),
        ("camera", #"["cam-rabia-03"]"#), ("seq", #""18231""#), ("seq", "{}"), ("ts", "null"), ("ts", #""2026-11-20""#),
        ("detections", "{}"), ("detections", "null"), ("detections", #""[]""#),
    ])
    func rejectsReportFieldsOfTheWrongType(_ field: String, _ value: String) {
        expectRejected(P.report([(field, value)]), .wrongType, path: field)
    }

    @Test(arguments: [
        ("track", #""412""#), ("track", "null"), ("class", "3"), ("class", "null"), ("class", #"["person"]"#),
        ("conf", #""0.9""#), ("lat", "null"), ("lon", "[42]"), ("lat", "true"),
        ("temp_c", "null"), ("temp_c", #""hot""#), ("size_m", "null"), ("speed_mps", "{}"), ("heading_deg", "false"),
    ])
    func rejectsDetectionFieldsOfTheWrongType(_ field: String, _ value: String) {
        expectRejected(P.report(detections: [P.secondDetection, P.detection([(field, value)])]), .wrongType,
                       path: "detections[1].\(field)")
    }

    @Test func rejectsDetectionsThatAreNotObjects() {
        expectRejected(P.report(detections: [P.detection(), "1"]), .wrongType, path: "detections[1]")
        expectRejected(P.report(detections: ["[]"]), .wrongType, path: "detections[0]")
        expectRejected(P.report(detections: ["null"]), .wrongType, path: "detections[0]")
    }

    // MARK: Version

    @Test(arguments: ["2", "0", "1.5", "-1", "1e1", "1.0000000000000000000001", "18446744073709551617"])
    func rejectsOtherVersions(_ version: String) {
        expectRejected(P.report([("v", version)]), .badVersion, path: "v")
    }

    @Test func checksTheVersionBeforeTheRest() {
        // A report of another version need not follow this schema at all.
        expectRejected(P.report([("v", "2"), ("camera", nil), ("seq", #""x""#)]), .badVersion, path: "v")
        expectRejected(P.report([("v", nil), ("seq", #""x""#)]), .missingField, path: "v")
        expectRejected(P.report([("seq", #""x""#), ("v", #""2""#)]), .wrongType, path: "v")
    }

    // MARK: Missing fields

    @Test(arguments: ["v", "camera", "seq", "ts", "detections"])
    func rejectsAMissingReportField(_ field: String) {
        expectRejected(P.report([(field, nil)]), .missingField, path: field, containing: "missing")
    }

    @Test(arguments: ["track", "class", "conf", "lat", "lon"])
    func rejectsAMissingDetectionField(_ field: String) {
        expectRejected(P.report(detections: [P.secondDetection, P.detection([(field, nil)])]), .missingField,
                       path: "detections[1].\(field)")
    }

    @Test func rejectsAnEmptyObject() {
        expectRejected("{}", .missingField, path: "v")
        expectRejected(P.report(detections: ["{}"]), .missingField, path: "detections[0].track")
    }

    // MARK: Bad values

    @Test(arguments: [
        #""""#, #""cam rabia""#, #""cam.rabia""#, #""ké""#, #""cam\n""#, #""cam\u0000""#,
        "\"" + String(repeating: "x", count: 65) + "\"",
    ])
    func rejectsABadCameraId(_ camera: String) {
        expectRejected(P.report([("camera", camera)]), .badValue, path: "camera")
    }

    @Test func acceptsTheLongestCameraId() throws {
        let id = String(repeating: "x", count: 64)
        #expect(try parse(P.report([("camera", "\"\(id)\"")])).camera == id)
    }

    @Test(arguments: [
        ("seq", "-1"), ("seq", "1.5"), ("seq", "18446744073709551616"), ("seq", "1e20"), ("seq", "-1e-400"),
        ("seq", "18446744073709551615.5"), ("seq", "1e-1"), ("seq", "9007199254740993.5"),
        ("ts", "-1"), ("ts", "9007199254740993"), ("ts", "1795228387250.5"), ("ts", "-0.5"),
    ])
    func rejectsBadReportIntegers(_ field: String, _ value: String) {
        expectRejected(P.report([(field, value)]), .badValue, path: field, containing: "got \(value)")
    }

    @Test(arguments: [
        ("track", "-1"), ("track", "4294967296"), ("track", "0.5"), ("track", "4.1e-1"),
        ("conf", "1.5"), ("conf", "-0.1"), ("conf", "1.0000000000000002"), ("lat", "200"), ("lat", "-90.0001"),
        ("lon", "180.5"), ("lon", "-181"), ("temp_c", "-101"), ("temp_c", "2001"), ("size_m", "-1"),
        ("size_m", "1001"), ("speed_mps", "-0.1"), ("speed_mps", "501"), ("heading_deg", "360.0001"),
        ("heading_deg", "-1"), ("lat", "1e400"), ("lon", "-1e400"), ("temp_c", "1E+999999999999"),
    ])
    func rejectsBadDetectionValues(_ field: String, _ value: String) {
        expectRejected(P.report(detection: [(field, value)]), .badValue, path: "detections[0].\(field)",
                       containing: "got \(value)")
    }

    @Test func namesTheRangeInTheDetail() {
        expectRejected(P.report(detection: [("lat", "200")]), .badValue, path: "detections[0].lat",
                       containing: "expected a number from -90 to 90, got 200")
    }

    @Test func rejectsTooManyDetections() {
        expectRejected(P.report(detections: Array(repeating: P.secondDetection, count: 257)), .tooManyDetections,
                       path: "detections", containing: "257")
        expectRejected(P.report(detections: Array(repeating: P.secondDetection, count: 300)), .tooManyDetections,
                       path: "detections", containing: "300")
    }

    @Test func reportsTheFirstViolationInDocumentOrder() {
        var detections = Array(repeating: P.secondDetection, count: 6)
        detections[3] = P.detection([("lat", "200")])
        detections[5] = P.detection([("lon", "300"), ("track", "-1")])
        expectRejected(P.report(detections: detections), .badValue, path: "detections[3].lat")
        expectRejected(P.report([("seq", "-1")], detections: detections), .badValue, path: "seq")
        expectRejected(P.report([("camera", nil)], detections: detections), .badValue, path: "detections[3].lat")
        expectRejected(P.report(detections: [P.detection([("lat", nil)]), P.detection([("conf", "2")])]),
                       .missingField, path: "detections[0].lat")
    }

    @Test func reportsTheErrorMessageWithItsReason() {
        let error = rejection(Array(P.report(detection: [("lat", "200")]).utf8))
        #expect(error?.description == "bad_value: detections[0].lat: expected a number from -90 to 90, got 200")
    }
}
