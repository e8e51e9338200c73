import CoreMetrics

/// The pipeline's latency histograms, recorded through swift-metrics as they happen (the
/// counters are read from ``PipelineStats`` when metrics are asked for). Without a metrics
/// backend (tests, benchmarks) swift-metrics records nothing, at the cost of a call.
///
/// Recorded once per batch and once per commit, never per frame: at 100,000 frames a second a
/// histogram's lock per frame would cost more than the frame.
public enum PipelineMetrics {
    /// A batch's first message received by ingest → the batch processed.
    static let processing = Timer(label: "vigil_processing_latency_seconds")
    /// The frame that made an alert received by ingest → the alert published (journaled first).
    static let alert = Timer(label: "vigil_alert_latency_seconds")
    /// One journal transaction carrying alerts.
    static let commit = Timer(label: "vigil_journal_commit_seconds")

    /// Each histogram's help text, for the metrics backend.
    public static let help: [String: String] = [
        "vigil_processing_latency_seconds": "A batch's first message received by ingest to the batch processed",
        "vigil_alert_latency_seconds": "The frame that made an alert received by ingest to the alert journaled and published",
        "vigil_journal_commit_seconds": "One journal transaction carrying alerts",
    ]

    /// Bucket bounds, seconds, for each histogram (the metrics backend's configuration).
    public static let bucketsSeconds: [String: [Double]] = [
        "vigil_processing_latency_seconds": [0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        "vigil_alert_latency_seconds": [0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
        "vigil_journal_commit_seconds": [0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 1],
    ]
}
