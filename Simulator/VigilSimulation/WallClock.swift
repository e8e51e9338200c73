#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clocks a run is paced by: the wall clock for `ts`, a monotonic clock for waiting.
public enum WallClock {
    /// Unix time now, milliseconds (CLOCK_REALTIME).
    public static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Seconds on a clock that never jumps (CLOCK_MONOTONIC).
    @inline(__always)
    public static func monotonic() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Sleeps for `seconds` (nothing when not positive).
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// Waits until `deadline` on the monotonic clock; returns at once when it has passed.
    /// Waits shorter than 0.2 ms are skipped: a sleep costs about as much.
    @inline(__always)
    public static func wait(until deadline: Double) {
        let remaining = deadline - monotonic()
        if remaining > 0.000_2 { sleep(seconds: remaining) }
    }
}
