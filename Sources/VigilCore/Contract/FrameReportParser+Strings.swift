// JSON strings: validation as the payload is scanned, unescaping for the rare string that needs
// it, and field names matched against the contract's without building a `String`.

extension FrameReportParser {
    /// A string's content in the payload, between its quotes, as received.
    struct StringToken {
        /// The offset of the first byte after the opening quote.
        var start: Int
        /// The offset of the closing quote.
        var end: Int
        /// Whether the content holds a backslash escape; if not, its bytes are the string.
        var escaped: Bool

        /// The length of the content in bytes.
        var count: Int { end - start }
    }
}

extension FrameReportParser.Reader {
    /// Scans a string whose opening quote has been consumed, up to and including its closing quote.
    ///
    /// Checks RFC 8259 on the way: no unescaped control characters, valid escapes with paired
    /// surrogates, and well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing above
    /// U+10FFFF). Plain ASCII costs one comparison chain a byte.
    @inline(__always)
    mutating func scanString() throws(FrameReportError) -> Parser.StringToken {
        let start = index
        var offset = index
        var escaped = false
        while offset < end {
            let byte = byte(at: offset)
            if byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                offset += 1
            } else if byte == UInt8(ascii: "\"") {
                index = offset + 1
                return Parser.StringToken(start: start, end: offset, escaped: escaped)
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                offset = try scanEscape(at: offset)
            } else if byte < 0x20 {
                throw syntaxError("unescaped control character in a string", at: offset)
            } else {
                offset = try scanMultibyteCharacter(at: offset, lead: byte)
            }
        }
        throw syntaxError("unterminated string", at: end)
    }

    /// Checks the escape sequence whose backslash is at `offset`; returns the offset after it.
    mutating func scanEscape(at offset: Int) throws(FrameReportError) -> Int {
        guard offset + 1 < end else { throw syntaxError("unterminated string", at: end) }
        switch byte(at: offset + 1) {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return offset + 2
        case UInt8(ascii: "u"):
            let unit = try hexEscape(at: offset)
            switch unit {
            case 0xD800...0xDBFF:
                guard offset + 7 < end, byte(at: offset + 6) == UInt8(ascii: "\\"),
                    byte(at: offset + 7) == UInt8(ascii: "u"),
                    case 0xDC00...0xDFFF = try hexEscape(at: offset + 6)
                else { throw syntaxError("high surrogate escape without a low surrogate after it", at: offset) }
                return offset + 12
            case 0xDC00...0xDFFF:
                throw syntaxError("low surrogate escape without a high surrogate before it", at: offset)
            default:
                return offset + 6
            }
        default:
            throw syntaxError("invalid escape sequence in a string", at: offset)
        }
    }

    /// The code unit of the `\uXXXX` escape whose backslash is at `offset`.
    func hexEscape(at offset: Int) throws(FrameReportError) -> UInt32 {
        guard end - offset >= 6 else { throw syntaxError("unterminated string", at: end) }
        var unit: UInt32 = 0
        for position in offset + 2..<offset + 6 {
            guard let digit = Self.hexDigit(byte(at: position)) else {
                throw syntaxError("invalid \\u escape (expected four hex digits)", at: offset)
            }
            unit = unit << 4 | digit
        }
        return unit
    }

    /// The value of a hex digit, if `byte` is one.
    @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Checks the UTF-8 sequence whose lead byte `lead` (0x80 or above) is at `offset`, by the
    /// table of well-formed sequences in the Unicode Standard (Table 3-7); returns the offset after it.
    func scanMultibyteCharacter(at offset: Int, lead: UInt8) throws(FrameReportError) -> Int {
        let length: Int
        let secondLow: UInt8
        let secondHigh: UInt8
        switch lead {
        case 0xC2...0xDF: (length, secondLow, secondHigh) = (2, 0x80, 0xBF)
        case 0xE0: (length, secondLow, secondHigh) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondLow, secondHigh) = (3, 0x80, 0xBF)
        case 0xED: (length, secondLow, secondHigh) = (3, 0x80, 0x9F)
        case 0xF0: (length, secondLow, secondHigh) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, secondLow, secondHigh) = (4, 0x80, 0xBF)
        case 0xF4: (length, secondLow, secondHigh) = (4, 0x80, 0x8F)
        default: throw syntaxError("invalid UTF-8 in a string", at: offset)
        }
        guard end - offset >= length else { throw syntaxError("invalid UTF-8 in a string", at: offset) }
        let second = byte(at: offset + 1)
        guard second >= secondLow && second <= secondHigh else {
            throw syntaxError("invalid UTF-8 in a string", at: offset)
        }
        for position in offset + 2..<offset + length where byte(at: position) & 0xC0 != 0x80 {
            throw syntaxError("invalid UTF-8 in a string", at: offset)
        }
        return offset + length
    }

    /// The UTF-8 bytes of a string that `scanString` has checked, its escapes decoded.
    func unescape(_ token: Parser.StringToken) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.count)
        var offset = token.start
        while offset < token.end {
            let byte = byte(at: offset)
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                offset += 1
                continue
            }
            let escape = self.byte(at: offset + 1)
            offset += 2
            if let simple = JSONEscape.simple(escape) {
                bytes.append(simple)
            } else {  // u: scanString checked that every other escape is a simple one
                var scalar = hexValue(at: offset)
                offset += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // scanString checked that a low surrogate escape follows.
                    let low = hexValue(at: offset + 2)
                    offset += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                Self.appendUTF8(scalar, to: &bytes)
            }
        }
        return bytes
    }

    /// The four hex digits at `offset`, already checked.
    func hexValue(at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for position in offset..<offset + 4 {
            value = value << 4 | (Self.hexDigit(byte(at: position)) ?? 0)
        }
        return value
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value.
    static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// A string as it appears in the payload, in quotes, cut short if long, for error details.
    func quoted(_ token: Parser.StringToken) -> String {
        let shown = min(token.count, 64)
        let text = String(decoding: UnsafeRawBufferPointer(start: base + token.start, count: shown), as: UTF8.self)
        return "\"\(text)\(shown < token.count ? "…" : "")\""
    }
}

