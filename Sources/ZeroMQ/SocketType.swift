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
    /// Receives from many peers, each message prefixed with the sender's identity frame, and
    /// replies to any of them by that frame: a server answering many clients on one thread.
    case router
    /// Sends and receives without the strict alternation of `req`.
    case dealer
    /// Exactly one peer, both ways: what a socket monitor (``SocketEvent``) talks to.
    case pair

    var rawValue: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .pair: ZMQ_PAIR
        }
    }
}
