/// Decimal formatting of numbers into UTF-8 bytes, without Foundation and without allocating
/// beyond the output buffer. Used on the send path by ``FrameWriter``.
public enum Format {
    /// Appends the decimal digits of `value`.
    @inline(__always)
    public static func appendInteger(_ value: UInt64, to buffer: inout [UInt8]) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        rest = value
        var index = start + digits - 1
        while true {
            buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            if rest == 0 { break }
            index -= 1
        }
    }

    /// Appends `value` in decimal, with a minus sign when negative.
    @inline(__always)
    public static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        appendInteger(value.magnitude, to: &buffer)
    }

    /// Appends `value` rounded to `decimals` places (0 to 9), as a JSON number: `36.835822`.
    ///
    /// With `trimZeros`, trailing zeros of the fraction are dropped (`0.9`, `12`), which is still
    /// the same JSON number. `value` must be finite; a value too large for fixed-point digits
    /// (over 9·10^15 after scaling) is written in Swift's shortest round-trip form.
    public static func appendFixed(_ value: Double, decimals: Int, trimZeros: Bool = true, to buffer: inout [UInt8]) {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        precondition((0...9).contains(decimals))
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < 9e15 else {
            buffer.append(contentsOf: "\(value)".utf8)
            return
        }
        let units = UInt64(scaled)
        if value < 0 && units != 0 { buffer.append(UInt8(ascii: "-")) }
        appendInteger(units / scale, to: &buffer)
        guard decimals > 0 else { return }
        var fraction = units % scale
        var places = decimals
        if trimZeros {
            if fraction == 0 { return }
            while fraction % 10 == 0 {
                fraction /= 10
                places -= 1
            }
        }
        buffer.append(UInt8(ascii: "."))
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: places))
        var index = start + places - 1
        while fraction > 0 {
            buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction % 10)
            fraction /= 10
            index -= 1
        }
    }

    /// `value` with exactly `decimals` places, for logs and summaries: `42.0`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var bytes: [UInt8] = []
        appendFixed(value, decimals: decimals, trimZeros: false, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
