/// Incidents: raised once, updated while they go on, resolved once; one per target, or one per
/// group of targets moving together.
///
/// **Groups.** Two targets move together when they are within ``EngineSettings/groupRadiusM``
/// of each other, their classes are compatible, and their velocities over the last seconds
/// (``Motion``) differ by at most ``EngineSettings/groupVelocityToleranceMps`` (the same heading
/// and speed, give or take). The rule, in full:
/// 1. When a target raises an incident, every target moving with it that belongs to no incident
///    joins it at once: a group of six that crosses is raised once, with `count` 6.
/// 2. A target that belongs to no incident and moves with a live member of an open incident joins
///    that incident (the nearest such member's) instead of raising its own: a straggler who
///    crosses a few seconds after the group, or a person who walks up and joins it. Its
///    joining is news: an `updated` message with the new `count`.
/// 2a. Groups form after the first sighting too. A target seen for too short a time to have a
///    velocity (``Motion``: about 4 s) cannot be said to move with anyone yet; when it is within
///    ``EngineSettings/groupRadiusM`` of a live member of an open incident (compatible class), it
///    raises nothing of its own for up to ``EngineSettings/groupFormationMs`` (3 s) of its
///    event time: if its velocity becomes known and matches, it joins by rule 2; if it is still
///    that close when the time is up, it joins (a person who stays within a few metres of an
///    intruder for 3 s is with him); otherwise it raises its own. So a pair that walks into a
///    restricted zone 2 s apart is one incident with `count` 2, raised at once for the first and
///    updated for the second, never a second incident for the same event.
/// 3. `count` is the number of distinct targets the incident has involved, and never falls: a
///    member who walks out of view is still counted.
/// 4. A member farther than ``EngineSettings/groupSplitM`` from every other live member has split
///    off: it leaves the incident (still counted there) and, if the rules alert on it, raises an
///    incident of its own. It may join a group again later under rule 2.
/// 5. Incidents never merge: two groups that meet stay two incidents.
/// 6. An incident resolves when its last live member has been unseen for
///    ``EngineSettings/resolveAfterMs``.
///
/// An incident's kind and severity are the highest any member's rules gave it; its position is
/// the centre of its live members; its cameras, every camera that saw a member, in order of
/// first sight; its class, the class of the member last updated (members share a class); its
/// first time, the first detection of the targets it was raised with, fixed from then on.
///
/// This is the engine sequencing its parts: the targets are the ``Tracker``'s, the incidents
/// the ``IncidentBook``'s, the verdicts the ``RuleBook``'s.
extension AlertEngine {
    /// Raises, joins, updates or leaves an incident after `target` (taken out of the tracker) moved.
    mutating func decide(_ target: inout Target, into alerts: inout [AlertMessage]) {
        let verdict = ruleBook.evaluate(target, incidents: incidents, tracker: tracker)
        if case .suppressed = verdict, !target.wasSuppressed {
            target.wasSuppressed = true
            counters.suppressed += 1
        }
        if ruleBook.lastInhibited && !target.wasInhibited {
            target.wasInhibited = true
            counters.inhibited += 1
        }
        let groupCheckDue = target.lastTs - target.lastGroupCheckTs >= 1_000
        if groupCheckDue { target.lastGroupCheckTs = target.lastTs }
        if let key = target.incident, groupCheckDue, hasSplitOff(target, from: key) {
            target.incident = nil
            counters.groupSplits += 1
            incidents[key]!.group.live -= 1
        }
        let alerting = self.alerting(verdict)
        guard let key = target.incident else {
            if let alerting {
                switch groupFor(target) {
                case .join(let group): join(&target, group, alerting, into: &alerts)
                case .wait: break
                case .none: raise(&target, alerting, into: &alerts)
                }
            } else if case .none = verdict, groupCheckDue || target.motion.velocity == nil, incidents.aboutTargets > 0,
                case .join(let group) = groupFor(target)
            {
                join(&target, group, nil, into: &alerts)
            }
            return
        }
        apply(alerting, from: target, to: key, into: &alerts, joined: false)
    }

    /// What an alerting verdict asks of an incident.
    struct Alerting {
        /// The winning rule (an index into the rules), its kind and severity, the zone matched.
        var rule: Int, kind: String, severity: Severity, zone: Int
        /// For a crossing, the sides.
        var crossing: Crossing?
    }

