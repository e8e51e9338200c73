/// The targets in the engine's state, by serial (position, class votes, tracks, border sides,
/// zone streaks, motion, incident); the grid and the track map are rebuilt from them. (The next
/// serial number, at the state's head, is ``Tracker/encodeSerial(to:)``'s.)
extension Tracker {
    /// Writes the targets, by serial: all of them, or only those that belong to an incident.
    func encodeTargets(to w: inout StateWriter, boundOnly: Bool = false) {
        var written = boundOnly ? targets.values.filter { $0.incident != nil } : Array(targets.values)
        written.sort { $0.serial < $1.serial }
        w.put(written) { w, target in target.encode(to: &w) }
    }

    /// Adds to the targets those of `earlier` (the tracker of an older state) that are not here,
    /// as targets of no incident, unless one of their tracks is already some target's here.
    /// Rebuilds the grid and the track map.
    mutating func addFreeTargets(of earlier: Tracker, cameras: CameraRegistry) {
        var merged = targets
        var claimed = Set(trackTargets.keys)
        for target in earlier.targets.values.sorted(by: { $0.serial < $1.serial }) where merged[target.serial] == nil {
            let keys = target.tracks.map { Self.trackKey(Int($0.camera), $0.track) }
            guard !keys.contains(where: claimed.contains) else { continue }
            var free = target
            free.incident = nil
            merged[target.serial] = free
            claimed.formUnion(keys)
        }
        replaceTargets(Array(merged.values), cameras: cameras)
    }

    /// Reads what ``encodeTargets(to:)`` wrote, replacing the targets; checks their indices
    /// against `cameras` and `zones`.
    mutating func restoreTargets(from r: inout StateReader, cameras: CameraRegistry, zones: ZoneSet) throws(StateError) {
        let cameraCount = cameras.count, borderCount = zones.borderIndices.count, zoneCount = zones.zones.count
        let restored = try r.array { r throws(StateError) in
            try Target(from: &r, cameraCount: cameraCount, borderCount: borderCount, zoneCount: zoneCount)
        }
        replaceTargets(restored, cameras: cameras)
    }
}

extension Target {
    func encode(to w: inout StateWriter) {
        w.put(serial)
        w.put(position.lat)
        w.put(position.lon)
        w.put(firstTs)
        w.put(lastTs)
        w.put(classVotes.0)
        w.put(classVotes.1)
        w.put(classVotes.2)
        w.put(classVotes.3)
        w.put(maxConf)
        w.put(cameras) { $0.put($1) }
        w.put(tracks) { w, track in
            w.put(track.camera)
            w.put(track.track)
            w.put(track.lastTs)
        }
        w.put(borderSides) { w, side in
            w.put(side) { w, side in
                w.put(side.side == .left)
                w.put(side.at.lat)
                w.put(side.at.lon)
            }
        }
        w.put(crossing) { w, crossing in
            w.put(crossing.border)
            w.put(crossing.from == .left)
            w.put(crossing.to == .left)
        }
        w.put(zoneStreaks.sorted { $0.key < $1.key }) { w, entry in
            w.put(entry.key)
            w.put(entry.value.frames)
            w.put(entry.value.since)
            w.put(entry.value.misses)
        }
        w.put(incident) { $0.put($1) }
        w.put(wasSuppressed)
        w.put(wasInhibited)
        motion.encode(to: &w)
        w.put(lastGroupCheckTs)
    }

    init(from r: inout StateReader, cameraCount: Int, borderCount: Int, zoneCount: Int) throws(StateError) {
        let serial = try r.uint64()
        let position = GeoPoint(lat: try r.double(), lon: try r.double())
        let firstTs = try r.int64(), lastTs = try r.int64()
        let votes = (try r.double(), try r.double(), try r.double(), try r.double())
        let maxConf = try r.double()
        let cameras = try r.array { r throws(StateError) in Int32(try AlertEngine.check(Int(try r.int32()), below: cameraCount, "camera")) }
        let tracks = try r.array { r throws(StateError) in
            (camera: Int32(try AlertEngine.check(Int(try r.int32()), below: cameraCount, "camera")), track: try r.uint32(), lastTs: try r.int64())
        }
        let borderSides = try r.array { r throws(StateError) in
            try r.optional { r throws(StateError) in
                (side: try r.bool() ? LineSide.left : LineSide.right, at: GeoPoint(lat: try r.double(), lon: try r.double()))
            }
        }
        guard borderSides.count == borderCount else {
            throw StateError("target \(serial) has sides of \(borderSides.count) borders, the configuration \(borderCount)")
        }
        self.init(
            serial: serial, position: position, cell: 0, firstTs: firstTs, lastTs: lastTs, cameras: cameras, tracks: tracks,
            borderSides: borderSides)
        classVotes = votes
        self.maxConf = maxConf
        let borders = borderSides.count
        crossing = try r.optional { r throws(StateError) in
            (border: try AlertEngine.check(try r.int(), below: borders, "border"), from: try r.bool() ? LineSide.left : .right, to: try r.bool() ? LineSide.left : .right)
        }
        for (zone, streak) in try r.array({ r throws(StateError) in
            (try AlertEngine.check(try r.int(), below: zoneCount, "zone"), (frames: try r.int(), since: try r.int64(), misses: try r.int()))
        }) {
            zoneStreaks[zone] = streak
        }
        incident = try r.optional { r throws(StateError) in try r.uint64() }
        wasSuppressed = try r.bool()
        wasInhibited = try r.bool()
        motion = try Motion(from: &r)
        lastGroupCheckTs = try r.int64()
    }
}
