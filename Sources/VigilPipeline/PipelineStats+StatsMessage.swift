import VigilCore

extension PipelineStats {
    /// The `stats` control reply these counters make (VigilWire's ``StatsMessage``). Gauges held
    /// as `Int` are never negative; they are taken as they are (clamped at 0 all the same).
    public var message: StatsMessage {
        var message = StatsMessage()
        for (reason, count) in rejected { message.rejected[reason.rawValue] = count }
        message.rejectedTotal = rejected.values.reduce(0, +)
        message.processed = processed
        let ingest: [(WritableKeyPath<StatsMessage.Ingest, UInt64>, UInt64)] = [
            (\.received, self.ingest.received), (\.handedOver, self.ingest.handedOver), (\.batches, self.ingest.batches),
            (\.stalls, self.ingest.stalls), (\.droppedQueueFull, self.ingest.droppedQueueFull),
        ]
        for (path, value) in ingest { message.ingest[keyPath: path] = value }
        message.engine = Self.message(engine, missingByCamera: framesMissingByCamera)
        message.publish = Self.publishMessage(publish)
        message.journal = Self.journalMessage(publish)
        let catchup: [(WritableKeyPath<StatsMessage.CatchUp, UInt64>, UInt64)] = [
            (\.requests, self.catchup.requests), (\.refused, self.catchup.refused), (\.alertsServed, self.catchup.alertsServed),
            (\.repliesDropped, self.catchup.repliesDropped),
        ]
        for (path, value) in catchup { message.catchup[keyPath: path] = value }
        message.silences.active = UInt64(clamping: silences)
        message.silences.held = silenced
        message.daemon = run
        if let replication {
            var standbys: [String: StatsMessage.Standby] = [:]
            for standby in replication {
                standbys[standby.node] = StatsMessage.Standby(
                    ackedSeq: standby.acked.seq, lagSeq: publish.lastSeq > standby.acked.seq ? publish.lastSeq - standby.acked.seq : 0,
                    sync: standby.sync ? 1 : 0, live: standby.live ? 1 : 0)
            }
            message.replication = standbys
        }
        message.cluster = cluster
        for (endpoint, stats) in connections {
            var counters = StatsMessage.Connections()
            (counters.limit, counters.open, counters.peak) = (stats.limit, stats.open, stats.peak)
            (counters.closedAtLimit, counters.acceptFailed, counters.handshakesFailed) = (stats.closedAtLimit, stats.acceptFailed, stats.handshakesFailed)
            message.connections[endpoint] = counters
        }
        if let handshakes {
            var security = StatsMessage.Security()
            security.handshakesAllowed = handshakes.allowed
            security.handshakesRefused = handshakes.refused
            for (name, gateway) in self.ingest.gateways {
                var counters = StatsMessage.Security.Gateway()
                (counters.frames, counters.unauthorizedCamera) = (gateway.frames, gateway.unauthorizedCamera)
                security.gateways[name] = counters
            }
            message.security = security
        }
        return message
    }

    /// `publish`: the alert socket's side of the journal stage's counters.
    private static func publishMessage(_ stats: JournalStats) -> StatsMessage.Publish {
        var publish = StatsMessage.Publish()
        (publish.published, publish.lastSeq, publish.heartbeats) = (stats.published, stats.lastSeq, stats.heartbeats)
        return publish
    }

    /// `journal`: the journal's side, with the commit times in milliseconds.
    private static func journalMessage(_ stats: JournalStats) -> StatsMessage.Journal {
        var journal = StatsMessage.Journal()
        let counters: [(WritableKeyPath<StatsMessage.Journal, UInt64>, UInt64)] = [
            (\.oldestSeq, stats.oldestSeq), (\.latestSeq, stats.lastSeq), (\.held, UInt64(clamping: stats.held)),
            (\.heldBytes, UInt64(clamping: stats.heldBytes)), (\.commits, stats.commits), (\.failures, stats.failures),
            (\.pending, UInt64(clamping: stats.pending)), (\.snapshots, stats.snapshots), (\.snapshotBytes, UInt64(clamping: stats.snapshotBytes)),
            (\.alertStateBytes, UInt64(clamping: stats.alertStateBytes)), (\.patches, stats.patches), (\.patchBytes, stats.patchBytes),
        ]
        for (path, value) in counters { journal[keyPath: path] = value }
        journal.commitMsMean = stats.commits == 0 ? 0 : Double(stats.commitNsTotal / stats.commits) / 1e6
        journal.commitMsMax = Double(stats.commitNsMax) / 1e6
        return journal
    }

    /// `engine`: the engine's counters and the frames missing per camera.
    private static func message(_ stats: EngineStats, missingByCamera: [String: UInt64]) -> StatsMessage.Engine {
        var engine = StatsMessage.Engine()
        let counters: [(WritableKeyPath<StatsMessage.Engine, UInt64>, UInt64)] = [
            (\.framesAccepted, stats.framesAccepted), (\.framesDuplicate, stats.framesDuplicate), (\.cameraRestarts, stats.cameraRestarts),
            (\.framesReordered, stats.framesReordered), (\.framesMissing, stats.framesMissing), (\.framesHeld, UInt64(clamping: stats.framesHeld)),
            (\.detections, stats.detections), (\.detectionsMasked, stats.detectionsMasked), (\.detectionsUnknownClass, stats.detectionsUnknownClass),
            (\.targetsCreated, stats.targetsCreated), (\.tracksFused, stats.tracksFused), (\.targetsActive, UInt64(clamping: stats.targetsActive)),
            (\.tracksActive, UInt64(clamping: stats.tracksActive)), (\.incidentsOpen, UInt64(clamping: stats.incidentsOpen)),
            (\.raised, stats.raised), (\.updated, stats.updated), (\.resolved, stats.resolved), (\.camerasOffline, stats.camerasOffline),
            (\.camerasReturned, stats.camerasReturned), (\.camerasOfflineNow, UInt64(clamping: stats.camerasOfflineNow)),
            (\.healthIncidentsOpen, UInt64(clamping: stats.healthIncidentsOpen)), (\.suppressed, stats.suppressed),
            (\.inhibited, stats.inhibited), (\.groupJoins, stats.groupJoins), (\.groupSplits, stats.groupSplits),
        ]
        for (path, value) in counters { engine[keyPath: path] = value }
        engine.framesMissingByCamera = missingByCamera
        return engine
    }
}
