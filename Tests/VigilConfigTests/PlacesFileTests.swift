import Foundation
import Testing
import VigilConfig
import VigilCore

/// The gazetteer `vigil tail --format text` names places from.
@Suite struct PlacesFileTests {
    static let repositoryPlaces = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/data/iraq-syria/places.geojson").path

    @Test func theRepositorysPlacesLoad() throws {
        let places = try PlacesFile.load(path: Self.repositoryPlaces)
        #expect(places.count == 12)
        #expect(places.first == Place(name: "Rabia", country: "iq", position: GeoPoint(lat: 36.8, lon: 42.1)))
        #expect(places.contains { $0.name == "Abu Kamal" && $0.country == "sy" })
    }

    @Test func aPlaceIsANamedPoint() throws {
        func problem(_ feature: String) -> ConfigError? {
            let text = #"{"type":"FeatureCollection","features":[\#(feature)]}"#
            do {
                _ = try PlacesFile.parse(data: Data(text.utf8), file: "places.geojson")
                return nil
            } catch { return error }
        }
        #expect(problem(#"{"type":"Feature","geometry":{"type":"Point","coordinates":[42,36]},"properties":{"name":"X"}}"#) == nil)
        #expect(
            problem(#"{"type":"Feature","geometry":{"type":"Point","coordinates":[42,36]},"properties":{"id":"x"}}"#)
                == ConfigError(file: "places.geojson", key: "features[0] (id x).properties.name", "missing; expected a string"))
        #expect(problem(#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[42,36],[43,36]]},"properties":{"name":"X"}}"#)?.key == "features[0].geometry.type")
        #expect(problem(#"{"type":"Feature","geometry":{"type":"Point","coordinates":[420,36]},"properties":{"name":"X"}}"#)?.key == "features[0].geometry.coordinates")
        #expect(problem(#"{"type":"Feature","geometry":{"type":"Point","coordinates":[42,36]},"properties":{"name":"X","country":3}}"#)?.key == "features[0].properties.country")
    }
}
