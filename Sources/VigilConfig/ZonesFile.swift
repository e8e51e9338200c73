import Foundation
import VigilCore

/// Reads zones from a GeoJSON FeatureCollection (`Config/zones.geojson`).
///
/// Each feature has properties `id`, `name`, `kind` (a ``ZoneKind``) and optionally `priority`,
/// `inertia` (frames inside before a target counts as inside) and `loitering_s`.
/// Geometries:
/// - kind `border`: a LineString with properties `left` and `right` naming its two sides;
/// - a LineString with `band_m` (metres) and `side` (`both`, `left`, `right`, or the name given
///   by the feature's own `left`/`right` properties): the band within `band_m` of the line;
/// - Polygon or MultiPolygon (with holes); edges are straight in longitude/latitude (RFC 7946);
/// - Point with `radius_m`: a disc.
///
/// ``check(path:file:)`` lists every problem of a file (see ``ZoneProblem``); ``load(path:file:)``
/// refuses a file with any error-level problem and accepts warnings (such as RFC 7946 winding).
public enum ZonesFile {
    /// Loads and validates the zones in the file at `path`, named `file` in errors.
    ///
    /// Throws the first error-level problem that ``check(path:file:)`` would report, as a
    /// ``ConfigError`` whose key names the feature (`features[3] (id qaim-flare).geometry.coordinates[0]`).
    public static func load(path: String, file: String? = nil) throws(ConfigError) -> [Zone] {
        var checker = ZonesFileChecker()
        checker.read(path: path)
        if let first = checker.problems.first(where: { $0.severity == .error }) {
            throw first.configError(file: file ?? path)
        }
        return checker.zones
    }

    /// Reads and validates the zones in `data` (a zones file's bytes), named `file` in errors;
    /// the same checks as ``load(path:file:)``.
    public static func parse(data: Data, file: String) throws(ConfigError) -> [Zone] {
        var checker = ZonesFileChecker()
        checker.read(data: data)
        if let first = checker.problems.first(where: { $0.severity == .error }) {
            throw first.configError(file: file)
        }
        return checker.zones
    }
}
