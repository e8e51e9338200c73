import Logging
import VigilCore

/// Logs rejected messages at a bounded rate: at most one line per reason per interval, with the
/// number of rejections of that reason not logged since. Every rejection is counted elsewhere.
///
/// Not thread-safe: each stage owns its own.
struct RejectionLog {
    private let logger: Logger
    private let intervalMs: Int64
    private var lastLoggedMs: [RejectReason: Int64] = [:]
    private var unlogged: [RejectReason: UInt64] = [:]

    init(logger: Logger, intervalSeconds: Double) {
        self.logger = logger
        intervalMs = Int64(intervalSeconds * 1_000)
    }

    mutating func record(_ error: FrameReportError, topic: @autoclosure () -> String, nowMs: Int64) {
        if let last = lastLoggedMs[error.reason], nowMs - last < intervalMs {
            unlogged[error.reason, default: 0] += 1
            return
        }
        lastLoggedMs[error.reason] = nowMs
        let skipped = unlogged.removeValue(forKey: error.reason) ?? 0
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