// MARK: - Field names

extension FrameReportParser {
    /// The report's contract fields; the raw value is the field's bit in a seen-mask.
    enum ReportKey: UInt8 {
        case version, camera, seq, ts, detections, exercise, unknown

        /// The seen-mask of the required fields other than `v`, which is checked on its own.
        static let requiredMask: UInt8 = 0b1_1110

        /// The field's name in the payload.
        var name: StaticString {
            switch self {
            case .version: "v"
            case .camera: "camera"
            case .seq: "seq"
            case .ts: "ts"
            case .detections: "detections"
            case .exercise: "exercise"
            case .unknown: "?"
            }
        }
    }

    /// A detection's contract fields; the raw value is the field's bit in a seen-mask.
    enum DetectionKey: UInt8 {
        case track, objectClass, conf, lat, lon, tempC, sizeM, speedMps, headingDeg, unknown

        /// The required fields, in the order a missing one is reported.
        static let required: [DetectionKey] = [.track, .objectClass, .conf, .lat, .lon]

        /// The seen-mask of all required fields.
        static let requiredMask: UInt16 = 0b1_1111

        /// The field's name in the payload.
        var name: StaticString {
            switch self {
            case .track: "track"
            case .objectClass: "class"
            case .conf: "conf"
            case .lat: "lat"
            case .lon: "lon"
            case .tempC: "temp_c"
            case .sizeM: "size_m"
            case .speedMps: "speed_mps"
            case .headingDeg: "heading_deg"
            case .unknown: "?"
            }
        }
    }
}

