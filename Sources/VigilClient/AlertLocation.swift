/// Where an alert is, in the words its text line uses (``AlertTextFormatter``): the named place
/// nearest its position and the km of border it lies at. The caller works them out (`vigil tail`
/// from the configuration's border line and a gazetteer); either can be missing.
public struct AlertLocation: Sendable, Equatable {
    /// A named place.
    public struct Place: Sendable, Equatable {
        /// The name, e.g. `Rabia`.
        public var name: String
        /// The country code, e.g. `iq` (printed upper case), or nil.
        public var country: String?

        /// A place called `name` in `country`.
        public init(name: String, country: String? = nil) {
            self.name = name
            self.country = country
        }
    }

    /// The named place nearest the alert's position, if one is near enough to say "near".
    public var place: Place?
    /// Km along the border line of the point of the line nearest the alert's position, if a
    /// border line is near enough.
    public var km: Double?

    /// A location; nil parts are left out of the line.
    public init(place: Place? = nil, km: Double? = nil) {
        self.place = place
        self.km = km
    }
}
