/// Says where a position is the way operators do: the km of border it lies at and the named place
/// it is near ("near Rabia (IQ), km 412.3").
///
/// The km is that of the nearest point of the nearest border line (a zone whose shape is
/// ``ZoneShape/line(_:_:)``), counted from the line's first vertex: the km of `vigil coverage` and
/// of a `coverage_gap`'s stretch. Both answers reach ``reach`` metres from the position and no
/// further: a position further from every line has no km, one further from every place no place.
public struct BorderLocator: Sendable {
    /// How far from a border line or a place a position may be and still be located by it, in
    /// metres (default 25 km).
    public let reach: Double
    /// The border lines, each the line of a border zone prepared for queries up to ``reach``.
    private let lines: [Polyline]
    /// The places, in gazetteer order.
    public let places: [Place]

    /// A locator on the border lines among `zones` and on `places`.
    public init(zones: [Zone], places: [Place], reach: Double = 25_000) {
        self.reach = reach
        self.places = places
        // The zones' own lines answer only within their zone's reach (10 km); these answer as far
        // as a place may be. The vertices are the same, so the km are the same.
        lines = zones.compactMap { zone in
            guard case .line(let line, _) = zone.shape else { return nil }
            return Polyline(points: line.points, reach: reach)
        }
    }

    /// Whether there is any border line to give km along.
    public var hasBorder: Bool { !lines.isEmpty }

    /// Km along the border line nearest `point`, at the point of the line nearest `point`; nil when
    /// no border line is within ``reach``.
    public func km(of point: GeoPoint) -> Double? {
        var nearest: LineProximity?
        for line in lines {
            guard let proximity = line.proximity(of: point) else { continue }
            if nearest.map({ proximity.distance < $0.distance }) ?? true { nearest = proximity }
        }
        return nearest.map { $0.along / 1_000 }
    }

    /// The place nearest `point`, if one is within ``reach`` (ties: the first in the gazetteer).
    ///
    /// Distances are measured in the tangent plane at `point` (``GeoPoint/distance(to:)``), which
    /// at 25 km measures long by about 15 m: enough to say which town is nearer.
    public func place(near point: GeoPoint) -> Place? {
        var nearest: (place: Place, distance: Double)?
        for place in places {
            let distance = point.distance(to: place.position)
            if distance <= reach && distance < (nearest?.distance ?? .infinity) { nearest = (place, distance) }
        }
        return nearest?.place
    }
}
