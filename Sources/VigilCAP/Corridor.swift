import Foundation
import VigilWire

/// The corridor around a straight segment: the CAP polygon of a `coverage_gap`.
enum Corridor {
    /// Mean Earth radius (IUGG), metres.
    static let earthRadiusM = 6_371_008.8

    /// A rectangle reaching `halfWidthKm` on each side of the segment from `start` to `end` and
    /// the same distance past each end, so it holds every point within `halfWidthKm` of the
    /// segment: a closed ring of 5 points (the first repeated last), as CAP polygons are.
    ///
    /// Computed in a plane tangent at the segment's middle (equirectangular): over the tens of km
    /// of a long stretch the error stays within metres. A segment shorter than a metre (both ends
    /// at one place) gets a square around that place.
    ///
    /// The alert gives only the stretch's ends: where the border bends between them, the corridor
    /// around the chord does not follow it (on the default configuration's 32 km Al-Qaim stretch
    /// the border runs up to 4.5 km from the chord).
    static func ring(from start: GeoPoint, to end: GeoPoint, halfWidthKm: Double) -> [GeoPoint] {
        let metresPerDegreeLat = earthRadiusM * .pi / 180
        let metresPerDegreeLon = metresPerDegreeLat * cos((start.lat + end.lat) / 2 * .pi / 180)
        // `end` in metres east and north of `start`.
        let east = (end.lon - start.lon) * metresPerDegreeLon
        let north = (end.lat - start.lat) * metresPerDegreeLat
        let length = (east * east + north * north).squareRoot()
        // Unit vector along the segment, and its left normal.
        let (alongE, alongN) = length < 1 ? (1.0, 0.0) : (east / length, north / length)
        let (leftE, leftN) = (-alongN, alongE)
        let w = halfWidthKm * 1_000

        func point(_ metresEast: Double, _ metresNorth: Double) -> GeoPoint {
            GeoPoint(lat: start.lat + metresNorth / metresPerDegreeLat, lon: start.lon + metresEast / metresPerDegreeLon)
        }
        let corners = [
            point(-alongE * w + leftE * w, -alongN * w + leftN * w),  // behind start, left
            point(east + alongE * w + leftE * w, north + alongN * w + leftN * w),  // past end, left
            point(east + alongE * w - leftE * w, north + alongN * w - leftN * w),  // past end, right
            point(-alongE * w - leftE * w, -alongN * w - leftN * w),  // behind start, right
        ]
        return corners + [corners[0]]
    }
}
