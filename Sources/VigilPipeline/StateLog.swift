#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

/// The daemon's state, journaled incrementally: a whole state now and then (minutes apart),
/// and between them patches that hold only the records that changed in what a restart needs
/// (see ``AlertEngine``'s state records): the incidents an alert is about and their targets go
/// into the transaction of the alert; the other targets, a few at a time, into a patch of their
/// own every ``StateLogBuilder/tickMs``. A restart applies the last whole state and every patch
/// after it, in order (``StateLogReplay``), and resumes what they add up to.
///
/// A patch's bytes: a magic number, whether it is whole (it replaces everything before it), the
/// wall time it was taken; then, each optional or a list, the counters, the head (with its own
/// wall time), the targets written and removed, the incidents written and removed, the
/// incidents consumers have open written and removed, and the silences' state.
struct StatePatch: Sendable {
    /// "VIGILSP" and the format's version.
    static let magic: UInt64 = 0x5649_4749_4c53_5001

    var whole = false
    var takenWallMs: Int64
    var counters: [UInt8]?
    var head: (takenWallMs: Int64, front: [UInt8], back: [UInt8])?
    var targets: [(serial: UInt64, bytes: [UInt8])] = []
    var targetsRemoved: [UInt64] = []
    var incidents: [(key: UInt64, aboutTargets: Bool, bytes: [UInt8])] = []
    var incidentsRemoved: [UInt64] = []
    var visible: [AlertMessage] = []
    var visibleRemoved: [String] = []
    var gate: [UInt8]?

    init(takenWallMs: Int64) {
        self.takenWallMs = takenWallMs
    }

    /// Whether it changes nothing.
    var isEmpty: Bool {
        !whole && counters == nil && head == nil && targets.isEmpty && targetsRemoved.isEmpty && incidents.isEmpty && incidentsRemoved.isEmpty
            && visible.isEmpty && visibleRemoved.isEmpty && gate == nil
    }

    /// The whole state of `state`, taken at `wallNowMs`: the first patch of a builder that has
    /// written nothing.
    init(whole state: DaemonState, wallNowMs: Int64) {
        var builder = StateLogBuilder()
        self = builder.patch(of: state, scope: .all, wallNowMs: wallNowMs)
    }

    /// The bytes of `StatePatch(whole: state, wallNowMs: wallNowMs).encoded()`, each target
    /// written straight into them rather than into an array of its own first (see
    /// ``AlertEngine/encodeStateTargetRecords(to:)``).
    static func encodedWhole(_ state: DaemonState, wallNowMs: Int64) -> [UInt8] {
        var builder = StateLogBuilder()
        let patch = builder.patch(of: state, scope: .all, wallNowMs: wallNowMs, withTargets: false)
        return patch.encoded(
            capacity: state.engine.stats.targetsActive * 512, targets: { state.engine.encodeStateTargetRecords(to: &$0) })
    }

    /// The patch's bytes; `targets`, when given, writes the list of targets in place of this
    /// patch's (with room for `capacity` more bytes).
    func encoded(capacity: Int = 0, targets writeTargets: ((inout StateWriter) -> Void)? = nil) -> [UInt8] {
        var w = StateWriter(
            capacity: 256 + capacity + targets.reduce(0) { $0 + $1.bytes.count + 8 } + incidents.reduce(0) { $0 + $1.bytes.count + 16 } + visible.count * 512)
        w.put(Self.magic)
        w.put(whole)
        w.put(takenWallMs)
        w.put(counters) { $0.put(bytes: $1) }
        w.put(head) { w, head in
            w.put(head.takenWallMs)
            w.put(bytes: head.front)
            w.put(bytes: head.back)
        }
        if let writeTargets {
            writeTargets(&w)
        } else {
            w.put(targets) { w, target in
                w.put(target.serial)
                w.put(bytes: target.bytes)
            }
        }
        w.put(targetsRemoved) { $0.put($1) }
        w.put(incidents) { w, incident in
            w.put(incident.key)
            w.put(incident.aboutTargets)
            w.put(bytes: incident.bytes)
        }
        w.put(incidentsRemoved) { $0.put($1) }
        w.put(visible.sorted { $0.id < $1.id }) { w, event in event.encode(to: &w) }
        w.put(visibleRemoved) { $0.put($1) }
        w.put(gate) { $0.put(bytes: $1) }
        return w.bytes
    }

