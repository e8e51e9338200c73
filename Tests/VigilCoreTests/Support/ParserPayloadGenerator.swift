import Foundation
import VigilCore

/// Generates random frame report payloads for the parser's differential tests: valid reports
/// (with the report each one must decode to) and mutations of them.
///
/// Valid payloads vary everything the contract allows: field order, whitespace, escapes in
/// strings and keys, unknown fields with nested values, number notations (exponents, negative
/// zero, superfluous zeros, 17 and 25 significant digits), huge and tiny numbers, 0 to 256
/// detections, optional fields present or not, classes outside the list.
struct ParserPayloadGenerator {
    var rng: SplitMix64

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    /// One member of a JSON object: its key and value as raw JSON text.
    struct Member {
        /// The field's name, decoded.
        var name: String
        /// The key as it appears in the payload, quotes and escapes included.
        var key: String
        /// The value as raw JSON; for the report's `detections`, nil: rendered from `detections`.
        var value: String?
    }

    /// A payload before rendering, so that mutations can work on fields.
    struct Model {
        var members: [Member]
        var detections: [[Member]]
        /// How the detections array is closed (a mutation may add a trailing comma).
        var detectionsTrailer = ""
        /// What the payload decodes to, while it has not been mutated.
        var expected: FrameReport
    }

    // MARK: Valid payloads

    /// A valid payload and the report it decodes to.
    mutating func validPayload() -> (bytes: [UInt8], expected: FrameReport) {
        while true {
            let model = validModel()
            let bytes = render(model)
            if bytes.count <= 65_536 { return (bytes, model.expected) }
        }
    }

    mutating func validModel() -> Model {
        let camera = randomIdentifier()
        let seq = randomUInt64()
        let ts = UInt64(rng.int(0...(1 << 53)))
        let count: Int
        switch rng.int(0..<1_000) {
        case 0..<500: count = rng.int(0...2)
        case 500..<880: count = rng.int(3...5)
        case 880..<980: count = rng.int(6...16)
        case 980..<997: count = rng.int(17...64)
        default: count = rng.int(65...256)
        }
        let compact = count > 20
        var detections: [Detection] = []
        var detectionMembers: [[Member]] = []
        var unknownClassCount = 0
        for _ in 0..<count {
            let (detection, members, knownClass) = validDetection(compact: compact)
            detections.append(detection)
            detectionMembers.append(members)
            if !knownClass { unknownClassCount += 1 }
        }
        var members = [
            member("v", versionLiteral()),
            member("camera", encodeString(camera, escapePercent: 8)),
            member("seq", integerLiteral(seq)),
            member("ts", integerLiteral(ts)),
            Member(name: "detections", key: encodeKey("detections"), value: nil),
        ]
        for _ in 0..<rng.pick([0, 0, 1, 1, 2, 3]) {
            members.append(unknownMember(contractKeysOfTheOtherLevel: ["track", "class", "lat", "conf"]))
        }
        rng.shuffle(&members)
        let expected = FrameReport(
            camera: camera, seq: seq, ts: Int64(ts), detections: detections, unknownClassCount: unknownClassCount)
        return Model(members: members, detections: detectionMembers, expected: expected)
    }

