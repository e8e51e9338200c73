import CoreMetrics
import Metrics
import Prometheus
import Synchronization
import VigilPipeline
import VigilWire

/// `/metrics`: every counter `vigil stats` has, and the pipeline's latency histograms, in the
/// Prometheus text format through swift-prometheus.
///
/// The histograms are recorded as things happen, through swift-metrics (``bootstrap()`` makes
/// this registry its backend). The counters live in the pipeline's stages as they always have
/// (plain integers on their own threads, no lock per frame); each scrape reads them
/// (``Daemon/stats()``) and brings the registry's counters up to them, by the difference since
/// the last scrape, so that they stay counters to Prometheus (`rate()` works across scrapes).
public final class MetricsExporter: Sendable {
    /// The registry `/metrics` writes.
    public let registry = PrometheusCollectorRegistry()
    /// Per counter (name and labels), the value it was last brought to.
    private let last = Mutex<[String: UInt64]>([:])

    /// A registry for the metrics of one daemon.
    public init() {}

    /// Makes this registry swift-metrics' backend, with the pipeline's histogram buckets. Once
    /// per process, before the daemon starts.
    public func bootstrap() {
        MetricsSystem.bootstrap(PipelineMetricsFactory(registry: registry))
    }

    /// The exposition text after bringing every counter up to `stats`.
    public func render(_ stats: PipelineStats, up: Bool) -> String {
        update(stats, up: up)
        return registry.emitToString()
    }

    /// The exposition text of a cluster's standby, which runs no pipeline: `vigil_up` 0 and the
    /// cluster's gauges.
    public func render(cluster: StatsMessage.Cluster) -> String {
        gauge("vigil_up", "1 while the daemon runs and its state is resumed", 0)
        update(cluster)
        return registry.emitToString()
    }

    /// The cluster's gauges (README, "A cluster").
    private func update(_ cluster: StatsMessage.Cluster) {
        gauge("vigil_cluster_active", "1 on the cluster's active node, 0 on a standby", cluster.role == "active" ? 1 : 0)
        gauge("vigil_cluster_epoch", "The epoch of the active node (this one's, or the one a standby follows)", Double(cluster.epoch))
        gauge(
            "vigil_cluster_lease_remaining_seconds", "The active node's time before its fence closes without a renewal",
            Double(cluster.leaseRemainingMs) / 1_000)
        gauge("vigil_cluster_standby_lag_seq", "How far this standby's journal is behind the active node's, in seq", Double(cluster.lagSeq))
        counter("vigil_cluster_takeovers_total", "Times this node became the active one", cluster.takeovers)
    }

