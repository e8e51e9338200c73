import Testing
import VigilCore

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
}
