/// One problem found in a zones file by ``ZonesFile/check(path:file:)``: how bad it is, which
/// feature (index and id), where in the feature (a key path such as `geometry.coordinates[0][17]`)
/// and what is wrong.
///
/// Printed, it reads
/// `features[3] (id qaim-flare): geometry.coordinates[0][17]: longitude 200.0 outside WGS84 bounds`.
public struct ZoneProblem: Sendable, Equatable, CustomStringConvertible {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// Accepted by the loader, but worth fixing (RFC 7946 tells parsers not to reject it).
        case warning
        /// The loader refuses the file.
        case error

        /// Warnings order before errors.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    /// What kind of problem it is; stable names for tests and tools (`ring-not-closed`).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The file cannot be read, or is not JSON.
        public static let unreadable = Code(rawValue: "unreadable")
        /// The file is not a GeoJSON FeatureCollection, or a feature is not a Feature.
        public static let notGeoJSON = Code(rawValue: "not-geojson")
        /// A feature has no `id`.
        public static let missingID = Code(rawValue: "missing-id")
        /// An id is not an identifier (`[A-Za-z0-9_-]{1,64}`).
        public static let invalidID = Code(rawValue: "invalid-id")
        /// Two features have the same id.
        public static let duplicateID = Code(rawValue: "duplicate-id")
        /// The feature's top-level `id` and `properties.id` differ (warning: `properties.id` is used).
        public static let idMismatch = Code(rawValue: "id-mismatch")
        /// `properties.kind` is missing.
        public static let missingKind = Code(rawValue: "missing-kind")
        /// `properties.kind` is not a ``VigilCore/ZoneKind``.
        public static let unknownKind = Code(rawValue: "unknown-kind")
        /// A property the geometry needs (`band_m`, `radius_m`) is missing.
        public static let missingProperty = Code(rawValue: "missing-property")
        /// A property has the wrong type or is out of range.
        public static let badValue = Code(rawValue: "bad-value")
        /// A band's `side` is not `both`, `left`, `right` or one of the line's side names.
        public static let badSide = Code(rawValue: "bad-side")
        /// A border lacks `left`/`right`, or names both sides the same.
        public static let borderSides = Code(rawValue: "border-sides")
        /// A property that this kind or geometry does not use (warning: it is ignored).
        public static let ignoredProperty = Code(rawValue: "ignored-property")
        /// The geometry is missing, or of a type zones cannot be (MultiPoint, GeometryCollection, ...).
        public static let unsupportedGeometry = Code(rawValue: "unsupported-geometry")
        /// A border is not a LineString.
        public static let borderNotLine = Code(rawValue: "border-not-line")
        /// `coordinates` is not shaped as the geometry type requires.
        public static let badCoordinates = Code(rawValue: "bad-coordinates")
        /// A position outside longitude -180...180 or latitude -90...90.
        public static let outOfBounds = Code(rawValue: "out-of-bounds")
        /// A LineString with fewer than 2 positions, or a ring with fewer than 4.
        public static let tooFewPositions = Code(rawValue: "too-few-positions")
        /// A ring whose first and last positions differ.
        public static let ringNotClosed = Code(rawValue: "ring-not-closed")
        /// A ring with no area (all its positions on one line).
        public static let degenerateRing = Code(rawValue: "degenerate-ring")
        /// A ring that crosses or touches itself, or two rings of one geometry that cross.
        public static let selfIntersection = Code(rawValue: "self-intersection")
        /// A hole that is not inside its exterior ring, or inside another hole.
        public static let holeOutside = Code(rawValue: "hole-outside")
        /// Two polygons of a MultiPolygon overlap (one lies inside the other).
        public static let overlappingParts = Code(rawValue: "overlapping-parts")
        /// An exterior ring that is clockwise or a hole that is counter-clockwise (warning, RFC 7946 §3.1.6).
        public static let winding = Code(rawValue: "winding")
        /// The same position twice in a row (warning: a zero-length edge).
        public static let repeatedPosition = Code(rawValue: "repeated-position")
    }

    /// Error (the loader refuses the file) or warning.
    public var severity: Severity
    /// What kind of problem.
    public var code: Code
    /// Index of the feature in `features`, or `nil` for a problem with the whole file.
    public var featureIndex: Int?
    /// The feature's id, when it has one.
    public var id: String?
    /// Key path inside the feature (`properties.kind`, `geometry.coordinates[0][17]`), or inside
    /// the file for a problem with the whole file (`type`, `features`); may be empty.
    public var key: String
    /// What is wrong, and what was expected.
    public var message: String

    /// Creates a problem.
    public init(_ severity: Severity, _ code: Code, featureIndex: Int?, id: String?, key: String, _ message: String) {
        self.severity = severity
        self.code = code
        self.featureIndex = featureIndex
        self.id = id
        self.key = key
        self.message = message
    }

    /// How the feature is named: `features[3] (id qaim-flare)`, `features[3]`, or empty for the file.
    public var feature: String {
        guard let featureIndex else { return "" }
        return id.map { "features[\(featureIndex)] (id \($0))" } ?? "features[\(featureIndex)]"
    }

    /// The full key path, as a ``ConfigError`` names it: `features[3] (id qaim-flare).geometry.coordinates[0]`.
    public var path: String {
        let feature = self.feature
        if feature.isEmpty { return key }
        return key.isEmpty ? feature : "\(feature).\(key)"
    }

    /// `features[3] (id qaim-flare): geometry.coordinates[0][17]: message`.
    public var description: String {
        let parts = [feature, key, message].filter { !$0.isEmpty }
        return parts.joined(separator: ": ")
    }

    /// The problem as the error the loader throws for it.
    public func configError(file: String) -> ConfigError {
        ConfigError(file: file, key: path, message)
    }
}
