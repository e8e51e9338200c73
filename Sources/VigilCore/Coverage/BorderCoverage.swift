/// Which stretches of the border lines the cameras cover, and what is lost when some go down.
///
/// A camera covers the part of a line inside its sector (the disc of its range intersected with
/// the wedge of its field of view, exactly the points ``Camera/sees(_:)`` accepts). Each camera's
/// stretches on each line zone (a zone whose shape is ``ZoneShape/line(_:_:)``) are computed once,
/// analytically, segment by segment (``CameraSector``); the queries only filter, merge and
/// subtract sorted lists: ``gaps(live:minLengthM:)`` on about 100 cameras takes a few
/// microseconds, so it can run whenever a camera goes offline or comes back.
///
/// Stretches are in km from the line's first vertex (``CoverageStretch``), sorted by border (its
/// zone index) then km; stretches that touch or overlap are merged into one.
public struct BorderCoverage: Sendable {
    /// One camera's stretch.
    struct Piece: Sendable {
        var camera: Int
        var stretch: CoverageStretch
    }

    /// The number of cameras, whose indices are `0..<cameraCount` (their order in the array given).
    public let cameraCount: Int
    /// The zone indices of the border lines, ascending.
    public let borders: [Int]
    /// The length in km of each border line, by zone index.
    public let borderLengthKm: [Int: Double]

    /// Each camera's stretches, merged, ascending.
    private let byCamera: [[CoverageStretch]]
    /// Every camera's stretches, ascending by border, then km, then camera.
    private let pieces: [Piece]
    /// What all the cameras cover together.
    private let coveredByAll: [CoverageStretch]
    /// Each border line from end to end.
    private let wholeLines: [CoverageStretch]
    /// ``borderZone(of:)`` for each camera.
    private let borderZones: [Int?]

    /// Stretches closer than this (km, one millimetre) are merged: it absorbs the rounding where
    /// one segment's part ends at a vertex and the next one's starts.
    static let mergeToleranceKm = 1e-6
    /// ``borderZone(of:)`` names the nearest line within this distance (metres) for a camera
    /// that covers none.
    public static let nearestBorderLimitM = 20_000.0

    /// Computes each camera's coverage of each line zone in `zones`.
    public init(cameras: [Camera], zones: [Zone]) {
        var lines: [(zone: Int, line: Polyline)] = []
        for (index, zone) in zones.enumerated() {
            if case .line(let line, _) = zone.shape { lines.append((index, line)) }
        }
        cameraCount = cameras.count
        borders = lines.map(\.zone)
        borderLengthKm = Dictionary(uniqueKeysWithValues: lines.map { ($0.zone, $0.line.length / 1_000) })
        wholeLines = lines.map { zone, line in
            CoverageStretch(border: zone, fromKm: 0, toKm: line.length / 1_000, from: line.points[0], to: line.points[line.points.count - 1])
        }
        var byCamera: [[CoverageStretch]] = []
        var borderZones: [Int?] = []
        for camera in cameras {
            var stretches: [CoverageStretch] = []
            var mostCovered: (zone: Int, km: Double)?
            var nearest: (zone: Int, distance: Double)?
            for (zone, line) in lines {
                let (covered, distance) = Self.coverage(of: camera, on: line, border: zone)
                stretches += covered
                let km = covered.reduce(0) { $0 + $1.lengthKm }
                if km > (mostCovered?.km ?? 0) { mostCovered = (zone, km) }
                if distance <= Self.nearestBorderLimitM && distance < (nearest?.distance ?? .infinity) { nearest = (zone, distance) }
            }
            byCamera.append(stretches)
            borderZones.append(mostCovered?.zone ?? nearest?.zone)
        }
        self.byCamera = byCamera
        self.borderZones = borderZones
        pieces = byCamera.enumerated()
            .flatMap { camera, stretches in stretches.map { Piece(camera: camera, stretch: $0) } }
            .sorted { ($0.stretch.border, $0.stretch.fromKm, $0.camera) < ($1.stretch.border, $1.stretch.fromKm, $1.camera) }
        var all: [CoverageStretch] = []
        for piece in pieces { Self.append(piece.stretch, to: &all) }
        coveredByAll = all
    }

    // MARK: Queries

    /// What camera `camera` covers, merged, ascending by border then km.
    public func intervals(camera: Int) -> [CoverageStretch] { byCamera[camera] }

    /// What the cameras for which `live` is true cover together, merged, ascending by border then km.
    public func covered(live: (Int) -> Bool) -> [CoverageStretch] {
        var merged: [CoverageStretch] = []
        for piece in pieces where live(piece.camera) { Self.append(piece.stretch, to: &merged) }
        return merged
    }

    /// What no camera for which `live` is true covers: the complement of
    /// ``covered(live:)`` within each border line, ascending by border then km. A line no camera
    /// reaches is one stretch from end to end.
    public func uncovered(live: (Int) -> Bool) -> [CoverageStretch] {
        Self.subtract(covered(live: live), from: wholeLines)
    }

