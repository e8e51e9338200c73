/// A stretch of one border line: from `fromKm` to `toKm` along it.
///
/// Positions along a line are kilometres from its first vertex, with the arc length of
/// ``Polyline/cumulative`` (the simulator's `km` is the same measure).
public struct CoverageStretch: Sendable, Equatable {
    /// The index of the line's zone in the zones array ``BorderCoverage`` was built from.
    public var border: Int
    /// Where the stretch starts, km along the line.
    public var fromKm: Double
    /// Where it ends, km along the line (`toKm >= fromKm`).
    public var toKm: Double
    /// The point of the line at `fromKm`.
    public var from: GeoPoint
    /// The point of the line at `toKm`.
    public var to: GeoPoint

    /// Creates a stretch.
    public init(border: Int, fromKm: Double, toKm: Double, from: GeoPoint, to: GeoPoint) {
        self.border = border
        self.fromKm = fromKm
        self.toKm = toKm
        self.from = from
        self.to = to
    }

    /// Its length in km.
    public var lengthKm: Double { toKm - fromKm }
}

/// A stretch that the configured cameras cover but no live camera covers now, with the
/// configured cameras that would cover (part of) it: the cameras to bring back.
public struct CoverageGap: Sendable, Equatable {
    /// The uncovered stretch.
    public var stretch: CoverageStretch
    /// Indices of the cameras whose coverage overlaps the stretch, ascending; all of them are
    /// down (a live one would cover its part).
    public var cameras: [Int]

    /// Creates a gap.
    public init(stretch: CoverageStretch, cameras: [Int]) {
        self.stretch = stretch
        self.cameras = cameras
    }
}
