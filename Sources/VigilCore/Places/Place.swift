/// A named place operators refer to (a town, a crossing), from a gazetteer such as
/// `Config/data/iraq-syria/places.geojson`.
public struct Place: Sendable, Equatable {
    /// The name operators use, e.g. `Rabia`.
    public var name: String
    /// The country it lies in, as the gazetteer writes it (`iq`), or nil when it says none.
    public var country: String?
    /// Where it is.
    public var position: GeoPoint

    /// Creates a place.
    public init(name: String, country: String? = nil, position: GeoPoint) {
        self.name = name
        self.country = country
        self.position = position
    }
}
