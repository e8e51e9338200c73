import VigilCore

/// Payload builders for the frame report parser's unit tests: the contract's example report,
/// with fields changed, removed or added by name.
enum ParserPayloads {
    /// The contract example's report fields, as raw JSON values, in the example's order.
    static let reportFields: [(String, String)] = [
        ("v", "1"), ("camera", #""cam-rabia-03""#), ("seq", "18231"), ("ts", "1795228387250"),
    ]

    /// The contract example's first detection, as raw JSON values.
    static let detectionFields: [(String, String)] = [
        ("track", "412"), ("class", #""person""#), ("conf", "0.91"), ("lat", "36.79213"), ("lon", "42.08931"),
        ("temp_c", "34.5"),
    ]

    /// The contract example's second detection.
    static let secondDetection =
        #"{"track": 413, "class": "person", "conf": 0.88, "lat": 36.79219, "lon": 42.08944}"#

    /// The contract's example payload, verbatim.
    static let contractExample = """
        {
          "v": 1,
          "camera": "cam-rabia-03",
          "seq": 18231,
          "ts": 1795228387250,
          "detections": [
            {"track": 412, "class": "person", "conf": 0.91, "lat": 36.79213, "lon": 42.08931, "temp_c": 34.5},
            {"track": 413, "class": "person", "conf": 0.88, "lat": 36.79219, "lon": 42.08944}
          ]
        }
        """

    /// The report the contract's example decodes to.
    static let contractExampleReport = FrameReport(
        camera: "cam-rabia-03", seq: 18231, ts: 1_795_228_387_250,
        detections: [
            Detection(track: 412, objectClass: .person, conf: 0.91, lat: 36.79213, lon: 42.08931, tempC: 34.5),
            Detection(track: 413, objectClass: .person, conf: 0.88, lat: 36.79219, lon: 42.08944),
        ])

    /// An object from raw fields, with `changes` applied: a value replaces the field's value
    /// (or is appended if the field is not there), `nil` removes the field.
    static func object(_ fields: [(String, String)], _ changes: [(String, String?)]) -> String {
        var fields = fields
        for (name, value) in changes {
            if let position = fields.firstIndex(where: { $0.0 == name }) {
                if let value { fields[position].1 = value } else { fields.remove(at: position) }
            } else if let value {
                fields.append((name, value))
            }
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The example's first detection with `changes` applied.
    static func detection(_ changes: [(String, String?)] = []) -> String {
        object(detectionFields, changes)
    }

    /// A report with the example's top-level fields, `changes` applied, and these detections.
    static func report(_ changes: [(String, String?)] = [], detections: [String]? = nil) -> String {
        let detections = detections ?? [detection(), secondDetection]
        return object(reportFields + [("detections", "[" + detections.joined(separator: ", ") + "]")], changes)
    }

    /// A report whose only detection has `changes` applied.
    static func report(detection changes: [(String, String?)]) -> String {
        report(detections: [detection(changes)])
    }
}
