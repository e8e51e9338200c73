#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The slowest input of a fuzzer run, measured around each call of a target's function in the
/// CPU time of the fuzzing thread (so a busy machine that preempts the fuzzer does not count;
/// under the fuzzer's instrumentation and AddressSanitizer, so an upper bound of the plain
/// build's time). libFuzzer's own `slowest_unit_time_sec` counts whole seconds; the bound is
/// 10 ms. The first ``warmUp`` inputs are not counted (the runtime's and Foundation's lazy
/// set-up lands on them). At exit it prints `fuzz-timing: slowest input N µs (B bytes) of C
/// inputs`, which `scripts/fuzz.sh` reports; with `$VIGIL_FUZZ_SLOWEST` set, each new slowest
/// input is written to that file.
public enum FuzzTiming {
    /// Inputs not counted at the start of a run.
    public static let warmUp = 16

    /// The figures; libFuzzer runs every input on one thread, so they are only touched there
    /// (the exit handler runs after the last input, on the thread that calls `exit`).
    nonisolated(unsafe) private static var inputs = 0
    nonisolated(unsafe) private static var slowestNs: UInt64 = 0
    nonisolated(unsafe) private static var slowestBytes = 0
    nonisolated(unsafe) private static var slowestPath: String?

    /// Calls `body` with `data` and keeps its time if it is the slowest yet.
    public static func measure(_ data: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        if inputs == 0 {
            slowestPath = getenv("VIGIL_FUZZ_SLOWEST").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            atexit { FuzzTiming.report() }
        }
        inputs += 1
        let start = now()
        body(data)
        let elapsed = now() &- start
        guard inputs > warmUp, elapsed > slowestNs else { return }
        slowestNs = elapsed
        slowestBytes = data.count
        if let slowestPath, let file = fopen(slowestPath, "wb") {
            if let base = data.baseAddress { fwrite(base, 1, data.count, file) }
            fclose(file)
        }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    private static func report() {
        let counted = max(0, inputs - warmUp)
        let line = "fuzz-timing: slowest input \(slowestNs / 1_000) µs of CPU (\(slowestBytes) bytes) of \(counted) inputs after the first \(warmUp)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    }
}
