#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import VigilCore

/// The border geometry from pairs of positions (Tile38's way of deciding crossings).
@Suite struct PolylineTests {
    // A zig-zag going north: (36.0, 42.0) → (36.1, 42.05) → (36.2, 42.0).
    static let line = Polyline(points: [
        GeoPoint(lat: 36.0, lon: 42.0), GeoPoint(lat: 36.1, lon: 42.05), GeoPoint(lat: 36.2, lon: 42.0),
    ])

    @Test func distanceAndSideOfPointsBesideASegment() throws {
        // 0.01° of longitude at 36°N is about 901 m; the segment runs north-north-east.
        let west = try #require(Self.line.proximity(of: GeoPoint(lat: 36.05, lon: 42.015)))
        #expect(west.side == .left)
        let east = try #require(Self.line.proximity(of: GeoPoint(lat: 36.05, lon: 42.035)))
        #expect(east.side == .right)
        #expect(abs(west.distance - east.distance) < 5)
    }

    @Test func sideAtAVertexFollowsThePseudoNormal() throws {
        // Due east and due west of the middle vertex (a corner pointing east).
        #expect(try #require(Self.line.proximity(of: GeoPoint(lat: 36.1, lon: 42.06))).side == .right)
        #expect(try #require(Self.line.proximity(of: GeoPoint(lat: 36.1, lon: 42.04))).side == .left)
    }

    @Test func aSegmentThroughAVertexCrossesOnce() throws {
        let crossing = try #require(Self.line.crossing(from: GeoPoint(lat: 36.1, lon: 42.04), to: GeoPoint(lat: 36.1, lon: 42.06)))
        #expect(crossing.from == .left && crossing.to == .right)
        #expect(abs(crossing.along - Self.line.cumulative[1]) < 1)
    }

    @Test func aSegmentThatCrossesTwiceOrNotAtAllIsNoCrossing() {
        // Across both legs of the zig-zag, east of the corner: left → right → left.
        #expect(Self.line.crossing(from: GeoPoint(lat: 36.05, lon: 42.03), to: GeoPoint(lat: 36.15, lon: 42.03)) == nil)
        #expect(Self.line.crossing(from: GeoPoint(lat: 36.05, lon: 42.0), to: GeoPoint(lat: 36.15, lon: 42.0)) == nil)
    }

    @Test func pointsBeyondTheReachAreNotAnswered() {
        let line = Polyline(points: Self.line.points, reach: 1_000)
        #expect(line.proximity(of: GeoPoint(lat: 36.1, lon: 42.2)) == nil)
    }

    @Test func samplingAlongTheLineAndOffsetsToASide() throws {
        let mid = Self.line.point(along: Self.line.cumulative[1])
        #expect(abs(mid.lat - 36.1) < 1e-6 && abs(mid.lon - 42.05) < 1e-6)
        let beside = Self.line.point(along: 3_000, offset: 200, side: .left)
        let proximity = try #require(Self.line.proximity(of: beside))
        #expect(proximity.side == .left)
        #expect(abs(proximity.distance - 200) < 0.5)
        #expect(abs(proximity.along - 3_000) < 0.5)
    }

    // MARK: Crossings: exact, half-open, allocation-free

    /// A line on a dyadic lattice (coordinates multiples of 2⁻¹⁶°), so that points exactly on it
    /// and segments exactly through its vertices can be written down.
    static let lattice = Polyline(points: [
        GeoPoint(lat: 36.0, lon: 42.0), GeoPoint(lat: 36.0625, lon: 42.03125), GeoPoint(lat: 36.125, lon: 42.0),
        GeoPoint(lat: 36.1875, lon: 42.03125), GeoPoint(lat: 36.25, lon: 42.0),
    ])

    @Test func aSegmentExactlyThroughAVertexCrossesOnceEitherWay() throws {
        // Through the vertex (36.0625, 42.03125), where the line passes from heading NE to NW.
        let west = GeoPoint(lat: 36.0625, lon: 42.0), east = GeoPoint(lat: 36.0625, lon: 42.0625)
        let there = try #require(Self.lattice.crossing(from: west, to: east))
        #expect(there.from == .left && there.to == .right)
        #expect(abs(there.along - Self.lattice.cumulative[1]) < 1e-6)
        let back = try #require(Self.lattice.crossing(from: east, to: west))
        #expect(back.from == .right && back.to == .left)
        // Diagonally through the vertex.
        let sw = GeoPoint(lat: 36.03125, lon: 42.0), ne = GeoPoint(lat: 36.09375, lon: 42.0625)
        #expect(Self.lattice.crossing(from: sw, to: ne) != nil)
    }

