/// Decodes gateway frame reports (CONTRACT.md section 1) straight from the received bytes.
///
/// A hand-written, single-pass decoder for this one schema. It reads the payload in place,
/// never builds a `String` for a key, allocates the detections array once, and validates the
/// whole payload as strict RFC 8259 JSON (UTF-8) as it goes. It takes the place of
/// `JSONDecoder` on the daemon's per-message path: about 13 µs a report there, well under
/// 1 µs here for a typical report (`vigil-bench parse` measures both).
///
/// ## Decisions
///
/// Where the contract or RFC 8259 leave a choice, this decoder decides as follows. The
/// differential tests against `JSONDecoder` list every case where that oracle decides otherwise.
///
/// - **Precedence.** A payload over ``maxPayloadBytes`` is `oversize` before a byte is read.
///   Otherwise the whole payload is checked as JSON first: a syntax error is `bad_json` even
///   when a contract violation comes before it. Then a problem with `v` (missing, not a
///   number, not 1) wins, since a report of another version need not follow this schema at
///   all. Then the first contract violation in document order; a missing field is noticed at
///   the end of its object, and too many detections at the end of the array.
/// - **Strict syntax.** No trailing commas, no leading zeros, no `NaN`/`Infinity`, no
///   comments, nothing but JSON whitespace after the object. Strings must be valid UTF-8
///   without unescaped control characters, and `\u` escapes must pair their surrogates.
///   This applies to the values of unknown fields too, although they are otherwise ignored.
///   (`JSONDecoder` accepts trailing commas.)
/// - **Duplicate keys** of the contract (`seq` twice in the report, `lat` twice in one
///   detection) are `bad_json`, and the detail names the key. RFC 8259 leaves the meaning of
///   such an object to the implementation, and the two values may disagree about what was
///   seen; `JSONDecoder` keeps the first and `JSONSerialization` the last, which is why we
///   refuse to guess. A repeated unknown key is ignored like its values.
/// - **Integers written as `412.0`, `4.12e2` or `-0`** are accepted for integer fields when
///   the decimal value is exactly an integer in range: JSON has one number type, and some
///   encoders write every number as a float. The test is exact decimal arithmetic on the
///   digits, never a trip through `Double` (`JSONDecoder` rounds through `Double` and so
///   accepts `9007199254740993.5`; this decoder does not). Fractions, negative numbers and
///   integers out of range are `bad_value`.
/// - **Numbers** are converted correctly rounded. A value that overflows (`1e400`) is
///   `bad_value` in a contract field; one that underflows (`1e-400`) is the correctly rounded
///   zero or subnormal, and accepted (`JSONDecoder` refuses it, and also some zeros written
///   with an exponent, such as `0e1`). `-0` stays `-0.0`. Numbers in unknown fields are checked
///   for syntax only, so `1e400` there is accepted (`JSONSerialization` refuses it).
/// - **`heading_deg` of exactly 360** is accepted and read as 0, the same direction: a gateway
///   that formats 359.99999 with few digits sends 360. Anything above is `bad_value`.
/// - **`class`** is compared byte for byte after unescaping: `Person` is a class outside the
///   list, taken as `unknown` and counted in ``FrameReport/unknownClassCount``.
/// - A leading UTF-8 byte order mark is skipped (RFC 8259 section 8.1 allows a parser to
///   ignore it; `JSONDecoder` does too).
/// - Containers nested deeper than 64 levels, the report object counting as the first, are
///   `bad_json` (`JSONDecoder` allows 512).
public enum FrameReportParser {
    /// The contract's payload limit, 64 KiB.
    public static let maxPayloadBytes = 65_536

    /// The contract's limit on detections in one report.
    static let maxDetections = 256

    /// The deepest nesting of objects and arrays accepted; the report object is level 1.
    static let maxNestingDepth = 64

