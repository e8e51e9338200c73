import Testing
@testable import VigilCore

@Suite struct TargetGridTests {
    /// Every target within the fusion distance of a point is among the 3 × 3 cells around it.
    @Test func nearIncludesEveryTargetWithinTheDistance() {
        var rng = SplitMix64(seed: 11)
        var grid = TargetGrid(distance: 60, maxAbsLatitude: 38)
        var points: [GeoPoint] = []
        for serial in 0..<5_000 {
            let point = GeoPoint(lat: rng.double(34.30, 34.32), lon: rng.double(40.90, 40.93))
            points.append(point)
            grid.insert(UInt64(serial), at: grid.cell(of: point))
        }
        for _ in 0..<500 {
            let query = GeoPoint(lat: rng.double(34.30, 34.32), lon: rng.double(40.90, 40.93))
            var near = Set<UInt64>()
            grid.forEachNear(query) { near.insert($0) }
            for (serial, point) in points.enumerated() where query.distance(to: point) <= 60 {
                #expect(near.contains(UInt64(serial)))
            }
        }
    }

    @Test func movingAndRemovingKeepOneEntryPerTarget() {
        var grid = TargetGrid(distance: 60, maxAbsLatitude: 38)
        let a = GeoPoint(lat: 36.5, lon: 42.0), b = GeoPoint(lat: 36.51, lon: 42.01)
        grid.insert(7, at: grid.cell(of: a))
        grid.move(7, from: grid.cell(of: a), to: grid.cell(of: b))
        var seen: [UInt64] = []
        grid.forEachNear(a) { seen.append($0) }
        #expect(seen.isEmpty)
        grid.forEachNear(b) { seen.append($0) }
        #expect(seen == [7])
        grid.remove(7, from: grid.cell(of: b))
        seen = []
        grid.forEachNear(b) { seen.append($0) }
        #expect(seen.isEmpty)
    }
}
