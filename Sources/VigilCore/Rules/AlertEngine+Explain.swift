/// The rules' verdict explained for `vigil rules test`: the engine finds the target and its
/// group, the ``RuleBook`` explains (`RuleBook+Explanation.swift`).
extension AlertEngine {
    /// Why the rules alert or not for the target that camera `camera` (an id) tracks as
    /// `track` now; `nil` when no live target has that track.
    public func explain(camera: String, track: UInt32) -> RuleExplanation? {
        guard let index = cameras.index(of: camera), let serial = targetSerial(camera: index, track: track),
            let target = tracker.targets[serial]
        else { return nil }
        var scratch = ruleBook
        let size = tracker.groupSize(of: target, incidents: incidents)
        return scratch.explain(target, size: size, incident: target.incident.flatMap { incidents[$0] }, cameras: cameras)
    }

    /// Why the rules gave incident `id` its kind: the explanation for each of its live members.
    public func explain(incident id: String) -> [RuleExplanation] {
        guard let key = incidents.key(ofTargetIncident: id), let incident = incidents[key] else { return [] }
        var scratch = ruleBook
        return incident.group.members.compactMap { serial in
            guard let target = tracker.targets[serial], target.incident == key else { return nil }
            return scratch.explain(target, size: incident.count, incident: incident, cameras: cameras)
        }
    }

    private func targetSerial(camera: Int, track: UInt32) -> UInt64? {
        for (serial, target) in tracker.targets where target.tracks.contains(where: { Int($0.camera) == camera && $0.track == track }) {
            return serial
        }
        return nil
    }
}