    private func alerting(_ verdict: RuleBook.Verdict) -> Alerting? {
        guard case .alert(let rule, let severity, let zone, let crossing) = verdict, let kind = rules[rule].kind else { return nil }
        return Alerting(rule: rule, kind: kind, severity: severity, zone: zone, crossing: crossing)
    }

    /// Called when a member of incident `key` is forgotten: the incident resolves with its last.
    mutating func memberGone(_ key: UInt64, into alerts: inout [AlertMessage]) {
        guard var incident = incidents[key] else { return }
        incident.group.live -= 1
        guard incident.group.live <= 0 else {
            incidents[key] = incident
            return
        }
        incidents[key] = nil
        alerts.append(message(.resolved, incident))
        counters.resolved += 1
    }

    // MARK: Raising and updating

    private mutating func raise(_ target: inout Target, _ alerting: Alerting, into alerts: inout [AlertMessage]) {
        let camera = cameras[Int(target.cameras[0])]
        let key = incidents.newKey()
        let group = Incident.TargetGroup(
            crossing: alerting.crossing, direction: alerting.crossing.flatMap { ruleBook.directionName($0, zone: alerting.zone) },
            objectClass: target.objectClass, members: [target.serial], live: 1, lastEmittedPosition: target.position,
            lastEmittedTs: target.lastTs)
        var incident = Incident(
            id: Self.incidentID(camera: camera.id, serial: key, firstTs: target.firstTs),
            kind: alerting.kind, kindNumber: ruleBook.compiled[alerting.rule].kind, severity: alerting.severity, rule: alerting.rule,
            zone: alerting.zone, sector: camera.sector, cameras: target.cameras, firstTs: target.firstTs, lastTs: target.lastTs,
            position: target.position, subject: .targets(group))
        target.incident = key
        // Rule 1: everyone moving with it joins at once.
        for companion in tracker.companions(of: target) {
            guard let other = tracker.targets[companion] else { continue }
            tracker.setIncident(key, of: companion)
            incident.group.members.append(companion)
            incident.group.live += 1
            merge(other, into: &incident)
            // Raised with its companions: its first detection is the first of any of them.
            incident.firstTs = min(incident.firstTs, other.firstTs)
            counters.groupJoins += 1
        }
        escalate(&incident)
        incident.position = centre(of: incident, key: key, with: target)
        incident.group.lastEmittedPosition = incident.position
        incidents[key] = incident
        alerts.append(message(.raised, incident))
        counters.raised += 1
    }

    /// Raises the incident's severity to what its rule's escalation gives its count.
    private func escalate(_ incident: inout Incident) {
        guard ruleBook.compiled[incident.rule].escalates, let severity = rules[incident.rule].severity(count: incident.group.members.count),
            severity > incident.severity
        else { return }
        incident.severity = severity
    }

    /// Brings incident `key` up to date with `target`, its member, and emits `updated` when a
    /// consumer would care: a member joined (the count rose, and with it perhaps the severity),
    /// the kind or severity rose, the zone changed at the same severity, a new crossing
    /// direction, or (at most once per the rule's repeat interval) the position moved on.
    private mutating func apply(
        _ alerting: Alerting?, from target: Target, to key: UInt64, into alerts: inout [AlertMessage], joined: Bool
    ) {
        guard var incident = incidents[key] else { return }
        defer { incidents[key] = incident }
        merge(target, into: &incident)
        incident.group.objectClass = target.objectClass
        var news = joined
        if joined { escalate(&incident) }
        if let alerting {
            // Kind and severity rise, never fall; a new crossing direction is news too, and so is
            // a new zone at the same severity.
            let turned = alerting.crossing != nil && alerting.crossing != incident.group.crossing && alerting.zone == incident.zone
            if alerting.severity > incident.severity {
                incident.kind = alerting.kind
                incident.kindNumber = ruleBook.compiled[alerting.rule].kind
                incident.severity = alerting.severity
                incident.rule = alerting.rule
                incident.zone = alerting.zone
                escalate(&incident)
                news = true
            } else if alerting.severity == incident.severity && alerting.zone != incident.zone && alerting.crossing == nil {
                incident.zone = alerting.zone
                news = true
            }
            if let crossing = alerting.crossing, turned || news {
                incident.group.crossing = crossing
                incident.group.direction = ruleBook.directionName(crossing, zone: alerting.zone)
                news = news || turned
            }
        }
        let moved = incident.lastTs - incident.group.lastEmittedTs >= ruleBook.compiled[incident.rule].repeatIntervalMs
        guard news || moved else { return }
        incident.position = centre(of: incident, key: key, with: target)
        if !news && incident.group.lastEmittedPosition.distance(to: incident.position) < settings.positionUpdateMinMoveM { return }
        incident.group.lastEmittedPosition = incident.position
        incident.group.lastEmittedTs = incident.lastTs
        alerts.append(message(.updated, incident))
        counters.updated += 1
    }

