/// Camera health as incidents: `camera_offline` and `coverage_gap`.
///
/// - A registered camera is **offline** when the engine has heard nothing from it (no frame
///   report at all: detections, heartbeat, duplicate or late) for
///   ``EngineSettings/offlineAfterMs`` of wall time; a camera never heard from counts from the
///   engine's first call. It is back with its next report.
/// - A **coverage gap** is a stretch of border that the configured cameras cover and no live
///   camera covers now (``BorderCoverage``), at least ``EngineSettings/coverageGapMinM`` long.
///   Gaps are recomputed whenever a camera goes offline or comes back; a gap that overlaps an
///   open gap incident on the same line is that incident (updated when its stretch or cameras
///   change), a gap gone resolves it.
///
/// Both go through the rules (events `camera_offline`, `coverage_gap`): a camera event's zone is
/// the border line the camera watches (``BorderCoverage/borderZone(of:)``), its cameras the
/// offline ones, its time the event time of the last frame heard from them (a camera never heard
/// from: the engine's start, wall time). A gap is inhibited when each of its cameras has an open
/// incident whose kind inhibits the gap's kind (`inhibits: [coverage_gap]` on the offline rule).
///
/// **No alert storms.** When a gateway or its link dies, every camera behind it falls silent at
/// once. Cameras whose silence began within ``EngineSettings/offlineGroupWindowMs`` of each
/// other in real wall time (``CameraHealth/silenceBegan(camera:)``: the daemon's downtime
/// between them, not counted towards the offline timeout, does not bring them together), and
/// whose offline rule and severity agree, are one `camera_offline` incident that lists them, the way Alertmanager groups alerts by labels: raised once with all the cameras
/// found silent together, updated when another joins it, resolved when the last of them is back.
/// A camera that fails alone is its own incident. The border they leave uncovered is in the
/// `coverage_gap` incidents beside it.
///
/// An offline incident has `count` the number of its cameras, class `unknown` and the centre of
/// its cameras; a gap's has the number of cameras that would cover it (every one it has
/// involved so far: a gap that narrows keeps its count), the middle of the stretch, and the
/// stretch itself as it is now (`stretch` in the alert).
///
/// This is the engine sequencing its parts: whether each camera is alive is the
/// ``CameraHealth``'s, the incidents the ``IncidentBook``'s (about cameras), the verdicts the
/// rules'.
extension AlertEngine {
    /// Notes that camera `camera` was heard at `wallNowMs` with a frame of event time `ts`; a
    /// camera that was offline is back.
    mutating func heard(camera: Int, wallNowMs: Int64, ts: Int64, into alerts: inout [AlertMessage]) {
        let (wasOffline, incident) = health.heard(camera: camera, wallNowMs: wallNowMs)
        guard wasOffline else { return }
        counters.camerasReturned += 1
        if let key = incident {
            // Resolved with the last of its cameras back.
            if var incident = incidents[key] {
                incident.lastTs = max(incident.lastTs, ts)
                if incident.cameras.contains(where: { health[Int($0)].incident == key }) {
                    incidents[key] = incident
                } else {
                    incidents[key] = nil
                    alerts.append(message(.resolved, incident))
                    counters.resolved += 1
                }
            }
        }
        updateGaps(ts: ts, into: &alerts)
    }

    /// Finds the cameras that have gone silent for the offline timeout; called from ``expire``.
    mutating func checkHealth(wallNowMs: Int64, into alerts: inout [AlertMessage]) {
        health.start(wallNowMs: wallNowMs)
        let offlineBefore = counters.camerasOffline
        // expire runs after every batch; a look at every camera a quarter of a second is plenty.
        guard !zones.zones.isEmpty, health.checkDue(wallNowMs: wallNowMs) else { return }
        // The cameras found silent now, with the rule that alerts on each; grouped below.
        var silent: [(camera: Int, rule: Int, severity: Severity, zone: Int, since: Int64)] = []
        let offline = health.offline
        for camera in offline.indices where !offline[camera] {
            guard wallNowMs - health.silentSince(camera: camera) >= settings.offlineAfterMs else { continue }
            health.goneOffline(camera: camera)
            counters.camerasOffline += 1
            let zone = coverage.borderZone(of: camera) ?? zones.borderIndices.first ?? 0
            guard let (rule, severity) = ruleBook.healthRule(.cameraOffline, cameras: [Int32(camera)], zone: zone, ts: lastHeardTs(of: camera), counters: &counters)
            else { continue }
            silent.append((camera, rule, severity, zone, health.silenceBegan(camera: camera)))
        }
        let changed = counters.camerasOffline != offlineBefore
        // Each joins an open incident of cameras that fell silent with it, or one raised now with
        // the others found with it.
        var raisedNow: [UInt64] = []
        for found in silent.sorted(by: { ($0.since, $0.camera) < ($1.since, $1.camera) }) {
            let camera = found.camera
            let near = incidents.cameraKeys.first { key in
                guard settings.offlineGroupWindowMs > 0, let incident = incidents[key], incident.stretch == nil, incident.rule == found.rule,
                    incident.severity == found.severity, let since = health.silenceBegan(of: incident.cameras)
                else { return false }
                return abs(found.since - since) <= settings.offlineGroupWindowMs
            }
            if let key = near {
                var incident = incidents[key]!
                incident.cameras.append(Int32(camera))
                incident.lastTs = max(incident.lastTs, lastHeardTs(of: camera))
                incident.position = centre(of: incident.cameras)
                incidents[key] = incident
                health.setIncident(key, camera: camera)
                if !raisedNow.contains(key) {
                    alerts.append(message(.updated, incident))
                    counters.updated += 1
                }
                continue
            }
            let ts = lastHeardTs(of: camera)
            let key = incidents.newKey()
            incidents[key] = Incident(
                id: Self.incidentID(camera: cameras[camera].id, serial: key, firstTs: ts), kind: rules[found.rule].kind!,
                kindNumber: ruleBook.compiled[found.rule].kind, severity: found.severity, rule: found.rule, zone: found.zone,
                sector: cameras[camera].sector, cameras: [Int32(camera)], firstTs: ts, lastTs: ts, position: cameras[camera].position,
                subject: .cameras(stretch: nil))
            health.setIncident(key, camera: camera)
            raisedNow.append(key)
        }
        for key in raisedNow {
            alerts.append(message(.raised, incidents[key]!))
            counters.raised += 1
        }
        if changed { updateGaps(ts: nil, into: &alerts) }
    }

