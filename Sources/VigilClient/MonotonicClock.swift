/// Monotonic time in nanoseconds, for the clients' deadlines and timeouts (and the CLI's): the
/// time since this process first asked (Swift's `ContinuousClock`), so it starts near 0 and never
/// goes back.
public enum MonotonicClock {
    private static let origin = ContinuousClock.now

    /// Nanoseconds since the first reading.
    public static func nowNs() -> UInt64 {
        let elapsed = origin.duration(to: .now).components
        return UInt64(max(0, elapsed.seconds)) * 1_000_000_000 + UInt64(max(0, elapsed.attoseconds) / 1_000_000_000)
    }

    /// The monotonic time `seconds` after `nowNs`, saturating: a negative or NaN `seconds` is
    /// now, one too large for the clock (`1e300`, infinity) is never.
    public static func deadline(afterSeconds seconds: Double, from nowNs: UInt64) -> UInt64 {
        guard seconds > 0 else { return nowNs }
        let ns = seconds * 1e9
        guard ns < 0x1p64 else { return .max }
        let (sum, overflow) = nowNs.addingReportingOverflow(UInt64(ns))
        return overflow ? .max : sum
    }
}
