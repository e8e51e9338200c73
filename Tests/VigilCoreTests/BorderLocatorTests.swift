import Testing
import VigilCore

/// Where a position is, as `vigil tail --format text` says it: km along the nearest border line
/// and the nearest named place, each within 25 km.
@Suite struct BorderLocatorTests {
    /// A border running north along 42°E from 36°N, about 111 km a degree; a second, shorter one
    /// further east; and a band zone along 41.9°E, which is not a border and gives no km.
    static let zones = [
        Zone(
            id: "west-border", name: "West", kind: .border,
            shape: .line(Polyline(points: [GeoPoint(lat: 36.0, lon: 42.0), GeoPoint(lat: 37.0, lon: 42.0)]), SideNames(left: "A", right: "B"))),
        Zone(
            id: "east-border", name: "East", kind: .border,
            shape: .line(Polyline(points: [GeoPoint(lat: 36.0, lon: 42.5), GeoPoint(lat: 36.1, lon: 42.5)]), SideNames(left: "B", right: "C"))),
        Zone(
            id: "strip", name: "Strip", kind: .strip,
            shape: .band(Polyline(points: [GeoPoint(lat: 30.0, lon: 41.9), GeoPoint(lat: 40.0, lon: 41.9)]), width: 1_000, side: nil)),
    ]
    static let places = [
        Place(name: "Northtown", country: "b", position: GeoPoint(lat: 36.9, lon: 42.05)),
        Place(name: "Southtown", country: "a", position: GeoPoint(lat: 36.1, lon: 41.95)),
        Place(name: "Southtown twin", position: GeoPoint(lat: 36.1, lon: 41.95)),
    ]
    static let locator = BorderLocator(zones: zones, places: places)

    @Test func kmAreAlongTheNearestBorderLineFromItsFirstVertex() throws {
        #expect(Self.locator.hasBorder)
        guard case .line(let line, _) = Self.zones[0].shape else { Issue.record("the first zone is a line"); return }
        // Halfway up the western line, 5 km west of it: its km is half the line's length.
        let km = try #require(Self.locator.km(of: GeoPoint(lat: 36.5, lon: 41.944)))
        #expect(abs(km - line.length / 2_000) < 0.01, "\(km) of \(line.length / 1_000)")
        // Beside the eastern line, nearer it than the western one: km along the eastern line.
        let east = try #require(Self.locator.km(of: GeoPoint(lat: 36.05, lon: 42.45)))
        #expect(abs(east - 5.55) < 0.05, "\(east)")
    }

    @Test func furtherThan25kmFromEveryLineThereIsNoKm() {
        #expect(Self.locator.km(of: GeoPoint(lat: 36.5, lon: 41.7)) == nil, "about 27 km west: beyond the reach")
        #expect(Self.locator.km(of: GeoPoint(lat: 36.5, lon: 41.75)) != nil, "about 22 km west: within it, past a zone line's 10 km")
        #expect(BorderLocator(zones: [Self.zones[2]], places: []).km(of: GeoPoint(lat: 36.5, lon: 41.9)) == nil, "a band is no border")
        #expect(!BorderLocator(zones: [Self.zones[2]], places: []).hasBorder)
    }

    @Test func thePlaceIsTheNearestWithin25kmFirstListedOnATie() {
        #expect(Self.locator.place(near: GeoPoint(lat: 36.8, lon: 42.0))?.name == "Northtown")
        #expect(Self.locator.place(near: GeoPoint(lat: 36.2, lon: 42.0)) == Self.places[1], "the first of two at the same spot")
        #expect(Self.locator.place(near: GeoPoint(lat: 36.5, lon: 42.0)) == nil, "44 km from either town")
        #expect(BorderLocator(zones: [], places: []).place(near: GeoPoint(lat: 36.1, lon: 41.95)) == nil)
    }
}
