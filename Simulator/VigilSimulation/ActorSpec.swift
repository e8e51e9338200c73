import VigilCore

/// One actor of a ``Scenario``: a person, a vehicle, an animal, or a group of them moving together.
///
/// A group (`count > 1`) keeps a fixed formation around its path: members stand on a square grid
/// `spreadM` apart, each nudged by up to a quarter of `spreadM` (seeded), so every member is a
/// separate target for the cameras.
public struct ActorSpec: Sendable {
    /// The actor's id, an identifier unique in the scenario; it names the actor in event lines.
    public var id: String
    /// What the cameras' classifier reports it as.
    public var objectClass: ObjectClass
    /// Members moving together; 1 for a single target.
    public var count: Int
    /// Distance between neighbouring members of a group, metres.
    public var spreadM: Double
    /// Ground speed along the path, m/s.
    public var speedMps: Double
    /// Scenario time at which the actor appears, seconds.
    public var startS: Double
    /// Seconds the actor stays at the end of its path before it is gone.
    public var dwellS: Double
    /// Classifier confidence; each frame reports it jittered by up to ±0.05, clamped to 0...1.
    public var conf: Double
    /// Apparent temperature in °C, reported as `temp_c` when given.
    public var tempC: Double?
    /// Where it goes.
    public var path: ActorPath

    /// Group size when the file names none.
    public static let defaultCount = 1
    /// Group spacing when the file names none, metres.
    public static let defaultSpreadM = 10.0
    /// Confidence when the file names none.
    public static let defaultConf = 0.9

    /// Creates an actor.
    public init(
        id: String, objectClass: ObjectClass, count: Int = ActorSpec.defaultCount, spreadM: Double = ActorSpec.defaultSpreadM,
        speedMps: Double, startS: Double = 0, dwellS: Double = 0, conf: Double = ActorSpec.defaultConf,
        tempC: Double? = nil, path: ActorPath
    ) {
        self.id = id
        self.objectClass = objectClass
        self.count = count
        self.spreadM = spreadM
        self.speedMps = speedMps
        self.startS = startS
        self.dwellS = dwellS
        self.conf = conf
        self.tempC = tempC
        self.path = path
    }
}
