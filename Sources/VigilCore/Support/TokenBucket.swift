/// A token bucket: at most `ratePerSecond` events a second on average, with bursts of up to
/// `burst` events. Time is given in monotonic nanoseconds, never read; nothing overflows for any
/// time or rate (saturating arithmetic).
public struct TokenBucket: Sendable, Equatable {
    /// Events allowed a second, on average; 0 allows everything.
    public let ratePerSecond: Double
    /// Events allowed at once after a quiet spell.
    public let burst: Double
    private var tokens: Double
    private var lastNs: UInt64

    /// A full bucket at `nowNs`.
    public init(ratePerSecond: Double, burst: Double, nowNs: UInt64 = 0) {
        self.ratePerSecond = max(0, ratePerSecond)
        self.burst = max(1, burst)
        tokens = self.burst
        lastNs = nowNs
    }

    /// Takes one token at `nowNs`: whether the event is within the rate.
    public mutating func take(nowNs: UInt64) -> Bool {
        guard ratePerSecond > 0 else { return true }
        if nowNs > lastNs {
            tokens = min(burst, tokens + Double(nowNs - lastNs) / 1e9 * ratePerSecond)
            lastNs = nowNs
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
