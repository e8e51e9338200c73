import Foundation
import Testing
@testable import VigilCAP
import VigilWire

/// Areas and times: the coverage gap's corridor, number and date formats.
@Suite struct CAPGeometryTests {
    /// Distance in metres between two points (haversine).
    private func distanceM(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let (φ1, φ2) = (a.lat * .pi / 180, b.lat * .pi / 180)
        let dφ = φ2 - φ1
        let dλ = (b.lon - a.lon) * .pi / 180
        let h = sin(dφ / 2) * sin(dφ / 2) + cos(φ1) * cos(φ2) * sin(dλ / 2) * sin(dλ / 2)
        return 2 * Corridor.earthRadiusM * asin(h.squareRoot())
    }

    @Test func aCoverageGapIsAClosedCorridorPolygon() throws {
        var writer = CAPWriter(options: Fixtures.options)
        let message = writer.message(for: try AlertMessage.decode(Fixtures.coverageGap))
        let info = message.info[0]
        #expect(info.event == "Coverage gap")
        #expect(info.headline == "Coverage gap iq-sy-border km 556.1-559.3 (3.2 km), S12")
        let area = try #require(info.areas.first)
        #expect(area.circles.isEmpty)
        let ring = try #require(area.polygons.first)
        #expect(ring.count >= 4)
        #expect(ring.first == ring.last)
        #expect(ring.first?.capPair == ring.last?.capPair)
        #expect(info.parameters.contains(.init("vigil:stretch.from_km", "556.1")))
        #expect(message.xmlDocument.contains("<polygon>\(ring.map(\.capPair).joined(separator: " "))</polygon>"))
    }

    @Test func theCorridorReachesTheHalfWidthOnEachSideAndPastEachEnd() {
        let from = GeoPoint(lat: 36.82, lon: 42.09)
        let to = GeoPoint(lat: 36.845, lon: 42.12)
        let ring = Corridor.ring(from: from, to: to, halfWidthKm: 1)
        #expect(ring.count == 5)
        #expect(ring[0] == ring[4])
        let length = distanceM(from, to)
        // Sides: the segment plus 1 km at each end, and 2 km across.
        #expect(abs(distanceM(ring[0], ring[1]) - (length + 2_000)) < 5)
        #expect(abs(distanceM(ring[1], ring[2]) - 2_000) < 5)
        #expect(abs(distanceM(ring[2], ring[3]) - (length + 2_000)) < 5)
        #expect(abs(distanceM(ring[3], ring[0]) - 2_000) < 5)
        // Each corner is sqrt(2) km from its end of the segment.
        for (corner, end) in [(ring[0], from), (ring[1], to), (ring[2], to), (ring[3], from)] {
            #expect(abs(distanceM(corner, end) - 2.0.squareRoot() * 1_000) < 5)
        }
    }

    @Test func aPointLikeStretchGetsASquare() {
        let here = GeoPoint(lat: 34.4, lon: 40.9)
        let ring = Corridor.ring(from: here, to: here, halfWidthKm: 1)
        #expect(ring.count == 5 && ring[0] == ring[4])
        #expect(abs(distanceM(ring[0], ring[1]) - 2_000) < 5)
        #expect(abs(distanceM(ring[1], ring[2]) - 2_000) < 5)
    }

    @Test func numbersHaveNoExponentAndNoTrailingZeros() {
        #expect(CAPNumber.text(0.5, fractionDigits: 3) == "0.5")
        #expect(CAPNumber.text(4, fractionDigits: 3) == "4")
        #expect(CAPNumber.text(0.000001, fractionDigits: 6) == "0.000001")
        #expect(CAPNumber.text(1e-9, fractionDigits: 6) == "0")
        #expect(CAPNumber.text(-1e-9, fractionDigits: 6) == "0")
        #expect(CAPNumber.text(-33.8688, fractionDigits: 6) == "-33.8688")
        #expect(GeoPoint(lat: 36.835490, lon: 42.113047).capPair == "36.83549,42.113047")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00-00:00"),
        (999, "1970-01-01T00:00:00-00:00"),
        (1_795_228_387_253, "2026-11-21T02:33:07-00:00"),
        (951_782_400_000, "2000-02-29T00:00:00-00:00"),  // a leap day of a century leap year
        (4_107_542_399_000, "2100-02-28T23:59:59-00:00"),  // 2100 is no leap year
        (4_107_542_400_000, "2100-03-01T00:00:00-00:00"),
        (253_402_300_799_999, "9999-12-31T23:59:59-00:00"),
        (-1, "1969-12-31T23:59:59-00:00"),
    ])
    func dateTimesAreUTCWithoutZ(_ milliseconds: Int64, _ expected: String) {
        #expect(CAPDateTime(millisecondsSince1970: milliseconds).description == expected)
    }

    @Test func dateTimesAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: Int64 = -86_400 * 400
        while seconds < 86_400 * 365 * 200 {
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
                .replacingOccurrences(of: "Z", with: "-00:00")
            #expect(CAPDateTime(secondsSince1970: seconds).description == expected)
            seconds += 86_400 * 37 + 3_671
        }
    }
}