    /// The centre of `cameraIndices`' positions.
    private func centre(of cameraIndices: [Int32]) -> GeoPoint {
        let points = cameraIndices.map { cameras[Int($0)].position }
        return GeoPoint(lat: points.map(\.lat).reduce(0, +) / Double(points.count), lon: points.map(\.lon).reduce(0, +) / Double(points.count))
    }

    /// The event time of the last frame heard from `camera` (before a restart, for a camera not
    /// heard since); the engine's start for a camera never heard.
    func lastHeardTs(of camera: Int) -> Int64 {
        sequencer.newestTs(camera: camera) ?? health.restoredHeardTs[camera] ?? health.startWallMs ?? 0
    }

    /// Raises, updates and resolves the gap incidents for the live cameras now. `ts` is the
    /// event time of the frame that brought a camera back (`nil` when a camera went offline).
    private mutating func updateGaps(ts: Int64?, into alerts: inout [AlertMessage]) {
        let offline = health.offline
        let gaps = coverage.gaps(live: { !offline[$0] }, minLengthM: settings.coverageGapMinM)
        var unmatched = health.gapKeys
        var keys: [UInt64] = []
        for gap in gaps {
            let gapCameras = gap.cameras.map(Int32.init)
            let opened = gapCameras.map { lastHeardTs(of: Int($0)) }.max() ?? 0
            // The open gap incident on the same line that overlaps this gap the most.
            var best: (index: Int, overlap: Double)?
            for (index, key) in unmatched.enumerated() {
                guard let stretch = incidents[key]?.stretch, stretch.border == gap.stretch.border else { continue }
                let overlap = min(stretch.toKm, gap.stretch.toKm) - max(stretch.fromKm, gap.stretch.fromKm)
                if overlap > 0 && overlap > (best?.overlap ?? 0) { best = (index, overlap) }
            }
            if let best {
                let key = unmatched.remove(at: best.index)
                keys.append(key)
                var incident = incidents[key]!
                // The stretch is the gap as it is now; the cameras, every one it has involved so
                // far (as for targets, `count` never falls: a gap that narrows as cameras return
                // keeps them listed).
                let joining = gapCameras.filter { !incident.cameras.contains($0) }
                guard incident.stretch != gap.stretch || !joining.isEmpty else { continue }
                incident.subject = .cameras(stretch: gap.stretch)
                incident.cameras += joining
                incident.position = Self.middle(of: gap.stretch, zones: zones)
                incident.lastTs = max(incident.lastTs, ts ?? opened)
                incidents[key] = incident
                alerts.append(message(.updated, incident))
                counters.updated += 1
                continue
            }
            guard let (rule, severity) = ruleBook.healthRule(.coverageGap, cameras: gapCameras, zone: gap.stretch.border, ts: opened, counters: &counters),
                !gapInhibited(rule: rule, cameras: gapCameras)
            else { continue }
            let key = incidents.newKey()
            let first = cameras[Int(gapCameras.first ?? 0)]
            let incident = Incident(
                id: Self.incidentID(camera: first.id, serial: key, firstTs: opened), kind: rules[rule].kind!, kindNumber: ruleBook.compiled[rule].kind,
                severity: severity, rule: rule, zone: gap.stretch.border, sector: first.sector, cameras: gapCameras, firstTs: opened,
                lastTs: opened, position: Self.middle(of: gap.stretch, zones: zones), subject: .cameras(stretch: gap.stretch))
            incidents[key] = incident
            keys.append(key)
            alerts.append(message(.raised, incident))
            counters.raised += 1
        }
        for key in unmatched {
            guard var incident = incidents.close(key) else { continue }
            incident.lastTs = max(incident.lastTs, ts ?? incident.lastTs)
            alerts.append(message(.resolved, incident))
            counters.resolved += 1
        }
        health.setGapKeys(keys)
    }

    /// Whether every camera of a gap has an open incident whose kind inhibits the gap rule's kind.
    private mutating func gapInhibited(rule: Int, cameras gapCameras: [Int32]) -> Bool {
        let kind = ruleBook.compiled[rule].kind
        guard ruleBook.hasInhibitions, kind >= 0, !gapCameras.isEmpty else { return false }
        let inhibited = gapCameras.allSatisfy { camera in
            guard let key = health[Int(camera)].incident, let incident = incidents[key] else { return false }
            return ruleBook.inhibits(incident.kindNumber, kind)
        }
        if inhibited { counters.inhibited += 1 }
        return inhibited
    }

    /// The point halfway along a stretch.
    private static func middle(of stretch: CoverageStretch, zones: ZoneSet) -> GeoPoint {
        guard case .line(let line, _) = zones.zones[stretch.border].shape else { return stretch.from }
        return line.point(along: (stretch.fromKm + stretch.toKm) / 2 * 1_000)
    }
}
