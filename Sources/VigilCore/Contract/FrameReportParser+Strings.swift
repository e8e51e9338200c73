// JSON strings: validation as the payload is scanned, and unescaping for the rare string that needs it.

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
            switch escape {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hexValue(at: offset)
                offset += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // scanString checked that a low surrogate escape follows.
                    let low = hexValue(at: offset + 2)
                    offset += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                Self.appendUTF8(scalar, to: &bytes)
            default:
                bytes.append(escape)  // " \ /
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