    init(decoding bytes: [UInt8]) throws(StateError) {
        var r = StateReader(bytes)
        let magic = try r.uint64()
        guard magic == Self.magic else { throw StateError("a state patch is not in this Vigil's format (\(String(magic, radix: 16)))") }
        whole = try r.bool()
        takenWallMs = try r.int64()
        counters = try r.optional { r throws(StateError) in try r.rawBytes() }
        head = try r.optional { r throws(StateError) in (try r.int64(), try r.rawBytes(), try r.rawBytes()) }
        targets = try r.array { r throws(StateError) in (try r.uint64(), try r.rawBytes()) }
        targetsRemoved = try r.array { r throws(StateError) in try r.uint64() }
        incidents = try r.array { r throws(StateError) in (try r.uint64(), try r.bool(), try r.rawBytes()) }
        incidentsRemoved = try r.array { r throws(StateError) in try r.uint64() }
        visible = try r.array { r throws(StateError) in try AlertMessage(from: &r) }
        visibleRemoved = try r.array { r throws(StateError) in try r.string() }
        gate = try r.optional { r throws(StateError) in try r.rawBytes() }
        guard r.isAtEnd else { throw StateError("a state patch has bytes after its end") }
    }
}

/// Makes the state log's patches from the daemon's state, remembering what it wrote of each
/// record (its material key) so that the next patch holds only what changed since. Belongs to
/// the processing queue, where the state lives: a patch costs the records it compares, not a
/// copy of the state.
struct StateLogBuilder {
    /// How often the targets of no incident are compared, and their changes written.
    static let tickMs: Int64 = 2_000
    /// The most targets of no incident a patch writes: the rest wait for the next tick, so that
    /// hundreds of targets appearing at once (vigild started on a busy border) never make one
    /// commit of hundreds of KB that the next alert would wait behind (commits of up to 1.2 ms,
    /// measured: `vigil-bench latency` p99 at 20,000 frames/s 2.5–2.9 ms uncapped, 1.3–2.3 ms
    /// capped, in 5 s trials that begin with 542 new targets).
    static let maxFreeTargetsPerPatch = 64

    /// Which records a patch compares.
    enum Scope: Sendable {
        /// What an alert needs: the counters, the head, the incidents, the targets of incidents
        /// (and those that were, when last written), the incidents consumers have open, the
        /// silences' state.
        case alerts
        /// Every record.
        case all
    }

    private var counters: [UInt8]?
    private var headKey: UInt64?
    /// Per target, what was last written of it.
    private var targets: [UInt64: WrittenTarget] = [:]
    /// The targets last written as belonging to an incident.
    private var bound: Set<UInt64> = []
    private var incidents: [UInt64: UInt64] = [:]
    private var visible: [String: AlertMessage] = [:]
    private var gate: [UInt8]?
    /// Nothing written yet, or what was written may be lost: the next patch is whole.
    private var needsWhole: Bool

    init(needsWhole: Bool = true) {
        self.needsWhole = needsWhole
    }

    /// The next patch: whole the first time (and after ``forget()``), else what changed in
    /// `scope` since the last.
    ///
    /// Without `withTargets` it leaves the targets out (what it writes of them is not
    /// remembered either), for ``StatePatch/encodedWhole(_:wallNowMs:)`` to write them.
    mutating func patch(of state: DaemonState, scope: Scope, wallNowMs: Int64, withTargets: Bool = true) -> StatePatch {
        // Whole: what was written is forgotten, so every record differs and is written, uncapped.
        let whole = needsWhole
        if whole { self = StateLogBuilder(needsWhole: false) }
        let scope = whole ? .all : scope
        var patch = StatePatch(takenWallMs: wallNowMs)
        patch.whole = whole
        let engine = state.engine
        let counters = engine.encodeStateCounters()
        if counters != self.counters {
            patch.counters = counters
            self.counters = counters
        }
        let headKey = engine.stateHeadKey(wallNowMs: wallNowMs)
        if headKey != self.headKey {
            let head = engine.encodeStateHead()
            patch.head = (wallNowMs, head.front, head.back)
            self.headKey = headKey
        }
        if withTargets {
            var seen: Set<UInt64> = []
            var free = 0
            let moveM = engine.stateMoveM, maxDLat = moveM / 110_574
            engine.visitStateTargets(boundOnly: scope == .alerts, alsoSerials: bound) { serial, key, position, isBound, encode in
                seen.insert(serial)
                let changed = targets[serial].map { $0.key != key || $0.isFar(from: position, maxDLat: maxDLat) } ?? true
                // A target of no incident (nor of one when last written) past the cap waits, unwritten.
                if !whole && !isBound && !bound.contains(serial) && changed {
                    free += 1
                    if free > Self.maxFreeTargetsPerPatch { return }
                }
                if changed {
                    targets[serial] = WrittenTarget(key: key, at: position, moveM: moveM)
                    patch.targets.append((serial, encode()))
                }
                if isBound { bound.insert(serial) } else { bound.remove(serial) }
            }
            let gone = scope == .all ? targets.keys.filter { !seen.contains($0) } : bound.filter { !seen.contains($0) }
            for serial in gone {
                targets[serial] = nil
                bound.remove(serial)
                patch.targetsRemoved.append(serial)
            }
        }
        var open: Set<UInt64> = []
        engine.visitStateIncidents { key, aboutTargets, materialKey, encode in
            open.insert(key)
            if incidents[key] != materialKey {
                incidents[key] = materialKey
                patch.incidents.append((key, aboutTargets, encode()))
            }
        }
        for key in incidents.keys where !open.contains(key) {
            incidents[key] = nil
            patch.incidentsRemoved.append(key)
        }
        for (id, event) in state.visibleOpen where visible[id] != event {
            visible[id] = event
            patch.visible.append(event)
        }
        for id in visible.keys where state.visibleOpen[id] == nil {
            visible[id] = nil
            patch.visibleRemoved.append(id)
        }
        var gate = StateWriter(capacity: 256)
        state.gate.encodeState(to: &gate)
        if gate.bytes != self.gate {
            patch.gate = gate.bytes
            self.gate = gate.bytes
        }
        return patch
    }

