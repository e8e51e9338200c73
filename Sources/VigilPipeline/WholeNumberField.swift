import Foundation

/// Whole numbers read from the JSON requests of the control and catch-up sockets, exactly: a
/// value is taken when it is a whole number that fits the field's type (`1.0` and `1e3` are
/// whole, as JSON readers take them), and otherwise refused with what it holds, so a peer learns
/// what to fix: `JSONDecoder` says only "not valid JSON" of `-1` for a `UInt64`, or of `1e400`.
enum WholeNumberField {
    /// Field `key` of `fields` as a `T`; when it is not one, the refusal: `"<key>" must be
    /// <expected>; got <what it holds>` (the negative number -1, the fraction 1.5, 1e+30 which is
    /// too large, a number beyond any double, a string, true or false, null, an array, an object).
    static func decode<T: FixedWidthInteger & Decodable, Key: CodingKey>(
        _ type: T.Type, _ key: Key, in fields: KeyedDecodingContainer<Key>, expected: String
    ) -> Result<T, Refusal> {
        if let value = try? fields.decode(T.self, forKey: key) { return .success(value) }
        let refusal = "\"\(key.stringValue)\" must be \(expected); got"
        // Not a T: read it as a decimal to say why (`Decimal` holds 38 digits and exponents to
        // ±127; what it cannot hold is far beyond any integer).
        if let number = try? fields.decode(Decimal.self, forKey: key) {
            if number < 0 && T.min == 0 { return .failure(Refusal("\(refusal) the negative number \(number)")) }
            var whole = Decimal(), value = number
            NSDecimalRound(&whole, &value, 0, .down)
            if whole != number { return .failure(Refusal("\(refusal) the fraction \(number)")) }
            return .failure(Refusal("\(refusal) \(number), which is too \(number < 0 ? "small" : "large")"))
        }
        let what =
            if (try? fields.decode(String.self, forKey: key)) != nil { "a string" }
            else if (try? fields.decode(Bool.self, forKey: key)) != nil { "true or false" }
            else if (try? fields.decodeNil(forKey: key)) == true { "null" }
            else if (try? fields.decode(AnyArray.self, forKey: key)) != nil { "an array" }
            else if (try? fields.decode(AnyObject.self, forKey: key)) != nil { "an object" }
            else { "a number beyond any integer or double" }
        return .failure(Refusal("\(refusal) \(what)"))
    }

    /// Why a field was refused, in words.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Any JSON array.
    private struct AnyArray: Decodable {
        init(from decoder: any Decoder) throws { _ = try decoder.unkeyedContainer() }
    }

    /// Any JSON object.
    private struct AnyObject: Decodable {
        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws { _ = try decoder.container(keyedBy: AnyKey.self) }
    }
}
