import Foundation
import Testing
import VigilCore

@testable import VigilConfig

private let configFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Config")

/// A FeatureCollection of `features` (each the JSON text of one feature).
private func collection(_ features: [String]) -> Data {
    Data(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ",\n"))]}"#.utf8)
}

/// A feature with `geometry` and `properties` (JSON texts).
private func feature(_ geometry: String, _ properties: String, extra: String = "") -> String {
    #"{"type":"Feature",\#(extra)"geometry":\#(geometry),"properties":\#(properties)}"#
}

/// `[[lon,lat],...]`.
private func ringText(_ ring: [(Double, Double)]) -> String {
    let positions: [String] = ring.map { position in "[\(position.0),\(position.1)]" }
    return "[" + positions.joined(separator: ",") + "]"
}

/// `[ring, ...]`: the coordinates of one polygon.
private func ringsText(_ rings: [[(Double, Double)]]) -> String {
    let texts: [String] = rings.map(ringText)
    return "[" + texts.joined(separator: ",") + "]"
}

private func polygon(_ rings: [[(Double, Double)]]) -> String {
    #"{"type":"Polygon","coordinates":\#(ringsText(rings))}"#
}

private func multiPolygon(_ parts: [[[(Double, Double)]]]) -> String {
    let texts: [String] = parts.map(ringsText)
    return #"{"type":"MultiPolygon","coordinates":[\#(texts.joined(separator: ","))]}"#
}

/// A counter-clockwise square [lon0, lon0 + size] x [lat0, lat0 + size], closed.
private func square(_ lon0: Double, _ lat0: Double, _ size: Double) -> [(Double, Double)] {
    [(lon0, lat0), (lon0 + size, lat0), (lon0 + size, lat0 + size), (lon0, lat0 + size), (lon0, lat0)]
}

/// `ring` walked the other way.
private func flipped(_ ring: [(Double, Double)]) -> [(Double, Double)] { Array(ring.reversed()) }

private let disc = #"{"type":"Point","coordinates":[41.0,34.0]}"#

/// Writes `data` to a temporary file and returns its path.
private func temporaryFile(_ data: Data) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-zones-\(UUID().uuidString).geojson")
    try data.write(to: url)
    return url.path
}