extension FrameReportParser {
    /// The contract's field names with their closing quote, as little-endian words (first byte
    /// lowest), for matching a plainly written key in one or two loads. Names longer than 8
    /// bytes are split in two words. `FrameReportParserTests` checks every constant.
    enum PackedKey {
        static let v: UInt64 = 0x2276  // v"
        static let ts: UInt64 = 0x22_7374  // ts"
        static let seq: UInt64 = 0x2271_6573  // seq"
        static let camera: UInt64 = 0x22_6172_656D_6163  // camera"
        static let detectio: UInt64 = 0x6F69_7463_6574_6564  // detectio
        static let ns: UInt64 = 0x22_736E  // ns"
        static let lat: UInt64 = 0x2274_616C  // lat"
        static let lon: UInt64 = 0x226E_6F6C  // lon"
        static let conf: UInt64 = 0x22_666E_6F63  // conf"
        static let track: UInt64 = 0x226B_6361_7274  // track"
        static let `class`: UInt64 = 0x2273_7361_6C63  // class"
        static let tempC: UInt64 = 0x22_635F_706D_6574  // temp_c"
        static let sizeM: UInt64 = 0x22_6D5F_657A_6973  // size_m"
        static let speedMp: UInt64 = 0x706D_5F64_6565_7073  // speed_mp
        static let s: UInt64 = 0x2273  // s"
        static let heading: UInt64 = 0x5F67_6E69_6461_6568  // heading_
        static let deg: UInt64 = 0x2267_6564  // deg"

        /// The word for up to 8 bytes of `text`, as the constants above are written.
        static func pack(_ text: String) -> UInt64 {
            text.utf8.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
        }
    }
}

extension FrameReportParser.Reader {
    /// Reads the name of a report field and the `:` after it.
    @inline(__always)
    mutating func readReportKey() throws(FrameReportError) -> Parser.ReportKey {
        try expectOpeningQuote()
        let key: Parser.ReportKey
        if let plain = plainReportKey() {
            key = plain
        } else {
            let name = try scanString()
            if !name.escaped {
                key = Self.reportKey(UnsafeRawBufferPointer(start: base + name.start, count: name.count))
            } else {
                key = unescape(name).withUnsafeBytes { Self.reportKey($0) }
            }
        }
        try expectColon()
        return key
    }

    /// Reads the name of a detection field and the `:` after it.
    @inline(__always)
    mutating func readDetectionKey() throws(FrameReportError) -> Parser.DetectionKey {
        try expectOpeningQuote()
        let key: Parser.DetectionKey
        if let plain = plainDetectionKey() {
            key = plain
        } else {
            let name = try scanString()
            if !name.escaped {
                key = Self.detectionKey(UnsafeRawBufferPointer(start: base + name.start, count: name.count))
            } else {
                key = unescape(name).withUnsafeBytes { Self.detectionKey($0) }
            }
        }
        try expectColon()
        return key
    }

