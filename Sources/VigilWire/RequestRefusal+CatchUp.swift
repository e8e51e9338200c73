extension RequestRefusal {
    /// The catch-up endpoint's reply to a request it refuses: the frames `error` and
    /// `{"v":1,"error":"…"}`.
    public func catchUpFrames() -> [[UInt8]] {
        var body = Array(#"{"v":1,"error":"#.utf8)
        JSONString.append(message, to: &body)
        body.append(UInt8(ascii: "}"))
        return [Array("error".utf8), body]
    }

    /// The refusal a catch-up reply carries, when its frames are `error` and a JSON object
    /// with the string `error`; nil for any other reply.
    public static func decodeCatchUp(_ frames: [[UInt8]]) -> RequestRefusal? {
        guard frames.count == 2, frames[0].elementsEqual("error".utf8), let body = try? JSONReader.read(frames[1]),
            case .object(let fields) = body, case .string(let message)? = fields["error"]
        else { return nil }
        return RequestRefusal(message)
    }
}
