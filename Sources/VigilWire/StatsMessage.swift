/// The control socket's `stats` reply: every counter of the daemon, one JSON object with stable
/// keys, written with its keys sorted at every level (README, "Endpoints"):
///
/// ```json
/// {"catchup":{"alerts_served":0,"refused":0,"requests":0},"daemon":{"abnormal_ends":0,"pid":17883,"started_ms":1796595727169},
///  "engine":{"camera_restarts":0,…,"frames_missing_by_camera":{"cam-a":3},…},"ingest":{…},"journal":{…,"commit_ms_mean":0.412,…},
///  "ok":true,"processed":0,"publish":{…},"rejected":{"bad_json":2},"rejected_total":2,"silences":{"active":0,"held":0}}
/// ```
///
/// Counters are whole numbers; `journal.commit_ms_mean` and `journal.commit_ms_max` are
/// milliseconds with a fraction. vigild writes it (`encoded()`), `vigil stats --missing` reads
/// it (`decode(_:)`).
public struct StatsMessage: Sendable, Equatable {
    /// `ingest`: what the detection socket received and handed to processing.
    public struct Ingest: Sendable, Equatable {
        /// Messages received; handed to processing; batches; stalls on a full queue; messages
        /// dropped on a full queue.
        public var received: UInt64 = 0, handedOver: UInt64 = 0, batches: UInt64 = 0, stalls: UInt64 = 0, droppedQueueFull: UInt64 = 0
        /// Zero counters.
        public init() {}
    }

    /// `engine`: the alert engine's counters (VigilCore's `EngineStats`) and the frames missing
    /// per camera.
    public struct Engine: Sendable, Equatable {
        /// Frames accepted, duplicates, camera restarts, frames reordered, frames missing (seq gaps).
        public var framesAccepted: UInt64 = 0, framesDuplicate: UInt64 = 0, cameraRestarts: UInt64 = 0, framesReordered: UInt64 = 0
        /// Frames that never arrived (seq gaps), in all.
        public var framesMissing: UInt64 = 0
        /// Frames that never arrived, per camera id; cameras with none are left out.
        public var framesMissingByCamera: [String: UInt64] = [:]
        /// Frames held until their turn now.
        public var framesHeld: UInt64 = 0
        /// Detections, masked, of an unknown class.
        public var detections: UInt64 = 0, detectionsMasked: UInt64 = 0, detectionsUnknownClass: UInt64 = 0
        /// Targets created, tracks fused into a target, targets and tracks active now.
        public var targetsCreated: UInt64 = 0, tracksFused: UInt64 = 0, targetsActive: UInt64 = 0, tracksActive: UInt64 = 0
        /// Incidents open now; alert messages raised, updated, resolved.
        public var incidentsOpen: UInt64 = 0, raised: UInt64 = 0, updated: UInt64 = 0, resolved: UInt64 = 0
        /// Cameras gone offline, returned, offline now; health incidents open now.
        public var camerasOffline: UInt64 = 0, camerasReturned: UInt64 = 0, camerasOfflineNow: UInt64 = 0, healthIncidentsOpen: UInt64 = 0
        /// Alerts suppressed and inhibited by rules; group joins and splits.
        public var suppressed: UInt64 = 0, inhibited: UInt64 = 0, groupJoins: UInt64 = 0, groupSplits: UInt64 = 0
        /// Zero counters.
        public init() {}
    }

    /// `publish`: the alert socket.
    public struct Publish: Sendable, Equatable {
        /// Alert messages published, the last `seq`, heartbeats sent.
        public var published: UInt64 = 0, lastSeq: UInt64 = 0, heartbeats: UInt64 = 0
        /// Zero counters.
        public init() {}
    }

    /// `journal`: the alert journal.
    public struct Journal: Sendable, Equatable {
        /// The oldest and latest `seq` held (0: none), messages and bytes held.
        public var oldestSeq: UInt64 = 0, latestSeq: UInt64 = 0, held: UInt64 = 0, heldBytes: UInt64 = 0
        /// Transactions committed and failed, alerts waiting for one, state snapshots and their bytes.
        public var commits: UInt64 = 0, failures: UInt64 = 0, pending: UInt64 = 0, snapshots: UInt64 = 0, snapshotBytes: UInt64 = 0
        /// The size of the last patch of the state journaled with alerts (what changed of the
        /// incidents and their targets), bytes.
        public var alertStateBytes: UInt64 = 0
        /// Patches of the state journaled on their own (targets that changed, every 2 s), and
        /// their bytes in all.
        public var patches: UInt64 = 0, patchBytes: UInt64 = 0
        /// The mean and longest commit, milliseconds.
        public var commitMsMean: Double = 0, commitMsMax: Double = 0
        /// Zero counters.
        public init() {}
    }

    /// `catchup`: the catch-up endpoint.
    public struct CatchUp: Sendable, Equatable {
        /// Requests answered, refused, and alerts served in pages.
        public var requests: UInt64 = 0, refused: UInt64 = 0, alertsServed: UInt64 = 0
        /// Replies dropped: the consumer had too many pages unread, or was gone.
        public var repliesDropped: UInt64 = 0
        /// Zero counters.
        public init() {}
    }

