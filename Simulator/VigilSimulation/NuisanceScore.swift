import Foundation
import VigilCore

/// An alert message as the nuisance soak reads it (contract section 2, leniently: a missing or
/// mistyped field is `nil`).
public struct NuisanceAlert: Sendable, Equatable {
    // The contract's fields of the same names (`class` is `objectClass`, `lat`/`lon` `position`).
    public var id: String
    public var state: String?
    public var kind: String?
    public var severity: String?
    public var objectClass: String?
    public var zone: String?
    public var rule: String?
    public var cameras: [String]
    public var position: GeoPoint?
    public var firstTs: Int64?
    public var lastTs: Int64?

    /// Creates a message (tests).
    public init(
        id: String, state: String? = "raised", kind: String?, severity: String? = nil, objectClass: String? = nil, zone: String?,
        rule: String? = nil, cameras: [String] = [], position: GeoPoint? = nil, firstTs: Int64? = nil, lastTs: Int64? = nil
    ) {
        self.lastTs = lastTs
        self.id = id
        self.state = state
        self.kind = kind
        self.severity = severity
        self.objectClass = objectClass
        self.zone = zone
        self.rule = rule
        self.cameras = cameras
        self.position = position
        self.firstTs = firstTs
    }

    /// Parses an alert payload; `nil` when it is not a JSON object with a string `id`.
    public static func parse(_ payload: [UInt8]) -> NuisanceAlert? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any], let id = object["id"] as? String else {
            return nil
        }
        let lat = (object["lat"] as? NSNumber)?.doubleValue, lon = (object["lon"] as? NSNumber)?.doubleValue
        return NuisanceAlert(
            id: id, state: object["state"] as? String, kind: object["kind"] as? String, severity: object["severity"] as? String,
            objectClass: object["class"] as? String, zone: object["zone"] as? String, rule: object["rule"] as? String,
            cameras: object["cameras"] as? [String] ?? [], position: lat.flatMap { lat in lon.map { GeoPoint(lat: lat, lon: $0) } },
            firstTs: (object["first_ts"] as? NSNumber)?.int64Value, lastTs: (object["last_ts"] as? NSNumber)?.int64Value)
    }
}

/// One incident the daemon raised during the soak: a false alert, since nothing in the soak is
/// an intrusion.
public struct NuisanceIncident: Sendable, Equatable {
    /// The incident id.
    public var id: String
    /// Its kinds, in the order they came (a kind only rises).
    public var kinds: [String]
    /// The zone of its `raised` message.
    public var zone: String
    /// The stretch of the first camera that saw it.
    public var stretch: String
    /// Its class (of the `raised` message).
    public var objectClass: String
    /// The highest severity it had.
    public var severity: String
    /// The rule that set its kind last.
    public var rule: String
    /// Event time of its first detection.
    public var firstTs: Int64
    /// Where it was raised.
    public var position: GeoPoint?
    /// When it was raised: the `last_ts` of the `raised` message.
    public var raisedTs: Int64
    /// The cameras that saw it (its last message's).
    public var cameras: [String]
    /// The planned activity it most likely came of (the nearest under way then), or the reboot.
    public var cause: String?

    /// The kind it ended with.
    public var kind: String { kinds.last ?? "?" }
}

/// The soak's verdict: every incident raised is a false alert; counted per stretch and zone,
/// and per 30 days of simulated time.
public struct NuisanceScore: Sendable {
    /// Simulated days.
    public var days: Int
    /// The stretches covered and the zones they see (the denominators).
    public var stretches: [NuisanceStretch]
    /// The false alerts, in the order they were raised.
    public var incidents: [NuisanceIncident]
    /// Incidents seen only by their later messages (raised before the soak subscribed).
    public var earlier: Int
    /// Payloads that were not alert messages.
    public var unparsable: Int

