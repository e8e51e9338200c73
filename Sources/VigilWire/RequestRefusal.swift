/// Why a request from a peer (a catch-up request, a silence) was refused, in words that say what
/// to fix: `"after" must be the last seq you have, a whole number from 0 to 18446744073709551615;
/// got the negative number -1`. The daemon sends it back as it is.
public struct RequestRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what was expected.
    public var message: String

    /// A refusal saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }

    /// The refusal of field `key`'s `value`, which should be a `T`: `"<key>" must be <expected>;
    /// got <what it holds>`; the `T` when it is one.
    static func wholeNumber<T: FixedWidthInteger>(_: T.Type, _ key: String, _ value: JSONValue, expected: String) throws(RequestRefusal) -> T {
        switch WholeNumber.read(T.self, value) {
        case .success(let number): return number
        case .failure(let mismatch): throw RequestRefusal("\"\(key)\" must be \(expected); got \(mismatch)")
        }
    }
}