    /// Decodes and validates one payload frame.
    ///
    /// - Parameter payload: the payload frame as received, UTF-8 JSON.
    /// - Returns: the frame report, every field checked against the contract.
    /// - Throws: a ``FrameReportError`` whose reason is the counter the rejection goes to and
    ///   whose detail names the field, for example
    ///   `detections[3].lat: expected a number from -90 to 90, got 200`.
    public static func parse(_ payload: UnsafeRawBufferPointer) throws(FrameReportError) -> FrameReport {
        guard payload.count <= maxPayloadBytes else {
            throw FrameReportError(
                .oversize, "payload of \(payload.count) bytes exceeds the limit of \(maxPayloadBytes) bytes")
        }
        guard let base = payload.baseAddress, !payload.isEmpty else {
            throw FrameReportError(.badJSON, "empty payload")
        }
        var reader = Reader(base: base, end: payload.count)
        return try reader.readReport()
    }

    /// Decodes and validates one payload frame.
    ///
    /// The same as ``parse(_:)-(UnsafeRawBufferPointer)`` for a payload held in an array.
    public static func parse(_ payload: [UInt8]) throws(FrameReportError) -> FrameReport {
        let result = payload.withUnsafeBytes { bytes in
            Result { () throws(FrameReportError) -> FrameReport in try parse(bytes) }
        }
        return try result.get()
    }
}

extension FrameReportParser {
    /// The decoder's state: a position in the payload and the first contract violation seen.
    ///
    /// Every read goes through the raw pointer after an explicit check against `end`, so the
    /// loops carry no array bounds checks. Syntax errors are thrown at once; contract
    /// violations are recorded (the first one wins) and the rest of the payload is still
    /// read, so that a payload that is not JSON is always counted as `bad_json`.
    struct Reader {
        /// The first byte of the payload.
        let base: UnsafeRawPointer
        /// The payload's length in bytes.
        let end: Int
        /// The offset of the next byte to read.
        var index = 0
        /// The first contract violation found, in document order.
        var firstViolation: FrameReportError?

        init(base: UnsafeRawPointer, end: Int) {
            self.base = base
            self.end = end
        }
    }

    /// Where a field sits in the report, for error details: `seq` or `detections[3].lat`.
    struct FieldPath: CustomStringConvertible {
        /// The index of the detection, or -1 for a field of the report itself.
        var detection: Int
        /// The field's name; empty for a detection as a whole.
        var name: StaticString

        static func report(_ name: StaticString) -> FieldPath { FieldPath(detection: -1, name: name) }

        static func detection(_ index: Int, _ name: StaticString = "") -> FieldPath {
            FieldPath(detection: index, name: name)
        }

        /// The nesting level of the object that holds this field's value (the report is level 1).
        var containerDepth: Int { detection < 0 ? 1 : (name.utf8CodeUnitCount == 0 ? 2 : 3) }

        var description: String {
            if detection < 0 { return "\(name)" }
            if name.utf8CodeUnitCount == 0 { return "detections[\(detection)]" }
            return "detections[\(detection)].\(name)"
        }
    }

    /// What is known about `v` once the report has been read.
    enum VersionState {
        case missing
        case valid
        case invalid(FrameReportError)
    }
}

// MARK: - The report

extension FrameReportParser.Reader {
    typealias Parser = FrameReportParser

