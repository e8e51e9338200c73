import Histogram

/// End-to-end latency in a load run: from the moment a frame with detections is handed to the
/// socket to the moment the `raised` alert it causes arrives on the daemon's alert stream.
///
/// A raised alert names the frame that raised it by its `last_ts` (the event time of the
/// incident's latest detection: that frame's `ts`) and its `cameras` (the frame's camera is among
/// them), as `vigil-bench latency` matches them; the frame is looked up in a ``SendLog``. A raised
/// alert that names none of the run's cameras (a `camera_offline` of a camera the scenario does
/// not drive) is not the run's and is only counted (``otherRaised``); one that names them but
/// whose frame is not in the log (sent more than ``horizonS`` before it arrived, or a daemon that
/// breaks the contract) counts as ``unmatched``. `updated` and `resolved` messages are not timed:
/// a timer, not a frame, can cause them.
///
/// Latencies go into an HDR histogram in µs (3 significant digits, up to the horizon). Not
/// thread-safe: the run's thread owns it, taking the alerts from an ``AlertFeed``.
public struct LoadLatency: Sendable {
    /// The latencies, µs.
    public private(set) var histogram: Histogram<UInt64>
    /// Raised alerts that name one of the run's cameras.
    public private(set) var raised = 0
    /// Those matched to the frame that raised them (each one latency in ``histogram``).
    public private(set) var matched = 0
    /// Raised alerts that name none of the run's cameras.
    public private(set) var otherRaised = 0
    /// Every readable alert message taken, whatever its state.
    public private(set) var messages = 0
    /// Seconds a sent frame is kept for matching. Default 60.
    public let horizonS: Double

    private var log = SendLog()
    private let cameraIndex: [String: Int]

    /// Latency for a run whose frames come from `cameras` (the ids, in ``Simulator/cameras`` order).
    public init(cameras: [String], horizonS: Double = 60) {
        self.horizonS = horizonS
        var index: [String: Int] = [:]
        for (position, id) in cameras.enumerated() where index[id] == nil { index[id] = position }
        cameraIndex = index
        histogram = Histogram<UInt64>(highestTrackableValue: UInt64(max(horizonS, 1) * 1_000_000), numberOfSignificantValueDigits: .three)
    }

    /// Raised alerts that name the run's cameras but could not be matched to a frame.
    public var unmatched: Int { raised - matched }

    /// Notes a frame with detections from the camera at `cameraIndex`, with event time `ts`, handed
    /// to the socket at `time` (monotonic seconds).
    @inline(__always)
    public mutating func sent(ts: Int64, cameraIndex: Int, at time: Double) {
        log.append(ts: ts, cameraIndex: cameraIndex, at: time)
    }

    /// Matches alert messages to their frames and records the latencies.
    public mutating func absorb(_ arrivals: [AlertArrival]) {
        for arrival in arrivals {
            messages += 1
            let message = arrival.message
            guard message.state == "raised" else { continue }
            let cameras = (message.cameras ?? []).compactMap { cameraIndex[$0] }
            guard !cameras.isEmpty else {
                otherRaised += 1
                continue
            }
            raised += 1
            guard let lastTs = message.lastTs, let sentAt = log.sendTime(lastTs: lastTs, cameraIndices: cameras, notAfter: arrival.arrivedAt)
            else { continue }
            matched += 1
            let microseconds = UInt64(((arrival.arrivedAt - sentAt) * 1_000_000).rounded())
            histogram.record(min(microseconds, histogram.highestTrackableValue))
        }
    }

    /// Forgets the frames sent more than ``horizonS`` before `now` (monotonic seconds).
    public mutating func forget(now: Double) {
        log.forget(sentBefore: now - horizonS)
    }

    /// The figures for the run's summary.
    public var summary: LatencySummary {
        let count = Int(histogram.totalCount)
        func ms(_ microseconds: UInt64) -> Double { count > 0 ? Double(microseconds) / 1_000 : 0 }
        return LatencySummary(
            count: count, minMs: ms(histogram.min), p50Ms: ms(histogram.valueAtPercentile(50)), p90Ms: ms(histogram.valueAtPercentile(90)),
            p99Ms: ms(histogram.valueAtPercentile(99)), p999Ms: ms(histogram.valueAtPercentile(99.9)), maxMs: ms(histogram.max),
            raised: raised, unmatched: unmatched, otherRaised: otherRaised, messages: messages)
    }

    /// The percentile distribution in HdrHistogram's text format (`.hgrm`, values in ms), which
    /// HdrHistogram's plotter reads.
    public var percentileDistribution: String {
        var text = ""
        histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1_000)
        return text
    }

    /// The latency by percentile, for ``LatencyPlot``: HdrHistogram's percentile iteration (5
    /// points per halving of the distance to 100 %), values in ms.
    public var plotPoints: [LatencyPlot.Point] {
        guard histogram.totalCount > 0 else { return [] }
        return histogram.percentiles(ticksPerHalfDistance: 5).map {
            LatencyPlot.Point(percentile: $0.percentileLevelIteratedTo, milliseconds: Double($0.value) / 1_000)
        }
    }
}
