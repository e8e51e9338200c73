import VigilSimulation

/// Watches a load run for `vigil-sim run`: the daemon's alerts as they arrive (an ``AlertFeed``),
/// their latency (``LoadLatency``) and, when shown, the progress line.
///
/// Lives on the run's thread: the runner calls it as it sends, and ``settle(atMostSeconds:quietSeconds:)``
/// after; the feed's own thread only queues what arrives.
final class LoadMonitor: LoadObserver {
    /// The latency so far.
    private(set) var latency: LoadLatency
    private let feed: AlertFeed
    private let bar: ProgressBar?
    private let count: Int?
    private let duration: Double?

    /// A monitor of a run whose frames come from `cameras` (ids, in ``Simulator/cameras`` order),
    /// taking alerts from `feed`, drawing on `bar` when given; `count` and `duration` are the
    /// run's limits.
    init(feed: AlertFeed, cameras: [String], bar: ProgressBar?, count: Int?, duration: Double?) {
        self.feed = feed
        self.bar = bar
        self.count = count
        self.duration = duration
        latency = LoadLatency(cameras: cameras)
    }

    func sent(ts: Int64, cameraIndex: Int, at time: Double) {
        latency.sent(ts: ts, cameraIndex: cameraIndex, at: time)
    }

    func tick(sent: Int, elapsed: Double, now: Double) {
        latency.absorb(feed.take())
        latency.forget(now: now)
        bar?.draw(LoadProgress(sent: sent, count: count, elapsed: elapsed, duration: duration, alerts: feed.received))
    }

    /// The run has sent its last frame: ends the progress line.
    func endSending() {
        bar?.finish()
    }

    /// Keeps taking the daemon's alerts for at most `limit` seconds, stopping sooner once
    /// `quietSeconds` pass without one.
    func settle(atMostSeconds limit: Double, quietSeconds: Double) {
        let start = WallClock.monotonic()
        while true {
            latency.absorb(feed.take())
            let now = WallClock.monotonic()
            let quietSince = max(start, feed.lastArrival ?? start)
            if now - start >= limit || now - quietSince >= quietSeconds { break }
            WallClock.sleep(seconds: 0.05)
        }
        latency.absorb(feed.take())
    }

    /// Alert messages received, every state.
    var alertsReceived: Int { feed.received }
}
