/// The configured zones, prepared for classifying positions.
///
/// Classification goes through a spatial index (``ZoneIndex``: a uniform grid with sub-grids
/// where zones are detailed, flat arrays, prepared polygon edges), so its cost does not grow with
/// the number of zones, and its answer is exactly that of the exact test ``contains(_:_:)`` for
/// every zone, boundary points included: `docs/geometry.md` gives the rules and the proof.
/// Building the index is linear in the zones' vertices and cells; do it once, at configuration.
public struct ZoneSet: Sendable {
    /// The zones, in configuration order.
    public let zones: [Zone]
    /// Indices of the border zones (lines that can be crossed).
    public let borderIndices: [Int]
    /// Indices of the mask zones.
    public let maskIndices: [Int]
    /// The area zones other than masks, in priority order.
    let index: ZoneIndex
    /// The mask zones.
    let maskIndex: ZoneIndex

    /// Prepares `zones` (builds the index).
    public init(zones: [Zone]) {
        self.zones = zones
        borderIndices = zones.indices.filter { zones[$0].kind == .border }
        maskIndices = zones.indices.filter { zones[$0].kind == .mask }
        // Priority order: higher priority first, then lower index.
        let ranked = zones.indices.sorted {
            zones[$0].priority != zones[$1].priority ? zones[$0].priority > zones[$1].priority : $0 < $1
        }
        index = ZoneIndexBuilder.build(ranked.filter { zones[$0].kind != .mask }.map { ($0, zones[$0].shape) })
        maskIndex = ZoneIndexBuilder.build(ranked.filter { zones[$0].kind == .mask }.map { ($0, zones[$0].shape) })
    }

    /// The zone with `id`, if any.
    public func zone(id: String) -> Zone? { zones.first { $0.id == id } }

    /// Whether `point` lies in a mask zone (a known heat source). Indexed; allocates nothing.
    public func isMasked(_ point: GeoPoint) -> Bool {
        maskIndex.first(containing: point) != nil
    }

    /// The indices of the zones whose area contains `point`, highest priority first (ties: lower
    /// index first). Lines have no area and masks are answered by ``isMasked(_:)``: neither is
    /// listed. Allocates the array; see ``classify(_:)`` and ``zones(containing:into:)`` for the
    /// allocation-free forms.
    public func zonesContaining(_ point: GeoPoint) -> [Int] {
        var result: [Int] = []
        index.collect(point, into: &result)
        return result
    }

    /// Replaces the contents of `result` with the indices of the zones whose area contains
    /// `point`, in the order of ``zonesContaining(_:)``. Allocates nothing once `result` has
    /// grown to the largest answer.
    public func zones(containing point: GeoPoint, into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        index.collect(point, into: &result)
    }

    /// The indices of the zones whose area contains `point`, in the order of
    /// ``zonesContaining(_:)``, in a value that allocates nothing unless the point is in more
    /// than ``ZoneMatches/inlineCapacity`` zones. The engine's path for every detection.
    public func classify(_ point: GeoPoint) -> ZoneMatches {
        var result = ZoneMatches()
        index.collect(point, into: &result)
        return result
    }

    /// Whether `shape` contains `point`: the exact test, zone by zone, without the index (the
    /// reference the index agrees with).
    ///
    /// - Polygons: ``Polygon/contains(_:)`` (planar in degrees, exact, half-open on the boundary).
    /// - Circles: distance from the centre in the tangent plane at the centre ≤ radius.
    /// - Bands: ``Polyline/proximity(of:)`` within the width (and on the side, if one).
    /// - Lines: never (no area).
    public static func contains(_ shape: ZoneShape, _ point: GeoPoint) -> Bool {
        switch shape {
        case .line:
            return false
        case .band(let line, let width, let side):
            return Band(line: line, width: width, side: side).contains(point)
        case .polygon(let polygon):
            return polygon.contains(point)
        case .circle(let center, let radius):
            return Disc(center: center, radius: radius).contains(point)
        }
    }

    /// The size of the index (zones other than masks), for benchmarks and capacity planning.
    public var indexStatistics: ZoneIndexStatistics { index.statistics }
}
