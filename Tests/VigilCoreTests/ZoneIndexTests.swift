#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import VigilCore

/// The zone index against the exact tests: every form of the indexed classification
/// (`zonesContaining`, `zones(containing:into:)`, `classify`, `isMasked`) must give exactly the
/// answer of `ZoneSet.contains` zone by zone, sorted by priority, on random zones and on the
/// points where an approximate index would slip: vertices, points exactly on edges, the
/// latitudes and longitudes of vertices (where the half-open rule decides), cell and sub-cell
/// boundaries, band and circle edges.
@Suite struct ZoneIndexTests {
    // MARK: Reference and comparison

    /// The zones containing `point` by the exact tests, highest priority first, then by index.
    static func reference(_ set: ZoneSet, _ point: GeoPoint) -> [Int] {
        set.zones.indices
            .filter { set.zones[$0].kind != .mask && ZoneSet.contains(set.zones[$0].shape, point) }
            .sorted { set.zones[$0].priority != set.zones[$1].priority ? set.zones[$0].priority > set.zones[$1].priority : $0 < $1 }
    }

    /// Checks every point; returns the number checked and the first few disagreements.
    static func compare(_ set: ZoneSet, _ points: [GeoPoint]) -> (checked: Int, failures: [String]) {
        var failures: [String] = []
        var buffer: [Int] = []
        for point in points {
            let expected = reference(set, point)
            set.zones(containing: point, into: &buffer)
            let listed = set.zonesContaining(point), classified = Array(set.classify(point))
            let masked = set.maskIndices.contains { ZoneSet.contains(set.zones[$0].shape, point) }
            if listed != expected || buffer != expected || classified != expected || set.isMasked(point) != masked {
                if failures.count < 10 {
                    failures.append("lat \(point.lat) lon \(point.lon): index \(listed) / \(buffer) / \(classified) masked \(set.isMasked(point)), exact \(expected) masked \(masked)")
                }
            }
        }
        return (points.count, failures)
    }

    // MARK: Random shapes

    /// A star-shaped ring around `center` (radii in degrees), closed; coordinates snapped to
    /// multiples of `snap` degrees when given (a dyadic step, so that midpoints of edges are
    /// exactly on them).
    static func star(_ rng: inout SplitMix64, center: GeoPoint, radius: Double, minimum: Double = 0.35, vertices: Int, snap: Double? = nil) -> [GeoPoint] {
        var angles = (0..<vertices).map { _ in rng.double(0, 2 * .pi) }
        angles.sort()
        var ring = angles.map { angle -> GeoPoint in
            let r = radius * rng.double(minimum, 1)
            var point = GeoPoint(lat: center.lat + r * sin(angle), lon: center.lon + r * cos(angle) * 1.2)
            if let snap {
                point = GeoPoint(lat: (point.lat / snap).rounded() * snap, lon: (point.lon / snap).rounded() * snap)
            }
            return point
        }
        ring.append(ring[0])
        return ring
    }

    /// Points that test a polygon's boundary: vertices, points on edges, and points sharing a
    /// vertex's latitude or longitude (exactly, and one ulp off).
    static func boundaryPoints(_ rng: inout SplitMix64, _ rings: [[GeoPoint]], count: Int, exactMidpoints: Bool) -> [GeoPoint] {
        var points: [GeoPoint] = []
        let all = rings.flatMap { $0 }
        for _ in 0..<count {
            let ring = rings[rng.int(0..<rings.count)]
            let i = rng.int(0..<(ring.count - 1))
            let a = ring[i], b = ring[i + 1]
            switch rng.int(0..<8) {
            case 0: points.append(a)
            case 1:
                // Exactly on the edge when coordinates are on a dyadic lattice.
                points.append(GeoPoint(lat: (a.lat + b.lat) / 2, lon: (a.lon + b.lon) / 2))
            case 2:
                points.append(exactMidpoints ? GeoPoint(lat: (3 * a.lat + b.lat) / 4, lon: (3 * a.lon + b.lon) / 4)
                    : GeoPoint(lat: a.lat + (b.lat - a.lat) * rng.double(0, 1), lon: a.lon + (b.lon - a.lon) * rng.double(0, 1)))
            case 3:
                // The vertex's latitude: the ray passes through the vertex.
                let other = all[rng.int(0..<all.count)]
                points.append(GeoPoint(lat: a.lat, lon: other.lon + rng.double(-0.01, 0.01)))
            case 4:
                let other = all[rng.int(0..<all.count)]
                points.append(GeoPoint(lat: other.lat + rng.double(-0.01, 0.01), lon: a.lon))
            case 5: points.append(GeoPoint(lat: a.lat.nextUp, lon: a.lon.nextDown))
            case 6: points.append(GeoPoint(lat: a.lat.nextDown, lon: a.lon.nextUp))
            default:
                // The vertex's latitude on another vertex's longitude.
                let other = all[rng.int(0..<all.count)]
                points.append(GeoPoint(lat: a.lat, lon: other.lon))
            }
        }
        return points
    }

