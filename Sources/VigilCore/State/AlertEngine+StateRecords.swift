/// The engine's state as separate records, for a journal that writes only what changed (the
/// daemon's state log): the counters, the head (event time, the cameras' health, the open gaps,
/// the clock corrections), each target and each incident. Concatenated in the order of
/// ``AlertEngine/encodeState(to:targets:)`` by ``assembleState(counters:head:targets:incidents:)``,
/// they are exactly the bytes that method writes, and are restored by the same code.
///
/// Each record but the counters comes with a *material key*: a hash of what a restart needs of
/// it, not of what every frame moves. A target's key covers its tracks, cameras, border sides,
/// crossing, zones entered, incident, class and rule flags; for a target of an incident, also
/// its last detection to 5 s. Its position is written again when it has moved ``stateMoveM``
/// (30 m by default) from where it was last written: a target standing still, or grazing, is not
/// written again. An incident's key covers all of it but its last position, and its last time to 5 s.
/// The head's key covers how long each camera has been silent (to the second), whether it is
/// offline, in an exercise and its incident, the downtime forgiven it, the gaps and the clock
/// corrections; its wall times are restored relative to when the head was written (the daemon's
/// downtime is not the cameras' silence, but the silence before it counts). The event time each
/// camera was last heard at goes into it to the minute (``heardTsStepMs``), not to the frame: the
/// head a camera's first second of silence writes holds it as it stays, and one written at
/// least once a minute bounds how old it can be when the daemon is killed in that second.
extension AlertEngine {
    /// How coarsely a bound target's or an incident's last time goes into its material key:
    /// what a restart may find them older than they were (well within
    /// ``EngineSettings/resolveAfterMs``, 30 s by default, and ``resumeSlackMs``).
    public static let materialTimeStepMs: Int64 = 5_000

    /// How coarsely each camera's last heard event time goes into the head's material key: the
    /// head (about 50 bytes a camera) is written at least once a minute on a busy border, some
    /// 8 MB a day at the default configuration's 105 cameras.
    static let heardTsStepMs: Int64 = 60_000

    /// The configuration's fingerprint, the next target serial and the next incident key.
    public func encodeStateCounters() -> [UInt8] {
        var w = StateWriter(capacity: 24)
        encodeStateCounters(to: &w)
        return w.bytes
    }

    /// The state but its targets and incidents: `front` goes before the targets (event time,
    /// the cameras' health), `back` after the incidents (the open gaps, the clock corrections).
    public func encodeStateHead() -> (front: [UInt8], back: [UInt8]) {
        var front = StateWriter(capacity: 64 + health.indices.count * 40)
        encodeStateHeadFront(to: &front)
        var back = StateWriter(capacity: 16 + health.gapKeys.count * 8 + health.indices.count * 16)
        encodeStateHeadBack(to: &back)
        return (front.bytes, back.bytes)
    }

    /// The head's material key at wall time `wallNowMs` (see the type's notes). The cameras'
    /// wall times go into it as how long each has been silent, to the second (up to an hour):
    /// a camera reporting keeps its key, a camera gone silent changes it every second, so the
    /// head written last says how long each camera had been silent when it was written, and a
    /// restart moves on from there.
    public func stateHeadKey(wallNowMs: Int64) -> UInt64 {
        func silence(_ since: Int64?) -> UInt64 {
            guard let since, since != 0 else { return .max }
            return UInt64(min(max(wallNowMs - since, 0) / 1_000, 3_600))
        }
        var hash = MaterialHash()
        for camera in health.indices {
            let status = health[camera]
            hash.mix(silence(status.heardWallMs))
            hash.mix(silence(health.acceptedWallMs[camera]))
            hash.mix(UInt64(status.offline ? 1 : 0))
            hash.mix(UInt64(status.exercise ? 1 : 0))
            hash.mix(status.incident ?? .max)
            hash.mix(UInt64(bitPattern: health.forgivenMs[camera]))
            hash.mix(UInt64(bitPattern: (sequencer.newestTs(camera: camera) ?? -1) / Self.heardTsStepMs))
        }
        hash.mix(silence(eventTime.lastReportWallMs))
        hash.mix(UInt64(health.startWallMs == nil ? 0 : 1))
        hash.mix(UInt64(health.gapKeys.count))
        for key in health.gapKeys { hash.mix(key) }
        for correction in eventTime.offsets.correction { hash.mix(UInt64(bitPattern: correction)) }
        return hash.value
    }

    /// How far a target moves, north–south or east–west, before the state log writes it again
    /// (its position is not in its material key): half the fusion distance, 30 m by default. A
    /// target resumed from the log is then within 42 m of where it was last seen, inside the
    /// fusion distance it is re-found within; and one standing on a line of the fusion grid is
    /// not written again for every metre of wander across it, as it was when its grid cell was
    /// in its key (12 to 16 of the 525 grazing animals of `vigil-bench latency --period 100000`
    /// at every 2 s tick, 5 to 7 KB).
    public var stateMoveM: Double { settings.fusionDistanceM / 2 }

