// JSON numbers: syntax, exact integers, and correctly rounded doubles.

extension FrameReportParser {
    /// A number in the payload, its syntax checked, with its leading significant digits.
    ///
    /// Unless `truncated`, the number's value is exactly `±mantissa × 10^exponent`.
    struct NumberToken {
        /// The offset of the number's first byte.
        var start: Int
        /// The offset after the number's last byte.
        var end: Int
        /// Whether the number has a minus sign (`-0` has one).
        var negative: Bool
        /// The first 19 significant digits, as an integer.
        var mantissa: UInt64
        /// The power of ten `mantissa` is scaled by (clamped to about ±10⁹).
        var exponent: Int
        /// Whether a non-zero digit came after the first 19 significant digits.
        var truncated: Bool
    }

    /// A number read as an integer, exactly.
    enum IntegerValue: Equatable {
        /// A non-negative integer (`-0` included) that fits in 64 bits.
        case value(UInt64)
        /// An integer or fraction below zero.
        case negative
        /// Not an integer.
        case fraction
        /// An integer above `UInt64.max`.
        case tooLarge
    }
}

extension FrameReportParser.Reader {
    /// Scans a number at the current position (which holds `-` or a digit), checking RFC 8259
    /// syntax: no leading zeros, digits on both sides of a `.`, digits in an exponent.
    mutating func scanNumber() throws(FrameReportError) -> Parser.NumberToken {
        let start = index
        var offset = index
        var negative = false
        if byte(at: offset) == UInt8(ascii: "-") {
            negative = true
            offset += 1
        }
        guard offset < end, Self.isDigit(byte(at: offset)) else {
            throw syntaxError("expected a digit after '-'", at: offset)
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var truncated = false

        if byte(at: offset) == UInt8(ascii: "0") {
            offset += 1
            if offset < end && Self.isDigit(byte(at: offset)) {
                throw syntaxError("leading zero in a number", at: start)
            }
        } else {
            while offset < end {
                let byte = byte(at: offset)
                guard Self.isDigit(byte) else { break }
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                    digits += 1
                } else {
                    exponent += 1
                    truncated = truncated || byte != UInt8(ascii: "0")
                }
                offset += 1
            }
        }

        if offset < end && byte(at: offset) == UInt8(ascii: ".") {
            offset += 1
            guard offset < end, Self.isDigit(byte(at: offset)) else {
                throw syntaxError("expected a digit after '.'", at: offset)
            }
            while offset < end {
                let byte = byte(at: offset)
                guard Self.isDigit(byte) else { break }
                if digits < 19 {
                    // Zeros before the first significant digit only move the exponent.
                    mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    truncated = truncated || byte != UInt8(ascii: "0")
                }
                offset += 1
            }
        }

        if offset < end && (byte(at: offset) | 0x20) == UInt8(ascii: "e") {
            offset += 1
            var exponentNegative = false
            if offset < end && (byte(at: offset) == UInt8(ascii: "-") || byte(at: offset) == UInt8(ascii: "+")) {
                exponentNegative = byte(at: offset) == UInt8(ascii: "-")
                offset += 1
            }
            guard offset < end, Self.isDigit(byte(at: offset)) else {
                throw syntaxError("expected a digit in the exponent", at: offset)
            }
            var value = 0
            while offset < end {
                let byte = byte(at: offset)
                guard Self.isDigit(byte) else { break }
                if value < 100_000_000 { value = value * 10 + Int(byte &- UInt8(ascii: "0")) }
                offset += 1
            }
            exponent += exponentNegative ? -value : value
        }

        index = offset
        return Parser.NumberToken(
            start: start, end: offset, negative: negative, mantissa: mantissa, exponent: exponent,
            truncated: truncated)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// The number's value, correctly rounded to a `Double`; infinite if it overflows.
    ///
    /// Clinger's fast path: a mantissa of at most 2⁵³ and a power of ten of at most 10²² are
    /// both exact doubles, so one IEEE multiplication or division rounds the exact product
    /// correctly. Anything else goes to the standard library's correctly rounded conversion.
    @inline(__always)
    func doubleValue(_ token: Parser.NumberToken) -> Double {
        if token.mantissa == 0 { return token.negative ? -0.0 : 0.0 }
        if !token.truncated && token.mantissa <= 1 << 53 && token.exponent >= -22 && token.exponent <= 22 {
            var value = Double(token.mantissa)
            if token.exponent < 0 {
                value /= Self.exactPowerOfTen(-token.exponent)
            } else if token.exponent > 0 {
                value *= Self.exactPowerOfTen(token.exponent)
            }
            return token.negative ? -value : value
        }
        return slowDoubleValue(token)
    }

    /// The number's value through `Double(_: String)`, which rounds correctly.
    @inline(never)
    func slowDoubleValue(_ token: Parser.NumberToken) -> Double {
        let text = String(
            decoding: UnsafeRawBufferPointer(start: base + token.start, count: token.end - token.start), as: UTF8.self)
        return Double(text) ?? .nan
    }

    /// 10ⁿ for n in 0...22, all exact doubles.
    @inline(__always)
    static func exactPowerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// 10ⁿ for n in 0...19.
    @inline(__always)
    static func integerPowerOfTen(_ n: Int) -> UInt64 {
        var power: UInt64 = 1
        for _ in 0..<n { power &*= 10 }
        return power
    }

    /// The number as an exact integer, whatever its notation (`412`, `412.0`, `4.12e2`, `-0`).
    @inline(__always)
    func integerValue(_ token: Parser.NumberToken) -> Parser.IntegerValue {
        if token.mantissa == 0 { return .value(0) }
        if token.negative { return .negative }
        if token.truncated { return slowIntegerValue(token) }
        if token.exponent == 0 { return .value(token.mantissa) }
        if token.exponent > 0 {
            guard token.exponent <= 19 else { return .tooLarge }
            let (value, overflow) = token.mantissa.multipliedReportingOverflow(
                by: Self.integerPowerOfTen(token.exponent))
            return overflow ? .tooLarge : .value(value)
        }
        // The mantissa is below 10¹⁹, so a larger divisor leaves a non-zero fraction.
        guard token.exponent >= -19 else { return .fraction }
        let (quotient, remainder) = token.mantissa.quotientAndRemainder(
            dividingBy: Self.integerPowerOfTen(-token.exponent))
        return remainder == 0 ? .value(quotient) : .fraction
    }

    /// The exact integer value of a number with more than 19 significant digits, from its digits.
    @inline(never)
    func slowIntegerValue(_ token: Parser.NumberToken) -> Parser.IntegerValue {
        var digits: [UInt8] = []
        digits.reserveCapacity(token.end - token.start)
        var offset = token.negative ? token.start + 1 : token.start
        while offset < token.end, Self.isDigit(byte(at: offset)) {
            digits.append(byte(at: offset) &- UInt8(ascii: "0"))
            offset += 1
        }
        // The number is 0.d₁d₂…dₙ × 10^point.
        var point = digits.count
        if offset < token.end && byte(at: offset) == UInt8(ascii: ".") {
            offset += 1
            while offset < token.end, Self.isDigit(byte(at: offset)) {
                digits.append(byte(at: offset) &- UInt8(ascii: "0"))
                offset += 1
            }
        }
        if offset < token.end {  // the exponent; scanNumber checked its syntax
            offset += 1
            let exponentNegative = byte(at: offset) == UInt8(ascii: "-")
            if !Self.isDigit(byte(at: offset)) { offset += 1 }
            var value = 0
            while offset < token.end {
                if value < 100_000_000 { value = value * 10 + Int(byte(at: offset) &- UInt8(ascii: "0")) }
                offset += 1
            }
            point += exponentNegative ? -value : value
        }
        var first = 0
        while first < digits.count && digits[first] == 0 {
            first += 1
            point -= 1
        }
        var last = digits.count
        while last > first && digits[last - 1] == 0 { last -= 1 }
        if first == last { return .value(0) }
        if token.negative { return .negative }
        if last - first > point { return .fraction }
        if point > 20 { return .tooLarge }
        var value: UInt64 = 0
        for position in 0..<point {
            let digit = first + position < last ? UInt64(digits[first + position]) : 0
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return .tooLarge }
            value = sum
        }
        return .value(value)
    }

    /// A number as it appears in the payload, cut short if long, for error details.
    func text(of token: Parser.NumberToken) -> String {
        let shown = min(token.end - token.start, 40)
        let text = String(decoding: UnsafeRawBufferPointer(start: base + token.start, count: shown), as: UTF8.self)
        return shown < token.end - token.start ? text + "…" : text
    }
}