    /// `silences`: the silences.
    public struct Silences: Sendable, Equatable {
        /// Silences active now, alerts held back by one.
        public var active: UInt64 = 0, held: UInt64 = 0
        /// Zero counters.
        public init() {}
    }

    /// `security`: with CURVE, the handshakes the ZAP handler let in and refused per endpoint
    /// (`ingest`, `alerts`, `catchup`, `control`), and each gateway's frames by its key's name.
    public struct Security: Sendable, Equatable {
        /// One gateway's frames: let through, and refused for a camera its key may not report for.
        public struct Gateway: Sendable, Equatable {
            /// Frames let through (valid, for its cameras).
            public var frames: UInt64 = 0
            /// Frames refused: `unauthorized_camera`.
            public var unauthorizedCamera: UInt64 = 0
            /// Zero counters.
            public init() {}
        }

        /// Handshakes let in, per endpoint.
        public var handshakesAllowed: [String: UInt64] = [:]
        /// Handshakes refused, per endpoint.
        public var handshakesRefused: [String: UInt64] = [:]
        /// Per gateway key name.
        public var gateways: [String: Gateway] = [:]
        /// Zero counters.
        public init() {}
    }

    /// `connections.<endpoint>`: one endpoint's connections (`ingest`, `alerts`, `catchup`,
    /// `control`) against its limit, `security.max_connections`.
    public struct Connections: Sendable, Equatable {
        /// The limit in force, connections open now, and the most open at once.
        public var limit: UInt64 = 0, open: UInt64 = 0, peak: UInt64 = 0
        /// Connections closed at the limit; connections the kernel could not hand over (EMFILE);
        /// handshakes that failed.
        public var closedAtLimit: UInt64 = 0, acceptFailed: UInt64 = 0, handshakesFailed: UInt64 = 0
        /// Zero counters.
        public init() {}
    }

    /// Receipt and hand-over.
    public var ingest = Ingest()
    /// Reports rejected, by reason (`RejectReason` raw values), reasons never met left out.
    public var rejected: [String: UInt64] = [:]
    /// The sum of ``rejected``.
    public var rejectedTotal: UInt64 = 0
    /// Frame reports processed.
    public var processed: UInt64 = 0
    /// The engine.
    public var engine = Engine()
    /// The alert socket.
    public var publish = Publish()
    /// The journal.
    public var journal = Journal()
    /// The catch-up endpoint.
    public var catchup = CatchUp()
    /// The silences.
    public var silences = Silences()
    /// `daemon`: this start and the last abnormal end, when the daemon knows them.
    public var daemon: RunStats?
    /// `security`, when the endpoints speak CURVE.
    public var security: Security?
    /// `connections`, per endpoint the daemon binds.
    public var connections: [String: Connections] = [:]

    /// `replication.<standby>`: one standby copying the journal (`vigild --replication-bind`).
    public struct Standby: Sendable, Equatable {
        /// The newest `seq` it acknowledged, and how far that is behind the journal's.
        public var ackedSeq: UInt64 = 0, lagSeq: UInt64 = 0
        /// 1 when the journal's writer waits for it before publishing (in the sync set), else 0;
        /// 1 when it has the backlog and gets every commit as it is stored, else 0.
        public var sync: UInt64 = 0, live: UInt64 = 0

        /// A standby's counters.
        public init(ackedSeq: UInt64 = 0, lagSeq: UInt64 = 0, sync: UInt64 = 0, live: UInt64 = 0) {
            (self.ackedSeq, self.lagSeq, self.sync, self.live) = (ackedSeq, lagSeq, sync, live)
        }
    }

    /// `replication`, by standby name; nil when the daemon serves no replication endpoint.
    public var replication: [String: Standby]?

    /// `cluster`: this node's part in its cluster (README, "A cluster").
    public struct Cluster: Sendable, Equatable {
        /// This node's name, its role (`active` or `standby`), and the active node's name as
        /// this node knows it ("" when none).
        public var node = "", role = "standby", active = ""
        /// The epoch of the active node (this one's when active; the followed one's when a
        /// standby; 0: none known).
        public var epoch: UInt64 = 0
        /// The newest `seq` in this node's journal; a standby's: the active's at its last beat,
        /// and how far this node is behind it.
        public var seq: UInt64 = 0, activeSeq: UInt64 = 0, lagSeq: UInt64 = 0
        /// The active node's time left before its fence closes, ms (0 on a standby).
        public var leaseRemainingMs: UInt64 = 0
        /// Times this node became the active one since it started (0 or 1: a demoted node exits).
        public var takeovers: UInt64 = 0

        /// A node's cluster status.
        public init() {}
    }

    /// `cluster`; nil outside a cluster.
    public var cluster: Cluster?

    /// Zero counters.
    public init() {}
}
