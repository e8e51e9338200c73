/// A load run's latency in figures (``LoadLatency/summary``): frame sent → raised alert received,
/// milliseconds, as an HDR histogram gives them (3 significant digits; 0 when nothing was timed).
public struct LatencySummary: Sendable, Equatable {
    /// Latencies measured: raised alerts matched to their frame.
    public var count: Int
    /// Least latency, ms.
    public var minMs: Double
    /// Median, ms.
    public var p50Ms: Double
    /// 90th percentile, ms.
    public var p90Ms: Double
    /// 99th percentile, ms.
    public var p99Ms: Double
    /// 99.9th percentile, ms.
    public var p999Ms: Double
    /// Greatest latency, ms.
    public var maxMs: Double
    /// Raised alerts that name the run's cameras (``count`` of them matched).
    public var raised: Int
    /// Those not matched to a frame.
    public var unmatched: Int
    /// Raised alerts that name none of the run's cameras (not timed).
    public var otherRaised: Int
    /// Readable alert messages received, every state.
    public var messages: Int

    /// Creates a summary.
    public init(
        count: Int, minMs: Double, p50Ms: Double, p90Ms: Double, p99Ms: Double, p999Ms: Double, maxMs: Double, raised: Int, unmatched: Int,
        otherRaised: Int, messages: Int
    ) {
        self.count = count
        self.minMs = minMs
        self.p50Ms = p50Ms
        self.p90Ms = p90Ms
        self.p99Ms = p99Ms
        self.p999Ms = p999Ms
        self.maxMs = maxMs
        self.raised = raised
        self.unmatched = unmatched
        self.otherRaised = otherRaised
        self.messages = messages
    }

    /// Two lines of heading and a row, for people:
    ///
    /// ```
    /// latency, frame sent → raised alert received (ms): 412 of 412 raised alerts timed, 1230 alert messages
    ///    count      min      p50      p90      p99    p99.9      max
    ///      412    0.911    1.927    3.131    6.271    7.115    7.115
    /// ```
    public var table: String {
        let others = otherRaised > 0 ? ", \(otherRaised) raised about other cameras" : ""
        let heading =
            "latency, frame sent → raised alert received (ms): \(count) of \(raised) raised alerts timed\(others), \(messages) alert messages"
        let names = ["count", "min", "p50", "p90", "p99", "p99.9", "max"]
        let values = ["\(count)"] + [minMs, p50Ms, p90Ms, p99Ms, p999Ms, maxMs].map { Format.fixed($0, 3) }
        func row(_ cells: [String]) -> String {
            cells.map { String(repeating: " ", count: max(0, 9 - $0.count)) + $0 }.joined()
        }
        return [heading, row(names), row(values)].joined(separator: "\n")
    }

    /// One JSON object: `{"count":412,"min_ms":0.911,"p50_ms":1.927,"p90_ms":3.131,"p99_ms":6.271,"p99_9_ms":7.115,"max_ms":7.115,"raised":412,"unmatched":0,"other_raised":0,"messages":1230}`.
    public var json: String {
        let figures = [("min_ms", minMs), ("p50_ms", p50Ms), ("p90_ms", p90Ms), ("p99_ms", p99Ms), ("p99_9_ms", p999Ms), ("max_ms", maxMs)]
            .map { #""\#($0.0)":\#(Format.fixed($0.1, 3))"# }.joined(separator: ",")
        return #"{"count":\#(count),\#(figures),"raised":\#(raised),"unmatched":\#(unmatched),"other_raised":\#(otherRaised),"messages":\#(messages)}"#
    }
}