    /// Reads the whole payload as one frame report.
    mutating func readReport() throws(FrameReportError) -> FrameReport {
        skipByteOrderMark()
        skipWhitespace()
        guard current == UInt8(ascii: "{") else {
            if index >= end { throw syntaxError("expected a JSON object") }
            let kind = Self.kind(of: current)
            try skipValue(depth: 0)
            try expectEndOfPayload()
            throw FrameReportError(.wrongType, "payload: expected an object, got \(kind)")
        }
        index += 1

        var seen: UInt8 = 0
        var version = Parser.VersionState.missing
        var camera = ""
        var seq: UInt64 = 0
        var ts: Int64 = 0
        var detections: [Detection] = []
        var unknownClassCount = 0
        var exercise = false

        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
        } else {
            repeat {
                let keyOffset = index
                let key = try readReportKey()
                if key != .unknown { try claim(key.rawValue, in: &seen, .report(key.name), at: keyOffset) }
                switch key {
                case .version:
                    version = try readVersion()
                case .camera:
                    camera = try readCamera()
                case .seq:
                    seq = try readInteger(.report("seq"), max: .max, expected: "an unsigned 64-bit integer")
                case .ts:
                    ts = Int64(
                        try readInteger(
                            .report("ts"), max: 1 << 53,
                            expected: "an integer from 0 to 9007199254740992 (epoch milliseconds)"))
                case .detections:
                    try readDetections(into: &detections, unknownClassCount: &unknownClassCount)
                case .exercise:
                    exercise = try readBoolean(.report("exercise"))
                case .unknown:
                    try skipValue(depth: 1)
                }
            } while try !closesAfterItem(UInt8(ascii: "}"))
        }
        try expectEndOfPayload()

