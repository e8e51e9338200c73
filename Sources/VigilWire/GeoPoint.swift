/// A position on the WGS84 ellipsoid, in degrees: the one coordinate type of the daemon, its
/// clients and the wire (`lat`, `lon` of frame reports and alert messages, CAP areas).
public struct GeoPoint: Sendable, Hashable {
    /// Latitude, degrees north, -90...90.
    public var lat: Double
    /// Longitude, degrees east, -180...180.
    public var lon: Double

    /// Creates a point from latitude and longitude in degrees.
    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }

    /// Whether both values are finite and in range.
    public var isValid: Bool {
        lat.isFinite && lon.isFinite && (-90...90).contains(lat) && (-180...180).contains(lon)
    }
}