    /// Scores the alert payloads received during a soak of `plan`.
    public static func score(plan: NuisancePlan, world: SimulationWorld, payloads: [[UInt8]]) -> NuisanceScore {
        let messages = payloads.compactMap(NuisanceAlert.parse)
        var order: [String] = []
        var byID: [String: [NuisanceAlert]] = [:]
        for message in messages {
            if byID[message.id] == nil { order.append(message.id) }
            byID[message.id, default: []].append(message)
        }
        var incidents: [NuisanceIncident] = []
        var earlier = 0
        for id in order {
            let all = byID[id]!
            guard let raised = all.first, raised.state == "raised" else {
                earlier += 1
                continue
            }
            var kinds: [String] = []
            for kind in all.compactMap(\.kind) where !kinds.contains(kind) { kinds.append(kind) }
            let stretch = raised.cameras.first.map(NuisancePlan.stretchName(of:)) ?? nearestStretch(raised.position, plan, world) ?? "?"
            let severities = ["low", "medium", "high", "critical"]
            let severity = all.compactMap(\.severity).max { (severities.firstIndex(of: $0) ?? -1) < (severities.firstIndex(of: $1) ?? -1) }
            var incident = NuisanceIncident(
                id: id, kinds: kinds, zone: raised.zone ?? "?", stretch: stretch, objectClass: raised.objectClass ?? "?",
                severity: severity ?? "?", rule: all.last(where: { $0.rule != nil })?.rule ?? "?", firstTs: raised.firstTs ?? 0,
                position: raised.position, raisedTs: raised.lastTs ?? raised.firstTs ?? 0, cameras: all.last?.cameras ?? raised.cameras)
            incident.cause = cause(of: incident, plan)
            incidents.append(incident)
        }
        return NuisanceScore(
            days: plan.options.days, stretches: plan.stretches, incidents: incidents, earlier: earlier, unparsable: payloads.count - messages.count)
    }

    /// The stretch of the camera nearest `position`.
    static func nearestStretch(_ position: GeoPoint?, _ plan: NuisancePlan, _ world: SimulationWorld) -> String? {
        guard let position else { return nil }
        let cameras = plan.stretches.flatMap(\.cameras)
        let nearest = cameras.min { world.cameras[$0].position.distance(to: position) < world.cameras[$1].position.distance(to: position) }
        return nearest.map { NuisancePlan.stretchName(of: world.cameras[$0].id) }
    }

    /// What an incident most likely came of: for a camera's health, a reboot of one of its
    /// cameras near its time; else the activity of its stretch under way when it was raised
    /// whose path is then nearest its position (within a kilometre).
    static func cause(of incident: NuisanceIncident, _ plan: NuisancePlan) -> String? {
        let t = Double(incident.raisedTs - plan.originMs) / 1_000
        let when = "t=\(Format.fixed(t, 0))s (day \(Int(t / 86_400)) \(localClock(incident.raisedTs, plan)))"
        if incident.kind == "camera_offline" || incident.kind == "coverage_gap" {
            var ids: [Int: String] = [:]
            for stretch in plan.stretches { for (index, id) in zip(stretch.cameras, stretch.cameraIDs) { ids[index] = id } }
            let reboot = plan.reboots.first { abs($0.atS - t) < 600 && incident.cameras.contains(ids[$0.camera] ?? "") }
            return reboot.map { "a reboot of \(ids[$0.camera] ?? "?") at t=\(Format.fixed($0.atS, 0))s for \(Format.fixed($0.downS, 0)) s, \(when)" } ?? when
        }
        guard let position = incident.position else { return when }
        var best: (Double, Int)?
        for (index, activity) in plan.activities.enumerated() where activity.stretch == incident.stretch {
            let trajectory = plan.trajectories[index]
            guard t >= trajectory.startS - 60, t <= trajectory.endS + 60 else { continue }
            let distance = trajectory.pathPoint(at: t).distance(to: position)
            if distance < 1_000 && distance < (best?.0 ?? .infinity) { best = (distance, index) }
        }
        guard let (distance, index) = best else { return when }
        let activity = plan.activities[index]
        return "\(activity.kind.rawValue) \(activity.actor.id) (\(Format.fixed(distance, 0)) m away) at \(when)"
    }

    /// `14:05 local`: site time, counted from the plan's origin (a local midnight).
    static func localClock(_ ms: Int64, _ plan: NuisancePlan) -> String {
        let minute = Int(((ms - plan.originMs) % 86_400_000 + 86_400_000) % 86_400_000 / 60_000)
        return "\(minute / 60 < 10 ? "0" : "")\(minute / 60):\(minute % 60 < 10 ? "0" : "")\(minute % 60) local"
    }

    /// The false alerts in `zone` of `stretch`.
    public func count(stretch: String, zone: String) -> Int { incidents.filter { $0.stretch == stretch && $0.zone == zone }.count }

    /// False alerts per zone per 30 days of simulated time.
    public func perZoneMonth(stretch: String, zone: String) -> Double { Double(count(stretch: stretch, zone: zone)) * 30 / Double(days) }

    /// Every (stretch, zone) counted: the zones each stretch's cameras see, and any other zone an
    /// alert named.
    public var cells: [(stretch: String, zone: String)] {
        var cells = stretches.flatMap { stretch in stretch.zones.map { (stretch: stretch.name, zone: $0) } }
        for incident in incidents where !cells.contains(where: { $0.stretch == incident.stretch && $0.zone == incident.zone }) {
            cells.append((incident.stretch, incident.zone))
        }
        return cells
    }

