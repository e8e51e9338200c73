/// One message as a detection socket received it.
public struct CapturedMessage: Sendable, Equatable {
    /// Wall-clock time of receipt, epoch ms.
    public var receivedMs: Int64
    /// The message's number of frames: 2 for a well-formed message.
    public var frameCount: Int
    /// The first frame (the topic), byte for byte.
    public var topic: [UInt8]
    /// The second frame (the payload), byte for byte; empty when the message had one frame.
    public var payload: [UInt8]

    /// A message of two frames, topic and payload.
    public init(receivedMs: Int64, topic: [UInt8], payload: [UInt8]) {
        self.init(receivedMs: receivedMs, frameCount: 2, topic: topic, payload: payload)
    }

    /// A message of `frameCount` frames (at least 1) of which the first two are kept.
    public init(receivedMs: Int64, frameCount: Int, topic: [UInt8], payload: [UInt8]) {
        precondition(frameCount >= 1, "a message has at least one frame")
        self.receivedMs = receivedMs
        self.frameCount = frameCount
        self.topic = topic
        self.payload = frameCount >= 2 ? payload : []
    }
}
