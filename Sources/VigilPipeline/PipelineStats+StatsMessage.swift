import VigilCore

extension PipelineStats {
    /// The `stats` control reply these counters make (VigilWire's ``StatsMessage``).
    public var message: StatsMessage {
        var message = StatsMessage()
        message.ingest.received = ingest.received
        message.ingest.handedOver = ingest.handedOver
        message.ingest.batches = ingest.batches
        message.ingest.stalls = ingest.stalls
        message.ingest.droppedQueueFull = ingest.droppedQueueFull
        for (reason, count) in rejected { message.rejected[reason.rawValue] = count }
        message.rejectedTotal = rejected.values.reduce(0, +)
        message.processed = processed
        message.engine = Self.message(engine, missingByCamera: framesMissingByCamera)
        message.publish.published = publish.published
        message.publish.lastSeq = publish.lastSeq
        message.publish.heartbeats = publish.heartbeats
        message.journal.oldestSeq = publish.oldestSeq
        message.journal.latestSeq = publish.lastSeq
        message.journal.held = UInt64(clamping: publish.held)
        message.journal.heldBytes = UInt64(clamping: publish.heldBytes)
        message.journal.commits = publish.commits
        message.journal.failures = publish.failures
        message.journal.pending = UInt64(clamping: publish.pending)
        message.journal.snapshots = publish.snapshots
        message.journal.snapshotBytes = UInt64(clamping: publish.snapshotBytes)
        message.journal.commitMsMean = publish.commits == 0 ? 0 : Double(publish.commitNsTotal / publish.commits) / 1e6
        message.journal.commitMsMax = Double(publish.commitNsMax) / 1e6
        message.catchup.requests = catchup.requests
        message.catchup.refused = catchup.refused
        message.catchup.alertsServed = catchup.alertsServed
        message.silences.active = UInt64(clamping: silences)
        message.silences.held = silenced
        message.daemon = run
        return message
    }

    private static func message(_ stats: EngineStats, missingByCamera: [String: UInt64]) -> StatsMessage.Engine {
        var engine = StatsMessage.Engine()
        engine.framesAccepted = stats.framesAccepted
        engine.framesDuplicate = stats.framesDuplicate
        engine.cameraRestarts = stats.cameraRestarts
        engine.framesReordered = stats.framesReordered
        engine.framesMissing = stats.framesMissing
        engine.framesMissingByCamera = missingByCamera
        engine.framesHeld = UInt64(clamping: stats.framesHeld)
        engine.detections = stats.detections
        engine.detectionsMasked = stats.detectionsMasked
        engine.detectionsUnknownClass = stats.detectionsUnknownClass
        engine.targetsCreated = stats.targetsCreated
        engine.tracksFused = stats.tracksFused
        engine.targetsActive = UInt64(clamping: stats.targetsActive)
        engine.tracksActive = UInt64(clamping: stats.tracksActive)
        engine.incidentsOpen = UInt64(clamping: stats.incidentsOpen)
        engine.raised = stats.raised
        engine.updated = stats.updated
        engine.resolved = stats.resolved
        engine.camerasOffline = stats.camerasOffline
        engine.camerasReturned = stats.camerasReturned
        engine.camerasOfflineNow = UInt64(clamping: stats.camerasOfflineNow)
        engine.healthIncidentsOpen = UInt64(clamping: stats.healthIncidentsOpen)
        engine.suppressed = stats.suppressed
        engine.inhibited = stats.inhibited
        engine.groupJoins = stats.groupJoins
        engine.groupSplits = stats.groupSplits
        return engine
    }
}
