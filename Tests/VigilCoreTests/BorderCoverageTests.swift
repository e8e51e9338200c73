import Testing
@testable import VigilCore

/// Camera coverage of border lines (`BorderCoverage`), against hand-computed answers on a
/// straight line and against `Camera.sees` point by point on a zig-zag.
@Suite struct BorderCoverageTests {
    // MARK: A straight border and cameras beside it

    /// A border running due north along 42°E from 36.0°N to 36.2°N (about 22.2 km), in 8 segments.
    static let line = Polyline(points: (0...8).map { GeoPoint(lat: 36.0 + Double($0) * 0.025, lon: 42.0) })
    /// A town first, so that the border's zone index (1) is not its place among the lines (0).
    static let zones = [
        Zone(id: "town", name: "Town", kind: .town, shape: .circle(center: GeoPoint(lat: 36.1, lon: 41.9), radius: 500)),
        Zone(id: "border", name: "Border", kind: .border, shape: .line(line, SideNames(left: "W", right: "E"))),
    ]
    static let border = 1

    /// √3 km: half the chord that a 2 km range cuts from a line 1 km away.
    static let halfChord = 3.0.squareRoot()

    /// A camera `eastM` metres east of `line` (due north) at `km` along it.
    static func camera(
        km: Double, eastM: Double = 1_000, heading: Double, fov: Double, range: Double = 2_000, on line: Polyline = line
    ) -> Camera {
        let foot = line.point(along: km * 1_000)
        let position = LocalPlane(origin: foot).unproject(Vector2(x: eastM, y: 0))
        return Camera(id: "cam-\(km)", sector: "S01", position: position, headingDeg: heading, fovDeg: fov, rangeM: range)
    }

    /// Whether `stretches` are `expected` (from km, to km) on the border, each end within 10 cm
    /// (the camera's plane and the line's km differ by a few centimetres over 2 km), and each
    /// end's point is the line's point at its km.
    static func matches(_ stretches: [CoverageStretch], _ expected: [(Double, Double)], line: Polyline = line, border: Int = border) -> Bool {
        guard stretches.count == expected.count else { return false }
        return zip(stretches, expected).allSatisfy { stretch, span in
            stretch.border == border && abs(stretch.fromKm - span.0) < 1e-4 && abs(stretch.toKm - span.1) < 1e-4
                && stretch.from.distance(to: line.point(along: stretch.fromKm * 1_000)) < 0.01
                && stretch.to.distance(to: line.point(along: stretch.toKm * 1_000)) < 0.01
        }
    }

    /// The coverage of one camera.
    static func single(_ camera: Camera) -> [CoverageStretch] {
        BorderCoverage(cameras: [camera], zones: zones).intervals(camera: 0)
    }

    @Test func aCameraFacingTheLineSeesTheChordBetweenItsEdges() {
        // Facing west, 90°: the edges at bearings 225° and 315° meet the line 1 km south and north.
        #expect(Self.matches(Self.single(Self.camera(km: 10, heading: 270, fov: 90)), [(9, 11)]))
        // 150°: the edges meet the line 3.7 km away, beyond the range; the disc decides.
        #expect(Self.matches(Self.single(Self.camera(km: 10, heading: 270, fov: 150)), [(10 - Self.halfChord, 10 + Self.halfChord)]))
    }

    @Test func aCameraFacingAwaySeesNothing() {
        #expect(Self.single(Self.camera(km: 10, heading: 90, fov: 90)).isEmpty)
        #expect(Self.single(Self.camera(km: 10, heading: 90, fov: 179)).isEmpty)
    }

    @Test func aCameraFacingAlongTheLineSeesFromItsEdgeToItsRange() {
        // Facing north, 90°: the left edge (315°) meets the line 1 km north; the range ends it.
        #expect(Self.matches(Self.single(Self.camera(km: 10, heading: 0, fov: 90)), [(11, 10 + Self.halfChord)]))
    }

