import VigilCore

/// The border as scenarios see it: the line of the zone of kind `border`, its side names, and
/// positions given in kilometres along it and metres off it.
public struct BorderLine: Sendable {
    /// The border zone's id.
    public let zoneID: String
    /// The line, from its first (south) vertex.
    public let line: Polyline
    /// The names of its left and right sides (`SY`, `IQ`).
    public let sides: SideNames

    /// Creates a border from a line and its side names.
    public init(zoneID: String, line: Polyline, sides: SideNames) {
        self.zoneID = zoneID
        self.line = line
        self.sides = sides
    }

    /// The first zone of kind `border` with a line geometry, or `nil`.
    public init?(zones: [Zone]) {
        for zone in zones where zone.kind == .border {
            if case .line(let line, let names) = zone.shape {
                self.init(zoneID: zone.id, line: line, sides: names)
                return
            }
        }
        return nil
    }

    /// The line's length in kilometres.
    public var lengthKm: Double { line.length / 1000 }

    /// The side called `name`, or `nil` when the border has no side of that name.
    public func side(named name: String) -> LineSide? {
        if name == sides.left { return .left }
        if name == sides.right { return .right }
        return nil
    }

    /// The point `offsetM` metres to `side` of the line, perpendicular to it at `km`.
    public func point(km: Double, side: LineSide, offsetM: Double) -> GeoPoint {
        offsetM == 0 ? line.point(along: km * 1000) : line.point(along: km * 1000, offset: offsetM, side: side)
    }

    /// Where `point` stands: km along the line, side name and distance in metres; `nil` when it
    /// is further than the line's reach (10 km).
    public func locate(_ point: GeoPoint) -> (km: Double, side: String, distanceM: Double)? {
        guard let proximity = line.proximity(of: point) else { return nil }
        return (proximity.along / 1000, sides.name(of: proximity.side), proximity.distance)
    }
}