@Suite struct ZoneCheckTests {
    /// One file with every mistake the checker knows, one per feature.
    static let mistakes: [String] = [
        // 0: a border without "right"
        feature(#"{"type":"LineString","coordinates":[[41.0,34.0],[41.1,34.1]]}"#, #"{"id":"line","kind":"border","left":"SY"}"#),
        // 1: a ring that is not closed
        feature(polygon([[(41, 34), (41.1, 34), (41.1, 34.1), (41, 34.2)]]), #"{"id":"open","kind":"restricted"}"#),
        // 2: a ring with 3 positions
        feature(polygon([[(41, 34), (41.1, 34), (41, 34)]]), #"{"id":"short","kind":"restricted"}"#),
        // 3: a longitude of 200 (id given only at the top level)
        feature(polygon([[(41, 34), (41.1, 34), (41.1, 34.1), (200, 34.1), (41, 34)]]), #"{"kind":"mask"}"#, extra: #""id":"qaim-flare","#),
        // 4: a bow tie (the ring crosses itself between edges 0 and 2)
        feature(polygon([[(41, 34), (41.1, 34.1), (41.1, 34), (41, 34.1), (41, 34)]]), #"{"id":"bowtie","kind":"restricted"}"#),
        // 5: a hole that crosses the exterior
        feature(polygon([square(41, 34, 0.2), [(41.1, 34.1), (41.1, 34.15), (41.3, 34.15), (41.3, 34.1), (41.1, 34.1)]]), #"{"id":"hole-cross","kind":"restricted"}"#),
        // 6: wrong winding: exterior clockwise, hole counter-clockwise (warnings only)
        feature(polygon([flipped(square(41, 34, 0.2)), square(41.05, 34.05, 0.05)]), #"{"id":"wound","kind":"restricted"}"#),
        // 7: unknown kind
        feature(disc, #"{"id":"moat","kind":"moat","radius_m":10}"#),
        // 8: no id
        feature(disc, #"{"kind":"town","radius_m":10}"#),
        // 9: the id of feature 6 again
        feature(disc, #"{"id":"wound","kind":"town","radius_m":10}"#),
        // 10: a disc without radius_m
        feature(disc, #"{"id":"no-radius","kind":"town"}"#),
        // 11: a band without band_m
        feature(#"{"type":"LineString","coordinates":[[41.0,34.0],[41.1,34.1]]}"#, #"{"id":"no-band","kind":"strip"}"#),
        // 12: a band on an unknown side
        feature(#"{"type":"LineString","coordinates":[[41.0,34.0],[41.1,34.1]]}"#, #"{"id":"north","kind":"strip","band_m":100,"side":"north"}"#),
        // 13: an unsupported geometry
        feature(#"{"type":"MultiPoint","coordinates":[[41.0,34.0]]}"#, #"{"id":"multipoint","kind":"town"}"#),
        // 14: a hole outside its exterior
        feature(polygon([square(41, 34, 0.1), flipped(square(41.5, 34.5, 0.1))]), #"{"id":"hole-outside","kind":"restricted"}"#),
        // 15: a border that is a Polygon
        feature(polygon([square(41, 34, 0.1)]), #"{"id":"border-area","kind":"border","left":"A","right":"B"}"#),
        // 16: a latitude of 95 in a LineString
        feature(#"{"type":"LineString","coordinates":[[41.0,34.0],[41.1,95.0]]}"#, #"{"id":"polar","kind":"strip","band_m":100}"#),
        // 17: a border whose two sides have one name, with a band_m it does not use and a repeated position
        feature(
            #"{"type":"LineString","coordinates":[[41.0,34.0],[41.0,34.0],[41.1,34.1]]}"#,
            #"{"id":"sides","kind":"border","left":"IQ","right":"IQ","band_m":5}"#),
    ]

    struct Expected: Sendable, CustomStringConvertible {
        var index: Int
        var id: String?
        var code: ZoneProblem.Code
        var key: String
        var severity: ZoneProblem.Severity = .error
        var description: String { "features[\(index)] \(id ?? "-") \(code) \(key)" }
    }

    static let expected: [Expected] = [
        Expected(index: 0, id: "line", code: .borderSides, key: "properties"),
        Expected(index: 1, id: "open", code: .ringNotClosed, key: "geometry.coordinates[0]"),
        Expected(index: 2, id: "short", code: .tooFewPositions, key: "geometry.coordinates[0]"),
        Expected(index: 3, id: "qaim-flare", code: .outOfBounds, key: "geometry.coordinates[0][3]"),
        Expected(index: 4, id: "bowtie", code: .selfIntersection, key: "geometry.coordinates[0]"),
        Expected(index: 5, id: "hole-cross", code: .selfIntersection, key: "geometry.coordinates[1]"),
        Expected(index: 6, id: "wound", code: .winding, key: "geometry.coordinates[0]", severity: .warning),
        Expected(index: 6, id: "wound", code: .winding, key: "geometry.coordinates[1]", severity: .warning),
        Expected(index: 7, id: "moat", code: .unknownKind, key: "properties.kind"),
        Expected(index: 8, id: nil, code: .missingID, key: "properties.id"),
        Expected(index: 9, id: "wound", code: .duplicateID, key: "properties.id"),
        Expected(index: 10, id: "no-radius", code: .missingProperty, key: "properties.radius_m"),
        Expected(index: 11, id: "no-band", code: .missingProperty, key: "properties.band_m"),
        Expected(index: 12, id: "north", code: .badSide, key: "properties.side"),
        Expected(index: 13, id: "multipoint", code: .unsupportedGeometry, key: "geometry.type"),
        Expected(index: 14, id: "hole-outside", code: .holeOutside, key: "geometry.coordinates[1]"),
        Expected(index: 15, id: "border-area", code: .borderNotLine, key: "geometry.type"),
        Expected(index: 16, id: "polar", code: .outOfBounds, key: "geometry.coordinates[1]"),
        Expected(index: 17, id: "sides", code: .borderSides, key: "properties.right"),
        Expected(index: 17, id: "sides", code: .ignoredProperty, key: "properties.band_m", severity: .warning),
        Expected(index: 17, id: "sides", code: .repeatedPosition, key: "geometry.coordinates[1]", severity: .warning),
    ]

    @Test(arguments: expected)
    func eachMistakeIsReportedWithItsFeatureAndKey(_ want: Expected) {
        let problems = ZonesFile.check(data: collection(Self.mistakes)).problems
        let found = problems.filter { $0.featureIndex == want.index && $0.code == want.code && $0.key == want.key }
        #expect(found.count >= 1, "not found: \(want); got \(problems.filter { $0.featureIndex == want.index })")
        for problem in found {
            #expect(problem.id == want.id)
            #expect(problem.severity == want.severity)
        }
    }

    @Test func everyFeatureHasItsProblemAndNothingElseIsReported() {
        let (problems, features) = ZonesFile.check(data: collection(Self.mistakes))
        #expect(features == Self.mistakes.count)
        // Nothing unexpected: each problem matches an expected (index, code, key).
        for problem in problems {
            #expect(
                Self.expected.contains { $0.index == problem.featureIndex && $0.code == problem.code && $0.key == problem.key },
                "unexpected: \(problem)")
        }
    }

    @Test func messagesNameTheFeatureThePositionAndTheValue() throws {
        let problems = ZonesFile.check(data: collection(Self.mistakes)).problems
        let bounds = try #require(problems.first { $0.code == .outOfBounds })
        #expect(bounds.description.hasPrefix("features[3] (id qaim-flare): geometry.coordinates[0][3]: longitude 200.0 outside WGS84 bounds"))
        #expect(bounds.path == "features[3] (id qaim-flare).geometry.coordinates[0][3]")
        let polar = try #require(problems.first { $0.featureIndex == 16 })
        #expect(polar.message.hasPrefix("latitude 95.0 outside WGS84 bounds"))
        let bowtie = try #require(problems.first { $0.featureIndex == 4 })
        #expect(bowtie.message == "ring crosses itself: edges 0 and 2 meet at [41.05, 34.05]")
        let hole = problems.filter { $0.featureIndex == 5 }.map(\.message)
        #expect(hole.count == 2 && hole.allSatisfy { $0.hasPrefix("hole crosses the exterior ring coordinates[0]: its edge ") })
        #expect(hole.contains { $0.hasSuffix("meet at [41.2, 34.1]") } && hole.contains { $0.hasSuffix("meet at [41.2, 34.15]") })
        let duplicate = try #require(problems.first { $0.code == .duplicateID })
        #expect(duplicate.message.contains("first used by features[6]"))
        let missing = try #require(problems.first { $0.code == .missingID })
        #expect(missing.description.hasPrefix("features[8]: properties.id: missing"))
    }

    @Test func theLoaderRefusesTheFirstErrorWithItsKeyPath() throws {
        let path = try temporaryFile(collection(Array(Self.mistakes.dropFirst(3))))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ZonesFile.load(path: path, file: "zones.geojson")
            Issue.record("a file with errors loaded")
        } catch {
            #expect(error.file == "zones.geojson")
            #expect(error.key == "features[0] (id qaim-flare).geometry.coordinates[0][3]")
            #expect(error.message.hasPrefix("longitude 200.0 outside WGS84 bounds"))
        }
    }

    @Test func warningsDoNotStopTheLoader() throws {
        let path = try temporaryFile(collection([Self.mistakes[6]]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let zones = try ZonesFile.load(path: path)
        #expect(zones.map(\.id) == ["wound"])
        let set = ZoneSet(zones: zones)
        #expect(set.zonesContaining(GeoPoint(lat: 34.01, lon: 41.01)) == [0])
        #expect(set.zonesContaining(GeoPoint(lat: 34.07, lon: 41.07)).isEmpty, "inside the hole")
        #expect(ZonesFile.check(path: path).problems.map(\.code) == [.winding, .winding])
    }

    @Test func theDefaultZonesHaveNoProblems() {
        let (problems, features) = ZonesFile.check(path: configFolder.appendingPathComponent("zones.geojson").path)
        #expect(problems.isEmpty, "\(problems)")
        #expect(features >= 9)
    }

    @Test func theDefaultZonesUseEveryGeometryAndKind() throws {
        let zones = try ZonesFile.load(path: configFolder.appendingPathComponent("zones.geojson").path)
        #expect(Set(zones.map(\.kind)) == Set(ZoneKind.allCases))
        let holes = zones.contains { zone in
            guard zone.kind == .restricted, case .polygon(let polygon) = zone.shape else { return false }
            return polygon.rings.count >= 2
        }
        #expect(holes, "a restricted Polygon with a hole")
        #expect(zones.contains { $0.kind == .restricted && $0.loiteringSeconds != nil })
        for zone in zones where zone.kind == .mask { #expect(zone.priority == 90) }
        for zone in zones where zone.kind == .restricted { #expect(zone.priority == 80) }
    }

    @Test func aTenThousandVertexRingIsCheckedQuickly() throws {
        let n = 10_000
        var ring = (0..<n).map { i -> (Double, Double) in
            let angle = 2 * Double.pi * Double(i) / Double(n)
            return (41 + 0.1 * cos(angle), 34 + 0.1 * sin(angle))
        }
        ring.append(ring[0])
        var crossed = ring
        crossed.swapAt(5_000, 5_001)
        // The sweep alone (JSON decoding is slow under swift-testing, which records every thrown
        // error, and JSONValue's decoder throws while trying types): well under the ~1 s that
        // comparing all 50 million pairs of edges takes.
        let points = crossed.map { GeoPoint(lat: $0.1, lon: $0.0) }
        let check = ZonesRingCheck(rings: [ZonesRingCheck.Ring(points: points, key: "geometry.coordinates[0]", part: 0, isHole: false)])
        let clock = ContinuousClock()
        var found: [ZonesRingCheck.Intersection] = []
        let elapsed = clock.measure { found = check.intersections() }
        #expect(elapsed < .milliseconds(300), "took \(elapsed)")
        #expect(found.map { [$0.edgeA, $0.edgeB] } == [[4_999, 5_001]])
        // And the whole file: exactly that problem, named.
        let data = collection([
            feature(polygon([ring]), #"{"id":"round","kind":"restricted"}"#),
            feature(polygon([crossed]), #"{"id":"crossed","kind":"restricted"}"#),
        ])
        let problems = ZonesFile.check(data: data).problems
        #expect(problems.count == 1, "\(problems)")
        let problem = try #require(problems.first)
        #expect(problem.featureIndex == 1 && problem.code == .selfIntersection && problem.key == "geometry.coordinates[0]")
        #expect(problem.message.hasPrefix("ring crosses itself: edges 4999 and 5001 meet at [40.9, 33.99996"))
    }

    @Test func ringsThatOnlyTouchAreValidButARingTouchingItselfIsNot() {
        // A hole touching the exterior at one position is valid (OGC); a ring through one of its
        // own positions twice is not.
        let touchingHole = feature(
            polygon([square(41, 34, 0.2), flipped([(41, 34.1), (41.05, 34.05), (41.1, 34.1), (41.05, 34.15), (41, 34.1)])]),
            #"{"id":"touch","kind":"restricted"}"#)
        let pinched = feature(
            polygon([[(41, 34), (41.2, 34), (41.1, 34.1), (41.2, 34.2), (41, 34.2), (41.1, 34.1), (41, 34)]]),
            #"{"id":"pinched","kind":"restricted"}"#)
        let problems = ZonesFile.check(data: collection([touchingHole, pinched])).problems
        #expect(problems.filter { $0.featureIndex == 0 }.isEmpty, "\(problems)")
        #expect(problems.contains { $0.featureIndex == 1 && $0.code == .selfIntersection && $0.message.contains("touches itself") })
    }

    @Test func nestedHolesAndOverlappingPolygonsAreErrors() {
        let outer = square(41, 34, 0.3)
        let bigHole = flipped(square(41.05, 34.05, 0.2))
        let smallSquare = square(41.1, 34.1, 0.05)
        let smallHole = flipped(smallSquare)
        let nested = feature(polygon([outer, bigHole, smallHole]), #"{"id":"nested","kind":"restricted"}"#)
        let overlapping = feature(multiPolygon([[outer], [smallSquare]]), #"{"id":"overlap","kind":"restricted"}"#)
        // An island inside a hole of another polygon is fine.
        let island = feature(multiPolygon([[outer, bigHole], [smallSquare]]), #"{"id":"island","kind":"restricted"}"#)
        let problems = ZonesFile.check(data: collection([nested, overlapping, island])).problems
        #expect(problems.contains { $0.featureIndex == 0 && $0.code == .holeOutside && $0.key == "geometry.coordinates[2]" }, "\(problems)")
        #expect(problems.contains { $0.featureIndex == 1 && $0.code == .overlappingParts && $0.key == "geometry.coordinates[1][0]" }, "\(problems)")
        #expect(problems.filter { $0.featureIndex == 2 }.isEmpty, "\(problems)")
    }

    @Test func aFileThatIsNotGeoJSONIsOneFileLevelError() {
        let problems = ZonesFile.check(data: Data(#"{"type":"Feature"}"#.utf8)).problems
        #expect(problems.count == 1)
        #expect(problems.first?.featureIndex == nil && problems.first?.code == .notGeoJSON && problems.first?.key == "type")
        #expect(ZonesFile.check(data: Data("not json".utf8)).problems.first?.code == .unreadable)
    }
}
