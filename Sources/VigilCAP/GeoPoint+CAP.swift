import VigilWire

extension GeoPoint {
    /// The CAP coordinate pair `lat,lon` (WGS 84, as `<polygon>` and `<circle>` take it), 6 decimals (about 0.1 m).
    public var capPair: String {
        "\(CAPNumber.text(lat, fractionDigits: 6)),\(CAPNumber.text(lon, fractionDigits: 6))"
    }
}
