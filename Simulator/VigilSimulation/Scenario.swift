import VigilCore

/// A simulator scenario: who moves where along the border, and which cameras report it.
///
/// Scenarios live in `Config/scenarios/NAME.yaml` and are read by
/// ``Scenario/load(path:file:world:)``, strictly: an unknown key is an error, and every error
/// names the file and the key path (`actors[1].path.cross.km`).
///
/// ## File format
///
/// ```yaml
/// name: rabia-lone-crossing   # required; an identifier
/// description: ...            # free text (default empty)
/// fps: 10                     # frames a second per camera (default 10, 0.1 to 100)
/// noise_m: 3                  # gateway geolocation noise, metres, σ per axis (default 3)
/// tail_s: 45                  # heartbeats after the last actor is gone, so open incidents resolve (default 45)
/// cameras: [cam-rabia-]       # id prefixes of the cameras that report (default: every registered camera)
/// seed: 7                     # random seed: the same seed gives the same frames (default 1)
/// actors:                     # required, at least one
///   - id: p1                  # required; an identifier, unique in the scenario
///     class: person           # required: person | vehicle | animal | unknown
///     count: 1                # members moving together (a group, a herd); default 1
///     spread_m: 15            # distance between neighbouring members of a group (default 10)
///     speed_mps: 1.5          # required; ground speed along the path
///     start_s: 5              # scenario time at which it appears (default 0)
///     dwell_s: 0              # seconds it stays at the end of its path before it is gone (default 0)
///     conf: 0.9               # classifier confidence, jittered ±0.05 per frame (default 0.9)
///     temp_c: 34.5            # apparent temperature, reported when given (default: not reported)
///     path:                   # required; exactly one of cross, border, waypoints
///       cross: {km: 558.0, from: SY, to: IQ, before_m: 60, after_m: 800}
///       # border: [{km: 225.50, side: SY, offset_m: 25}, {km: 225.52, side: IQ, offset_m: 30}]
///       # waypoints: [[36.8358, 42.1125], [36.8347, 42.1143]]   # [lat, lon]
/// faults:                     # optional; what gateways get wrong (see ``Faults``)
///   duplicate: 0.2            # probability a frame is sent twice (default 0)
///   reorder_ms: 500           # frames held 0..W ms of scenario time, W ≤ 2000 (default 0)
///   drop: 0.1                 # probability a frame is lost, seq still advances (default 0)
///   clock_skew_ms: {cam-rabia-17: -2000}   # ts offset per camera-id prefix, ±4000 (default none)
///   track_switch_s: 8         # trackers lose each object about every T s (default 0: never)
///   reboot_at_s: [60]         # every reporting camera reboots: seq 0, new track ids (default none)
/// ```
///
/// `km` is measured along the border line (the zone of kind `border`) from its first vertex, the
/// south end. Side names are the border zone's `left` and `right` names (`SY`, `IQ`). A `cross`
/// path starts `before_m` metres on the `from` side, perpendicular to the line at `km`, and ends
/// `after_m` metres on the `to` side. A `border` path is a list of waypoints given as a distance
/// `offset_m` to one side of the line at `km`. An actor is gone at the end of its path (plus
/// `dwell_s`): picked up, or out of sight.
///
/// The scenario lasts until the last actor is gone, plus `tail_s`, rounded up to a whole frame.
public struct Scenario: Sendable {
    /// The scenario's name, an identifier.
    public var name: String
    /// What happens, for people.
    public var description: String
    /// Frames a second per camera. Default ``defaultFPS``.
    public var fps: Double
    /// Gateway geolocation noise, metres, standard deviation per axis. Default ``defaultNoiseM``.
    public var noiseM: Double
    /// Seconds of heartbeats after the last actor is gone. Default ``defaultTailS``.
    public var tailS: Double
    /// Id prefixes of the cameras that report; empty means every registered camera.
    public var cameraPrefixes: [String]
    /// The random seed.
    public var seed: UInt64
    /// The actors, in file order.
    public var actors: [ActorSpec]
    /// Gateway faults injected into what is sent; ``Faults/none`` by default.
    public var faults: Faults

    /// Frames a second per camera when the file names none: 10.
    public static let defaultFPS = 10.0
    /// Geolocation noise when the file names none: 3 m per axis.
    public static let defaultNoiseM = 3.0
    /// Heartbeat tail when the file names none: 45 s, longer than the daemon's default 30 s
    /// `resolve_after`, so every incident the scenario opens is resolved before it ends.
    public static let defaultTailS = 45.0
    /// The seed when the file names none.
    public static let defaultSeed: UInt64 = 1

    /// Creates a scenario.
    public init(
        name: String, description: String = "", fps: Double = Scenario.defaultFPS, noiseM: Double = Scenario.defaultNoiseM,
        tailS: Double = Scenario.defaultTailS, cameraPrefixes: [String] = [], seed: UInt64 = Scenario.defaultSeed,
        actors: [ActorSpec], faults: Faults = .none
    ) {
        self.name = name
        self.description = description
        self.fps = fps
        self.noiseM = noiseM
        self.tailS = tailS
        self.cameraPrefixes = cameraPrefixes
        self.seed = seed
        self.actors = actors
        self.faults = faults
    }

    /// The cameras of `registered` that report in this scenario, in registration order.
    public func reportingCameras(of registered: [Camera]) -> [Camera] {
        guard !cameraPrefixes.isEmpty else { return registered }
        return registered.filter { camera in cameraPrefixes.contains { camera.id.hasPrefix($0) } }
    }
}
