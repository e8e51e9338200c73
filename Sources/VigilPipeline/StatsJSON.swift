import Foundation
import VigilCore

/// The `stats` control reply: every counter, as one JSON object with stable keys.
public enum StatsJSON {
    /// Encodes `stats`.
    public static func encode(_ stats: PipelineStats) -> [UInt8] {
        var rejected: [String: UInt64] = [:]
        for (reason, count) in stats.rejected { rejected[reason.rawValue] = count }
        var object: [String: Any] = [
            "ok": true,
            "ingest": [
                "received": stats.ingest.received, "handed_over": stats.ingest.handedOver, "batches": stats.ingest.batches,
                "stalls": stats.ingest.stalls, "dropped_queue_full": stats.ingest.droppedQueueFull,
            ],
            "rejected": rejected,
            "rejected_total": stats.rejected.values.reduce(0, +),
            "processed": stats.processed,
            "engine": [
                "frames_accepted": stats.engine.framesAccepted, "frames_duplicate": stats.engine.framesDuplicate,
                "camera_restarts": stats.engine.cameraRestarts, "frames_reordered": stats.engine.framesReordered,
                "frames_missing": stats.engine.framesMissing, "frames_missing_by_camera": stats.framesMissingByCamera,
                "frames_held": stats.engine.framesHeld,
                "detections": stats.engine.detections, "detections_masked": stats.engine.detectionsMasked,
                "detections_unknown_class": stats.engine.detectionsUnknownClass, "targets_created": stats.engine.targetsCreated,
                "tracks_fused": stats.engine.tracksFused, "targets_active": stats.engine.targetsActive,
                "tracks_active": stats.engine.tracksActive, "incidents_open": stats.engine.incidentsOpen,
                "raised": stats.engine.raised, "updated": stats.engine.updated, "resolved": stats.engine.resolved,
                "cameras_offline": stats.engine.camerasOffline, "cameras_returned": stats.engine.camerasReturned,
                "cameras_offline_now": stats.engine.camerasOfflineNow, "health_incidents_open": stats.engine.healthIncidentsOpen,
                "suppressed": stats.engine.suppressed, "inhibited": stats.engine.inhibited, "group_joins": stats.engine.groupJoins, "group_splits": stats.engine.groupSplits,
            ],
            "publish": ["published": stats.publish.published, "last_seq": stats.publish.lastSeq, "heartbeats": stats.publish.heartbeats],
            "journal": [
                "oldest_seq": stats.publish.oldestSeq, "latest_seq": stats.publish.lastSeq, "held": stats.publish.held,
                "held_bytes": stats.publish.heldBytes, "commits": stats.publish.commits, "failures": stats.publish.failures,
                "pending": stats.publish.pending, "snapshots": stats.publish.snapshots, "snapshot_bytes": stats.publish.snapshotBytes,
                "commit_ms_mean": stats.publish.commits == 0 ? 0 : Double(stats.publish.commitNsTotal / stats.publish.commits) / 1e6,
                "commit_ms_max": Double(stats.publish.commitNsMax) / 1e6,
            ],
            "catchup": ["requests": stats.catchup.requests, "refused": stats.catchup.refused, "alerts_served": stats.catchup.alertsServed],
            "silences": ["active": stats.silences, "held": stats.silenced],
        ]
        if let run = stats.run { object["daemon"] = encode(run) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{\"ok\":false}".utf8)
        return Array(data)
    }

    /// `daemon`: this start, and the last one's abnormal end (keys of what is unknown left out).
    private static func encode(_ run: RunStats) -> [String: Any] {
        var object: [String: Any] = ["pid": run.pid, "started_ms": run.startedMs, "abnormal_ends": run.abnormalEnds]
        if let end = run.lastAbnormalEnd {
            var last: [String: Any] = [:]
            if let pid = end.pid { last["pid"] = pid }
            if let startedMs = end.startedMs { last["started_ms"] = startedMs }
            if let endedMs = end.endedMs { last["ended_ms"] = endedMs }
            if let status = end.status { last["status"] = status }
            if let signal = end.signal { last["signal"] = signal }
            object["last_abnormal_end"] = last
        }
        return object
    }
}
