/// A registered thermal camera: where it stands and what it can see.
public struct Camera: Sendable, Equatable {
    /// The camera id, an ``Identifier``.
    public var id: String
    /// The sector it reports under (`det.<sector>.<camera>`).
    public var sector: String
    /// Where the mast stands.
    public var position: GeoPoint
    /// Compass bearing of the optical axis, degrees clockwise from north.
    public var headingDeg: Double
    /// Horizontal field of view, degrees.
    public var fovDeg: Double
    /// Detection range, metres.
    public var rangeM: Double

    /// Creates a camera.
    public init(id: String, sector: String, position: GeoPoint, headingDeg: Double, fovDeg: Double, rangeM: Double) {
        self.id = id
        self.sector = sector
        self.position = position
        self.headingDeg = headingDeg
        self.fovDeg = fovDeg
        self.rangeM = rangeM
    }

    /// Whether `point` is within the camera's range and field of view.
    public func sees(_ point: GeoPoint) -> Bool {
        let distance = position.distance(to: point)
        guard distance <= rangeM else { return false }
        if distance < 1 { return true }
        var offset = position.bearing(to: point) - headingDeg
        offset = offset.truncatingRemainder(dividingBy: 360)
        if offset > 180 { offset -= 360 }
        if offset < -180 { offset += 360 }
        return abs(offset) <= fovDeg / 2
    }
}

/// The registered cameras, looked up by id.
public struct CameraRegistry: Sendable {
    /// The cameras, in configuration order; a camera's index is its place here.
    public let cameras: [Camera]
    private let indexByID: [String: Int]

    /// Creates a registry. Ids must be unique (the configuration loader checks it).
    public init(_ cameras: [Camera]) {
        self.cameras = cameras
        var index: [String: Int] = [:]
        for (i, camera) in cameras.enumerated() { index[camera.id] = i }
        indexByID = index
    }

    /// The index of the camera with `id`.
    @inline(__always)
    public func index(of id: String) -> Int? { indexByID[id] }

    /// The number of cameras.
    public var count: Int { cameras.count }

    /// The camera at `index`.
    public subscript(index: Int) -> Camera { cameras[index] }
}