    mutating func validDetection(compact: Bool) -> (Detection, [Member], Bool) {
        let track = UInt32(truncatingIfNeeded: randomUInt64())
        let className: String
        switch rng.int(0..<100) {
        case 0..<85: className = rng.pick(["person", "person", "vehicle", "animal", "unknown"])
        default: className = rng.pick(["drone", "Person", "", "véhicule", "bird!", "person ", "vehicle\u{0}", "😀"])
        }
        let objectClass = ObjectClass(rawValue: className)
        var detection = Detection(
            track: track, objectClass: objectClass ?? .unknown, conf: randomDouble(0, 1), lat: randomDouble(-90, 90),
            lon: randomDouble(-180, 180))
        var members = [
            member("track", integerLiteral(UInt64(track))),
            member("class", encodeString(className, escapePercent: 5)),
            member("conf", doubleLiteral(detection.conf)),
            member("lat", doubleLiteral(detection.lat)),
            member("lon", doubleLiteral(detection.lon)),
        ]
        if rng.chance(50) {
            let value = randomDouble(-100, 2000)
            detection.tempC = value
            members.append(member("temp_c", doubleLiteral(value)))
        }
        if rng.chance(40) {
            let value = randomDouble(0, 1000)
            detection.sizeM = value
            members.append(member("size_m", doubleLiteral(value)))
        }
        if rng.chance(40) {
            let value = randomDouble(0, 500)
            detection.speedMps = value
            members.append(member("speed_mps", doubleLiteral(value)))
        }
        if rng.chance(40) {
            let value = rng.chance(5) ? 360 : randomDouble(0, 360.nextDown)
            detection.headingDeg = value == 360 ? 0 : value
            members.append(member("heading_deg", doubleLiteral(value)))
        }
        for _ in 0..<(compact ? 0 : rng.pick([0, 0, 0, 1, 1, 2])) {
            members.append(unknownMember(contractKeysOfTheOtherLevel: ["v", "seq", "camera", "detections"]))
        }
        rng.shuffle(&members)
        return (detection, members, objectClass != nil)
    }

    mutating func member(_ name: String, _ value: String) -> Member {
        Member(name: name, key: encodeKey(name), value: value)
    }

    /// A field the contract does not know, sometimes named like a field of the other level.
    mutating func unknownMember(contractKeysOfTheOtherLevel others: [String]) -> Member {
        let name: String
        switch rng.int(0..<10) {
        case 0: name = rng.pick(others)
        case 1: name = rng.pick(["bbox", "gateway", "firmware", "meta", "é-field", "x y", ""])
        default: name = "x_" + String((0..<rng.int(2...8)).map { _ in rng.pick(Self.lowercase) })
        }
        return Member(name: name, key: encodeString(name, escapePercent: 10), value: randomValue(depth: 0))
    }

    /// The key for a contract field, escaped now and then (`"\u0076"` is `v`).
    mutating func encodeKey(_ name: String) -> String {
        encodeString(name, escapePercent: rng.chance(3) ? 50 : 0)
    }

    // MARK: Values

    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz")
    static let identifierCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

    mutating func randomIdentifier() -> String {
        let alphabet = Self.identifierCharacters
        if rng.chance(70) {
            return "cam-" + rng.pick(["rabia", "sinjar", "faysh", "x"]) + "-" + String(rng.int(0...99))
        }
        let length = rng.chance(10) ? rng.pick([1, 15, 16, 17, 63, 64]) : rng.int(1...24)
        return String((0..<length).map { _ in rng.pick(alphabet) })
    }

    mutating func randomUInt64() -> UInt64 {
        switch rng.int(0..<10) {
        case 0: return rng.pick([0, 1, UInt64(UInt32.max), UInt64(UInt32.max) + 1, 1 << 53, UInt64.max, UInt64.max - 1])
        case 1...5: return UInt64(rng.int(0...100_000))
        case 6, 7: return UInt64(rng.int(0...(1 << 40)))
        default: return rng.next()
        }
    }

    /// A double in `low...high`: edges, zeros, tiny and subnormal values, round decimals, anything.
    mutating func randomDouble(_ low: Double, _ high: Double) -> Double {
        switch rng.int(0..<40) {
        case 0: return low
        case 1: return high
        case 2: return 0
        case 3: return low < 0 ? -0.0 : 0
        case 4: return rng.pick([Double.leastNonzeroMagnitude, .leastNormalMagnitude, 1e-300, 2.5e-308, 1e-7])
        case 5:
            return Double(sign: .plus, exponent: rng.int(-1074 ... -30), significand: 1 + rng.double(0, 1.0.nextDown))
        case 6: return low < 0 ? -Double(sign: .plus, exponent: rng.int(-1074 ... -30), significand: 1.5) : low
        case 7: return high.nextDown
        case 8...25:
            let scale = [1.0, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e8][rng.int(0..<8)]
            let value = (rng.double(low, high) * scale).rounded() / scale
            return min(max(value, low), high)
        default: return rng.double(low, high)
        }
    }

