import VigilWire

extension CaptureLine {
    /// Reads JSON tokens from one line.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(Problem) {
            guard take(byte) else { throw unexpected(what) }
        }

        func unexpected(_ what: String) -> Problem {
            guard index < bytes.count else { return Problem("expected \(what), found the end of the line") }
            let byte = bytes[index]
            let shown = (0x20..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            return Problem("expected \(what) at column \(index + 1), found \(shown)")
        }

        mutating func value() throws(Problem) -> Value {
            guard index < bytes.count else { throw unexpected("a value") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "["):
                index += 1
                var items: [Value] = []
                skipSpace()
                if take(UInt8(ascii: "]")) { return .array(items) }
                repeat {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                } while take(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return .array(items)
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if take(UInt8(ascii: "}")) { return .other }
                repeat {
                    skipSpace()
                    _ = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "':'")
                    skipSpace()
                    _ = try value()
                    skipSpace()
                } while take(UInt8(ascii: ","))
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return .other
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try number()
            default:
                for literal in ["true", "false", "null"] where matches(literal) {
                    index += literal.utf8.count
                    return .other
                }
                throw unexpected("a value")
            }
        }

        private func matches(_ literal: String) -> Bool {
            let utf8 = literal.utf8
            guard bytes.count - index >= utf8.count else { return false }
            return zip(utf8, bytes[index...]).allSatisfy { $0 == $1 }
        }

        /// A number: `.integer` when it is a whole number that fits 64 bits, else `.other`.
        private mutating func number() throws(Problem) -> Value {
            let begin = index
            let negative = take(UInt8(ascii: "-"))
            var value: Int64 = 0, fits = true, digits = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
                if o1 || o2 { fits = false } else { value = sum }
                index += 1
                digits += 1
            }
            guard digits > 0 else {
                index = begin
                throw unexpected("a number")
            }
            var whole = true
            if take(UInt8(ascii: ".")) {
                whole = false
                try skipDigits()
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                whole = false
                _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-"))
                try skipDigits()
            }
            return whole && fits ? .integer(value) : .other
        }

        private mutating func skipDigits() throws(Problem) {
            let begin = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > begin else { throw unexpected("a digit") }
        }

        /// A JSON string's bytes, escapes decoded; other bytes are taken as they are.
        mutating func string() throws(Problem) -> [UInt8] {
            try expect(UInt8(ascii: "\""), "a string")
            var out: [UInt8] = []
            var runStart = index
            while true {
                guard index < bytes.count else { throw Problem("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    out.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    return out
                }
                if byte < 0x20 { throw Problem("control character 0x\(String(byte, radix: 16)) in a string at column \(index + 1)") }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                out.append(contentsOf: bytes[runStart..<index])
                index += 1
                guard index < bytes.count else { throw Problem("unterminated string") }
                do {
                    try JSONEscape.decode(bytes, at: &index, into: &out)
                } catch {
                    switch error {
                    case .truncated, .notHex: throw unexpected("4 hexadecimal digits after \\u")
                    case .invalid: throw unexpected("an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t, \\u)")
                    case .loneSurrogate(let scalar): throw Problem("lone surrogate \\u\(String(scalar, radix: 16)) in a string")
                    }
                }
                runStart = index
            }
        }
    }
}
