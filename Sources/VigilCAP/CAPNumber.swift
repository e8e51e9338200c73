import Foundation

/// Numbers as CAP text: plain decimals, never an exponent.
enum CAPNumber {
    /// `value` rounded to `fractionDigits` decimals, trailing zeros (and a bare point) dropped.
    static func text(_ value: Double, fractionDigits: Int) -> String {
        var text = String(format: "%.\(fractionDigits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
