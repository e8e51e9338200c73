import VigilCore

/// Reads one feature of a zones file into a ``VigilCore/Zone``, collecting every problem of the
/// feature (properties, geometry, positions, rings) instead of stopping at the first.
struct ZonesFeatureReader {
    /// At most this many intersections are listed for one geometry; the rest are counted.
    static let maxIntersectionsListed = 20

    /// The feature's index in `features`.
    let index: Int
    /// Its id (`properties.id`, else the top-level `id`), if it has one.
    let id: String?
    /// Its properties.
    let properties: [String: JSONValue]
    /// The problems found so far.
    private(set) var problems: [ZoneProblem] = []

    init(index: Int, id: String?, properties: [String: JSONValue]) {
        self.index = index
        self.id = id
        self.properties = properties
    }

    /// Whether an error (not only warnings) was found.
    var hasError: Bool { problems.contains { $0.severity == .error } }

    mutating func error(_ code: ZoneProblem.Code, _ key: String, _ message: String) {
        problems.append(ZoneProblem(.error, code, featureIndex: index, id: id, key: key, message))
    }

    mutating func warning(_ code: ZoneProblem.Code, _ key: String, _ message: String) {
        problems.append(ZoneProblem(.warning, code, featureIndex: index, id: id, key: key, message))
    }

    // MARK: Properties

    /// The string property `key`; `nil` (and an error) if it is there but not a string.
    mutating func optionalString(_ key: String) -> String? {
        guard let value = properties[key] else { return nil }
        guard case .string(let string) = value else {
            error(.badValue, "properties.\(key)", "expected a string, found \(value.describe)")
            return nil
        }
        return string
    }

    /// The number property `key` within `range` (a whole number if `integer`); `nil` (and an
    /// error) if it is there but wrong, `nil` if it is not there.
    mutating func optionalNumber(_ key: String, in range: ClosedRange<Double>, integer: Bool = false) -> Double? {
        guard let value = properties[key] else { return nil }
        let expected = "expected \(integer ? "a whole number" : "a number") from \(range.lowerBound) to \(range.upperBound)"
        guard case .number(let number) = value, range.contains(number), !integer || number.rounded() == number else {
            error(.badValue, "properties.\(key)", "\(expected), found \(value.describe)")
            return nil
        }
        return number
    }

