import Foundation

/// A WGS 84 position in decimal degrees, as alert messages and CAP areas give it.
public struct GeoCoordinate: Sendable, Equatable {
    /// Latitude, degrees north, -90...90.
    public var lat: Double
    /// Longitude, degrees east, -180...180.
    public var lon: Double

    /// A position.
    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }

    /// Whether both values are finite and in range.
    public var isValid: Bool {
        lat.isFinite && lon.isFinite && (-90...90).contains(lat) && (-180...180).contains(lon)
    }

    /// The CAP coordinate pair `lat,lon` (WGS 84, as `<polygon>` and `<circle>` take it), 6 decimals (about 0.1 m).
    public var capPair: String {
        "\(CAPNumber.text(lat, fractionDigits: 6)),\(CAPNumber.text(lon, fractionDigits: 6))"
    }
}

/// Numbers as CAP text: plain decimals, never an exponent.
enum CAPNumber {
    /// `value` rounded to `fractionDigits` decimals, trailing zeros (and a bare point) dropped.
    static func text(_ value: Double, fractionDigits: Int) -> String {
        var text = String(format: "%.\(fractionDigits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
