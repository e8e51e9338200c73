/// The configured zones, prepared for classifying positions.
///
/// Classification tests each zone's exact shape in turn (band zones through their line's grid
/// index); it is linear in the number of zones, which is small in this first engine.
public struct ZoneSet: Sendable {
    /// The zones, in configuration order.
    public let zones: [Zone]
    /// Indices of the border zones (lines that can be crossed).
    public let borderIndices: [Int]
    /// Indices of the mask zones.
    public let maskIndices: [Int]

    /// Prepares `zones`.
    public init(zones: [Zone]) {
        self.zones = zones
        borderIndices = zones.indices.filter { zones[$0].kind == .border }
        maskIndices = zones.indices.filter { zones[$0].kind == .mask }
    }

    /// The zone with `id`, if any.
    public func zone(id: String) -> Zone? { zones.first { $0.id == id } }

    /// Whether `point` lies in a mask zone (a known heat source).
    public func isMasked(_ point: GeoPoint) -> Bool {
        maskIndices.contains { Self.contains(zones[$0].shape, point) }
    }

    /// The indices of the zones whose area contains `point`, highest priority first (lines
    /// themselves have no area and are never listed).
    public func zonesContaining(_ point: GeoPoint) -> [Int] {
        var result: [Int] = []
        for index in zones.indices where zones[index].kind != .mask && Self.contains(zones[index].shape, point) {
            result.append(index)
        }
        if result.count > 1 {
            result.sort { zones[$0].priority != zones[$1].priority ? zones[$0].priority > zones[$1].priority : $0 < $1 }
        }
        return result
    }

    /// Whether `shape` contains `point`.
    public static func contains(_ shape: ZoneShape, _ point: GeoPoint) -> Bool {
        switch shape {
        case .line:
            return false
        case .band(let line, let width, let side):
            guard let proximity = line.proximity(of: point), proximity.distance <= width else { return false }
            return side == nil || proximity.side == side
        case .polygon(let polygon):
            return polygon.contains(point)
        case .circle(let center, let radius):
            // A degree of latitude is at least 110,574 m anywhere: a cheap reject before the exact test.
            if abs(point.lat - center.lat) * 110_574 > radius { return false }
            return center.distance(to: point) <= radius
        }
    }
}
