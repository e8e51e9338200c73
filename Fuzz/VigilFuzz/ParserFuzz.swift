import VigilCore

/// The frame-report parser's fuzz target (`Fuzz/parser`): the input is a detection message's
/// payload. It goes through ``FrameReportParser`` in place (in the fuzzer's allocation of exactly
/// its size, so AddressSanitizer sees any read past it), and through ``FrameValidator`` on the
/// default configuration with three topics: the input itself read as a topic, the camera's own
/// `det.<sector>.<camera>` and a wrong sector.
///
/// Differential checks (each a precondition, so a difference stops the fuzzer like a crash):
/// - the validator, given the payload's own topic, takes it exactly when the parser does and the
///   camera is registered, and reads the same report;
/// - a report the parser takes, written again as plain JSON (integers as integers, doubles as
///   Swift's shortest round-trip form, every known field), is taken again with the same values.
///   It cannot be wrong on a correct parser: every value it reads is finite and in its range, and
///   the parser rounds correctly.
public enum ParserFuzz {
    /// Loads the configuration (for the validator's cameras) before the first input.
    public static func prepare() {
        _ = FuzzSetup.shared
    }

    /// Runs one input (any bytes): a payload.
    public static func run(_ payload: UnsafeRawBufferPointer) {
        let setup = FuzzSetup.shared
        _ = try? DetectionTopic.parse(payload)
        let parsed = Result { () throws(FrameReportError) in try FrameReportParser.parse(payload) }
        _ = setup.validator.validate(topic: payload, payload: payload)
        guard case .success(let report) = parsed else { return }

        // The validator agrees with the parser on the payload's own topic.
        let registered = setup.validator.cameras.index(of: report.camera)
        let sector = registered.map { setup.validator.cameras[$0].sector } ?? "S00"
        let topic = Array(DetectionTopic.make(sector: sector, camera: report.camera).utf8)
        let validated = topic.withUnsafeBytes { setup.validator.validate(topic: $0, payload: payload) }
        switch (validated, registered) {
        case (.success(let frame), let index?):
            precondition(frame.report == report && frame.camera == index, "ParserFuzz: the validator read another report than the parser")
        case (.failure(let error), nil):
            precondition(error.reason == .unknownCamera || error.reason == .badTopic, "ParserFuzz: an unregistered camera refused as \(error)")
        case (.failure(let error), _?):
            preconditionFailure("ParserFuzz: a registered camera's report on its own topic refused as \(error)")
        case (.success, nil):
            preconditionFailure("ParserFuzz: the validator took an unregistered camera \(report.camera)")
        }
        if registered != nil {
            let wrong = Array(DetectionTopic.make(sector: sector + "X", camera: report.camera).utf8)
            if case .success = wrong.withUnsafeBytes({ setup.validator.validate(topic: $0, payload: payload) }) {
                preconditionFailure("ParserFuzz: the validator took a report on the wrong sector")
            }
        }

        // Written again, read again: the same values.
        let again = Result { () throws(FrameReportError) in try FrameReportParser.parse(rewritten(report)) }
        switch again {
        case .success(let second):
            precondition(
                second.camera == report.camera && second.seq == report.seq && second.ts == report.ts && second.exercise == report.exercise
                    && second.detections == report.detections,
                "ParserFuzz: the report written again reads differently: \(report) / \(second)")
        case .failure(let error):
            preconditionFailure("ParserFuzz: the report written again is refused (\(error)): \(report)")
        }
    }

    /// `report` as plain JSON: every field it has, in the contract's order.
    static func rewritten(_ report: FrameReport) -> [UInt8] {
        var json = #"{"v":1,"camera":"# + quoted(report.camera) + #","seq":\#(report.seq),"ts":\#(report.ts),"detections":["#
        for (index, detection) in report.detections.enumerated() {
            if index > 0 { json += "," }
            json += #"{"track":\#(detection.track),"class":"# + quoted(detection.objectClass.rawValue)
            json += #","conf":\#(detection.conf),"lat":\#(detection.lat),"lon":\#(detection.lon)"#
            if let value = detection.tempC { json += #","temp_c":\#(value)"# }
            if let value = detection.sizeM { json += #","size_m":\#(value)"# }
            if let value = detection.speedMps { json += #","speed_mps":\#(value)"# }
            if let value = detection.headingDeg { json += #","heading_deg":\#(value)"# }
            json += "}"
        }
        json += "]"
        if report.exercise { json += #","exercise":true"# }
        json += "}"
        return Array(json.utf8)
    }

    /// `text` as a JSON string, every byte outside printable ASCII (and `"`, `\`) escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
