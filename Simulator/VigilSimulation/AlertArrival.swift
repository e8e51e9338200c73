import VigilCore

/// An alert message from the daemon, read leniently, with the moment it arrived.
public struct AlertArrival: Sendable, Equatable {
    /// The message.
    public var message: PartialAlertMessage
    /// When it was received, seconds on ``WallClock/monotonic()``.
    public var arrivedAt: Double

    /// Creates an arrival.
    public init(message: PartialAlertMessage, arrivedAt: Double) {
        self.message = message
        self.arrivedAt = arrivedAt
    }
}
