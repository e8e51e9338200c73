import Logging
import VigilCore

/// Logs rejected messages at a bounded rate: at most one line per reason per interval, with the
/// number of rejections of that reason not logged since. Every rejection is counted elsewhere.
///
/// Not thread-safe: each stage owns its own.
struct RejectionLog {
    private let logger: Logger
    private var throttle: LogThrottle

    init(logger: Logger, intervalSeconds: Double) {
        self.logger = logger
        throttle = LogThrottle(intervalMs: Int64(intervalSeconds * 1_000))
    }

    mutating func record(_ error: FrameReportError, topic: @autoclosure () -> String, nowMs: Int64) {
        guard let skipped = throttle.admit(error.reason.rawValue, nowMs: nowMs) else { return }
        logger.warning(
            "frame report rejected",
            metadata: [
                "reject.reason": "\(error.reason.rawValue)",
                "reject.detail": "\(error.detail)",
                "message.topic": "\(topic())",
                "reject.unlogged_since_last": "\(skipped)",
            ])
    }
}