    /// Points on the boundaries of the index's cells and sub-cells (exactly, and one ulp off).
    static func cellBoundaryPoints(_ rng: inout SplitMix64, _ set: ZoneSet, count: Int) -> [GeoPoint] {
        var grids: [CellGrid] = []
        for index in [set.index, set.maskIndex] {
            grids.append(index.grid)
            grids.append(contentsOf: index.subgrids())
        }
        var points: [GeoPoint] = []
        for _ in 0..<count {
            let grid = grids[rng.int(0..<grids.count)]
            let box = grid.box(rng.int(0..<grid.columns), rng.int(0..<grid.rows))
            let nudge: (Double) -> Double = [{ $0 }, { $0.nextUp }, { $0.nextDown }][rng.int(0..<3)]
            switch rng.int(0..<3) {
            case 0: points.append(GeoPoint(lat: nudge(box.y0), lon: nudge(box.x0)))
            case 1: points.append(GeoPoint(lat: rng.double(box.y0, box.y1), lon: nudge(box.x1)))
            default: points.append(GeoPoint(lat: nudge(box.y1), lon: rng.double(box.x0, box.x1)))
            }
        }
        return points
    }

    static func uniformPoints(_ rng: inout SplitMix64, _ box: Box, count: Int) -> [GeoPoint] {
        (0..<count).map { _ in GeoPoint(lat: rng.double(box.y0, box.y1), lon: rng.double(box.x0, box.x1)) }
    }

    static func polygonZone(_ id: String, kind: ZoneKind = .restricted, priority: Int? = nil, _ rings: [[GeoPoint]]) -> Zone {
        Zone(id: id, name: id, kind: kind, priority: priority, shape: .polygon(Polygon(rings: rings)))
    }

    // MARK: Differential tests

