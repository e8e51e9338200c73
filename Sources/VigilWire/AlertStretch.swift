/// The stretch of border a `coverage_gap` alert names (the extension field `stretch` of an
/// alert message): `{"border": ..., "from_km": ..., "to_km": ..., "km": ..., "from": [lat, lon],
/// "to": [lat, lon]}`.
public struct AlertStretch: Sendable, Equatable {
    /// The border zone's id (`border`).
    public var border: String
    /// Where the stretch starts, km along the border line (`from_km`).
    public var fromKm: Double
    /// Where it ends, km along the border line (`to_km`).
    public var toKm: Double
    /// Its length along the border, km (`km`; when absent, `|to_km - from_km|`).
    public var km: Double
    /// Its first end (`from`).
    public var from: GeoPoint
    /// Its other end (`to`).
    public var to: GeoPoint

    /// A stretch; `km` defaults to `|toKm - fromKm|`.
    public init(border: String, fromKm: Double, toKm: Double, km: Double? = nil, from: GeoPoint, to: GeoPoint) {
        self.border = border
        self.fromKm = fromKm
        self.toKm = toKm
        self.km = km ?? abs(toKm - fromKm)
        self.from = from
        self.to = to
    }
}
