import CZeroMQ

/// The ZeroMQ socket types Vigil uses.
public enum SocketType: Sendable {
    /// Publishes to every matching subscriber; drops for a subscriber past its high-water mark.
    case pub
    /// Subscribes to topic prefixes.
    case sub
    /// Sends requests and receives replies, strictly alternating.
    case req
    /// Receives requests and sends replies, strictly alternating.
    case rep
    /// Pushes to pullers, round robin.
    case push
    /// Pulls from pushers, fair-queued.
    case pull

    var rawValue: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        }
    }
}
