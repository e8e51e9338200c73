#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilCore

/// What the nuisance soak (`vigil-sim nuisance`) plays: days of event time of everything along
/// the border that is not an intrusion, planned from a seed.
///
/// Each covered stretch (the cameras `cam-<stretch>-NN`) gets, every simulated day
/// (``NuisanceRates`` gives the numbers):
/// - **herds** (``NuisanceKind/herdCrossing``): a flock crosses the line to graze in the morning
///   and back in the afternoon, a few hundred metres either side;
/// - **grazing** (``NuisanceKind/grazing``): a small flock zigzags along the line for half an
///   hour, crossing it again and again;
/// - a **standing heat source** (``NuisanceKind/heatSource``) on the line for 20 to 60 minutes
///   of the evening (a stone warm from the day, a dying fire): classed `unknown`, its reported position
///   jittering a few metres either side of the line;
/// - **masked flares** (``NuisanceKind/maskedFlare``): the known heat sources (the zones of kind
///   `mask`) flare up, seen as one to three hot objects the classifier calls anything;
/// - **patrols** (``NuisanceKind/patrol``): a border-guard vehicle drives the patrol road (the
///   band zone ``NuisanceOptions/patrolZone``) from beyond one end of the stretch to a turning
///   point, stops, and drives back; once by day, once by night;
/// - **town life** (``NuisanceKind/townLife``): people walk about the towns in the cameras'
///   view, by day (inside the schedule of the rules' suppression of people in towns), on their
///   own side of the line.
///
/// And every camera of the covered stretches reboots now and then and drops frames
/// (``NuisanceFeed``). Nothing here crosses the line but animals; nothing a person or vehicle
/// does is an intrusion. Times are seconds since ``originMs``, a local midnight at the site.
public struct NuisancePlan: Sendable {
    /// What was asked for.
    public let options: NuisanceOptions
    /// Event time, Unix ms, of simulated second 0: a local midnight (site time).
    public let originMs: Int64
    /// The covered stretches.
    public let stretches: [NuisanceStretch]
    /// The activities, by start time.
    public let activities: [NuisanceActivity]
    /// Each activity's trajectory (same order).
    public let trajectories: [Trajectory]
    /// The cameras' reboots, by time.
    public let reboots: [NuisanceReboot]
    /// Why something asked for was left out (no patrol road, no town in view, ...).
    public let notes: [String]

    /// Simulated seconds played: the `days` × 86,400 planned, and the end of what the last
    /// evening began (a night patrol, a heat source), so every activity is played whole; two
    /// minutes after the last one ends at least.
    public let durationS: Double

    /// The event time, Unix ms, of simulated second `t` (a frame's `ts`).
    public func eventTimeMs(_ t: Double) -> Int64 { originMs + Int64((t * 1_000).rounded(.down)) }

    /// The activities as one scenario of the covered cameras (no faults, no tail), for the ground
    /// truth the simulator computes of it (``Simulator/groundTruth(throughScenarioTime:)``).
    public var scenario: Scenario {
        Scenario(
            name: "nuisance", description: "vigil-sim nuisance", fps: options.fps, noiseM: options.noiseM, tailS: 0,
            cameraPrefixes: stretches.flatMap(\.cameraIDs), seed: options.seed, actors: activities.map(\.actor))
    }

    /// The stretch of camera `id`: `qaim` for `cam-qaim-07`; the whole id when it has another form.
    public static func stretchName(of id: String) -> String {
        let parts = id.split(separator: "-")
        guard parts.count >= 3, parts.first == "cam", parts.last!.allSatisfy(\.isNumber) else { return id }
        return parts.dropFirst().dropLast().joined(separator: "-")
    }

    /// The first local midnight (site time) at least `days` + 1 days and two hours before
    /// `nowMs`: the origin of a soak played from the past (the spill of its last evening
    /// included) up to a day before now.
    public static func origin(nowMs: Int64, days: Int, siteTime: SiteTime) -> Int64 {
        let latest = nowMs - Int64(days + 1) * 86_400_000 - 2 * 3_600_000
        let offset = Int64(siteTime.offsetSeconds(at: latest)) * 1_000
        let local = latest + offset
        let midnight = local - ((local % 86_400_000) + 86_400_000) % 86_400_000
        return midnight - offset
    }
}

/// The soak's size and shape.
public struct NuisanceOptions: Sendable, Equatable {
    /// Simulated days, 1 to 360 (the daemon takes a backlog of up to a year).
    public var days: Int
    /// The seed: the same seed, days, stretches and origin give the same frames.
    public var seed: UInt64
    /// Stretch names to cover (`qaim`, `rabia`); empty: every stretch.
    public var stretches: [String]
    /// Frames a second of a camera that sees something.
    public var fps: Double
    /// Seconds of event time between the heartbeats of a camera that sees nothing.
    public var heartbeatS: Double
    /// Seconds of event time between the heartbeats of the cameras of the stretches not covered
    /// (they only keep the rest of the border alive in the daemon's eyes; its camera health is
    /// judged in wall time, which the soak compresses hundreds of times).
    public var idleHeartbeatS: Double
    /// Geolocation noise, metres, σ per axis.
    public var noiseM: Double
    /// The zone (a band around a line) patrols drive along.
    public var patrolZone: String
    /// How much of each activity.
    public var rates: NuisanceRates
    /// The kinds of activity played; empty: all.
    public var kinds: Set<NuisanceKind>

