import Foundation
import VigilCore

extension ParserPayloadGenerator {
    /// How a valid payload was broken (or, for some byte mutations, perhaps not broken).
    enum Mutation: String, CaseIterable, Sendable {
        case truncate, deleteByte, duplicateByte, replaceByte, insertByte, trailingGarbage
        case dropRequiredField, changeType, nonFiniteLiteral, outOfRangeDouble, outOfRangeInteger
        case invalidUTF8, badEscape, deepNesting, tooManyDetections, duplicateKey, trailingComma
        case badCamera, notAnObject, oversize, leadingZero, optionalNull
    }

    static let requiredReportFields = ["v", "camera", "seq", "ts", "detections"]
    static let requiredDetectionFields = ["track", "class", "conf", "lat", "lon"]
    static let optionalDetectionFields = ["temp_c", "size_m", "speed_mps", "heading_deg"]

    /// A valid payload with one mutation applied.
    mutating func mutatedPayload() -> (bytes: [UInt8], mutation: Mutation) {
        var mutation = rng.pick(Mutation.allCases)
        // The two large-payload mutations are costly to check and need few samples: a third of the weight.
        while (mutation == .tooManyDetections || mutation == .oversize) && rng.chance(67) {
            mutation = rng.pick(Mutation.allCases)
        }
        return (mutate(validModel(), mutation), mutation)
    }