    @Test func polygonsWithHolesAndMultiPolygonsMatchTheExactTest() {
        var rng = SplitMix64(seed: 7)
        var zones: [Zone] = []
        var rings: [[[GeoPoint]]] = []
        for z in 0..<24 {
            let center = GeoPoint(lat: rng.double(35.0, 35.6), lon: rng.double(41.0, 41.6))
            let radius = rng.double(0.02, 0.15)
            let snap: Double? = z % 3 == 2 ? nil : 0x1p-14
            var parts = [Self.star(&rng, center: center, radius: radius, vertices: rng.int(8...120), snap: snap)]
            if z % 2 == 0 {  // a hole
                parts.append(Self.star(&rng, center: center, radius: radius * 0.3, vertices: rng.int(4...40), snap: snap))
            }
            if z % 4 == 1 {  // a MultiPolygon: a second part elsewhere, with its own hole
                let other = GeoPoint(lat: center.lat + rng.double(-0.3, 0.3), lon: center.lon + rng.double(-0.3, 0.3))
                parts.append(Self.star(&rng, center: other, radius: radius * 0.5, vertices: rng.int(5...60), snap: snap))
                parts.append(Self.star(&rng, center: other, radius: radius * 0.1, vertices: 6, snap: snap))
            }
            if z == 5 {  // self-intersecting: vertices in random order
                var scrambled = Array(parts[0].dropLast())
                rng.shuffle(&scrambled)
                parts[0] = scrambled + [scrambled[0]]
            }
            rings.append(parts)
            zones.append(Self.polygonZone("p\(z)", priority: [20, 40, 80][z % 3], parts))
        }
        // Two squares sharing an edge, and a square with its corner on another's edge.
        let s = 0x1p-6
        zones.append(Self.polygonZone("west", [[GeoPoint(lat: 35.25, lon: 41.25), GeoPoint(lat: 35.25, lon: 41.25 + s), GeoPoint(lat: 35.25 + s, lon: 41.25 + s), GeoPoint(lat: 35.25 + s, lon: 41.25), GeoPoint(lat: 35.25, lon: 41.25)]]))
        zones.append(Self.polygonZone("east", [[GeoPoint(lat: 35.25, lon: 41.25 + s), GeoPoint(lat: 35.25, lon: 41.25 + 2 * s), GeoPoint(lat: 35.25 + s, lon: 41.25 + 2 * s), GeoPoint(lat: 35.25 + s, lon: 41.25 + s), GeoPoint(lat: 35.25, lon: 41.25 + s)]]))
        rings.append(zones[zones.count - 2].polygonRings + zones[zones.count - 1].polygonRings)
        let set = ZoneSet(zones: zones)
        var points = Self.uniformPoints(&rng, Box(x0: 40.6, y0: 34.6, x1: 42.0, y1: 36.0), count: 30_000)
        for (z, parts) in rings.enumerated() {
            points += Self.boundaryPoints(&rng, parts, count: 1_200, exactMidpoints: z % 3 != 2)
        }
        points += Self.cellBoundaryPoints(&rng, set, count: 20_000)
        let (checked, failures) = Self.compare(set, points)
        #expect(checked >= 80_000)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func detailedPolygonsSplitIntoSubgridsMatchTheExactTest() {
        var rng = SplitMix64(seed: 11)
        var zones: [Zone] = []
        var rings: [[[GeoPoint]]] = []
        for z in 0..<6 {
            let center = GeoPoint(lat: 36.0 + 0.01 * Double(z), lon: 42.0 + 0.013 * Double(z))
            let parts = [
                Self.star(&rng, center: center, radius: 0.02, minimum: 0.8, vertices: 2_000, snap: z % 2 == 0 ? 0x1p-20 : nil),
                Self.star(&rng, center: center, radius: 0.012, minimum: 0.5, vertices: 500, snap: z % 2 == 0 ? 0x1p-20 : nil),
            ]
            rings.append(parts)
            zones.append(Self.polygonZone("dense\(z)", parts))
        }
        // A wide zone of four long edges: cells sized for the average edge are then far too big
        // for the detailed zones, whose boundary cells must be split.
        zones.append(Self.polygonZone("region", kind: .town, [[
            GeoPoint(lat: 35.5, lon: 41.5), GeoPoint(lat: 35.5, lon: 42.5), GeoPoint(lat: 36.5, lon: 42.5),
            GeoPoint(lat: 36.5, lon: 41.5), GeoPoint(lat: 35.5, lon: 41.5),
        ]]))
        let set = ZoneSet(zones: zones)
        #expect(set.indexStatistics.subcells > 0)
        var points = Self.uniformPoints(&rng, Box(x0: 41.97, y0: 35.97, x1: 42.1, y1: 36.08), count: 15_000)
        for (z, parts) in rings.enumerated() {
            points += Self.boundaryPoints(&rng, parts, count: 2_000, exactMidpoints: z % 2 == 0)
        }
        points += Self.cellBoundaryPoints(&rng, set, count: 15_000)
        let (checked, failures) = Self.compare(set, points)
        #expect(checked >= 40_000)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func bandsOnBothSidesAndOneSideAndCirclesMatchTheExactTest() {
        var rng = SplitMix64(seed: 23)
        // A zig-zag line of 40 vertices over about 200 km, with a repeated vertex.
        var linePoints: [GeoPoint] = []
        var position = GeoPoint(lat: 34.5, lon: 40.9)
        for i in 0..<40 {
            linePoints.append(position)
            if i == 17 { linePoints.append(position) }
            position = GeoPoint(lat: position.lat + rng.double(0.01, 0.08), lon: position.lon + rng.double(-0.06, 0.06))
        }
        let line = Polyline(points: linePoints)
        let shortReach = Polyline(points: linePoints, reach: 700)
        var zones: [Zone] = [
            Zone(id: "border", name: "b", kind: .border, shape: .line(line, SideNames(left: "SY", right: "IQ"))),
            Zone(id: "strip", name: "s", kind: .strip, shape: .band(line, width: 1_000, side: nil)),
            Zone(id: "left", name: "l", kind: .buffer, shape: .band(line, width: 5_000, side: .left)),
            Zone(id: "right", name: "r", kind: .buffer, shape: .band(line, width: 3_000, side: .right)),
            Zone(id: "narrow", name: "n", kind: .restricted, shape: .band(line, width: 40, side: .right)),
            Zone(id: "reach", name: "r", kind: .restricted, shape: .band(shortReach, width: 1_500, side: nil)),
        ]
        var centers: [(GeoPoint, Double)] = []
        for c in 0..<12 {
            let center = GeoPoint(lat: rng.double(34.5, 36.0), lon: rng.double(40.6, 41.4))
            let radius = [150.0, 2_000, 20_000][c % 3] * rng.double(0.5, 1)
            centers.append((center, radius))
            zones.append(Zone(id: "town\(c)", name: "t", kind: c == 3 ? .mask : .town, shape: .circle(center: center, radius: radius)))
        }
        let set = ZoneSet(zones: zones)
        var points = Self.uniformPoints(&rng, Box(x0: 40.4, y0: 34.3, x1: 41.6, y1: 36.3), count: 10_000)
        // Along the line: at the bands' edges, near the line, at vertices.
        for _ in 0..<16_000 {
            let along = rng.double(0, line.length)
            let width = [1_000.0, 5_000, 3_000, 40, 700, 1_500][rng.int(0..<6)]
            let offset: Double
            switch rng.int(0..<4) {
            case 0: offset = width * (1 + rng.double(-1e-6, 1e-6))
            case 1: offset = width + rng.double(-30, 30)
            case 2: offset = rng.double(-0.01, 0.01)
            default: offset = rng.double(0, 6_000)
            }
            points.append(line.point(along: along, offset: abs(offset), side: offset < 0 ? .right : (rng.int(0..<2) == 0 ? .left : .right)))
        }
        for _ in 0..<3_000 {
            let vertex = linePoints[rng.int(0..<linePoints.count)]
            points.append(GeoPoint(lat: vertex.lat + rng.double(-0.02, 0.02), lon: vertex.lon + rng.double(-0.02, 0.02)))
            points.append(vertex)
        }
        // At the circles' edges.
        for _ in 0..<8_000 {
            let (center, radius) = centers[rng.int(0..<centers.count)]
            let angle = rng.double(0, 2 * .pi), r = radius * (rng.int(0..<2) == 0 ? 1 + rng.double(-1e-7, 1e-7) : rng.double(0, 1.2))
            points.append(LocalPlane(origin: center).unproject(Vector2(x: r * cos(angle), y: r * sin(angle))))
        }
        points += Self.cellBoundaryPoints(&rng, set, count: 8_000)
        let (checked, failures) = Self.compare(set, points)
        #expect(checked >= 45_000)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // The index really answers most of the band's interior without the exact test.
        #expect(set.indexStatistics.entries > 0)
    }

