/// Whole numbers read exactly from the JSON requests peers send (catch-up requests, silences):
/// a value is taken when it is a whole number that fits the field's type (`1.0` and `1e3` are
/// whole, as JSON readers take them), and otherwise refused with what it holds, so a peer learns
/// what to fix: "the negative number -1", "the fraction 1.5", "1000000000000000000000000000000,
/// which is too large", "a number beyond any integer or double", "a string".
///
/// The number's text is worked on as decimal digits, so that every integer up to 2^64 - 1 is
/// taken exactly, however it is written (`1.8446744073709551615e19`). A number with a fraction
/// or an exponent whose double is a whole `T` is taken too, as the daemon's first readers
/// (JSONDecoder) took it: `1e-400` is 0, `1.0000000000000000001` is 1.
enum WholeNumber {
    /// The largest decimal exponent (either sign) worked out digit by digit; a number whose
    /// exponent is beyond it is also beyond any double (`1e400`, `1e-400`).
    static let maxExponent = 400

    /// `value` as a `T`, or what it holds in words.
    static func read<T: FixedWidthInteger>(_: T.Type, _ value: JSONValue) -> Result<T, Mismatch> {
        guard case .number(let text) = value else { return .failure(Mismatch(value.kind)) }
        if let exact = T(text) { return .success(exact) }
        let decimal = Decimal(text)
        if let decimal, decimal.fraction.isEmpty, let exact = T((decimal.negative ? "-" : "") + decimal.integer) { return .success(exact) }
        // A number written with a fraction or an exponent is also taken when its double is a
        // whole `T`, as the JSONDecoder of the first versions took it: `1e-400` is 0.
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let double = Double(text), double.isFinite,
            let rounded = T(exactly: double)
        {
            return .success(rounded)
        }
        guard let decimal else { return .failure(Mismatch("a number beyond any integer or double")) }
        if decimal.negative && T.min == 0 { return .failure(Mismatch("the negative number \(decimal)")) }
        guard decimal.fraction.isEmpty else { return .failure(Mismatch("the fraction \(decimal)")) }
        return .failure(Mismatch("\(decimal), which is too \(decimal.negative ? "small" : "large")"))
    }

    /// What a value that is not a `T` holds, in words (after "got").
    struct Mismatch: Error, Equatable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A JSON number as plain decimal digits: no exponent, no leading zeros in the integer part,
    /// no trailing zeros in the fraction; `-0` is 0.
    struct Decimal: CustomStringConvertible {
        var negative: Bool
        /// The integer part, "0" for none.
        var integer: String
        /// The fraction's digits, empty for a whole number.
        var fraction: String

        /// The number `text` (JSON number syntax, as ``JSONReader`` checked it); nil when its
        /// exponent is beyond ``WholeNumber/maxExponent`` or the number beyond any double.
        init?(_ text: String) {
            var rest = Substring(text)
            let negative = rest.first == "-"
            if negative { rest = rest.dropFirst() }
            var mantissa = rest
            var exponent = 0
            if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                mantissa = rest[..<e]
                var digits = rest[rest.index(after: e)...]
                let negativeExponent = digits.first == "-"
                if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
                let significant = digits.drop { $0 == "0" }
                guard significant.count <= 4, let magnitude = Int(significant.isEmpty ? "0" : significant) else { return nil }
                exponent = negativeExponent ? -magnitude : magnitude
            }
            guard abs(exponent) <= WholeNumber.maxExponent, let double = Double(text), double.isFinite else { return nil }
            let point = mantissa.firstIndex(of: ".")
            let integerDigits = point.map { mantissa[..<$0] } ?? mantissa
            let fractionDigits = point.map { mantissa[mantissa.index(after: $0)...] } ?? ""
            var digits = Array(integerDigits + fractionDigits)
            var pointAt = integerDigits.count + exponent
            if pointAt < 0 {
                digits.insert(contentsOf: repeatElement("0", count: -pointAt), at: 0)
                pointAt = 0
            }
            if pointAt > digits.count { digits.append(contentsOf: repeatElement("0", count: pointAt - digits.count)) }
            let integer = String(digits[..<pointAt].drop { $0 == "0" })
            var fraction = digits[pointAt...]
            while fraction.last == "0" { fraction.removeLast() }
            self.integer = integer.isEmpty ? "0" : integer
            self.fraction = String(fraction)
            self.negative = negative && (self.integer != "0" || !self.fraction.isEmpty)
        }

        /// `-12.5`, `1000`, `0.001`.
        var description: String {
            (negative ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction)
        }
    }
}
