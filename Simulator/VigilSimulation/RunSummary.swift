/// What a run sent, printed at its end.
public struct RunSummary: Sendable, Equatable {
    /// Messages sent, hostile ones included.
    public var sent: Int
    /// Detections in the normal frame reports sent.
    public var detections: Int
    /// Hostile messages among ``sent``.
    public var hostile: Int
    /// Seconds from the first message to the last (after the warm-up).
    public var seconds: Double
    /// What truly happened in the frames sent: the events alerts are scored against.
    public var groundTruth: GroundTruth
    /// How scenario time mapped to event time and to the wall clock in the run (`nil` when unknown).
    public var mapping: TimeMapping?
    /// The score of the daemon's alerts, when the run was scored; added to ``json``.
    public var score: Score?
    /// The score thresholds not met (with ``score``), for ``json``.
    public var scoreFailures: [String]
    /// A load run's latency, frame sent → raised alert received (`nil` for other runs); added to ``json``.
    public var latency: LatencySummary?

    /// Creates a summary.
    public init(
        sent: Int, detections: Int, hostile: Int, seconds: Double, groundTruth: GroundTruth = GroundTruth(events: []),
        mapping: TimeMapping? = nil, score: Score? = nil, scoreFailures: [String] = [], latency: LatencySummary? = nil
    ) {
        self.sent = sent
        self.detections = detections
        self.hostile = hostile
        self.seconds = seconds
        self.groundTruth = groundTruth
        self.mapping = mapping
        self.score = score
        self.scoreFailures = scoreFailures
        self.latency = latency
    }

    /// Messages a second achieved.
    public var rate: Double { seconds > 0 ? Double(sent) / seconds : 0 }

    /// One line for people: `sent 1200 messages (100 hostile), 340 detections in 12.00 s: 100 msg/s`.
    public var text: String {
        "sent \(sent) messages (\(hostile) hostile), \(detections) detections in \(Format.fixed(seconds, 2)) s: \(Format.fixed(rate, 0)) msg/s"
    }

    /// One JSON object, for the benchmark harness: `{"sent":1200,"detections":340,"seconds":12.0,"rate":100.0,"hostile":100}`,
    /// with a `score` object (``Score/json(failures:)``) at the end when the run was scored, and a
    /// `latency` object (``LatencySummary/json``) for a load run.
    public var json: String {
        let scoreJSON = score.map { #","score":\#($0.json(failures: scoreFailures))"# } ?? ""
        let latencyJSON = latency.map { #","latency":\#($0.json)"# } ?? ""
        return #"{"sent":\#(sent),"detections":\#(detections),"seconds":\#(Format.fixed(seconds, 6)),"rate":\#(Format.fixed(rate, 1)),"hostile":\#(hostile)\#(scoreJSON)\#(latencyJSON)}"#
    }
}