    @Test func aFieldOfViewOver180DegreesIsTheUnionOfTwoHalfPlanes() {
        // Facing east (away), 270°: blind between bearings 225° and 315°, which hit the line at
        // km 9 and 11, so it sees two pieces, one each side of its blind wedge.
        #expect(Self.matches(
            Self.single(Self.camera(km: 10, heading: 90, fov: 270)),
            [(10 - Self.halfChord, 9), (11, 10 + Self.halfChord)]))
    }

    @Test func a360DegreeCameraSeesTheWholeChordWhateverItsHeading() {
        for heading in [0.0, 90, 200] {
            #expect(Self.matches(Self.single(Self.camera(km: 10, heading: heading, fov: 360)), [(10 - Self.halfChord, 10 + Self.halfChord)]))
        }
    }

    @Test func aRangeThatJustReachesTheLineCoversAShortChord() {
        // 0.5 m beyond the line: half chord √(1000.5² − 1000²) = 31.6 m.
        let half = (1_000.5 * 1_000.5 - 1_000 * 1_000).squareRoot() / 1_000
        #expect(Self.matches(Self.single(Self.camera(km: 10, heading: 270, fov: 90, range: 1_000.5)), [(10 - half, 10 + half)]))
        // 0.5 m short of it: nothing, and the camera is still assigned to the line, the nearest.
        let short = BorderCoverage(cameras: [Self.camera(km: 10, heading: 270, fov: 90, range: 999.5)], zones: Self.zones)
        #expect(short.intervals(camera: 0).isEmpty)
        #expect(short.borderZone(of: 0) == Self.border)
    }

    @Test func aCameraOnTheLineSeesBothWaysAcrossAVertex() {
        // On the line at a vertex (km of vertex 4), facing north with 180°: the line ahead, up to
        // the range, and the metre behind it (`sees` takes everything within 1 m as seen).
        let vertexKm = Self.line.cumulative[4] / 1_000
        let camera = Self.camera(km: vertexKm, eastM: 0, heading: 0, fov: 180)
        #expect(Self.matches(Self.single(camera), [(vertexKm - 0.001, vertexKm + 2)]))
        let around = Self.camera(km: vertexKm, eastM: 0, heading: 0, fov: 360)
        #expect(Self.matches(Self.single(around), [(vertexKm - 2, vertexKm + 2)]))
    }

    @Test func overlappingCamerasMergeAndTheRestIsUncovered() throws {
        let cameras = [Self.camera(km: 8, heading: 270, fov: 360), Self.camera(km: 10.5, heading: 270, fov: 360)]
        let coverage = BorderCoverage(cameras: cameras, zones: Self.zones)
        #expect(coverage.borders == [Self.border])
        let length = try #require(coverage.borderLengthKm[Self.border])
        #expect(abs(length - Self.line.length / 1_000) < 1e-9)
        #expect(Self.matches(coverage.intervals(camera: 1), [(10.5 - Self.halfChord, 10.5 + Self.halfChord)]))
        let covered = coverage.covered { _ in true }
        #expect(Self.matches(covered, [(8 - Self.halfChord, 10.5 + Self.halfChord)]))
        #expect(coverage.cameras(covering: covered[0]) == [0, 1])
        let uncovered = coverage.uncovered { _ in true }
        #expect(Self.matches(uncovered, [(0, 8 - Self.halfChord), (10.5 + Self.halfChord, length)]))
        #expect(uncovered.first?.from == Self.line.points.first)
        #expect(uncovered.last?.to == Self.line.points.last)
        // With no camera live, the whole line is uncovered and everything covered is a gap.
        #expect(Self.matches(coverage.uncovered { _ in false }, [(0, length)]))
        #expect(coverage.gaps(live: { _ in false }).map(\.cameras) == [[0, 1]])
    }

    // MARK: Gaps

    /// 360° cameras 1 km east of the line at `kms`, each covering ±√3 km.
    static func row(_ kms: [Double]) -> BorderCoverage {
        BorderCoverage(cameras: kms.map { Self.camera(km: $0, heading: 270, fov: 360) }, zones: zones)
    }

    @Test func aCameraGoingDownOpensTheGapItsNeighboursLeave() throws {
        // 3 km apart: neighbours overlap by 0.46 km, so the middle one leaves a gap when down.
        let coverage = Self.row([6, 9, 12])
        #expect(coverage.gaps(live: { _ in true }).isEmpty)
        let gaps = coverage.gaps(live: { $0 != 1 })
        #expect(gaps.map(\.cameras) == [[1]])
        let gap = try #require(gaps.first)
        #expect(Self.matches([gap.stretch], [(6 + Self.halfChord, 12 - Self.halfChord)]))
        // Two neighbours down: one gap, both cameras.
        let wider = Self.row([6, 9, 12, 15]).gaps(live: { $0 != 1 && $0 != 2 })
        #expect(wider.map(\.cameras) == [[1, 2]])
        #expect(Self.matches(wider.map(\.stretch), [(6 + Self.halfChord, 15 - Self.halfChord)]))
        // The end camera down: its outer reach is lost too.
        let end = Self.row([6, 9, 12]).gaps(live: { $0 != 2 })
        #expect(Self.matches(end.map(\.stretch), [(9 + Self.halfChord, 12 + Self.halfChord)]))
    }

    @Test func neighboursThatOverlapLeaveNoGap() {
        // 1.5 km apart: the neighbours of the middle camera meet over it.
        let coverage = Self.row([6, 7.5, 9])
        #expect(coverage.gaps(live: { $0 != 1 }).isEmpty)
        #expect(coverage.covered { $0 != 1 } == coverage.covered { _ in true })
    }

    @Test func gapsShorterThanTheMinimumAreLeftOut() {
        // The gap is 6 − 2√3 = 2.536 km.
        let coverage = Self.row([6, 9, 12])
        #expect(coverage.gaps(live: { $0 != 1 }, minLengthM: 2_500).count == 1)
        #expect(coverage.gaps(live: { $0 != 1 }, minLengthM: 2_600).isEmpty)
    }

    // MARK: The border a camera watches

    @Test func aCameraBelongsToTheBorderItCoversMostOrElseTheNearest() {
        // Two parallel lines 4.5 km apart (zones 1 and 2; zone 0 is a town), plus a line zone far away.
        let west = Self.line
        let east = Polyline(points: west.points.map { GeoPoint(lat: $0.lat, lon: $0.lon + 4_500 / LocalPlane(origin: $0).metresPerDegreeLon) })
        let far = Polyline(points: west.points.map { GeoPoint(lat: $0.lat, lon: $0.lon + 1) })
        let names = SideNames(left: "W", right: "E")
        let zones = Self.zones + [
            Zone(id: "east", name: "East", kind: .border, shape: .line(east, names)),
            Zone(id: "far", name: "Far", kind: .border, shape: .line(far, names)),
        ]
        let cameras = [
            Self.camera(km: 10, heading: 270, fov: 90),  // faces the west line
            Self.camera(km: 10, eastM: 3_500, heading: 90, fov: 90),  // faces the east line
            Self.camera(km: 10, eastM: 2_000, heading: 0, fov: 360, range: 3_000),  // covers both, the west line more
            Self.camera(km: 10, eastM: 3_000, heading: 0, fov: 360, range: 500),  // covers neither, nearer the east line
            Self.camera(km: 10, eastM: -30_000, heading: 0, fov: 360),  // 30 km from any line
        ]
        let coverage = BorderCoverage(cameras: cameras, zones: zones)
        #expect(coverage.borders == [1, 2, 3])
        #expect((0..<cameras.count).map { coverage.borderZone(of: $0) } == [1, 2, 1, 2, nil])
        // The third camera's coverage: √(3² − 2²) = 2.236 km each side on the west line, then
        // √(3² − 2.5²) = 1.658 km on the east one, in zone order.
        let both = coverage.intervals(camera: 2)
        #expect(both.map(\.border) == [1, 2])
        #expect(abs(both[0].lengthKm - 2 * 5.0.squareRoot()) < 1e-3)
        #expect(abs(both[1].lengthKm - 2 * 2.75.squareRoot()) < 1e-3)
        #expect(coverage.uncovered { _ in true }.filter { $0.border == 3 }.count == 1)
    }

    // MARK: Against Camera.sees

    @Test func coverageIsWhatTheCamerasSeeAlongAZigZag() {
        // A zig-zag of 1–3 km segments, and random cameras near it: every 2 m along the line, a
        // point is covered exactly when the camera sees it (away from the ends of its stretches,
        // where the two computations may round differently).
        var rng = SplitMix64(seed: 2_024)
        var points = [GeoPoint(lat: 34.3, lon: 40.8)]
        for _ in 0..<8 {
            let last = points[points.count - 1]
            points.append(GeoPoint(lat: last.lat + rng.double(0.005, 0.02), lon: last.lon + rng.double(-0.02, 0.02)))
        }
        let line = Polyline(points: points)
        let zones = [Zone(id: "zigzag", name: "Zig-zag", kind: .border, shape: .line(line, SideNames(left: "W", right: "E")))]
        var cameras: [Camera] = []
        for _ in 0..<16 {
            let foot = line.point(along: rng.double(0, line.length))
            let offset = Vector2(x: rng.double(-2_500, 2_500), y: rng.double(-2_500, 2_500))
            let fov = [60.0, 90, 180, 240, 300, 360][rng.int(0..<6)]
            cameras.append(Camera(
                id: "cam-\(cameras.count)", sector: "S01", position: LocalPlane(origin: foot).unproject(offset),
                headingDeg: rng.double(0, 360), fovDeg: fov, rangeM: rng.double(500, 4_000)))
        }
        let coverage = BorderCoverage(cameras: cameras, zones: zones)
        var disagreements: [String] = []
        var seen = 0
        for (index, camera) in cameras.enumerated() {
            let stretches = coverage.intervals(camera: index)
            for step in 0...Int(line.length / 2) {
                let metres = Double(step) * 2
                let km = metres / 1_000
                if stretches.contains(where: { abs($0.fromKm - km) < 1e-5 || abs($0.toKm - km) < 1e-5 }) { continue }
                let covered = stretches.contains { $0.fromKm <= km && km <= $0.toKm }
                let sees = camera.sees(line.point(along: metres))
                if sees { seen += 1 }
                if covered != sees && disagreements.count < 5 { disagreements.append("camera \(index) at km \(km): covered \(covered), sees \(sees)") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(seen > 1_000)  // the cameras do see the line
    }
}
