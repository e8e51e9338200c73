import VigilWire

/// The catch-up endpoint's fuzz target (`Fuzz/catchup`): the input is both a request's body and
/// a whole ZeroMQ message, its frames separated by NUL bytes.
///
/// - As the body: ``CatchUpRequest/decode(_:)`` of `["catchup", input]`, what the server reads
///   from a well-framed request.
/// - As a message: split as `CatchUpServer` splits what its ROUTER socket receives (identity,
///   an empty delimiter when there is one, then the request's frames) and decoded; and, on the
///   consumer's side, read as a reply: ``CatchUpPage/decode(_:)`` and
///   ``RequestRefusal/decodeCatchUp(_:)``; the input as one alert message and as a heartbeat.
///
/// A request that decodes must come back the same from its own ``CatchUpRequest/frames()``
/// (what consumers send); a page that decodes must come back the same from its own frames.
public enum CatchUpFuzz {
    /// Runs one input (any bytes).
    public static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = [UInt8](data)
        request([Array(CatchUpRequest.command.utf8), bytes])

        let message = bytes.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
        // As CatchUpServer: [identity, empty delimiter (REQ, or a DEALER that sends one), request...].
        if message.count >= 2 {
            let envelope = message[1].isEmpty ? 2 : 1
            request(Array(message[envelope...]))
        }
        if let page = try? CatchUpPage.decode(message) {
            let again = try? CatchUpPage.decode(page.frames())
            precondition(again == page, "CatchUpFuzz: a page read back from its own frames differs")
        }
        _ = RequestRefusal.decodeCatchUp(message)
        _ = try? AlertMessage.decode(bytes)
        _ = try? Heartbeat.decode(bytes)
    }

    /// Decodes a request's frames; one that decodes must decode the same from its own frames.
    static func request(_ frames: [[UInt8]]) {
        guard let request = try? CatchUpRequest.decode(frames) else { return }
        let again = Result { () throws(RequestRefusal) in try CatchUpRequest.decode(request.frames()) }
        switch again {
        case .success(let second): precondition(second == request, "CatchUpFuzz: \(request) reads back as \(second)")
        case .failure(let refusal): preconditionFailure("CatchUpFuzz: \(request)'s own frames are refused: \(refusal.message)")
        }
    }
}