    /// JSON text for a double that reads back as exactly `value`, in one of many notations.
    mutating func doubleLiteral(_ value: Double) -> String {
        if value == 0 {
            let sign = value.sign == .minus ? "-" : ""
            // Zeros with an exponent are rarer: JSONDecoder refuses some (a documented divergence).
            if rng.chance(97) { return sign + rng.pick(["0", "0.0", "0.000"]) }
            return sign + rng.pick(["0e0", "0E+12", "0e-400", "0.0e1", "0e1"])
        }
        switch rng.int(0..<10) {
        case 0...3: return value.description
        case 4: return String(format: "%.17g", value)
        case 5: return String(format: "%.25g", value)
        case 6: return String(format: "%.17e", value).uppercased()
        default:
            let (negative, digits, exponent) = Self.decimalParts(value.description)
            return (negative ? "-" : "") + repositioned(digits: digits, exponent: exponent)
        }
    }

    /// JSON text for an integer, plain, or in a fraction or exponent notation for small ones.
    mutating func integerLiteral(_ value: UInt64) -> String {
        if value == 0 && rng.chance(30) { return rng.pick(["-0", "0.0", "-0.0", "0e5", "0E-3"]) }
        let plain = String(value)
        guard value < 1_000_000_000_000_000, value > 0, rng.chance(10) else { return plain }
        return repositioned(digits: plain, exponent: 0)
    }

    /// `digits × 10^exponent` written with the decimal point elsewhere and a compensating exponent,
    /// with superfluous zeros now and then.
    mutating func repositioned(digits: String, exponent: Int) -> String {
        let count = digits.count
        let before = rng.int(0...(count + 1))  // digits before the decimal point
        let trailingZeros = rng.chance(30) ? String(repeating: "0", count: rng.int(1...3)) : ""
        var mantissa: String
        var scaledExponent: Int
        if before == 0 {
            let leadingZeros = String(repeating: "0", count: rng.int(0...3))
            mantissa = "0." + leadingZeros + digits + trailingZeros
            scaledExponent = exponent + leadingZeros.count + count
        } else if before < count {
            mantissa = String(digits.prefix(before)) + "." + String(digits.dropFirst(before)) + trailingZeros
            scaledExponent = exponent + count - before
        } else {
            mantissa = digits + String(repeating: "0", count: before - count)
            if !trailingZeros.isEmpty { mantissa += "." + trailingZeros }
            scaledExponent = exponent - (before - count)
        }
        if scaledExponent == 0 && rng.chance(50) { return mantissa }
        let sign = scaledExponent < 0 ? "-" : (rng.chance(30) ? "+" : "")
        let padding = rng.chance(10) ? "00" : ""
        return mantissa + (rng.chance(50) ? "e" : "E") + sign + padding + String(abs(scaledExponent))
    }

    /// The sign, significant digits and exponent of a decimal numeral: value = ±digits × 10^exponent.
    static func decimalParts(_ text: String) -> (negative: Bool, digits: String, exponent: Int) {
        var text = Substring(text)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        if let point = text.firstIndex(of: ".") {
            exponent -= text.distance(from: point, to: text.endIndex) - 1
            text.remove(at: point)
        }
        var digits = String(text.drop(while: { $0 == "0" }))
        while digits.count > 1 && digits.hasSuffix("0") {
            digits.removeLast()
            exponent += 1
        }
        return (negative, digits.isEmpty ? "0" : digits, exponent)
    }

    mutating func versionLiteral() -> String {
        rng.chance(85) ? "1" : rng.pick(["1.0", "1e0", "10e-1", "0.1E1", "1.000", "100e-2", "1E+0"])
    }