    /// The number property `key` the geometry needs: an error if it is missing or wrong.
    mutating func requiredNumber(_ key: String, in range: ClosedRange<Double>, for what: String) -> Double? {
        guard properties[key] != nil else {
            error(.missingProperty, "properties.\(key)", "missing; \(what) needs \(key), a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return optionalNumber(key, in: range)
    }

    private mutating func ignored(_ keys: [String], because reason: String) {
        for key in keys where properties[key] != nil {
            warning(.ignoredProperty, "properties.\(key)", "ignored: \(reason)")
        }
    }

    // MARK: The zone

    /// The zone the feature describes, or `nil` if a problem prevents building it.
    mutating func zone(geometry: JSONValue?, lines: inout [[GeoPoint]: Polyline]) -> Zone? {
        var kind: ZoneKind?
        switch properties["kind"] {
        case nil:
            error(.missingKind, "properties.kind", "missing; expected one of \(Self.kinds)")
        case .string(let name)?:
            kind = ZoneKind(rawValue: name)
            if kind == nil { error(.unknownKind, "properties.kind", "unknown kind \"\(name)\"; expected one of \(Self.kinds)") }
        case let other?:
            error(.badValue, "properties.kind", "expected a string, one of \(Self.kinds), found \(other.describe)")
        }
        let name = optionalString("name")
        let priority = optionalNumber("priority", in: -1_000_000...1_000_000, integer: true)
        let inertia = optionalNumber("inertia", in: 1...1_000, integer: true)
        let loitering = optionalNumber("loitering_s", in: 1...86_400)
        let shape = self.shape(geometry: geometry, kind: kind, lines: &lines)
        guard let id, let kind, let shape else { return nil }
        return Zone(
            id: id, name: name ?? id, kind: kind, priority: priority.map { Int($0) }, shape: shape,
            inertiaFrames: inertia.map { Int($0) }, loiteringSeconds: loitering)
    }

    private static let kinds = ZoneKind.allCases.map(\.rawValue).joined(separator: ", ")
    private static let geometries = "LineString, Polygon, MultiPolygon or Point"

    private mutating func shape(geometry: JSONValue?, kind: ZoneKind?, lines: inout [[GeoPoint]: Polyline]) -> ZoneShape? {
        guard case .object(let geometry)? = geometry else {
            error(.unsupportedGeometry, "geometry", "missing; expected a geometry object (\(Self.geometries))")
            return nil
        }
        guard case .string(let type)? = geometry["type"] else {
            error(.unsupportedGeometry, "geometry.type", "missing; expected \(Self.geometries)")
            return nil
        }
        let coordinates = geometry["coordinates"]
        if kind == .border && type != "LineString" {
            error(.borderNotLine, "geometry.type", "a border is a LineString, found \(type)")
            return nil
        }
        switch type {
        case "LineString":
            return line(coordinates, kind: kind, lines: &lines)
        case "Point":
            ignored(["band_m", "side"], because: "a Point zone is a disc of radius_m")
            let center = position(coordinates, "geometry.coordinates")
            let radius = requiredNumber("radius_m", in: 1...100_000, for: "a Point zone (a disc)")
            guard let center, let radius else { return nil }
            return .circle(center: center, radius: radius)
        case "Polygon":
            ignored(["band_m", "side", "radius_m"], because: "a Polygon zone is the area inside its rings")
            guard let rings = rings(coordinates, "geometry.coordinates", part: 0) else { return nil }
            guard checkRings(rings) else { return nil }
            return .polygon(Polygon(rings: rings.map(\.points)))
        case "MultiPolygon":
            ignored(["band_m", "side", "radius_m"], because: "a MultiPolygon zone is the area inside its polygons")
            guard case .array(let parts)? = coordinates, !parts.isEmpty else {
                error(.badCoordinates, "geometry.coordinates", "expected a non-empty array of polygons (arrays of linear rings)")
                return nil
            }
            var all: [ZonesRingCheck.Ring] = []
            var complete = true
            for (i, part) in parts.enumerated() {
                if let rings = rings(part, "geometry.coordinates[\(i)]", part: i) { all += rings } else { complete = false }
            }
            guard complete, checkRings(all) else { return nil }
            return .polygon(Polygon(rings: all.map(\.points)))
        default:
            error(.unsupportedGeometry, "geometry.type", "unsupported geometry \"\(type)\"; expected \(Self.geometries)")
            return nil
        }
    }

    private mutating func line(_ coordinates: JSONValue?, kind: ZoneKind?, lines: inout [[GeoPoint]: Polyline]) -> ZoneShape? {
        ignored(["radius_m"], because: "a LineString zone is a border or a band")
        let points = positions(coordinates, "geometry.coordinates")
        if let points, points.count < 2 {
            error(.tooFewPositions, "geometry.coordinates", "a LineString needs at least 2 positions, found \(points.count)")
        }
        if let points { repeatedPositions(points, "geometry.coordinates") }
        let left = optionalString("left"), right = optionalString("right")
        let names: SideNames?
        let band: (width: Double, side: LineSide?)?
        if kind == .border {
            ignored(["band_m", "side"], because: "a border is a line without width")
            if let left, let right, left != right {
                names = SideNames(left: left, right: right)
            } else {
                names = nil
                if let left, left == right {
                    error(.borderSides, "properties.right", "left and right both name \"\(left)\"; a border's two sides need two names")
                } else if properties["left"] == nil || properties["right"] == nil {
                    // (a left or right of the wrong type is already reported)
                    error(.borderSides, "properties", "a border needs properties \"left\" and \"right\" naming its two sides")
                }
            }
            band = nil
        } else {
            names = nil
            let width = requiredNumber("band_m", in: 1...10_000, for: "a LineString zone other than a border (a band along the line)")
            let sideName = optionalString("side") ?? (properties["side"] == nil ? "both" : nil)
            var side: LineSide??
            switch sideName {
            case nil: side = nil
            case "both": side = .some(nil)
            case "left", left ?? "\u{0}": side = .left
            case "right", right ?? "\u{0}": side = .right
            case let other?:
                let choices = ["both", "left", "right"] + [left, right].compactMap { $0 }
                error(.badSide, "properties.side", "unknown side \"\(other)\"; expected one of \(choices.joined(separator: ", "))")
                side = nil
            }
            if let width, let side { band = (width, side) } else { band = nil }
        }
        guard let points, points.count >= 2, !hasError else { return nil }
        let polyline = lines[points] ?? Polyline(points: points, reach: 10_000)
        lines[points] = polyline
        if let names { return .line(polyline, names) }
        if let band { return .band(polyline, width: band.width, side: band.side) }
        return nil
    }

    // MARK: Positions and rings

    /// A position `[longitude, latitude]` inside WGS84 bounds.
    mutating func position(_ value: JSONValue?, _ key: String) -> GeoPoint? {
        guard case .array(let items)? = value, items.count >= 2, case .number(let lon) = items[0], case .number(let lat) = items[1] else {
            error(.badCoordinates, key, "expected a position [longitude, latitude], found \(value?.describe ?? "nothing")")
            return nil
        }
        var outside: [String] = []
        if !(-180...180).contains(lon) { outside.append("longitude \(lon)") }
        if !(-90...90).contains(lat) { outside.append("latitude \(lat)") }
        guard outside.isEmpty else {
            error(.outOfBounds, key, "\(outside.joined(separator: " and ")) outside WGS84 bounds (longitude -180 to 180, latitude -90 to 90)")
            return nil
        }
        return GeoPoint(lat: lat, lon: lon)
    }

    /// An array of positions; `nil` if it or any of its positions is wrong (every one is reported).
    mutating func positions(_ value: JSONValue?, _ key: String) -> [GeoPoint]? {
        guard case .array(let items)? = value else {
            error(.badCoordinates, key, "expected an array of positions, found \(value?.describe ?? "nothing")")
            return nil
        }
        var result: [GeoPoint] = []
        var complete = true
        for (i, item) in items.enumerated() {
            if let point = position(item, "\(key)[\(i)]") { result.append(point) } else { complete = false }
        }
        return complete ? result : nil
    }

    private mutating func repeatedPositions(_ points: [GeoPoint], _ key: String) {
        for i in points.indices.dropFirst() where points[i] == points[i - 1] {
            warning(.repeatedPosition, "\(key)[\(i)]", "the same position as the one before it (a zero-length edge)")
        }
    }

    /// The linear rings of one polygon: each an array of at least 4 positions, closed.
    private mutating func rings(_ value: JSONValue?, _ key: String, part: Int) -> [ZonesRingCheck.Ring]? {
        guard case .array(let items)? = value, !items.isEmpty else {
            error(.badCoordinates, key, "expected a non-empty array of linear rings, found \(value?.describe ?? "nothing")")
            return nil
        }
        var rings: [ZonesRingCheck.Ring] = []
        var complete = true
        for (i, item) in items.enumerated() {
            let ringKey = "\(key)[\(i)]"
            guard let points = positions(item, ringKey) else {
                complete = false
                continue
            }
            if points.count < 4 {
                error(.tooFewPositions, ringKey, "a linear ring needs at least 4 positions, found \(points.count)")
                complete = false
            } else if points.first != points.last {
                error(
                    .ringNotClosed, ringKey,
                    "ring is not closed: the first position \(Self.format(points[0])) and the last \(Self.format(points[points.count - 1])) differ")
                complete = false
            } else {
                repeatedPositions(points, ringKey)
                rings.append(ZonesRingCheck.Ring(points: points, key: ringKey, part: part, isHole: i > 0))
            }
        }
        return complete ? rings : nil
    }

    /// Checks the rings of a Polygon or MultiPolygon together: degenerate rings, edges that
    /// cross, holes outside their exterior, overlapping polygons, winding. Returns whether the
    /// geometry is valid (warnings allowed).
    private mutating func checkRings(_ rings: [ZonesRingCheck.Ring]) -> Bool {
        let check = ZonesRingCheck(rings: rings)
        var valid = true
        var flawed = Set<Int>()  // rings with errors: no winding or containment verdict on them
        let areas = rings.map { ZonesRingCheck.signedArea($0.points) }
        for (r, ring) in rings.enumerated() where ZonesRingCheck.isCollinear(ring.points) {
            error(.degenerateRing, ring.key, "ring has no area (all its positions lie on one line)")
            flawed.insert(r)
            valid = false
        }
        let degenerate = flawed
        let intersections = check.intersections().filter { !degenerate.contains($0.ringA) && !degenerate.contains($0.ringB) }
        for (n, hit) in intersections.enumerated() {
            flawed.formUnion([hit.ringA, hit.ringB])
            valid = false
            guard n < Self.maxIntersectionsListed else { continue }
            let a = rings[hit.ringA], b = rings[hit.ringB]
            let at = Self.format(hit.point)
            if hit.ringA == hit.ringB {
                let verb = hit.contact == .crossing ? "crosses" : hit.contact == .touch ? "touches" : "runs back over"
                error(.selfIntersection, a.key, "ring \(verb) itself: edges \(hit.edgeA) and \(hit.edgeB) meet at \(at)")
            } else {
                let verb = hit.contact == .crossing ? "crosses" : "overlaps"
                let what = b.isHole ? "hole" : a.part != b.part ? "polygon" : "ring"
                error(
                    .selfIntersection, b.key,
                    "\(what) \(verb) \(a.described): its edge \(hit.edgeB) and edge \(hit.edgeA) of \(a.name) meet at \(at)")
            }
        }
        if intersections.count > Self.maxIntersectionsListed {
            error(.selfIntersection, "geometry.coordinates", "\(intersections.count - Self.maxIntersectionsListed) more intersections not listed")
        }
        // Where rings lie relative to each other: only meaningful for rings that cross nothing.
        let exteriors = rings.indices.filter { !rings[$0].isHole }
        for (r, ring) in rings.enumerated() where ring.isHole && !flawed.contains(r) {
            guard let exterior = exteriors.last(where: { $0 < r }), !flawed.contains(exterior) else { continue }
            if ZonesRingCheck.locate(ring: ring.points, in: rings[exterior].points) == .outside {
                error(.holeOutside, ring.key, "hole lies outside its exterior ring \(rings[exterior].name)")
                valid = false
                continue
            }
            for other in rings.indices where other != r && rings[other].isHole && rings[other].part == ring.part && !flawed.contains(other) {
                if ZonesRingCheck.locate(ring: ring.points, in: rings[other].points) == .inside {
                    error(.holeOutside, ring.key, "hole lies inside another hole, \(rings[other].name), of the same polygon")
                    valid = false
                    break
                }
            }
        }
        for p in exteriors where !flawed.contains(p) {
            for q in exteriors where q != p && !flawed.contains(q) {
                guard ZonesRingCheck.locate(ring: rings[p].points, in: rings[q].points) == .inside else { continue }
                let holesOfQ = rings.indices.filter { rings[$0].isHole && rings[$0].part == rings[q].part }
                let inAHole = holesOfQ.contains { ZonesRingCheck.locate(ring: rings[p].points, in: rings[$0].points) == .inside }
                if !inAHole {
                    error(.overlappingParts, rings[p].key, "polygon lies inside polygon \(rings[q].name) of the same MultiPolygon; the polygons of a MultiPolygon may not overlap")
                    valid = false
                }
            }
        }
        for (r, ring) in rings.enumerated() where !flawed.contains(r) {
            if !ring.isHole && areas[r] < 0 {
                warning(.winding, ring.key, "exterior ring is clockwise; RFC 7946 says exterior rings are counter-clockwise (accepted)")
            } else if ring.isHole && areas[r] > 0 {
                warning(.winding, ring.key, "hole is counter-clockwise; RFC 7946 says holes are clockwise (accepted)")
            }
        }
        return valid
    }

    /// `[lon, lat]` with at most 7 decimals (about 1 cm).
    static func format(_ point: GeoPoint) -> String {
        func text(_ value: Double) -> String {
            let rounded = (value * 1e7).rounded() / 1e7
            return "\(rounded)"
        }
        return "[\(text(point.lon)), \(text(point.lat))]"
    }
}