    @Test func overlappingZonesOfEveryKindMatchTheExactTest() {
        var rng = SplitMix64(seed: 31)
        let line = Polyline(points: (0..<12).map { GeoPoint(lat: 36.0 + 0.02 * Double($0), lon: 42.0 + ($0 % 2 == 0 ? 0 : 0.015)) })
        var zones: [Zone] = [
            Zone(id: "border", name: "b", kind: .border, shape: .line(line, SideNames(left: "SY", right: "IQ"))),
            Zone(id: "strip", name: "s", kind: .strip, shape: .band(line, width: 800, side: nil)),
            Zone(id: "buffer", name: "b", kind: .buffer, shape: .band(line, width: 2_500, side: .right)),
        ]
        for z in 0..<30 {
            let center = GeoPoint(lat: rng.double(35.98, 36.24), lon: rng.double(41.95, 42.07))
            let kind: ZoneKind = [.restricted, .town, .mask, .restricted, .buffer][z % 5]
            let priority: Int? = z % 4 == 0 ? 55 : nil
            if z % 3 == 0 {
                zones.append(Zone(id: "c\(z)", name: "c", kind: kind, priority: priority, shape: .circle(center: center, radius: rng.double(100, 3_000))))
            } else {
                let parts = [Self.star(&rng, center: center, radius: rng.double(0.005, 0.04), vertices: rng.int(6...80), snap: 0x1p-16)]
                zones.append(Self.polygonZone("p\(z)", kind: kind, priority: priority, parts))
            }
        }
        let set = ZoneSet(zones: zones)
        var points = Self.uniformPoints(&rng, Box(x0: 41.9, y0: 35.95, x1: 42.12, y1: 36.27), count: 25_000)
        for zone in zones {
            if case .polygon(let polygon) = zone.shape {
                points += Self.boundaryPoints(&rng, polygon.rings, count: 300, exactMidpoints: true)
            }
        }
        points += Self.cellBoundaryPoints(&rng, set, count: 10_000)
        let (checked, failures) = Self.compare(set, points)
        #expect(checked >= 40_000)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    // MARK: Predicates

    @Test func orientationIsExactWhereFloatingPointIsNot() {
        // Kettner et al.'s classic: points a hair off the line y = x, where the rounded cross
        // product gets the sign wrong; the exact answer is the sign of (j − i).
        var wrongNaively = 0
        for i in 0..<64 {
            for j in 0..<64 {
                let cx = 0.5 + Double(i) * 0x1p-53, cy = 0.5 + Double(j) * 0x1p-53
                let expected = j > i ? 1 : (j < i ? -1 : 0)
                #expect(Orientation.sign(12, 12, 24, 24, cx, cy) == expected)
                #expect(Orientation.sign(24, 24, 12, 12, cx, cy) == -expected)
                #expect(Orientation.sign(cx, cy, 12, 12, 24, 24) == expected)
                let naive = (24.0 - 12) * (cy - 12) - (24.0 - 12) * (cx - 12)
                if (naive > 0 ? 1 : (naive < 0 ? -1 : 0)) != expected { wrongNaively += 1 }
            }
        }
        #expect(wrongNaively > 0)
    }

    // MARK: Rules and order

    @Test func theBoundaryRuleIsHalfOpenSouthAndWestInside() {
        let s = 0x1p-8, x0 = 42.0, y0 = 36.0
        let square = Self.polygonZone("square", [[
            GeoPoint(lat: y0, lon: x0), GeoPoint(lat: y0, lon: x0 + s), GeoPoint(lat: y0 + s, lon: x0 + s),
            GeoPoint(lat: y0 + s, lon: x0), GeoPoint(lat: y0, lon: x0),
        ]])
        let east = Self.polygonZone("east", [[
            GeoPoint(lat: y0, lon: x0 + s), GeoPoint(lat: y0, lon: x0 + 2 * s), GeoPoint(lat: y0 + s, lon: x0 + 2 * s),
            GeoPoint(lat: y0 + s, lon: x0 + s), GeoPoint(lat: y0, lon: x0 + s),
        ]])
        let set = ZoneSet(zones: [square, east])
        let mid = s / 2
        #expect(set.zonesContaining(GeoPoint(lat: y0 + mid, lon: x0)) == [0])  // west edge: inside
        #expect(set.zonesContaining(GeoPoint(lat: y0, lon: x0 + mid)) == [0])  // south edge: inside
        #expect(set.zonesContaining(GeoPoint(lat: y0 + s, lon: x0 + mid)).isEmpty)  // north edge: outside
        #expect(set.zonesContaining(GeoPoint(lat: y0 + mid, lon: x0 + s)) == [1])  // shared edge: the east square only
        #expect(set.zonesContaining(GeoPoint(lat: y0, lon: x0)) == [0])  // south-west corner: inside
        #expect(set.zonesContaining(GeoPoint(lat: y0, lon: x0 + s)) == [1])  // shared south corner: east square's SW
        #expect(set.zonesContaining(GeoPoint(lat: y0 + s, lon: x0)).isEmpty)  // north-west corner
        #expect(set.zonesContaining(GeoPoint(lat: y0 + s, lon: x0 + 2 * s)).isEmpty)  // north-east corner
        #expect(set.zonesContaining(GeoPoint(lat: y0, lon: x0 + 2 * s)).isEmpty)  // south-east corner
        #expect(set.zonesContaining(GeoPoint(lat: .nan, lon: x0)).isEmpty)
    }

    @Test func zonesAreListedByPriorityThenIndexAndMasksOnlyMask() {
        func square(_ id: String, _ kind: ZoneKind, _ priority: Int?, _ half: Double) -> Zone {
            Self.polygonZone(id, kind: kind, priority: priority, [[
                GeoPoint(lat: 36 - half, lon: 42 - half), GeoPoint(lat: 36 - half, lon: 42 + half),
                GeoPoint(lat: 36 + half, lon: 42 + half), GeoPoint(lat: 36 + half, lon: 42 - half), GeoPoint(lat: 36 - half, lon: 42 - half),
            ]])
        }
        let set = ZoneSet(zones: [
            square("town", .town, nil, 0.05),  // 20
            square("a", .restricted, 50, 0.02),
            square("b", .restricted, 50, 0.03),
            square("flare", .mask, nil, 0.01),
            Zone(id: "disc", name: "d", kind: .buffer, shape: .circle(center: GeoPoint(lat: 36, lon: 42), radius: 500)),  // 40
            square("strip", .strip, nil, 0.04),  // 60
        ])
        let centre = GeoPoint(lat: 36, lon: 42)
        #expect(set.zonesContaining(centre) == [5, 1, 2, 4, 0])
        #expect(Array(set.classify(centre)) == [5, 1, 2, 4, 0])
        #expect(set.isMasked(centre))
        #expect(!set.isMasked(GeoPoint(lat: 36.02, lon: 42)))
        #expect(set.zonesContaining(GeoPoint(lat: 36.025, lon: 42)) == [5, 2, 0])
        var buffer = [99, 98]
        set.zones(containing: GeoPoint(lat: 37, lon: 42), into: &buffer)
        #expect(buffer.isEmpty)
    }

    @Test func manyOverlappingZonesOverflowTheInlineMatches() {
        let zones = (0..<40).map { z in
            Zone(id: "z\(z)", name: "z", kind: .restricted, priority: z % 7, shape: .circle(center: GeoPoint(lat: 36, lon: 42), radius: 1_000 + Double(z)))
        }
        let set = ZoneSet(zones: zones)
        let expected = Self.reference(set, GeoPoint(lat: 36, lon: 42))
        #expect(expected.count == 40)
        #expect(Array(set.classify(GeoPoint(lat: 36, lon: 42))) == expected)
        #expect(set.zonesContaining(GeoPoint(lat: 36, lon: 42)) == expected)
    }

    @Test func anEmptySetAndLinesOnlyContainNothing() {
        #expect(ZoneSet(zones: []).zonesContaining(GeoPoint(lat: 36, lon: 42)).isEmpty)
        let line = Polyline(points: [GeoPoint(lat: 36, lon: 42), GeoPoint(lat: 37, lon: 42)])
        let set = ZoneSet(zones: [Zone(id: "b", name: "b", kind: .border, shape: .line(line, SideNames(left: "L", right: "R")))])
        #expect(set.zonesContaining(GeoPoint(lat: 36.5, lon: 42)).isEmpty)
        #expect(!set.isMasked(GeoPoint(lat: 36.5, lon: 42)))
    }
}

extension Zone {
    /// The rings of a polygon zone (none for other shapes).
    var polygonRings: [[GeoPoint]] {
        if case .polygon(let polygon) = shape { return polygon.rings }
        return []
    }
}
