extension AlertMessage {
    /// An alert message as the engine produces it: everything of CONTRACT.md section 2 except
    /// `seq` and `emitted_ts` (0 here), which the publisher stamps; a coverage gap's stretch
    /// named after the alert's zone.
    public init(
        id: String, state: State, kind: String, severity: Severity, objectClass: ObjectClass, count: Int,
        sector: String, zone: String, lat: Double, lon: Double, direction: String?, cameras: [String],
        firstTs: Int64, lastTs: Int64, rule: String? = nil, stretch: CoverageStretch? = nil, exercise: Bool = false
    ) {
        self.init(
            seq: 0, id: id, state: state, kind: kind, severity: severity, objectClass: objectClass, count: count, sector: sector,
            zone: zone, position: GeoPoint(lat: lat, lon: lon), direction: direction, cameras: cameras, firstTs: firstTs,
            lastTs: lastTs, emittedTs: 0, rule: rule,
            stretch: stretch.map {
                AlertStretch(border: zone, fromKm: $0.fromKm, toKm: $0.toKm, km: $0.toKm - $0.fromKm, from: $0.from, to: $0.to)
            },
            exercise: exercise)
    }
}
