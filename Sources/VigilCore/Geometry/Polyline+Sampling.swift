extension Polyline {
    /// The point `metres` along the line from its first vertex (clamped to the line's ends).
    public func point(along metres: Double) -> GeoPoint {
        let target = min(max(metres, 0), length)
        var i = 0
        while i + 2 < cumulative.count && cumulative[i + 1] < target { i += 1 }
        let span = cumulative[i + 1] - cumulative[i]
        let t = span > 0 ? (target - cumulative[i]) / span : 0
        let plane = LocalPlane(origin: points[i])
        let a = plane.project(points[i]), b = plane.project(points[i + 1])
        return plane.unproject(a + (b - a) * t)
    }

    /// The unit direction of the line (east, north) at `metres` along it.
    public func direction(along metres: Double) -> Vector2 {
        let target = min(max(metres, 0), length)
        var i = 0
        while i + 2 < cumulative.count && cumulative[i + 1] < target { i += 1 }
        let plane = LocalPlane(origin: points[i])
        let d = plane.project(points[i + 1]) - plane.project(points[i])
        return d * (1 / max(d.length, .leastNormalMagnitude))
    }

    /// The point `offset` metres to one `side` of the line, perpendicular to it at `metres` along it.
    public func point(along metres: Double, offset: Double, side: LineSide) -> GeoPoint {
        let base = point(along: metres)
        let d = direction(along: metres)
        let left = Vector2(x: -d.y, y: d.x)
        let plane = LocalPlane(origin: base)
        return plane.unproject(left * (side == .left ? offset : -offset))
    }
}
