/// An incident in the engine's state. The layout is the journal's (a daemon upgraded resumes
/// the state the old one wrote): the head and the tail are common, the middle and the end
/// depend on the subject, as the two incident types of earlier builds wrote them.
extension Incident {
    func encode(to w: inout StateWriter) {
        w.put(id)
        w.put(kind)
        w.put(kindNumber)
        w.put(severity.rawValue)
        w.put(rule)
        w.put(zone)
        if case .targets(let group) = subject {
            w.put(group.crossing) { w, crossing in
                w.put(crossing.from == .left)
                w.put(crossing.to == .left)
            }
            w.put(group.direction) { $0.put($1) }
            w.put(sector)
            w.put(group.objectClass.rawValue)
            w.put(group.members) { $0.put($1) }
            w.put(group.live)
        } else {
            w.put(sector)
        }
        w.put(cameras) { $0.put($1) }
        w.put(firstTs)
        w.put(lastTs)
        w.put(position.lat)
        w.put(position.lon)
        switch subject {
        case .targets(let group):
            w.put(group.lastEmittedPosition.lat)
            w.put(group.lastEmittedPosition.lon)
            w.put(group.lastEmittedTs)
        case .cameras(let stretch):
            w.put(stretch) { w, stretch in stretch.encode(to: &w) }
        }
    }

    /// Reads an incident about targets (`aboutTargets`) or cameras, checking its indices against
    /// the configuration of `engine`.
    init(from r: inout StateReader, aboutTargets: Bool, engine: AlertEngine) throws(StateError) {
        let what = aboutTargets ? "incident" : "health incident"
        let id = try r.string(), kind = try r.string()
        let kindNumber = try AlertEngine.check(try r.int(), below: engine.ruleBook.kinds.names.count, "kind")
        guard let severity = Severity(rawValue: try r.string()) else { throw StateError("\(what) \(id) has no known severity") }
        let rule = try AlertEngine.check(try r.int(), below: engine.rules.count, "rule")
        let zone = try AlertEngine.check(try r.int(), below: engine.zones.zones.count, "zone")
        var group: TargetGroup?
        let sector: String
        if aboutTargets {
            let crossing = try r.optional { r throws(StateError) in
                AlertEngine.Crossing(from: try r.bool() ? .left : .right, to: try r.bool() ? .left : .right)
            }
            let direction = try r.optional { r throws(StateError) in try r.string() }
            sector = try r.string()
            guard let objectClass = ObjectClass(rawValue: try r.string()) else { throw StateError("\(what) \(id) has no known class") }
            let members = try r.array { r throws(StateError) in try r.uint64() }
            group = TargetGroup(
                crossing: crossing, direction: direction, objectClass: objectClass, members: members, live: try r.int(),
                lastEmittedPosition: GeoPoint(lat: 0, lon: 0), lastEmittedTs: 0)
        } else {
            sector = try r.string()
        }
        let cameraCount = engine.cameras.count
        let cameras = try r.array { r throws(StateError) in Int32(try AlertEngine.check(Int(try r.int32()), below: cameraCount, "camera")) }
        let firstTs = try r.int64(), lastTs = try r.int64()
        let position = GeoPoint(lat: try r.double(), lon: try r.double())
        let subject: Subject
        if var group {
            group.lastEmittedPosition = GeoPoint(lat: try r.double(), lon: try r.double())
            group.lastEmittedTs = try r.int64()
            subject = .targets(group)
        } else {
            subject = .cameras(stretch: try r.optional { r throws(StateError) in try CoverageStretch(from: &r) })
        }
        self.init(
            id: id, kind: kind, kindNumber: kindNumber, severity: severity, rule: rule, zone: zone, sector: sector, cameras: cameras,
            firstTs: firstTs, lastTs: lastTs, position: position, subject: subject)
    }
}

extension CoverageStretch {
    func encode(to w: inout StateWriter) {
        w.put(border)
        for value in [fromKm, toKm, from.lat, from.lon, to.lat, to.lon] { w.put(value) }
    }

    init(from r: inout StateReader) throws(StateError) {
        self.init(
            border: try r.int(), fromKm: try r.double(), toKm: try r.double(), from: GeoPoint(lat: try r.double(), lon: try r.double()),
            to: GeoPoint(lat: try r.double(), lon: try r.double()))
    }
}