    mutating func mutate(_ model: Model, _ mutation: Mutation) -> [UInt8] {
        var model = model
        switch mutation {
        case .truncate:
            let bytes = render(model)
            return Array(bytes.prefix(rng.int(0..<bytes.count)))
        case .deleteByte:
            var bytes = render(model)
            bytes.remove(at: rng.int(0..<bytes.count))
            return bytes
        case .duplicateByte:
            var bytes = render(model)
            let position = rng.int(0..<bytes.count)
            bytes.insert(bytes[position], at: position)
            return bytes
        case .replaceByte:
            var bytes = render(model)
            bytes[rng.int(0..<bytes.count)] = interestingByte()
            return bytes
        case .insertByte:
            var bytes = render(model)
            bytes.insert(interestingByte(), at: rng.int(0...bytes.count))
            return bytes
        case .trailingGarbage:
            let garbage = rng.pick(
                ["x", "}", "{}", ",", "0", "\u{0}", "// c", "]", "\"", "null", #"{"v":1}"#, "\u{A0}"])
            return render(model) + Array(garbage.utf8)
        case .dropRequiredField:
            if model.detections.isEmpty || rng.chance(40) {
                let name = rng.pick(Self.requiredReportFields)
                model.members.removeAll { $0.name == name }
            } else {
                let n = rng.int(0..<model.detections.count)
                let name = rng.pick(Self.requiredDetectionFields)
                model.detections[n].removeAll { $0.name == name }
            }
        case .changeType:
            let value = rng.pick([#""1""#, "true", "false", "null", "[]", "{}", #""text""#, "[1,2]", #"{"a":1}"#, "0"])
            setContractField(in: &model, to: value)
        case .nonFiniteLiteral:
            let literal = rng.pick(["NaN", "Infinity", "-Infinity", "nan", "inf", "-NaN", "+Infinity", "INF"])
            if rng.chance(25) {
                // In an unknown field; `1e400` there is valid JSON that JSONSerialization refuses.
                let value = rng.chance(70) ? literal : rng.pick(["1e400", "-1E999"])
                model.members.append(Member(name: "x_nan", key: #""x_nan""#, value: "[1, \(value)]"))
            } else {
                setContractField(in: &model, to: literal, numbersOnly: true)
            }
        case .outOfRangeDouble:
            ensureDetection(&model)
            let (name, value) = rng.pick([
                ("lat", "200"), ("lat", "-90.0000001"), ("lat", "90.00000000000001"), ("lon", "180.5"), ("lon", "-181"),
                ("conf", "1.0000001"), ("conf", "-0.01"), ("conf", "2"), ("heading_deg", "360.5"),
                ("heading_deg", "-1e-9"), ("speed_mps", "500.1"), ("speed_mps", "-3"), ("size_m", "1000.5"),
                ("temp_c", "-100.5"), ("temp_c", "2000.01"), ("lat", "1e400"), ("lon", "-1e400"), ("conf", "1E309"),
                ("temp_c", "1e999999999999999999"),
            ])
            setDetectionField(in: &model, name, to: value)
        case .outOfRangeInteger:
            let (name, value) = rng.pick([
                ("v", "2"), ("v", "0"), ("v", "-1"), ("v", "1.5"), ("v", "2.0"), ("seq", "-1"),
                ("seq", "18446744073709551616"), ("seq", "1.5"), ("seq", "-0.5"), ("seq", "1e20"), ("ts", "-1"),
                ("ts", "9007199254740993"), ("ts", "12.5"), ("ts", "1e16"), ("track", "-1"), ("track", "4294967296"),
                ("track", "0.5"), ("track", "1e10"), ("track", "-4294967295"),
                // JSONDecoder rounds these through Double and accepts them; the parser does not.
                ("seq", "9007199254740993.5"), ("track", "-1e-400"),
            ])
            if name == "track" {
                ensureDetection(&model)
                setDetectionField(in: &model, name, to: value)
            } else {
                setReportField(in: &model, name, to: value)
            }
        case .invalidUTF8:
            let sequence = rng.pick([
                [0xFF], [0xC0, 0xAF], [0xC1, 0x81], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
                [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3], [0xE0, 0x9F, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF],
                [0xFE], [0xF0, 0x9F, 0x98],
            ] as [[UInt8]])
            return insertIntoString(render(model), sequence)
        case .badEscape:
            let escape = rng.pick([
                #"\x"#, #"\u12"#, #"\ud800"#, #"\udc00"#, #"\ud800\u0041"#, #"\'"#, #"\U0041"#, "\u{1}", #"\"#,
                #"\u+123"#, #"\uDBFF\uDBFF"#, "\u{1F}", #"\uZZZZ"#, "\t",
            ])
            return insertIntoString(render(model), Array(escape.utf8))
        case .deepNesting:
            let depth = rng.pick([rng.int(58...70), rng.int(100...512), rng.int(513...700)])
            let value =
                rng.chance(50)
                ? String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                : String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            let deep = Member(name: "x_deep", key: #""x_deep""#, value: value)
            if model.detections.isEmpty || rng.chance(50) {
                model.members.append(deep)
            } else {
                model.detections[rng.int(0..<model.detections.count)].append(deep)
            }
        case .tooManyDetections:
            let samples = (0..<4).map { _ in validDetection(compact: true).1 }
            model.detections = (0..<rng.int(257...300)).map { _ in rng.pick(samples) }
        case .duplicateKey:
            duplicateContractKey(in: &model)
        case .trailingComma:
            switch rng.int(0..<4) {
            case 0:
                let value = rng.pick(["[1,2,]", "[[],]", #"{"a":1,}"#])
                model.members.append(Member(name: "x_list", key: #""x_list""#, value: value))
            case 1 where !model.detections.isEmpty: model.detectionsTrailer = ","
            default:
                let bytes = render(model)
                // After the report's last member: before the final `}`.
                guard let close = bytes.lastIndex(of: UInt8(ascii: "}")) else { return bytes }
                return Array(bytes[..<close]) + [UInt8(ascii: ",")] + Array(bytes[close...])
            }
        case .badCamera:
            let camera = rng.pick([
                #""""#, "\"" + String(repeating: "c", count: 65) + "\"", #""cam rabia""#, #""ké""#, #""cam\u002e01""#,
                #""cam/01""#, #""cam\n""#,
            ])
            setReportField(in: &model, "camera", to: camera)
        case .notAnObject:
            let bytes = render(model)
            switch rng.int(0..<3) {
            case 0: return Array("[".utf8) + bytes + Array("]".utf8)
            case 1: return Array(rng.pick(["1", #""report""#, "null", "true", "[]", "  "]).utf8)
            default: return Array("[".utf8) + bytes + Array(",".utf8) + bytes + Array("]".utf8)
            }
        case .oversize:
            let bytes = render(model)
            return bytes + [UInt8](repeating: 0x20, count: max(0, rng.int(65_537...70_000) - bytes.count))
        case .leadingZero:
            let (name, value) = rng.pick([
                ("seq", "0123"), ("ts", "00"), ("track", "012"), ("lat", "036.5"), ("lon", "-012.5"), ("conf", "00.5"),
                ("v", "01"),
            ])
            if Self.requiredReportFields.contains(name) {
                setReportField(in: &model, name, to: value)
            } else {
                ensureDetection(&model)
                setDetectionField(in: &model, name, to: value)
            }
        case .optionalNull:
            ensureDetection(&model)
            setDetectionField(in: &model, rng.pick(Self.optionalDetectionFields), to: "null")
        }
        return render(model)
    }

    mutating func interestingByte() -> UInt8 {
        if rng.chance(20) { return UInt8(truncatingIfNeeded: rng.next()) }
        return rng.pick(
            [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x22, 0x5C, 0x2F, 0x2C, 0x3A, 0x7B, 0x7D, 0x5B, 0x5D, 0x30, 0x31, 0x39, 0x2D,
             0x2B, 0x2E, 0x65, 0x45, 0x61, 0x6E, 0x74, 0x66, 0x7F, 0x80, 0xBF, 0xC0, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF]
                as [UInt8])
    }

    mutating func ensureDetection(_ model: inout Model) {
        if model.detections.isEmpty { model.detections.append(validDetection(compact: true).1) }
    }

    /// Sets (or adds) a report field.
    mutating func setReportField(in model: inout Model, _ name: String, to value: String) {
        if let position = model.members.firstIndex(where: { $0.name == name }) {
            model.members[position].value = value
        } else {
            model.members.append(member(name, value))
        }
    }

    /// Sets (or adds) a field of a random detection.
    mutating func setDetectionField(in model: inout Model, _ name: String, to value: String) {
        let n = rng.int(0..<model.detections.count)
        if let position = model.detections[n].firstIndex(where: { $0.name == name }) {
            model.detections[n][position].value = value
        } else {
            model.detections[n].append(member(name, value))
        }
    }

    /// Sets a random contract field (of the report or of a detection) to `value`.
    mutating func setContractField(in model: inout Model, to value: String, numbersOnly: Bool = false) {
        if model.detections.isEmpty || rng.chance(35) {
            let names = numbersOnly ? ["v", "seq", "ts"] : Self.requiredReportFields
            setReportField(in: &model, rng.pick(names), to: value)
        } else {
            let names = (numbersOnly ? ["track", "conf", "lat", "lon"] : Self.requiredDetectionFields)
                + Self.optionalDetectionFields
            setDetectionField(in: &model, rng.pick(names), to: value)
        }
    }

    /// Repeats a contract field of the report or of a detection, its key spelled the same or escaped.
    mutating func duplicateContractKey(in model: inout Model) {
        func copy(_ original: Member, _ rng: inout SplitMix64) -> Member {
            var copy = original
            if rng.chance(30) {
                let escaped = original.name.unicodeScalars.map { "\\u00" + String($0.value, radix: 16) }
                copy.key = "\"" + escaped.joined() + "\""
            }
            if rng.chance(30), original.value != nil { copy.value = "1" }
            return copy
        }
        if model.detections.isEmpty || rng.chance(40) {
            let original = rng.pick(model.members.filter { Self.requiredReportFields.contains($0.name) })
            model.members.insert(copy(original, &rng), at: rng.int(0...model.members.count))
        } else {
            let n = rng.int(0..<model.detections.count)
            let original = rng.pick(model.detections[n].filter { Self.requiredDetectionFields.contains($0.name) })
            model.detections[n].insert(copy(original, &rng), at: rng.int(0...model.detections[n].count))
        }
    }

    /// Inserts `sequence` at a random position inside a random string of the payload.
    mutating func insertIntoString(_ bytes: [UInt8], _ sequence: [UInt8]) -> [UInt8] {
        var positions: [Int] = []
        var inString = false
        var escaped = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                positions.append(offset)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
        }
        guard !positions.isEmpty else { return bytes + sequence }
        var result = bytes
        result.insert(contentsOf: sequence, at: rng.pick(positions))
        return result
    }
}
