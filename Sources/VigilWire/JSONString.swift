/// JSON strings written by hand, for the encoders that build their JSON as bytes: alert messages
/// (`AlertEncoder`), the simulator's frame reports and capture lines.
///
/// Quote and backslash are escaped, control characters written as `\u00XX`, everything else
/// (UTF-8 included) copied as it is.
public enum JSONString {
    /// Appends `value` as a JSON string.
    public static func append(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { append(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// Appends the UTF-8 `bytes` as a JSON string.
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        append(bytes, to: &out, asJSONSerialization: false)
    }

    /// Appends `value` as a JSON string escaped the way Foundation's JSONSerialization escapes
    /// it: `/` as `\/`, backspace, form feed, newline, carriage return and tab as `\b` `\f` `\n`
    /// `\r` `\t`, other control characters as `\u00xx`. For the messages JSONSerialization
    /// first wrote (silences, the catch-up request's prefix), so that their bytes stay the same.
    public static func appendAsJSONSerialization(_ value: String, to out: inout [UInt8]) {
        append(value.utf8, to: &out, asJSONSerialization: true)
    }

    /// The one escaper: `"` and `\` always escaped, control characters as `\u00xx`; as
    /// JSONSerialization also `/` as `\/` and the five short escapes.
    private static func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to out: inout [UInt8], asJSONSerialization: Bool) {
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case UInt8(ascii: "/") where asJSONSerialization:
                out.append(contentsOf: #"\/"#.utf8)
            case 0x08 where asJSONSerialization: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C where asJSONSerialization: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A where asJSONSerialization: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D where asJSONSerialization: out.append(contentsOf: #"\r"#.utf8)
            case 0x09 where asJSONSerialization: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