        switch version {
        case .missing: throw FrameReportError(.missingField, "v: required field is missing")
        case .invalid(let error): throw error
        case .valid: break
        }
        if let firstViolation { throw firstViolation }
        if seen & Parser.ReportKey.requiredMask != Parser.ReportKey.requiredMask {
            for key in [Parser.ReportKey.camera, .seq, .ts, .detections] where seen & (1 << key.rawValue) == 0 {
                throw FrameReportError(.missingField, "\(key.name): required field is missing")
            }
        }
        return FrameReport(
            camera: camera, seq: seq, ts: ts, detections: detections, unknownClassCount: unknownClassCount, exercise: exercise)
    }

    /// Reads `v`, which must be the number 1.
    mutating func readVersion() throws(FrameReportError) -> Parser.VersionState {
        guard Self.startsNumber(current) else {
            let kind = Self.kind(of: current)
            try skipValue(depth: 1)
            return .invalid(FrameReportError(.wrongType, "v: expected the number 1, got \(kind)"))
        }
        let token = try scanNumber()
        if case .value(1) = integerValue(token) { return .valid }
        return .invalid(FrameReportError(.badVersion, "v: expected 1, got \(text(of: token))"))
    }

    /// Reads `camera`, a string in the contract's identifier syntax.
    mutating func readCamera() throws(FrameReportError) -> String {
        let path = Parser.FieldPath.report("camera")
        guard current == UInt8(ascii: "\"") else {
            try skipWrongType(path, expected: "a string")
            return ""
        }
        index += 1
        let token = try scanString()
        if !token.escaped {
            let raw = UnsafeRawBufferPointer(start: base + token.start, count: token.count)
            if Identifier.isValid(raw) { return String(decoding: raw, as: UTF8.self) }
        } else {
            let bytes = unescape(token)
            if Identifier.isValid(bytes) { return String(decoding: bytes, as: UTF8.self) }
        }
        record(.badValue, path, "expected an identifier ([A-Za-z0-9_-]{1,64}), got \(quoted(token))")
        return ""
    }

    /// Reads `detections`: an array of at most 256 detection objects.
    mutating func readDetections(
        into detections: inout [Detection], unknownClassCount: inout Int
    ) throws(FrameReportError) {
        let path = Parser.FieldPath.report("detections")
        guard current == UInt8(ascii: "[") else {
            try skipWrongType(path, expected: "an array")
            return
        }
        index += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return
        }
        // A detection takes some 50 to 150 bytes: one allocation for the typical report.
        detections.reserveCapacity(min(Parser.maxDetections, (end - index) / 64 + 1))
        var count = 0
        repeat {
            if count >= Parser.maxDetections {
                try skipValue(depth: 2)
            } else if current == UInt8(ascii: "{") {
                index += 1
                let (detection, knownClass) = try readDetection(count)
                detections.append(detection)
                if !knownClass { unknownClassCount += 1 }
            } else {
                try skipWrongType(.detection(count), expected: "an object")
            }
            count += 1
        } while try !closesAfterItem(UInt8(ascii: "]"))
        if count > Parser.maxDetections {
            record(.tooManyDetections, path, "expected at most \(Parser.maxDetections) detections, got \(count)")
        }
    }

    /// Reads one detection object whose `{` has been consumed.
    ///
    /// - Returns: the detection, and whether its class is one of the contract's list.
    mutating func readDetection(_ n: Int) throws(FrameReportError) -> (Detection, Bool) {
        var seen: UInt16 = 0
        var track: UInt32 = 0
        var objectClass = ObjectClass.unknown
        var knownClass = true
        var conf = 0.0
        var lat = 0.0
        var lon = 0.0
        var tempC: Double?
        var sizeM: Double?
        var speedMps: Double?
        var headingDeg: Double?

        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
        } else {
            repeat {
                let keyOffset = index
                let key = try readDetectionKey()
                if key != .unknown { try claim(key.rawValue, in: &seen, .detection(n, key.name), at: keyOffset) }
                switch key {
                case .track:
                    track = UInt32(
                        try readInteger(
                            .detection(n, "track"), max: UInt64(UInt32.max), expected: "an unsigned 32-bit integer"))
                case .objectClass:
                    (objectClass, knownClass) = try readClass(.detection(n, "class"))
                case .conf:
                    conf = try readDouble(.detection(n, "conf"), 0, 1, expected: "a number from 0 to 1")
                case .lat:
                    lat = try readDouble(.detection(n, "lat"), -90, 90, expected: "a number from -90 to 90")
                case .lon:
                    lon = try readDouble(.detection(n, "lon"), -180, 180, expected: "a number from -180 to 180")
                case .tempC:
                    tempC = try readDouble(
                        .detection(n, "temp_c"), -100, 2000, expected: "a number from -100 to 2000")
                case .sizeM:
                    sizeM = try readDouble(.detection(n, "size_m"), 0, 1000, expected: "a number from 0 to 1000")
                case .speedMps:
                    speedMps = try readDouble(
                        .detection(n, "speed_mps"), 0, 500, expected: "a number from 0 to 500")
                case .headingDeg:
                    let heading = try readDouble(
                        .detection(n, "heading_deg"), 0, 360, expected: "a number from 0 to 360")
                    headingDeg = heading == 360 ? 0 : heading
                case .unknown:
                    try skipValue(depth: 3)
                }
            } while try !closesAfterItem(UInt8(ascii: "}"))
        }
        if seen & Parser.DetectionKey.requiredMask != Parser.DetectionKey.requiredMask {
            for key in Parser.DetectionKey.required where seen & (1 << key.rawValue) == 0 {
                record(.missingField, .detection(n, key.name), "required field is missing")
                break
            }
        }
        let detection = Detection(
            track: track, objectClass: objectClass, conf: conf, lat: lat, lon: lon,
            tempC: tempC, sizeM: sizeM, speedMps: speedMps, headingDeg: headingDeg)
        return (detection, knownClass)
    }

    /// Reads `class`: one of the contract's classes, or any other string, taken as `unknown`.
    ///
    /// - Returns: the class, and whether the string was one of the contract's list.
    mutating func readClass(_ path: Parser.FieldPath) throws(FrameReportError) -> (ObjectClass, Bool) {
        guard current == UInt8(ascii: "\"") else {
            try skipWrongType(path, expected: "a string")
            return (.unknown, true)
        }
        index += 1
        let token = try scanString()
        let objectClass: ObjectClass?
        if !token.escaped {
            objectClass = Self.objectClass(UnsafeRawBufferPointer(start: base + token.start, count: token.count))
        } else {
            objectClass = unescape(token).withUnsafeBytes { Self.objectClass($0) }
        }
        return objectClass.map { ($0, true) } ?? (.unknown, false)
    }

    /// The contract class spelled by `bytes`, if any.
    @inline(__always)
    static func objectClass(_ bytes: UnsafeRawBufferPointer) -> ObjectClass? {
        switch bytes.count {
        case 6:
            if matches(bytes, "person") { return .person }
            if matches(bytes, "animal") { return .animal }
        case 7:
            if matches(bytes, "vehicle") { return .vehicle }
            if matches(bytes, "unknown") { return .unknown }
        default:
            break
        }
        return nil
    }
}