    /// The stretches that all the cameras cover together but the cameras for which `live` is
    /// true do not, each with the cameras that would cover it; stretches shorter than
    /// `minLengthM` metres are left out. Empty when every camera is live.
    public func gaps(live: (Int) -> Bool, minLengthM: Double = 0) -> [CoverageGap] {
        Self.subtract(covered(live: live), from: coveredByAll)
            .filter { $0.lengthKm * 1_000 >= minLengthM }
            .map { CoverageGap(stretch: $0, cameras: cameras(covering: $0)) }
    }

    /// The cameras whose coverage overlaps `stretch` (by more than a millimetre), ascending.
    public func cameras(covering stretch: CoverageStretch) -> [Int] {
        var found = Set<Int>()
        for piece in pieces {
            let other = piece.stretch
            if (other.border, other.fromKm) >= (stretch.border, stretch.toKm) { break }
            guard other.border == stretch.border else { continue }
            if min(other.toKm, stretch.toKm) - max(other.fromKm, stretch.fromKm) > Self.mergeToleranceKm { found.insert(piece.camera) }
        }
        return found.sorted()
    }

    /// The border line (its zone index) that camera `camera` covers the most of (ties: the lower
    /// index); for a camera that covers none, the nearest line within
    /// ``nearestBorderLimitM``; otherwise `nil`.
    public func borderZone(of camera: Int) -> Int? { borderZones[camera] }

    // MARK: Building blocks

    /// The stretches of `line` (zone `border`) that `camera` covers, merged and ascending, and the
    /// camera's distance to the line in metres (in its tangent plane, good to 0.05 % at 20 km).
    static func coverage(of camera: Camera, on line: Polyline, border: Int) -> (stretches: [CoverageStretch], distance: Double) {
        let sector = CameraSector(camera)
        let plane = LocalPlane(origin: camera.position)
        let points = line.points, cumulative = line.cumulative
        var found: [CoverageStretch] = []
        var nearest = Double.infinity
        var end = plane.project(points[0])
        for i in 0..<(points.count - 1) {
            let a = end
            end = plane.project(points[i + 1])
            let d = end - a
            let lengthSquared = d.dot(d)
            guard lengthSquared > 0 else { continue }
            // The distance from the camera to the segment (the foot of the perpendicular, clamped
            // to the segment): segments out of range need no more work.
            let foot = min(max(-a.dot(d) / lengthSquared, 0), 1)
            let distance = (a + d * foot).length
            nearest = min(nearest, distance)
            guard distance <= camera.rangeM else { continue }
            // t to km: the segment's share of the line's length. Written so that t = 0 and t = 1
            // give the vertices' km exactly, so parts that meet at a vertex touch.
            func km(_ t: Double) -> Double { ((1 - t) * cumulative[i] + t * cumulative[i + 1]) / 1_000 }
            func point(_ t: Double) -> GeoPoint { t == 0 ? points[i] : (t == 1 ? points[i + 1] : plane.unproject(a + d * t)) }
            for part in sector.intervals(a: a, d: d) {
                found.append(CoverageStretch(
                    border: border, fromKm: km(part.lower), toKm: km(part.upper), from: point(part.lower), to: point(part.upper)))
            }
        }
        found.sort { $0.fromKm < $1.fromKm }
        var merged: [CoverageStretch] = []
        for stretch in found { append(stretch, to: &merged) }
        return (merged, nearest)
    }

    /// Appends `stretch` to `merged` (ascending by border then km, `stretch` starting no earlier
    /// than its last element), extending the last element instead when the two touch or overlap.
    static func append(_ stretch: CoverageStretch, to merged: inout [CoverageStretch]) {
        guard let last = merged.last, last.border == stretch.border, stretch.fromKm <= last.toKm + mergeToleranceKm else {
            merged.append(stretch)
            return
        }
        if stretch.toKm > last.toKm {
            merged[merged.count - 1].toKm = stretch.toKm
            merged[merged.count - 1].to = stretch.to
        }
    }

    /// The parts of `minuend` outside `subtrahend`, both merged and ascending by border then km,
    /// in one pass over the two; parts no longer than the merge tolerance are dropped.
    static func subtract(_ subtrahend: [CoverageStretch], from minuend: [CoverageStretch]) -> [CoverageStretch] {
        var result: [CoverageStretch] = []
        func keep(_ part: CoverageStretch) {
            if part.lengthKm > mergeToleranceKm { result.append(part) }
        }
        var first = 0  // the first part of `subtrahend` that may overlap the current stretch
        for stretch in minuend {
            while first < subtrahend.count && (subtrahend[first].border, subtrahend[first].toKm) < (stretch.border, stretch.fromKm) {
                first += 1
            }
            var rest = stretch  // what is left to examine: from `rest.fromKm` to the stretch's end
            var k = first
            while k < subtrahend.count && subtrahend[k].border == stretch.border && subtrahend[k].fromKm < rest.toKm {
                let cut = subtrahend[k]
                if cut.fromKm > rest.fromKm {
                    keep(CoverageStretch(border: rest.border, fromKm: rest.fromKm, toKm: cut.fromKm, from: rest.from, to: cut.from))
                }
                if cut.toKm > rest.fromKm {
                    rest.fromKm = cut.toKm
                    rest.from = cut.to
                }
                k += 1
            }
            keep(rest)
        }
        return result
    }
}
