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
}
