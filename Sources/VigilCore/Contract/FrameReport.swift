/// What a thermal camera's tracker reported, as one gateway frame report (CONTRACT.md section 1).
///
/// A frame report is one unit: it is either accepted whole or rejected whole.
public struct FrameReport: Sendable, Equatable {
    /// The camera id; equals the camera named in the topic.
    public var camera: String
    /// Per-camera frame counter; restarts at 0 when the camera reboots.
    public var seq: UInt64
    /// Capture time of the frame (event time), Unix epoch milliseconds.
    public var ts: Int64
    /// Everything the camera saw in this frame; empty for a heartbeat.
    public var detections: [Detection]
    /// How many detections carried a `class` outside the contract's list (taken as `unknown`).
    public var unknownClassCount: Int
    /// The extension field `exercise`: the report comes from a simulator or a drill, and the
    /// alerts it leads to are marked as exercises. Absent means false.
    public var exercise: Bool

    /// Creates a frame report.
    public init(camera: String, seq: UInt64, ts: Int64, detections: [Detection], unknownClassCount: Int = 0, exercise: Bool = false) {
        self.camera = camera
        self.seq = seq
        self.ts = ts
        self.detections = detections
        self.unknownClassCount = unknownClassCount
        self.exercise = exercise
    }
}

/// One object in one frame, geolocated by the gateway.
public struct Detection: Sendable, Equatable {
    /// Camera-local track id: the same object keeps it from frame to frame.
    public var track: UInt32
    /// What the classifier thinks the object is.
    public var objectClass: ObjectClass
    /// Classifier confidence, 0 to 1.
    public var conf: Double
    /// Ground position, WGS84 degrees.
    public var lat: Double
    /// Ground position, WGS84 degrees.
    public var lon: Double
    /// Apparent temperature in °C, when the gateway knows it.
    public var tempC: Double?
    /// Apparent size in metres, when known.
    public var sizeM: Double?
    /// Speed over ground in m/s, when known.
    public var speedMps: Double?
    /// Heading in degrees clockwise from north, when known.
    public var headingDeg: Double?

    /// Creates a detection.
    public init(
        track: UInt32, objectClass: ObjectClass, conf: Double, lat: Double, lon: Double,
        tempC: Double? = nil, sizeM: Double? = nil, speedMps: Double? = nil, headingDeg: Double? = nil
    ) {
        self.track = track
        self.objectClass = objectClass
        self.conf = conf
        self.lat = lat
        self.lon = lon
        self.tempC = tempC
        self.sizeM = sizeM
        self.speedMps = speedMps
        self.headingDeg = headingDeg
    }

    /// The detection's ground position.
    public var position: GeoPoint { GeoPoint(lat: lat, lon: lon) }
}