    private func counter(_ name: String, _ help: String, _ value: UInt64, _ labels: [(String, String)] = []) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let delta: UInt64 = last.withLock { last in
            let before = last[key] ?? 0
            last[key] = value
            return value >= before ? value - before : 0
        }
        let counter = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        if delta > 0 { counter.increment(by: Int64(clamping: delta)) }
    }

    private func gauge(_ name: String, _ help: String, _ value: Double, _ labels: [(String, String)] = []) {
        let gauge = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        gauge.set(value)
    }

    private func update(_ stats: PipelineStats, up: Bool) {
        let m = stats.message
        gauge("vigil_up", "1 while the daemon runs and its state is resumed", up ? 1 : 0)
        if let cluster = stats.cluster { update(cluster) }
        // Ingest.
        counter("vigil_ingest_received_total", "Messages received on the detection socket", m.ingest.received)
        counter("vigil_ingest_handed_over_total", "Frame reports validated and handed to processing", m.ingest.handedOver)
        counter("vigil_ingest_batches_total", "Batches handed to processing", m.ingest.batches)
        counter("vigil_ingest_stalls_total", "Waits of 100 ms for room in the processing queue", m.ingest.stalls)
        counter("vigil_ingest_dropped_queue_full_total", "Frame reports dropped: the processing queue was full (overflow: drop)", m.ingest.droppedQueueFull)
        gauge("vigil_ingest_queue_batches", "Batches waiting in the queue from ingest to processing", Double(stats.ingest.queued))
        counter("vigil_frames_processed_total", "Frame reports processed by the engine", m.processed)
        for (reason, count) in m.rejected { counter("vigil_frames_rejected_total", "Frame reports refused, by reason", count, [("reason", reason)]) }
        // Engine.
        let e = m.engine
        counter("vigil_frames_accepted_total", "Frame reports accepted by the engine", e.framesAccepted)
        counter("vigil_frames_duplicate_total", "Duplicate frame reports dropped", e.framesDuplicate)
        counter("vigil_frames_reordered_total", "Frame reports put back in seq order", e.framesReordered)
        counter("vigil_frames_missing_total", "Frames given up as missing (seq gaps)", e.framesMissing)
        for (camera, count) in e.framesMissingByCamera {
            counter("vigil_camera_frames_missing_total", "Frames given up as missing, by camera", count, [("camera", camera)])
        }
        counter("vigil_camera_restarts_total", "Cameras that restarted (seq from 0)", e.cameraRestarts)
        counter("vigil_detections_total", "Detections processed", e.detections)
        counter("vigil_detections_masked_total", "Detections dropped in masks", e.detectionsMasked)
        counter("vigil_detections_unknown_class_total", "Detections of an unknown class", e.detectionsUnknownClass)
        counter("vigil_targets_created_total", "Targets made", e.targetsCreated)
        counter("vigil_tracks_fused_total", "Camera tracks joined to another camera's target", e.tracksFused)
        counter("vigil_cameras_offline_total", "Cameras that went offline", e.camerasOffline)
        counter("vigil_cameras_returned_total", "Cameras back after being offline", e.camerasReturned)
        counter("vigil_suppressed_total", "Targets a rule suppressed", e.suppressed)
        counter("vigil_inhibited_total", "Alerts inhibited by another", e.inhibited)
        counter("vigil_group_joins_total", "Targets that joined a group incident", e.groupJoins)
        counter("vigil_group_splits_total", "Members that split off a group incident", e.groupSplits)
        gauge("vigil_frames_held", "Frames held waiting for a gap in seq", Double(e.framesHeld))
        gauge("vigil_targets_active", "Live targets", Double(e.targetsActive))
        gauge("vigil_tracks_active", "Live camera tracks", Double(e.tracksActive))
        gauge("vigil_cameras_offline", "Cameras offline now", Double(e.camerasOfflineNow))
        for (state, count) in [("raised", e.raised), ("updated", e.updated), ("resolved", e.resolved)] {
            counter("vigil_engine_incident_messages_total", "Incident messages the engine made, by state (before silences)", count, [("state", state)])
        }
        gauge("vigil_incidents_open", "Open incidents, by kind of incident", Double(e.incidentsOpen), [("kind", "detection")])
        gauge("vigil_incidents_open", "Open incidents, by kind of incident", Double(e.healthIncidentsOpen), [("kind", "health")])
        // Published alerts, by kind, state and severity.
        for (key, count) in stats.publish.publishedBy {
            counter(
                "vigil_alerts_published_total", "Alert messages published, by kind, state and severity", count,
                [("kind", key.kind), ("state", key.state), ("severity", key.severity)])
        }
        counter("vigil_heartbeats_total", "Heartbeats published", m.publish.heartbeats)
        gauge("vigil_last_seq", "The last seq published", Double(m.publish.lastSeq))
        // Journal.
        let j = m.journal
        counter("vigil_journal_commits_total", "Journal transactions that carried alerts", j.commits)
        counter("vigil_journal_failures_total", "Journal commits that failed (the alerts wait and are retried)", j.failures)
        counter("vigil_journal_snapshots_total", "Whole state snapshots journaled", j.snapshots)
        gauge("vigil_journal_pending", "Alerts waiting for a journal that refuses them", Double(j.pending))
        gauge("vigil_journal_held_alerts", "Alerts held in the journal", Double(j.held))
        gauge("vigil_journal_held_bytes", "Bytes of alerts held in the journal", Double(j.heldBytes))
        gauge("vigil_journal_oldest_seq", "The oldest seq the journal holds (0: none)", Double(j.oldestSeq))
        gauge("vigil_journal_snapshot_bytes", "Size of the last whole state snapshot", Double(j.snapshotBytes))
        gauge("vigil_journal_alert_state_bytes", "Size of the last patch of the state journaled with alerts", Double(j.alertStateBytes))
        counter("vigil_journal_patches_total", "Patches of the state journaled on their own (targets that changed)", j.patches)
        counter("vigil_journal_patch_bytes_total", "Bytes of the patches of the state journaled on their own", j.patchBytes)
        // Catch-up, silences.
        counter("vigil_catchup_requests_total", "Catch-up requests", m.catchup.requests)
        counter("vigil_catchup_refused_total", "Catch-up requests refused", m.catchup.refused)
        counter("vigil_catchup_alerts_served_total", "Alerts served by catch-up", m.catchup.alertsServed)
        counter("vigil_catchup_replies_dropped_total", "Catch-up replies dropped (the consumer was not reading)", m.catchup.repliesDropped)
        gauge("vigil_silences_active", "Silences in force", Double(m.silences.active))
        counter("vigil_silenced_total", "Alert messages held back by silences", m.silences.held)
        // Security and connections, per endpoint and gateway.
        if let security = m.security {
            for (endpoint, count) in security.handshakesAllowed {
                counter("vigil_handshakes_total", "CURVE handshakes, by endpoint and result", count, [("endpoint", endpoint), ("result", "allowed")])
            }
            for (endpoint, count) in security.handshakesRefused {
                counter("vigil_handshakes_total", "CURVE handshakes, by endpoint and result", count, [("endpoint", endpoint), ("result", "refused")])
            }
            for (name, gateway) in security.gateways {
                counter("vigil_gateway_frames_total", "Frame reports let through, by gateway key", gateway.frames, [("gateway", name)])
                counter(
                    "vigil_gateway_unauthorized_camera_total", "Frame reports refused for a camera the gateway may not report for",
                    gateway.unauthorizedCamera, [("gateway", name)])
            }
        }
        for (endpoint, c) in m.connections {
            gauge("vigil_connections_open", "Connections held, by endpoint", Double(c.open), [("endpoint", endpoint)])
            gauge("vigil_connections_limit", "Connections allowed, by endpoint", Double(c.limit), [("endpoint", endpoint)])
            counter("vigil_connections_closed_at_limit_total", "Connections closed at the limit, by endpoint", c.closedAtLimit, [("endpoint", endpoint)])
            counter("vigil_connections_accept_failed_total", "Connections the kernel could not accept, by endpoint", c.acceptFailed, [("endpoint", endpoint)])
            counter("vigil_connections_handshakes_failed_total", "Connections that failed their handshake, by endpoint", c.handshakesFailed, [("endpoint", endpoint)])
        }
        for (standby, s) in m.replication ?? [:] {
            gauge("vigil_replication_standby_lag_seq", "How far a standby's copy of the journal is behind it, in seq", Double(s.lagSeq), [("standby", standby)])
            gauge("vigil_replication_standby_sync", "1 while the journal waits for the standby before publishing (the sync set)", Double(s.sync), [("standby", standby)])
        }
        if let daemon = m.daemon {
            gauge("vigil_start_time_seconds", "When this vigild started, seconds since the epoch", Double(daemon.startedMs) / 1_000)
            counter("vigil_abnormal_ends_total", "Starts of vigild that ended abnormally, over its state directory's life", daemon.abnormalEnds)
        }
    }
}

/// swift-prometheus as swift-metrics' backend, but the pipeline's timers become histograms with
/// their own buckets and help text (``PipelineMetrics``): the stock factory registers every timer
/// without help, and a histogram of the same name registered with help beforehand would make
/// the registry stop the process on the mismatch.
struct PipelineMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    private let base: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        base = PrometheusMetricsFactory(registry: registry)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let bounds = PipelineMetrics.bucketsSeconds[label], let help = PipelineMetrics.help[label] else {
            return base.makeTimer(label: label, dimensions: dimensions)
        }
        return registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: label, unitName: "", helpText: help), labels: dimensions,
            buckets: bounds.map { Duration.nanoseconds(Int64($0 * 1e9)) })
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { base.makeCounter(label: label, dimensions: dimensions) }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        base.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { base.makeMeter(label: label, dimensions: dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }
    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { base.destroyFloatingPointCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
