/// How scenario time maps to event time (`ts`) and to the wall clock in a run.
///
/// The daemon rejects reports whose `ts` lies ahead of its clock, so in every mode a frame's `ts`
/// is never later than the wall-clock moment at which the frame is due to be sent:
///
/// - **Real time**: scenario time is wall time; `T0` (the `ts` of scenario time 0) is the wall
///   clock at the start.
/// - **Accelerated** by `X`: scenario time runs `X` times faster than wall time, so the scenario's
///   `D` seconds take `D/X`. Event time must still advance one second per scenario second (speeds
///   and timeouts stay true), so it starts in the past: `T0 = wallStart − D·(1 − 1/X)`. At
///   scenario time `s` the frame is due at `wallStart + s/X` and carries
///   `T0 + s = wallStart + s/X − (D − s)·(1 − 1/X)`, which is at most the due time for `s ≤ D`.
/// - **Load**: frames go out as fast as the rate allows, unrelated to scenario time; event time
///   starts `span` seconds in the past, where `span` bounds the scenario time the run can play.
public struct TimeMapping: Sendable, Equatable {
    /// The wall clock, Unix ms, at the start of the run (scenario time 0).
    public let wallStartMs: Int64
    /// Event time, Unix ms, of scenario time 0 (`T0`).
    public let epochMs: Int64
    /// Scenario seconds per wall-clock second; `.infinity` for load runs.
    public let speed: Double

    /// Scenario time is wall time.
    public static func realTime(wallStartMs: Int64) -> TimeMapping {
        TimeMapping(wallStartMs: wallStartMs, epochMs: wallStartMs, speed: 1)
    }

    /// Scenario time runs `speed` times faster than wall time, for a scenario of `duration` seconds.
    public static func accelerated(speed: Double, duration: Double, wallStartMs: Int64) -> TimeMapping {
        precondition(speed >= 1, "speed must be at least 1")
        let lead = (duration * (1 - 1 / speed) * 1000).rounded(.up)
        return TimeMapping(wallStartMs: wallStartMs, epochMs: wallStartMs - Int64(lead), speed: speed)
    }

    /// Frames as fast as allowed, with event time starting `span` seconds before the wall clock.
    public static func load(span: Double, wallStartMs: Int64) -> TimeMapping {
        TimeMapping(wallStartMs: wallStartMs, epochMs: wallStartMs - Int64((span * 1000).rounded(.up)), speed: .infinity)
    }

    /// The `ts` of a frame at scenario time `scenarioTime` (the same rule as ``Simulator``).
    public func eventTimeMs(at scenarioTime: Double) -> Int64 {
        epochMs + Int64((scenarioTime * 1000).rounded(.down))
    }

    /// The wall-clock moment, Unix ms, at which the frame at `scenarioTime` is due (the run's
    /// start for load runs, which are not paced by scenario time).
    public func dueWallMs(at scenarioTime: Double) -> Double {
        speed.isInfinite ? Double(wallStartMs) : Double(wallStartMs) + scenarioTime * 1000 / speed
    }

    /// A bound on the scenario seconds a load run can play, for ``load(span:wallStartMs:)``.
    ///
    /// `count` messages, or `duration` seconds at `rate` messages a second (at most
    /// `assumedMaxRate` when the rate is unlimited), spread over `framesPerSecond` frames a
    /// second of scenario time (cameras × fps); the smaller bound wins, plus one second.
    public static func loadSpan(
        framesPerSecond: Double, rate: Double, duration: Double?, count: Int?, assumedMaxRate: Double = 20_000_000
    ) -> Double {
        var span = Double.infinity
        if let count { span = min(span, Double(count) / framesPerSecond) }
        if let duration { span = min(span, duration * (rate > 0 ? rate : assumedMaxRate) / framesPerSecond) }
        return (span.isFinite ? span : 86_400) + 1
    }
}
