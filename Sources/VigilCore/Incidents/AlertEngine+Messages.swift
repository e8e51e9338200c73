/// Incidents as alert messages: one message for either subject, and the incidents' ids.
extension AlertEngine {
    /// Incident `incident` as an alert message in state `state`: an incident about targets has
    /// its class, its members' count and its direction; one about cameras is of class `unknown`,
    /// counts its cameras and, for a gap, has the stretch.
    func message(_ state: AlertMessage.State, _ incident: Incident) -> AlertMessage {
        let group: Incident.TargetGroup? = if case .targets(let group) = incident.subject { group } else { nil }
        return AlertMessage(
            id: incident.id, state: state, kind: incident.kind, severity: incident.severity, objectClass: group?.objectClass ?? .unknown,
            count: incident.count, sector: incident.sector, zone: zones.zones[incident.zone].id, lat: incident.position.lat,
            lon: incident.position.lon, direction: group?.direction, cameras: incident.cameras.map { cameras[Int($0)].id },
            firstTs: incident.firstTs, lastTs: incident.lastTs, rule: rules[incident.rule].name, stretch: incident.stretch,
            exercise: isExercise(incident.cameras))
    }

    /// `al-` and 12 hex digits of an FNV-1a hash of the first camera, the incident's serial number
    /// and its first event time: stable for the same input, distinct across incidents.
    static func incidentID(camera: String, serial: UInt64, firstTs: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in camera.utf8 { mix(byte) }
        for shift in stride(from: 0, to: 64, by: 8) {
            mix(UInt8(truncatingIfNeeded: serial >> UInt64(shift)))
            mix(UInt8(truncatingIfNeeded: UInt64(bitPattern: firstTs) >> UInt64(shift)))
        }
        let hex = String(hash & 0xFFFF_FFFF_FFFF, radix: 16)
        return "al-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