    /// What was last written of a target: its material key, and where it was, with the width in
    /// longitude of the box it may move in before it is written again (``AlertEngine/stateMoveM``
    /// each way; the box's height in latitude is the same for every target).
    private struct WrittenTarget {
        var key: UInt64
        var lat: Double
        var lon: Double
        var maxDLon: Double

        init(key: UInt64, at position: GeoPoint, moveM: Double) {
            self.key = key
            lat = position.lat
            lon = position.lon
            maxDLon = moveM / (111_320 * max(cos(position.lat * .pi / 180), 0.01))
        }

        /// Whether `position` is outside the box (`maxDLat` high each way).
        func isFar(from position: GeoPoint, maxDLat: Double) -> Bool {
            abs(position.lat - lat) >= maxDLat || abs(position.lon - lon) >= maxDLon
        }
    }

    /// Forgets what was written: a patch could not be stored, so the next one is whole.
    mutating func forget() {
        needsWhole = true
    }
}

/// Adds up a state log, the last whole state and the patches after it, into one state.
struct StateLogReplay {
    private var counters: [UInt8]?
    private var head: (takenWallMs: Int64, front: [UInt8], back: [UInt8])?
    private var targets: [UInt64: [UInt8]] = [:]
    private var incidents: [UInt64: (aboutTargets: Bool, bytes: [UInt8])] = [:]
    private var visible: [String: AlertMessage] = [:]
    private var gate: [UInt8]?
    private var latestWallMs: Int64 = 0
    private var sawWhole = false

    /// Applies one patch (in the log's order).
    mutating func apply(_ bytes: [UInt8]) throws(StateError) {
        let patch = try StatePatch(decoding: bytes)
        if patch.whole {
            self = StateLogReplay()
            sawWhole = true
        }
        guard sawWhole else { throw StateError("the state log does not start with a whole state") }
        latestWallMs = max(latestWallMs, patch.takenWallMs)
        if let counters = patch.counters { self.counters = counters }
        if let head = patch.head { self.head = head }
        for target in patch.targets { targets[target.serial] = target.bytes }
        for serial in patch.targetsRemoved { targets[serial] = nil }
        for incident in patch.incidents { incidents[incident.key] = (incident.aboutTargets, incident.bytes) }
        for key in patch.incidentsRemoved { incidents[key] = nil }
        for event in patch.visible { visible[event.id] = event }
        for id in patch.visibleRemoved { visible[id] = nil }
        if let gate = patch.gate { self.gate = gate }
    }

    /// The state the patches add up to, in ``DaemonStateCodec``'s bytes: its wall time is the
    /// head's (the cameras' times move on from it), its targets may be re-found from the latest
    /// patch's.
    func assembled() throws(StateError) -> (bytes: [UInt8], takenWallMs: Int64) {
        guard let counters, let head, let gate else { throw StateError("the state log holds no whole state") }
        let engine = AlertEngine.assembleState(
            counters: counters, head: (head.front, head.back), targets: targets.map { ($0.key, $0.value) },
            incidents: incidents.map { ($0.key, $0.value.aboutTargets, $0.value.bytes) })
        let bytes = DaemonStateCodec.encode(
            engine: engine, gate: gate, visibleOpen: Array(visible.values), takenWallMs: head.takenWallMs, resumeFromWallMs: latestWallMs)
        return (bytes, head.takenWallMs)
    }
}