    /// The worst cell's false alerts per 30 days (0 without any).
    public var worstPerZoneMonth: Double { cells.map { perZoneMonth(stretch: $0.stretch, zone: $0.zone) }.max() ?? 0 }

    /// False alerts by kind (the kind each incident ended with).
    public var byKind: [(kind: String, count: Int)] {
        var counts: [String: Int] = [:]
        for incident in incidents { counts[incident.kind, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// What fails `maxPerZoneMonth`: one line per zone over it.
    public func failures(maxPerZoneMonth: Double?) -> [String] {
        guard let maxPerZoneMonth else { return [] }
        return cells.compactMap { cell in
            let rate = perZoneMonth(stretch: cell.stretch, zone: cell.zone)
            guard rate > maxPerZoneMonth else { return nil }
            return "\(cell.stretch)/\(cell.zone): \(Format.fixed(rate, 2)) false alerts per 30 days (\(count(stretch: cell.stretch, zone: cell.zone)) in \(days) day\(days == 1 ? "" : "s")) > \(Format.fixed(maxPerZoneMonth, 2))"
        }
    }

    /// The table: one row per stretch and zone, false alerts, per 30 days and by kind; then the totals.
    public var table: String {
        let kinds = Array(Set(incidents.map(\.kind))).sorted()
        var rows: [[String]] = [["stretch", "zone", "false", "per 30 d"] + kinds]
        for cell in cells {
            let mine = incidents.filter { $0.stretch == cell.stretch && $0.zone == cell.zone }
            rows.append(
                [cell.stretch, cell.zone, "\(mine.count)", Format.fixed(perZoneMonth(stretch: cell.stretch, zone: cell.zone), 2)]
                    + kinds.map { kind in "\(mine.filter { $0.kind == kind }.count)" })
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { column, text in
                column < 2 ? text + String(repeating: " ", count: widths[column] - text.count)
                    : String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  ")
        }
        let kindText = byKind.isEmpty ? "none" : byKind.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
        lines.append(
            "\(incidents.count) false alerts in \(cells.count) zones of \(stretches.count) stretch\(stretches.count == 1 ? "" : "es") over \(days) day\(days == 1 ? "" : "s") (by kind: \(kindText)); "
                + "worst zone \(Format.fixed(worstPerZoneMonth, 2)) per 30 days")
        if earlier > 0 { lines.append("\(earlier) incidents raised before the soak (only their later messages seen) not counted") }
        if unparsable > 0 { lines.append("\(unparsable) messages were not alerts") }
        for incident in incidents {
            lines.append(
                "false alert \(incident.id): \(incident.kinds.joined(separator: "->")) \(incident.severity) \(incident.objectClass) in "
                    + "\(incident.stretch)/\(incident.zone) by rule \(incident.rule)"
                    + (incident.position.map { " at \(Format.fixed($0.lat, 6)),\(Format.fixed($0.lon, 6))" } ?? "")
                    + " cameras \(incident.cameras.joined(separator: ","))" + (incident.cause.map { "; came of \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    /// The score as one JSON object.
    public var json: String {
        let cellsJSON = cells.map { cell in
            #"{"stretch":\#(jsonString(cell.stretch)),"zone":\#(jsonString(cell.zone)),"false":\#(count(stretch: cell.stretch, zone: cell.zone)),"per_30_days":\#(Format.fixed(perZoneMonth(stretch: cell.stretch, zone: cell.zone), 3))}"#
        }.joined(separator: ",")
        let kindsJSON = byKind.map { "\(jsonString($0.kind)):\($0.count)" }.joined(separator: ",")
        let incidentsJSON = incidents.map { incident in
            #"{"id":\#(jsonString(incident.id)),"kind":\#(jsonString(incident.kind)),"stretch":\#(jsonString(incident.stretch)),"zone":\#(jsonString(incident.zone)),"class":\#(jsonString(incident.objectClass)),"rule":\#(jsonString(incident.rule)),"first_ts":\#(incident.firstTs),"cause":\#(incident.cause.map(jsonString) ?? "null")}"#
        }.joined(separator: ",")
        return #"{"days":\#(days),"stretches":\#(stretches.count),"zones":\#(cells.count),"false_alerts":\#(incidents.count),"worst_per_zone_30_days":\#(Format.fixed(worstPerZoneMonth, 3)),"by_kind":{\#(kindsJSON)},"cells":[\#(cellsJSON)],"incidents":[\#(incidentsJSON)],"earlier":\#(earlier)}"#
    }
}