    /// Adds `target`'s cameras and last time to the incident. Not its first time: an incident's
    /// `first_ts` is fixed when it is raised, a key its consumers hold it by (CAP's `onset`);
    /// a member who joins later, seen earlier (a loiterer who joins a crossing group, or a
    /// target a restart could not match to its own and that joins its double's incident), adds
    /// to `count`, not to the incident's past.
    private func merge(_ target: Target, into incident: inout Incident) {
        for camera in target.cameras where !incident.cameras.contains(camera) { incident.cameras.append(camera) }
        incident.lastTs = max(incident.lastTs, target.lastTs)
    }

    // MARK: Groups

    /// What a target in no incident does about the groups near it (rules 2 and 2a).
    enum GroupDecision {
        /// Join this open incident.
        case join(UInt64)
        /// Too young to tell, and close to an open incident's member: raise nothing yet.
        case wait
        /// No group: its own incident, if its rules alert.
        case none
    }

    /// Rule 2, then rule 2a for a target whose velocity is not known yet.
    private func groupFor(_ target: Target) -> GroupDecision {
        if let key = groupToJoin(target) { return .join(key) }
        guard target.motion.velocity == nil, let key = nearestIncidentMember(target) else { return .none }
        return target.lastTs - target.firstTs < settings.groupFormationMs ? .wait : .join(key)
    }

    /// The open incident of the nearest live member within the group radius, of a compatible
    /// class (rule 2a), whatever its velocity.
    private func nearestIncidentMember(_ target: Target) -> UInt64? {
        var best: (key: UInt64, distance: Double)?
        tracker.forEachNear(target.position) { other in
            guard let key = other.incident, target.isCompatible(with: other.objectClass),
                other.isCompatible(with: target.objectClass)
            else { return }
            let distance = target.position.distance(to: other.position)
            guard distance <= settings.groupRadiusM else { return }
            if distance < best?.distance ?? .infinity || (distance == best?.distance && key < best!.key) { best = (key, distance) }
        }
        return best?.key
    }

    /// The open incident `target` should join (rule 2): that of the nearest live member moving with it.
    private func groupToJoin(_ target: Target) -> UInt64? {
        var best: (key: UInt64, distance: Double)?
        tracker.forEachNear(target.position) { other in
            guard let key = other.incident, tracker.movesTogether(target, other) else { return }
            let distance = target.position.distance(to: other.position)
            if distance < best?.distance ?? .infinity || (distance == best?.distance && key < best!.key) { best = (key, distance) }
        }
        return best?.key
    }

    /// Rule 2: `target` joins incident `key`; its joining is news.
    private mutating func join(_ target: inout Target, _ key: UInt64, _ alerting: Alerting?, into alerts: inout [AlertMessage]) {
        target.incident = key
        incidents[key]!.group.live += 1
        if !incidents[key]!.group.members.contains(target.serial) { incidents[key]!.group.members.append(target.serial) }
        counters.groupJoins += 1
        apply(alerting, from: target, to: key, into: &alerts, joined: true)
    }

    /// Rule 4: whether `target` is farther than the split distance from every other live member.
    private func hasSplitOff(_ target: Target, from key: UInt64) -> Bool {
        guard let incident = incidents[key], incident.group.live >= 2 else { return false }
        for member in incident.group.members where member != target.serial {
            if let other = tracker.targets[member], other.incident == key,
                other.position.distance(to: target.position) <= settings.groupSplitM
            {
                return false
            }
        }
        return true
    }

    /// The centre of the incident's live members (`target` is one of them, taken out of the tracker).
    private func centre(of incident: Incident, key: UInt64, with target: Target) -> GeoPoint {
        guard incident.group.live > 1 else { return target.position }
        var lat = 0.0, lon = 0.0, n = 0.0
        for member in incident.group.members {
            let point: GeoPoint
            if member == target.serial {
                guard target.incident == key else { continue }
                point = target.position
            } else {
                guard let other = tracker.targets[member], other.incident == key else { continue }
                point = other.position
            }
            lat += point.lat
            lon += point.lon
            n += 1
        }
        return n > 0 ? GeoPoint(lat: lat / n, lon: lon / n) : target.position
    }
}
