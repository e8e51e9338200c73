/// The escapes of JSON strings (RFC 8259 section 7), decoded once for every reader that scans
/// JSON by hand: ``JSONReader``, the capture reader (VigilCapture) and the frame report parser
/// (VigilCore, which checks its escapes first and then needs only ``simple(_:)``).
public enum JSONEscape {
    /// Why an escape cannot be decoded. Offsets are indexes into the bytes given to
    /// ``decode(_:at:into:)``.
    public enum Problem: Error, Equatable, Sendable {
        /// The input ends inside the escape (after the backslash, or inside `\uXXXX`).
        case truncated
        /// The byte after the backslash, at `offset`, is none of `"` `\` `/` `b` `f` `n` `r` `t` `u`.
        case invalid(offset: Int)
        /// `\u` is not followed by four hexadecimal digits: the first byte that is not one is at `offset`.
        case notHex(offset: Int)
        /// A `\u` escape names half of a surrogate pair without its other half: the half it names.
        case loneSurrogate(UInt32)
    }

    /// The byte a one-character escape stands for: `"`, `\` and `/` themselves, `b` `f` `n` `r`
    /// `t` the control characters; nil for `u` and for anything else.
    @inlinable
    public static func simple(_ escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// Decodes the escape whose backslash lies just before `index` in `bytes`: appends the UTF-8
    /// of what it stands for to `out` and moves `index` past it (past both halves of a surrogate
    /// pair). On a ``Problem`` `index` is where the problem was found: at the byte after the
    /// backslash for ``Problem/invalid(offset:)``.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int, into out: inout [UInt8]) throws(Problem) {
        guard index < bytes.count else { throw .truncated }
        let escape = bytes[index]
        if let byte = simple(escape) {
            index += 1
            out.append(byte)
            return
        }
        guard escape == UInt8(ascii: "u") else { throw .invalid(offset: index) }
        index += 1
        var scalar = try hex4(bytes, at: &index)
        if (0xD800..<0xDC00).contains(scalar) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw .loneSurrogate(scalar)
            }
            index += 2
            let low = try hex4(bytes, at: &index)
            guard (0xDC00..<0xE000).contains(low) else { throw .loneSurrogate(scalar) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw .loneSurrogate(scalar) }
        out.append(contentsOf: String(Character(unicode)).utf8)
    }

    /// The four hexadecimal digits at `index`, moving past them.
    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Problem) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw .truncated }
            let digit: UInt8
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = bytes[index] - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = bytes[index] - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = bytes[index] - UInt8(ascii: "A") + 10
            default: throw .notHex(offset: index)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
