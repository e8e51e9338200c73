/// A position on the WGS84 ellipsoid, in degrees.
public struct GeoPoint: Sendable, Hashable {
    /// Latitude, degrees north.
    public var lat: Double
    /// Longitude, degrees east.
    public var lon: Double

    /// Creates a point from latitude and longitude in degrees.
    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }
}
