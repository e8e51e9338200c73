import Foundation

extension ZonesFile {
    /// Every problem in the zones file at `path`, in file order: errors (the loader refuses the
    /// file) and warnings (accepted, worth fixing).
    ///
    /// Checked: the file is a FeatureCollection of Features; every zone has a unique identifier
    /// id and a known kind; the properties its geometry needs (`band_m`, `radius_m`, a border's
    /// `left` and `right`, a band's `side`) are there and in range, and the optional ones
    /// (`name`, `priority`, `inertia`, `loitering_s`) have the right type; the geometry is a
    /// LineString, Polygon, MultiPolygon or Point (a border only a LineString); every position is
    /// inside WGS84 bounds; every ring has at least 4 positions, is closed, has an area, and
    /// neither crosses nor touches itself; holes cross neither their exterior nor each other and
    /// lie inside their exterior; the polygons of a MultiPolygon do not overlap. Warnings: rings
    /// wound against RFC 7946 (exterior counter-clockwise, holes clockwise), repeated positions,
    /// properties the zone does not use, a top-level `id` that differs from `properties.id`.
    ///
    /// - Parameters:
    ///   - path: the file to read.
    ///   - file: how the file is named in messages (default `path`); unused by the problems themselves.
    /// - Returns: the problems and the number of features in the file.
    public static func check(path: String, file: String? = nil) -> (problems: [ZoneProblem], features: Int) {
        var checker = ZonesFileChecker()
        checker.read(path: path)
        return (checker.problems, checker.featureCount)
    }

    /// Every problem in a zones file given as bytes; see ``check(path:file:)``.
    public static func check(data: Data) -> (problems: [ZoneProblem], features: Int) {
        var checker = ZonesFileChecker()
        checker.read(data: data)
        return (checker.problems, checker.featureCount)
    }
}
