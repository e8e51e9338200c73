/// A catch-up request (README, "The durable alert stream"): the frames `catchup` and
/// `{"after": N, "limit": L, "prefix": "alert.critical."}`, written by consumers (`vigil tail
/// --resume`) and read by the daemon's catch-up endpoint.
///
/// Unknown fields are ignored, as in the wire contract, so a newer consumer can ask more of an
/// older daemon. Every value a peer can send is either taken or refused with a
/// ``RequestRefusal`` naming the field: `after` is any whole number from 0 to 2^64 - 1 (a number
/// written with a fraction or an exponent is taken when its value is whole, `1.0` or `1e3`, as
/// JSON readers do); a negative, fractional or larger `after`, or one beyond any double
/// (`1e400`), is refused, and so is a `limit` outside 1...10,000 or a `prefix` over 256 bytes.
public struct CatchUpRequest: Sendable, Equatable {
    /// The first frame of a request and of a page.
    public static let command = "catchup"
    /// Alerts per reply when the request does not say.
    public static let defaultLimit = 1_000
    /// The most alerts per reply a request may ask for.
    public static let maxLimit = 10_000
    /// The longest `prefix` taken, in bytes of UTF-8.
    public static let maxPrefixBytes = 256

    /// The last `seq` the consumer has; the reply starts after it (0: from the oldest held).
    public var after: UInt64
    /// Alerts per reply, 1 to ``maxLimit``.
    public var limit: Int
    /// Only alerts whose topic starts with this; empty for all.
    public var prefix: String

    /// A request for up to `limit` alerts after `after` whose topic starts with `prefix`.
    public init(after: UInt64, limit: Int = defaultLimit, prefix: String = "") {
        self.after = after
        self.limit = limit
        self.prefix = prefix
    }

    /// The request's two frames: `catchup` and `{"after":N,"limit":L,"prefix":"P"}`, the prefix
    /// escaped as JSONSerialization escaped it (`\/`), as consumers always wrote it.
    public func frames() -> [[UInt8]] {
        var body = Array(#"{"after":\#(after),"limit":\#(limit),"prefix":"#.utf8)
        JSONString.appendAsJSONSerialization(prefix, to: &body)
        body.append(UInt8(ascii: "}"))
        return [Array(Self.command.utf8), body]
    }

    /// Reads a request from its frames (the envelope already taken off); a ``RequestRefusal``
    /// that says what to fix when they are not one.
    public static func decode(_ frames: [[UInt8]]) throws(RequestRefusal) -> CatchUpRequest {
        guard frames.count == 2, frames[0].elementsEqual(command.utf8) else {
            throw RequestRefusal("a request is two frames: catchup, and a JSON object such as {\"after\": 0}")
        }
        guard let value = try? JSONReader.read(frames[1]), case .object(let fields) = value else {
            throw RequestRefusal("the request must be a JSON object whose \"after\" is the last seq you have, an integer of 0 or more")
        }
        // The fields' kinds first (after, limit, prefix), then their ranges: the first problem is reported.
        guard let afterValue = fields["after"] else {
            throw RequestRefusal("the request has no \"after\": give the last seq you have, 0 for everything held")
        }
        let after = try RequestRefusal.wholeNumber(
            UInt64.self, "after", afterValue, expected: "the last seq you have, a whole number from 0 to \(UInt64.max)")
        var limit = defaultLimit
        if let value = fields["limit"], value != .null {
            limit = try RequestRefusal.wholeNumber(Int.self, "limit", value, expected: "a whole number from 1 to \(maxLimit)")
        }
        var prefix = ""
        if let value = fields["prefix"], value != .null {
            guard case .string(let text) = value else {
                throw RequestRefusal("\"prefix\" must be a string, the start of the topics wanted (\"alert.critical.\")")
            }
            prefix = text
        }
        guard (1...maxLimit).contains(limit) else { throw RequestRefusal("\"limit\" must be from 1 to \(maxLimit)") }
        guard prefix.utf8.count <= maxPrefixBytes else { throw RequestRefusal("\"prefix\" must be at most \(maxPrefixBytes) bytes") }
        return CatchUpRequest(after: after, limit: limit, prefix: prefix)
    }
}