    /// Any JSON value, for unknown fields.
    mutating func randomValue(depth: Int) -> String {
        switch rng.int(0..<(depth < 4 ? 12 : 8)) {
        case 0: return "null"
        case 1: return rng.pick(["true", "false"])
        case 2: return unknownNumber()
        case 3, 4: return encodeString(randomText(), escapePercent: 15)
        case 5: return String(rng.int(-1000...1000))
        case 6: return doubleLiteral(rng.double(-1e6, 1e6))
        case 7: return #""""#
        case 8, 9:
            let items = (0..<rng.int(0...4)).map { _ in randomValue(depth: depth + 1) }
            return "[" + items.map { whitespace() + $0 + whitespace() }.joined(separator: ",") + "]"
        default:
            var seen = Set<String>()
            let names = (0..<rng.int(0...4)).map { _ in randomText() }.filter { seen.insert($0).inserted }
            let items = names.map {
                encodeString($0, escapePercent: 10) + whitespace() + ":" + randomValue(depth: depth + 1)
            }
            return "{" + whitespace() + items.joined(separator: "," + whitespace()) + whitespace() + "}"
        }
    }

    /// Huge, tiny and oddly written numbers (all finite: an overflow is a known divergence).
    mutating func unknownNumber() -> String {
        rng.pick([
            "1.7976931348623157e308", "-1.7976931348623157E+308", "5e-324", "4.9406564584124654e-324", "1e-400",
            "-2.2250738585072014e-308", "123456789012345678901234567890", "0.000000000000000000000000000001",
            "1e22", "1e23", "-0", "-0.0", "9007199254740993", "18446744073709551616", "-9223372036854775809",
            "2.4703282292062327e-324", "1E-0", "0.1e+1",
        ])
    }

    mutating func randomText() -> String {
        let pool: [Unicode.Scalar] = [
            "a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ü", "中",
            "😀",
            "\u{2028}", "\u{FEFF}", "\u{10FFFF}", "\u{FFFF}", "\u{D7FF}", "\u{E000}",
        ]
        var text = String.UnicodeScalarView()
        for _ in 0..<rng.int(0...12) { text.append(rng.pick(pool)) }
        return String(text)
    }

    /// A JSON string for `text`, escaping what must be, and any other character with the given odds.
    mutating func encodeString(_ text: String, escapePercent: Int) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n" where !rng.chance(30): out += "\\n"
            case "\t" where !rng.chance(30): out += "\\t"
            case _ where scalar.value < 0x20 || rng.chance(escapePercent):
                if scalar == "/" && rng.chance(50) {
                    out += "\\/"
                } else if scalar.value > 0xFFFF {
                    let value = scalar.value - 0x10000
                    out += hexEscape(0xD800 + (value >> 10)) + hexEscape(0xDC00 + (value & 0x3FF))
                } else {
                    out += hexEscape(scalar.value)
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    mutating func hexEscape(_ unit: UInt32) -> String {
        let hex = String(unit, radix: 16)
        let padded = String(repeating: "0", count: 4 - hex.count) + hex
        return "\\u" + (rng.chance(50) ? padded.uppercased() : padded)
    }

    mutating func whitespace() -> String {
        switch rng.int(0..<10) {
        case 0..<5: return ""
        case 5..<8: return " "
        default: return rng.pick(["\n", "\t", "\r\n  ", "  ", "\n\t\t", " \r"])
        }
    }

    // MARK: Rendering

    mutating func render(_ model: Model) -> [UInt8] {
        var out = whitespace() + "{"
        for (n, member) in model.members.enumerated() {
            out += whitespace() + member.key + whitespace() + ":" + whitespace()
            if let value = member.value {
                out += value
            } else {
                out += "[" + whitespace()
                for (d, detection) in model.detections.enumerated() {
                    if d > 0 { out += "," + whitespace() }
                    out += renderObject(detection)
                }
                out += model.detectionsTrailer + whitespace() + "]"
            }
            out += whitespace()
            if n < model.members.count - 1 { out += "," }
        }
        return Array((out + "}" + whitespace()).utf8)
    }

    mutating func renderObject(_ members: [Member]) -> String {
        "{" + members.map { whitespace() + $0.key + whitespace() + ":" + whitespace() + ($0.value ?? "null") }
            .joined(separator: ",") + whitespace() + "}"
    }
}