// MARK: - Field values

extension FrameReportParser.Reader {
    /// Reads a number for a contract integer field, checked to be an integer in `0...max`.
    ///
    /// Records a violation and returns 0 when the value is of the wrong type or out of range.
    mutating func readInteger(
        _ path: Parser.FieldPath, max: UInt64, expected: StaticString
    ) throws(FrameReportError) -> UInt64 {
        guard let token = try readNumber(path) else { return 0 }
        if case .value(let value) = integerValue(token), value <= max { return value }
        record(.badValue, path, "expected \(expected), got \(text(of: token))")
        return 0
    }

    /// Reads a number for a contract floating-point field, checked to be in `low...high`.
    ///
    /// Records a violation and returns 0 when the value is of the wrong type, not finite or out
    /// of range.
    mutating func readDouble(
        _ path: Parser.FieldPath, _ low: Double, _ high: Double, expected: StaticString
    ) throws(FrameReportError) -> Double {
        guard let token = try readNumber(path) else { return 0 }
        let value = doubleValue(token)
        if value >= low && value <= high { return value }
        record(.badValue, path, "expected \(expected), got \(text(of: token))")
        return 0
    }

    /// Reads `true` or `false`, or records a wrong type and skips the value.
    mutating func readBoolean(_ path: Parser.FieldPath) throws(FrameReportError) -> Bool {
        switch current {
        case UInt8(ascii: "t"):
            try skipLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try skipLiteral("false")
            return false
        default:
            try skipWrongType(path, expected: "true or false")
            return false
        }
    }

    /// Scans the number at the current position, or records a wrong type and skips the value.
    @inline(__always)
    mutating func readNumber(_ path: Parser.FieldPath) throws(FrameReportError) -> Parser.NumberToken? {
        if Self.startsNumber(current) { return try scanNumber() }
        try skipWrongType(path, expected: "a number")
        return nil
    }

    /// Skips a value of the wrong type for `path` (it must still be valid JSON) and records it.
    mutating func skipWrongType(_ path: Parser.FieldPath, expected: StaticString) throws(FrameReportError) {
        let kind = Self.kind(of: current)
        try skipValue(depth: path.containerDepth)
        record(.wrongType, path, "expected \(expected), got \(kind)")
    }

    /// Records a contract violation, unless an earlier one is already recorded.
    mutating func record(_ reason: RejectReason, _ path: Parser.FieldPath, _ message: String) {
        if firstViolation == nil {
            firstViolation = FrameReportError(reason, "\(path): \(message)")
        }
    }

    /// Marks a contract key as seen in its object; a second occurrence is `bad_json`.
    @inline(__always)
    func claim<Mask: FixedWidthInteger>(
        _ bit: UInt8, in seen: inout Mask, _ path: Parser.FieldPath, at offset: Int
    ) throws(FrameReportError) {
        let flag: Mask = 1 << bit
        guard seen & flag == 0 else {
            throw FrameReportError(.badJSON, "\(path): duplicate key at byte \(offset)")
        }
        seen |= flag
    }