    @Test func aSegmentThatOnlyTouchesAVertexDoesNotCross() {
        // A north-south segment through the vertex at 42.03125: the line comes from the south-west
        // and leaves to the north-west, so it only touches the segment there.
        let south = GeoPoint(lat: 36.03125, lon: 42.03125), north = GeoPoint(lat: 36.09375, lon: 42.03125)
        #expect(Self.lattice.crossing(from: south, to: north) == nil)
        // Ending exactly on the vertex, from the east (the vertex is on the segment's right: the
        // segment reaches the line without crossing it).
        #expect(Self.lattice.crossing(from: GeoPoint(lat: 36.0625, lon: 42.0625), to: GeoPoint(lat: 36.0625, lon: 42.03125)) == nil)
    }

    @Test func aPointExactlyOnTheLineIsOnItsRight() throws {
        let on = GeoPoint(lat: 36.03125, lon: 42.015625)  // the middle of the first segment
        // From the left onto the line: a crossing (the point on the line is on the right).
        let crossing = try #require(Self.lattice.crossing(from: GeoPoint(lat: 36.03125, lon: 42.0), to: on))
        #expect(crossing.from == .left)
        // From the right onto the line: none.
        #expect(Self.lattice.crossing(from: GeoPoint(lat: 36.03125, lon: 42.03), to: on) == nil)
    }

    @Test func aVehicleJumping300mAcrossBetweenTwoFramesIsOneCrossingWithItsDirection() throws {
        // 150 m each side of the line, perpendicular to it, anywhere along it.
        let line = Self.lattice
        var rng = SplitMix64(seed: 5)
        for _ in 0..<500 {
            let along = rng.double(10, line.length - 10)
            let left = line.point(along: along, offset: 150, side: .left), right = line.point(along: along, offset: 150, side: .right)
            let east = try #require(line.crossing(from: left, to: right))
            #expect(east.from == .left && east.to == .right)
            #expect(abs(east.along - along) < 100)
            let west = try #require(line.crossing(from: right, to: left))
            #expect(west.from == .right && west.to == .left)
        }
    }

    @Test func crossingsThroughTheGridMatchABruteForceCount() {
        // A long zig-zag, random steps of 1 m to 30 km (long ones walk many cells or the whole
        // line), compared with a count over every segment using plain floating point (random
        // points are never near-degenerate).
        var rng = SplitMix64(seed: 9)
        var points: [GeoPoint] = []
        var position = GeoPoint(lat: 34.5, lon: 40.9)
        for _ in 0..<120 {
            points.append(position)
            position = GeoPoint(lat: position.lat + rng.double(0.005, 0.05), lon: position.lon + rng.double(-0.05, 0.05))
        }
        let line = Polyline(points: points)
        var disagreements = 0, crossings = 0
        for _ in 0..<20_000 {
            let start = line.point(along: rng.double(0, line.length), offset: rng.double(0, 3_000), side: rng.int(0..<2) == 0 ? .left : .right)
            let length = [rng.double(1, 300), rng.double(300, 30_000)][rng.int(0..<2)], heading = rng.double(0, 2 * .pi)
            let end = LocalPlane(origin: start).unproject(Vector2(x: length * sin(heading), y: length * cos(heading)))
            var count = 0
            var first: (fraction: Double, from: LineSide)?
            for i in 0..<(points.count - 1) {
                let a = points[i], b = points[i + 1]
                func cross(_ o: GeoPoint, _ p: GeoPoint, _ q: GeoPoint) -> Double {
                    (p.lon - o.lon) * (q.lat - o.lat) - (p.lat - o.lat) * (q.lon - o.lon)
                }
                let s = cross(a, b, start), e = cross(a, b, end), u = cross(start, end, a), v = cross(start, end, b)
                guard (s > 0) != (e > 0), (u > 0) != (v > 0) else { continue }
                count += 1
                let fraction = s / (s - e)
                if first == nil || fraction < first!.fraction { first = (fraction, s > 0 ? .left : .right) }
            }
            let expected = count % 2 == 1 ? first?.from : nil
            let crossing = line.crossing(from: start, to: end)
            if crossing?.from != expected { disagreements += 1 }
            if crossing != nil { crossings += 1 }
        }
        #expect(disagreements == 0)
        #expect(crossings > 1_000)
    }

    @Test func theLineIsIndexedInFlatCells() {
        // 133 vertices over 4 degrees: a few thousand cells of 0.05°, each with a handful of segments.
        let grid = Self.line.grid
        #expect(grid.nearStart.count == grid.columns * grid.rows + 1)
        #expect(grid.touching.count >= Self.line.points.count - 1)
    }
}
