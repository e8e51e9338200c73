import Testing
import VigilCore
import VigilSimulation

/// The hand-written JSON: numbers, strings, and agreement with the daemon's parser.
@Suite struct FrameWriterTests {
    private func fixed(_ value: Double, _ decimals: Int) -> String {
        var bytes: [UInt8] = []
        Format.appendFixed(value, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func integer(_ value: Int64) -> String {
        var bytes: [UInt8] = []
        Format.appendInteger(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func fixedPointNumbers() {
        #expect(fixed(0.9, 3) == "0.9")
        #expect(fixed(36.8354899, 6) == "36.83549")
        #expect(fixed(42.1130474, 6) == "42.113047")
        #expect(fixed(12, 2) == "12")
        #expect(fixed(-42.5, 1) == "-42.5")
        #expect(fixed(0.05, 3) == "0.05")
        #expect(fixed(-0.000_000_4, 6) == "0", "no -0")
        #expect(fixed(0.9995, 3) == "1")
        #expect(fixed(359.96, 1) == "360")
        #expect(fixed(1e20, 6) == "1e+20")
        #expect(Format.fixed(42, 1) == "42.0")
        #expect(Format.fixed(-3.14159, 2) == "-3.14")
    }

    @Test func integers() {
        #expect(integer(0) == "0")
        #expect(integer(1_795_228_387_250) == "1795228387250")
        #expect(integer(.min) == "-9223372036854775808")
        var bytes: [UInt8] = []
        Format.appendInteger(UInt64.max, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "18446744073709551615")
    }

    @Test func exactPayload() {
        let report = FrameReport(
            camera: "cam-rabia-17", seq: 42, ts: 1_795_228_387_250,
            detections: [
                Detection(track: 412, objectClass: .person, conf: 0.913, lat: 36.835545, lon: 42.112958, tempC: 34.5, speedMps: 1.5, headingDeg: 137.2),
                Detection(track: 413, objectClass: .animal, conf: 0.8, lat: -1.5, lon: -0.25),
            ])
        let text = String(decoding: FrameWriter.payload(report), as: UTF8.self)
        #expect(
            text == #"{"v":1,"camera":"cam-rabia-17","seq":42,"ts":1795228387250,"detections":["#
                + #"{"track":412,"class":"person","conf":0.913,"lat":36.835545,"lon":42.112958,"temp_c":34.5,"speed_mps":1.5,"heading_deg":137.2},"#
                + #"{"track":413,"class":"animal","conf":0.8,"lat":-1.5,"lon":-0.25}]}"#)
        let heartbeat = FrameReport(camera: "cam-qaim-01", seq: 0, ts: 5, detections: [])
        #expect(String(decoding: FrameWriter.payload(heartbeat), as: UTF8.self) == #"{"v":1,"camera":"cam-qaim-01","seq":0,"ts":5,"detections":[]}"#)
    }

    @Test func stringsAreEscaped() {
        var bytes: [UInt8] = []
        JSONString.append("a\"b\\c\n\u{1}é", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\"b\\c\u000a\u0001é""#)
    }

    @Test func writeReusesTheBuffer() {
        var buffer: [UInt8] = []
        FrameWriter.write(FrameReport(camera: "a", seq: 1, ts: 2, detections: []), into: &buffer)
        FrameWriter.write(FrameReport(camera: "b", seq: 3, ts: 4, detections: []), into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"{"v":1,"camera":"b","seq":3,"ts":4,"detections":[]}"#)
    }

    @Test func everySimulatedPayloadParsesAndCarriesItsCamerasSector() throws {
        let world = try Fixtures.world()
        let sectors = Dictionary(uniqueKeysWithValues: world.cameras.map { ($0.id, $0.sector) })
        for name in ["rabia-lone-crossing", "alqaim-mixed"] {
            var withDetections = 0
            var problems: [String] = []
            for frame in Fixtures.frames(try Fixtures.scenario(name), world, epochMs: 1_795_228_387_250) {
                let payload = FrameWriter.payload(frame.report)
                let parsed = try FrameReportParser.parse(payload)
                let sent = frame.report
                if parsed.camera != sent.camera || parsed.seq != sent.seq || parsed.ts != sent.ts || parsed.unknownClassCount != 0
                    || parsed.detections.count != sent.detections.count
                {
                    problems.append("\(sent.camera) seq \(sent.seq): header differs")
                }
                for (read, wrote) in zip(parsed.detections, sent.detections) {
                    let same =
                        read.track == wrote.track && read.objectClass == wrote.objectClass
                        && abs(read.lat - wrote.lat) <= 5e-7 && abs(read.lon - wrote.lon) <= 5e-7 && abs(read.conf - wrote.conf) <= 5e-4
                        && read.tempC == wrote.tempC && read.speedMps == wrote.speedMps && read.headingDeg == wrote.headingDeg
                    if !same { problems.append("\(sent.camera) seq \(sent.seq) track \(wrote.track): \(read) vs \(wrote)") }
                }
                if !parsed.detections.isEmpty { withDetections += 1 }
                if frame.topic != "det.\(sectors[sent.camera] ?? "?").\(sent.camera)" { problems.append("topic \(frame.topic)") }
            }
            #expect(problems.isEmpty, "\(name): \(problems.count) problems, first \(problems.prefix(3))")
            #expect(withDetections > 1_000)
        }
    }

    @Test func rabiaCamerasReportUnderTheirRegisteredSectors() throws {
        let world = try Fixtures.world()
        let frames = Fixtures.frames(try Fixtures.scenario("rabia-lone-crossing"), world)
        let topics = Set(frames.map(\.topic))
        #expect(topics.contains("det.S11.cam-rabia-01"))
        #expect(topics.contains("det.S12.cam-rabia-17"))
        #expect(topics.count == 32)
    }
}