    /// The 8 bytes at `offset`, the first in the lowest bits; `offset + 8` must not pass `end`.
    @inline(__always)
    func word(at offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The 4 bytes at `offset`, the first in the lowest bits; `offset + 4` must not pass `end`.
    /// The fast paths below check 12 bytes, so the tail of a key past its first 8 is read with
    /// this (an 8-byte read there went up to 4 bytes past the payload: found by the fuzz target).
    @inline(__always)
    func tailWord(at offset: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    /// The fast path for the usual case: a report key written plainly, without escapes, matched
    /// with its closing quote in one or two word comparisons and consumed. Nil for anything
    /// else, which the general path then reads.
    @inline(__always)
    mutating func plainReportKey() -> Parser.ReportKey? {
        typealias Packed = Parser.PackedKey
        guard end - index >= 12 else { return nil }
        let word = word(at: index)
        switch UInt8(truncatingIfNeeded: word) {
        case UInt8(ascii: "v") where word & 0xFFFF == Packed.v:
            index += 2
            return .version
        case UInt8(ascii: "c") where word & 0xFF_FFFF_FFFF_FFFF == Packed.camera:
            index += 7
            return .camera
        case UInt8(ascii: "s") where word & 0xFFFF_FFFF == Packed.seq:
            index += 4
            return .seq
        case UInt8(ascii: "t") where word & 0xFF_FFFF == Packed.ts:
            index += 3
            return .ts
        case UInt8(ascii: "d") where word == Packed.detectio && tailWord(at: index + 8) & 0xFF_FFFF == Packed.ns:
            index += 11
            return .detections
        default:
            return nil
        }
    }

    /// The fast path for a detection key written plainly; see `plainReportKey`.
    @inline(__always)
    mutating func plainDetectionKey() -> Parser.DetectionKey? {
        typealias Packed = Parser.PackedKey
        guard end - index >= 12 else { return nil }
        let word = word(at: index)
        let key: Parser.DetectionKey
        let length: Int
        switch UInt8(truncatingIfNeeded: word) {
        case UInt8(ascii: "l"):
            switch word & 0xFFFF_FFFF {
            case Packed.lat: (key, length) = (.lat, 4)
            case Packed.lon: (key, length) = (.lon, 4)
            default: return nil
            }
        case UInt8(ascii: "c"):
            if word & 0xFF_FFFF_FFFF == Packed.conf {
                (key, length) = (.conf, 5)
            } else if word & 0xFFFF_FFFF_FFFF == Packed.class {
                (key, length) = (.objectClass, 6)
            } else {
                return nil
            }
        case UInt8(ascii: "t"):
            if word & 0xFFFF_FFFF_FFFF == Packed.track {
                (key, length) = (.track, 6)
            } else if word & 0xFF_FFFF_FFFF_FFFF == Packed.tempC {
                (key, length) = (.tempC, 7)
            } else {
                return nil
            }
        case UInt8(ascii: "s"):
            if word & 0xFF_FFFF_FFFF_FFFF == Packed.sizeM {
                (key, length) = (.sizeM, 7)
            } else if word == Packed.speedMp && tailWord(at: index + 8) & 0xFFFF == Packed.s {
                (key, length) = (.speedMps, 10)
            } else {
                return nil
            }
        case UInt8(ascii: "h"):
            guard word == Packed.heading && tailWord(at: index + 8) & 0xFFFF_FFFF == Packed.deg else { return nil }
            (key, length) = (.headingDeg, 12)
        default:
            return nil
        }
        index += length
        return key
    }

    @inline(__always)
    static func reportKey(_ bytes: UnsafeRawBufferPointer) -> Parser.ReportKey {
        switch bytes.count {
        case 1 where bytes[0] == UInt8(ascii: "v"): .version
        case 2 where matches(bytes, "ts"): .ts
        case 3 where matches(bytes, "seq"): .seq
        case 6 where matches(bytes, "camera"): .camera
        case 10 where matches(bytes, "detections"): .detections
        case 8 where matches(bytes, "exercise"): .exercise
        default: .unknown
        }
    }

    @inline(__always)
    static func detectionKey(_ bytes: UnsafeRawBufferPointer) -> Parser.DetectionKey {
        switch bytes.count {
        case 3:
            if matches(bytes, "lat") { return .lat }
            if matches(bytes, "lon") { return .lon }
        case 4:
            if matches(bytes, "conf") { return .conf }
        case 5:
            if matches(bytes, "track") { return .track }
            if matches(bytes, "class") { return .objectClass }
        case 6:
            if matches(bytes, "temp_c") { return .tempC }
            if matches(bytes, "size_m") { return .sizeM }
        case 9:
            if matches(bytes, "speed_mps") { return .speedMps }
        case 11:
            if matches(bytes, "heading_deg") { return .headingDeg }
        default:
            break
        }
        return .unknown
    }

    /// Whether `bytes` (of the literal's length) are the literal's bytes.
    @inline(__always)
    static func matches(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let pattern = UnsafeRawPointer(literal.utf8Start)
        let base = bytes.baseAddress.unsafelyUnwrapped
        for offset in 0..<literal.utf8CodeUnitCount
        where base.load(fromByteOffset: offset, as: UInt8.self)
            != pattern.load(fromByteOffset: offset, as: UInt8.self)
        {
            return false
        }
        return true
    }
}