    /// How a value starting with `byte` is described in a wrong-type detail.
    static func kind(of byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        default: return "an invalid value"
        }
    }

    /// Whether `byte` starts a JSON number.
    @inline(__always)
    static func startsNumber(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

// MARK: - JSON structure

extension FrameReportParser.Reader {
    /// The byte at `offset`, which must be below `end`.
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// The byte at the current position, or 0 at the end of the payload (0 starts no JSON token).
    @inline(__always)
    var current: UInt8 {
        index < end ? byte(at: index) : 0
    }

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            let byte = byte(at: index)
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// Skips a UTF-8 byte order mark at the start of the payload.
    mutating func skipByteOrderMark() {
        if end >= 3 && byte(at: 0) == 0xEF && byte(at: 1) == 0xBB && byte(at: 2) == 0xBF {
            index = 3
        }
    }

    /// Checks that nothing but whitespace follows the report.
    mutating func expectEndOfPayload() throws(FrameReportError) {
        skipWhitespace()
        guard index == end else { throw syntaxError("unexpected data after the JSON value") }
    }

    /// Reads a field name and the `:` after it, leaving the position at the value.
    @inline(__always)
    mutating func readFieldName() throws(FrameReportError) -> Parser.StringToken {
        try expectOpeningQuote()
        let name = try scanString()
        try expectColon()
        return name
    }

    /// Consumes the opening quote of a field name.
    @inline(__always)
    mutating func expectOpeningQuote() throws(FrameReportError) {
        guard current == UInt8(ascii: "\"") else { throw syntaxError("expected a field name in double quotes") }
        index += 1
    }

    /// Consumes the `:` after a field name, and the whitespace around it.
    @inline(__always)
    mutating func expectColon() throws(FrameReportError) {
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw syntaxError("expected ':' after a field name") }
        index += 1
        skipWhitespace()
    }

    /// Reads what follows a member or element: `true` after the closing bracket, `false` after
    /// a comma (and the whitespace after it).
    @inline(__always)
    mutating func closesAfterItem(_ closing: UInt8) throws(FrameReportError) -> Bool {
        skipWhitespace()
        let byte = current
        if byte == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
            if current == closing { throw syntaxError("trailing comma") }
            return false
        }
        if byte == closing {
            index += 1
            return true
        }
        throw syntaxError(
            closing == UInt8(ascii: "}") ? "expected ',' or '}' after a field" : "expected ',' or ']' after an element")
    }

    /// Skips one JSON value of any type, checking its syntax.
    ///
    /// - Parameter depth: the nesting level of the container that holds the value (0 for the
    ///   top level); an object or array deeper than `maxNestingDepth` is `bad_json`.
    mutating func skipValue(depth: Int) throws(FrameReportError) {
        switch current {
        case UInt8(ascii: "\""):
            index += 1
            _ = try scanString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        case UInt8(ascii: "{"):
            guard depth < Parser.maxNestingDepth else { throw tooDeep() }
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return
            }
            repeat {
                _ = try readFieldName()
                try skipValue(depth: depth + 1)
            } while try !closesAfterItem(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            guard depth < Parser.maxNestingDepth else { throw tooDeep() }
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            repeat {
                try skipValue(depth: depth + 1)
            } while try !closesAfterItem(UInt8(ascii: "]"))
        case UInt8(ascii: "t"):
            try skipLiteral("true")
        case UInt8(ascii: "f"):
            try skipLiteral("false")
        case UInt8(ascii: "n"):
            try skipLiteral("null")
        default:
            throw syntaxError("expected a JSON value")
        }
    }

    /// Skips `true`, `false` or `null`.
    mutating func skipLiteral(_ literal: StaticString) throws(FrameReportError) {
        let count = literal.utf8CodeUnitCount
        guard end - index >= count,
            Self.matches(UnsafeRawBufferPointer(start: base + index, count: count), literal)
        else { throw syntaxError("invalid literal (expected \(literal))") }
        index += count
    }

    /// The error for a container nested too deep.
    func tooDeep() -> FrameReportError {
        syntaxError("objects and arrays nested deeper than \(Parser.maxNestingDepth) levels")
    }

    /// A `bad_json` error at `offset` (the current position by default).
    func syntaxError(_ message: String, at offset: Int? = nil) -> FrameReportError {
        let offset = offset ?? index
        if offset >= end { return FrameReportError(.badJSON, "truncated payload: \(message)") }
        return FrameReportError(.badJSON, "byte \(offset): \(message)")
    }
}