    /// Calls `body` with every target (or, with `boundOnly`, every target of an incident and
    /// every target in `alsoSerials`): its serial, its material key, its position, whether it
    /// belongs to an incident, and a function that encodes it.
    public func visitStateTargets(
        boundOnly: Bool, alsoSerials: Set<UInt64> = [],
        _ body: (_ serial: UInt64, _ key: UInt64, _ position: GeoPoint, _ bound: Bool, _ encode: () -> [UInt8]) -> Void
    ) {
        for target in tracker.targets.values where !boundOnly || target.incident != nil || alsoSerials.contains(target.serial) {
            body(target.serial, target.materialKey, target.position, target.incident != nil) {
                var w = StateWriter(capacity: 512)
                target.encode(to: &w)
                return w.bytes
            }
        }
    }

    /// Writes every target as a list of records, as a state patch holds them: their count, then
    /// each target's serial and its record with its length (the record ``visitStateTargets``
    /// encodes), straight into `w`. A whole state at 100,000 targets written this way holds no
    /// array of its own per target (`vigil-bench memory --targets 100000 --soak-minutes 6`: RSS
    /// 136.5 → 200.0 MB at the first whole state when it did).
    public func encodeStateTargetRecords(to w: inout StateWriter) {
        w.put(tracker.targets.count)
        for target in tracker.targets.values {
            w.put(target.serial)
            w.put(sized: { target.encode(to: &$0) })
        }
    }

    /// Calls `body` with every open incident: its key, whether it is about targets, its
    /// material key, and a function that encodes it.
    public func visitStateIncidents(_ body: (_ key: UInt64, _ aboutTargets: Bool, _ materialKey: UInt64, _ encode: () -> [UInt8]) -> Void) {
        for key in incidents.keys {
            guard let incident = incidents[key] else { continue }
            body(key, incident.isAboutTargets, incident.materialKey) {
                var w = StateWriter(capacity: 256)
                incident.encode(to: &w)
                return w.bytes
            }
        }
    }

    /// The engine's state bytes, as ``encodeState(to:targets:)`` writes them, from records:
    /// the counters, the head, the targets (in serial order) and the incidents (by key; about
    /// targets or not).
    public static func assembleState(
        counters: [UInt8], head: (front: [UInt8], back: [UInt8]), targets: [(serial: UInt64, bytes: [UInt8])],
        incidents: [(key: UInt64, aboutTargets: Bool, bytes: [UInt8])]
    ) -> [UInt8] {
        var w = StateWriter(
            capacity: counters.count + head.front.count + head.back.count + targets.reduce(0) { $0 + $1.bytes.count } + incidents.reduce(0) { $0 + $1.bytes.count + 8 }
                + 64)
        w.append(raw: counters)
        w.append(raw: head.front)
        w.put(targets.sorted { $0.serial < $1.serial }) { w, target in w.append(raw: target.bytes) }
        for aboutTargets in [true, false] {
            w.put(incidents.filter { $0.aboutTargets == aboutTargets }.sorted { $0.key < $1.key }) { w, incident in
                w.put(incident.key)
                w.append(raw: incident.bytes)
            }
        }
        w.append(raw: head.back)
        return w.bytes
    }
}

/// FNV-1a over 64-bit words: a material key.
struct MaterialHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func mix(_ word: UInt64) {
        value = (value ^ word) &* 0x0000_0100_0000_01b3
    }

    mutating func mix(signed word: Int64) { mix(UInt64(bitPattern: word)) }
}

extension Target {
    /// What a restart needs of this target (see ``AlertEngine``'s state records).
    var materialKey: UInt64 {
        var hash = MaterialHash()
        hash.mix(incident ?? .max)
        if incident != nil { hash.mix(signed: lastTs / AlertEngine.materialTimeStepMs) }
        for byte in objectClass.rawValue.utf8 { hash.mix(UInt64(byte)) }
        hash.mix(UInt64((wasSuppressed ? 1 : 0) | (wasInhibited ? 2 : 0)))
        for camera in cameras { hash.mix(UInt64(camera)) }
        for track in tracks { hash.mix(UInt64(UInt32(bitPattern: track.camera)) << 32 | UInt64(track.track)) }
        for side in borderSides { hash.mix(UInt64(side.map { $0.side == .left ? 1 : 2 } ?? 0)) }
        if let crossing { hash.mix(UInt64(crossing.border) << 2 | UInt64(crossing.from == .left ? 2 : 0) | UInt64(crossing.to == .left ? 1 : 0)) }
        // In no particular order (a dictionary's), so each zone's own hash is summed: no sort,
        // no allocation, for a key computed for every target every 2 s.
        var zones: UInt64 = 0
        for (zone, streak) in zoneStreaks {
            var one = MaterialHash()
            one.mix(UInt64(zone))
            one.mix(signed: streak.since)
            zones &+= one.value
        }
        hash.mix(zones)
        return hash.value
    }
}

extension Incident {
    /// What a restart needs of this incident: everything but its last position, and its last
    /// time to ``AlertEngine/materialTimeStepMs``.
    var materialKey: UInt64 {
        var w = StateWriter(capacity: 256)
        var copy = self
        copy.lastTs = lastTs / AlertEngine.materialTimeStepMs
        copy.position = GeoPoint(lat: 0, lon: 0)
        copy.encode(to: &w)
        var hash = MaterialHash()
        var word: UInt64 = 0
        for (i, byte) in w.bytes.enumerated() {
            word = word << 8 | UInt64(byte)
            if i % 8 == 7 {
                hash.mix(word)
                word = 0
            }
        }
        hash.mix(word)
        hash.mix(UInt64(w.bytes.count))
        return hash.value
    }
}