    /// Creates options (defaults: 30 days, seed 1, every stretch, 10 fps, heartbeats every 10 s).
    public init(
        days: Int = 30, seed: UInt64 = 1, stretches: [String] = [], fps: Double = 10, heartbeatS: Double = 10, idleHeartbeatS: Double = 60,
        noiseM: Double = Scenario.defaultNoiseM, patrolZone: String = "iq-patrol-road", rates: NuisanceRates = NuisanceRates(),
        kinds: Set<NuisanceKind> = []
    ) {
        self.kinds = kinds
        self.days = days
        self.seed = seed
        self.stretches = stretches
        self.fps = fps
        self.heartbeatS = heartbeatS
        self.idleHeartbeatS = idleHeartbeatS
        self.noiseM = noiseM
        self.patrolZone = patrolZone
        self.rates = rates
    }
}

/// How often each thing happens, per stretch and simulated day unless said otherwise.
public struct NuisanceRates: Sendable, Equatable {
    /// Herds that cross to graze and come back (two crossings each).
    public var herds = 2
    /// Flocks grazing along the line.
    public var grazing = 1
    /// Standing heat sources on the line.
    public var heatSources = 1
    /// Flare-ups per mask seen by the stretch's cameras.
    public var flaresPerMask = 3
    /// Patrols (one by day, one by night, alternately).
    public var patrols = 2
    /// Walks per town in view (by day).
    public var townWalks = 6
    /// Mean days between two reboots of one camera.
    public var rebootEveryDays = 3.0
    /// Chance a frame is lost.
    public var dropRate = 0.002
    /// Chance a frame starts a burst of 5 to 30 lost frames.
    public var burstRate = 0.000_2
    /// Mean seconds before a tracker loses an object and picks it up under a new id.
    public var trackSwitchS = 120.0
    /// Chance the classifier calls an animal `unknown`.
    public var animalUnknownRate = 0.1

    /// The defaults.
    public init() {}
}

/// What a nuisance activity is.
public enum NuisanceKind: String, Sendable, CaseIterable, Comparable {
    /// A herd crossing the line (animals).
    case herdCrossing = "herd-crossing"
    /// A flock grazing along the line, across it and back (animals).
    case grazing
    /// A heat source standing on the line, its position jittering (`unknown`).
    case heatSource = "heat-source"
    /// A known heat source (a mask) flaring up (any class).
    case maskedFlare = "masked-flare"
    /// One leg of a border-guard patrol on the patrol road (a vehicle).
    case patrol
    /// People walking about a town by day.
    case townLife = "town-life"

    public static func < (a: NuisanceKind, b: NuisanceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One thing that happens: an actor of a scenario (times in seconds since the plan's origin),
/// with what the soak adds to it.
public struct NuisanceActivity: Sendable {
    /// What it is.
    public var kind: NuisanceKind
    /// The stretch whose cameras see it.
    public var stretch: String
    /// The simulated day it was planned for (0-based).
    public var day: Int
    /// Who moves where, and when.
    public var actor: ActorSpec
    /// The drift of its reported position (heat sources, flares), common to every camera.
    public var jitter: NuisanceJitter?
    /// Chance each detection is classed `unknown` instead of the actor's class.
    public var unknownRate: Double
    /// The seed of its group formation.
    public var formationSeed: UInt64
}

/// The drift of a reported position: on each axis the sum of two sines of half the amplitude,
/// periods of seconds to a minute, so it wanders smoothly within ±``amplitudeM`` and every camera
/// sees the same drift (the object's apparent position), plus its own noise.
public struct NuisanceJitter: Sendable, Equatable {
    /// The most it moves off the true position on each axis, metres.
    public var amplitudeM: Double
    /// Periods of the four sines, seconds: east, east, north, north.
    public var periods: [Double]
    /// Their phases, radians.
    public var phases: [Double]

    /// A drift of `amplitudeM` drawn from `random`.
    init(amplitudeM: Double, random: inout RandomSource) {
        self.amplitudeM = amplitudeM
        periods = [random.uniform(5, 13), random.uniform(20, 70), random.uniform(5, 13), random.uniform(20, 70)]
        phases = (0..<4).map { _ in random.uniform(0, 2 * .pi) }
    }

    /// The offset at simulated second `t`, metres east and north.
    public func offset(at t: Double) -> Vector2 {
        let a = amplitudeM / 2
        func wave(_ i: Int) -> Double { a * sin(2 * .pi * t / periods[i] + phases[i]) }
        return Vector2(x: wave(0) + wave(1), y: wave(2) + wave(3))
    }
}

/// A covered stretch: its cameras and what they see.
public struct NuisanceStretch: Sendable, Equatable {
    /// `qaim`, `rabia`: the middle of its cameras' ids.
    public var name: String
    /// Indices of its cameras in the world's cameras.
    public var cameras: [Int]
    /// Their ids.
    public var cameraIDs: [String]
    /// Kilometres along the border its cameras stand at (their nearest points on the line).
    public var kmRange: ClosedRange<Double>
    /// The zones its cameras see (the border line included), sorted: the zones false alerts are
    /// counted in.
    public var zones: [String]
}

/// A camera's reboot: silent from `atS` for `downS`, then `seq` from 0 and new track ids.
public struct NuisanceReboot: Sendable, Equatable {
    /// Index of the camera in the world's cameras.
    public var camera: Int
    /// Simulated second it goes down.
    public var atS: Double
    /// Seconds it stays down.
    public var downS: Double
}

/// A plan that cannot be made.
public struct NuisanceError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension RandomSource {
    /// A uniform value in `[a, b)`.
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + unit() * (b - a) }

    /// A uniform integer in `a...b`.
    mutating func integer(_ a: Int, _ b: Int) -> Int { a + Swift.min(Int(unit() * Double(b - a + 1)), b - a) }

    /// An exponentially distributed value of mean `mean`.
    mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }

    /// `true` with chance `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }
}
