/// What real gateways get wrong, injected into a scenario's frames (the `faults:` mapping of a
/// scenario file). Faults change only what is sent, never what happens: ground truth is the same
/// with and without them.
///
/// Every fault is drawn per camera from the scenario's seed (streams of their own, apart from the
/// geolocation noise), so a run with faults is reproducible frame for frame, and a scenario
/// without faults sends exactly what it sent before faults existed.
///
/// ```yaml
/// faults:
///   duplicate: 0.2              # probability that a frame is sent a second time, same bytes
///   reorder_ms: 500             # each frame (and each copy) is held 0..W ms of scenario time
///   drop: 0.1                   # probability that a frame is lost; seq still advances
///   clock_skew_ms: {cam-rabia-17: -2000}   # ts offset per camera-id prefix (longest prefix wins)
///   track_switch_s: 8           # a tracker loses each object about every T s, new track id
///   reboot_at_s: [60]           # every reporting camera reboots: seq restarts at 0, new track ids
///   outages:                    # cameras that send nothing at all (not even heartbeats) for a while:
///     - {cameras: cam-rabia-17, from_s: 30, to_s: 110}   # an id prefix, pass times [from, to)
/// ```
///
/// Bounds keep the faults inside what the daemon is specified to absorb: its lateness bound is
/// 10 s of a camera's event-time progress (so `reorder_ms` is at most ``maxReorderMs``, 2 s), and
/// it rejects reports more than 5 s ahead of its clock (so a skew is at most ``maxSkewMs``, ±4 s).
public struct Faults: Sendable, Equatable {
    /// Probability, 0 to 1, that a frame is sent twice (identical bytes; the copy has its own hold).
    public var duplicate: Double
    /// Reordering window, ms of scenario time: each frame is sent after a uniform random hold in
    /// `0..<reorderMs`, so frames arrive out of order within that window. 0: in order.
    public var reorderMs: Double
    /// Probability, 0 to 0.99, that a frame is not sent; the camera's `seq` still advances.
    public var drop: Double
    /// Fixed `ts` offset in ms per camera-id prefix (negative: the camera's clock is behind). A
    /// camera takes the offset of the longest prefix its id starts with.
    public var clockSkewMs: [String: Int]
    /// Mean seconds a tracker keeps an object before losing it and picking it up under a new
    /// track id (per object and frame, a chance of `1 / (T · fps)`). 0: never.
    public var trackSwitchS: Double
    /// Scenario times, seconds into a pass, at which every reporting camera reboots: its `seq`
    /// restarts at 0 and its tracker starts numbering afresh, so every object gets a new track id.
    public var rebootAtS: [Double]
    /// Cameras that fall silent: a power cut or a cut link. Their frames (and heartbeats) in the
    /// window are not sent; `seq` keeps counting, as a camera behind a cut link does.
    public var outages: [Outage]

    /// A camera-id prefix silent from `fromS` to `toS` (scenario seconds into each pass).
    public struct Outage: Sendable, Equatable {
        /// Cameras whose id starts with this.
        public var cameras: String
        /// Start, seconds into the pass (included).
        public var fromS: Double
        /// End, seconds into the pass (excluded).
        public var toS: Double

        /// Creates an outage.
        public init(cameras: String, fromS: Double, toS: Double) {
            self.cameras = cameras
            self.fromS = fromS
            self.toS = toS
        }
    }

    /// Whether camera `id` is silent at `passTime` seconds into a pass.
    public func isSilent(_ id: String, at passTime: Double) -> Bool {
        outages.contains { id.hasPrefix($0.cameras) && passTime >= $0.fromS && passTime < $0.toS }
    }

    /// The largest `reorder_ms`: well inside the daemon's 10 s lateness bound.
    public static let maxReorderMs = 2_000.0
    /// The largest skew either way: inside the daemon's 5 s allowance for reports from the future.
    public static let maxSkewMs = 4_000

    /// Faults, none by default.
    public init(
        duplicate: Double = 0, reorderMs: Double = 0, drop: Double = 0, clockSkewMs: [String: Int] = [:], trackSwitchS: Double = 0,
        rebootAtS: [Double] = [], outages: [Outage] = []
    ) {
        self.duplicate = duplicate
        self.reorderMs = reorderMs
        self.drop = drop
        self.clockSkewMs = clockSkewMs
        self.trackSwitchS = trackSwitchS
        self.rebootAtS = rebootAtS.sorted()
        self.outages = outages
    }

    /// No faults at all.
    public static let none = Faults()

    /// Whether any fault changes which frames are sent or when (drop, duplicate, reorder).
    public var affectsDelivery: Bool { duplicate > 0 || drop > 0 || reorderMs > 0 || !outages.isEmpty }

    /// The `ts` offset, ms, of camera `id`: the longest matching prefix's, or 0.
    public func skewMs(of id: String) -> Int64 {
        let match = clockSkewMs.filter { id.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }
        return Int64(match?.value ?? 0)
    }

    /// Random stream salts, so each kind of fault draws apart from the noise and from each other.
    static let trackerStream: UInt64 = 0x7AC4_5E11_0000_0001
    static let deliveryStream: UInt64 = 0xDE11_7E72_0000_0002
}
