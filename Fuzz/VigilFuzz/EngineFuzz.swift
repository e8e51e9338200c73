import Foundation
import VigilConfig
import VigilCore

/// The alert engine's fuzz harness: one input is a sequence of frame reports from the cameras of
/// the default configuration (with hostile `seq` and `ts` patterns, reboots, duplicates, gaps,
/// jumps to `UInt64.max`, tracks up to `UInt32.max`, positions anywhere on the globe, 0 to 257
/// detections), steps of the wall clock, timer ticks, silences and restarts, decoded as
/// ``EngineFuzzInput`` describes. Each frame report is written as JSON with its topic
/// `det.<sector>.<camera>` and goes through what vigild does with a message: ``FrameValidator``,
/// `AlertEngine.process`, `AlertEngine.expire` after each batch and on every 500 ms tick, and the
/// silences (``AlertGate``); the alerts consumers would see are encoded as the publisher does.
///
/// Besides the traps of the code it runs (overflow, out-of-range index, a failed precondition),
/// it stops with a precondition failure when the engine breaks the contract's alert life cycle
/// (an incident raised twice, updated before it was raised or after it was resolved), in what
/// the engine emits or in what consumers see through the silences, or when the engine cannot
/// read back the state it wrote.
///
/// The libFuzzer entry point (`Fuzz/engine/main.swift`, built by `scripts/fuzz.sh`) calls
/// ``run(_:)-(UnsafeRawBufferPointer)``; the test target `VigilFuzzTests` runs the corpus through it.
public enum EngineFuzz {
    /// The configuration the harness loads: `$VIGIL_FUZZ_CONFIG`, else the repository's default
    /// `Config/vigild.yaml`, found from this source file's path.
    public static var configurationPath: String {
        if let path = ProcessInfo.processInfo.environment["VIGIL_FUZZ_CONFIG"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/vigild.yaml").path
    }

    /// What one input did, for tests and for the seed generator.
    public struct Summary: Sendable, Equatable {
        /// Messages built (frame reports and raw messages).
        public var messages = 0
        /// Messages that passed validation and went to the engine.
        public var validated = 0
        /// Frame reports the engine took.
        public var accepted = 0
        /// Frame reports the engine dropped as duplicates.
        public var duplicates = 0
        /// Rejections, by reason (validation's and the engine's), keyed by the reason's name.
        public var rejected: [String: Int] = [:]
        /// Detections in the frame reports the engine took.
        public var detections = 0
        /// Alert messages the engine emitted, by state.
        public var raised = 0, updated = 0, resolved = 0
        /// Alert messages consumers saw (after the silences).
        public var visible = 0
        /// Alert kinds the engine emitted.
        public var kinds: Set<String> = []
        /// Batches and timer ticks (each followed by `expire`), restarts.
        public var batches = 0, ticks = 0, restarts = 0
        /// Silences added.
        public var silences = 0
        /// The engine's counters at the end: camera reboots recognised, frames reordered, frames
        /// given up as missing.
        public var cameraRestarts: UInt64 = 0, framesReordered: UInt64 = 0, framesMissing: UInt64 = 0

        /// Zero counts.
        public init() {}
    }

    /// Runs one input (any bytes) through validation, the engine and the silences.
    @discardableResult
    public static func run(_ data: UnsafeRawBufferPointer) -> Summary {
        var session = EngineFuzzSession(setup: .shared)
        session.run(data)
        return session.summary
    }

    /// Runs one input (any bytes) through validation, the engine and the silences.
    @discardableResult
    public static func run(_ bytes: [UInt8]) -> Summary {
        bytes.withUnsafeBytes { run($0) }
    }

    /// Loads the configuration now (the fuzzer's initialisation calls this, so that loading is
    /// not counted against the first input).
    public static func prepare() {
        _ = FuzzSetup.shared
    }
}

/// What every input starts from: the engine of the default configuration, built once and copied
/// (it is a value), the validator, and the ids the operations pick from.
struct FuzzSetup: Sendable {
    let engine: AlertEngine
    let validator: FrameValidator
    let cameras: [Camera]
    /// Per camera, its topic `det.<sector>.<camera>`.
    let topics: [String]
    /// Per camera, a sector that is not its own.
    let otherSectors: [String]
    let zoneIDs: [String]
    /// The zones, for the rules the configuration target reads.
    let zones: [Zone]
    let kinds: [String]
    let batchSize: Int
    /// Readable bytes after each payload: 0, unless `$VIGIL_FUZZ_PAYLOAD_SLACK` says otherwise
    /// (a way to fuzz on past a known over-read at a payload's end, as in a batch buffer where
    /// more bytes follow).
    let payloadSlack = max(0, Int(ProcessInfo.processInfo.environment["VIGIL_FUZZ_PAYLOAD_SLACK"] ?? "") ?? 0)

    static let shared: FuzzSetup = {
        let path = EngineFuzz.configurationPath
        let configuration: VigilConfiguration
        do { configuration = try VigilConfiguration.load(path: path) } catch {
            fatalError("EngineFuzz: cannot load the configuration \(path): \(error)")
        }
        return FuzzSetup(configuration)
    }()

    init(_ configuration: VigilConfiguration) {
        engine = configuration.makeEngine()
        validator = FrameValidator(cameras: engine.cameras)
        cameras = configuration.cameras
        precondition(!cameras.isEmpty, "EngineFuzz: the configuration registers no camera")
        topics = cameras.map { DetectionTopic.make(sector: $0.sector, camera: $0.id) }
        let sectors = Array(Set(cameras.map(\.sector))).sorted()
        otherSectors = cameras.map { camera in sectors.first { $0 != camera.sector } ?? camera.sector + "X" }
        zoneIDs = configuration.zones.map(\.id)
        zones = configuration.zones
        kinds = Array(Set(configuration.rules.compactMap(\.kind) + ["camera_offline", "coverage_gap"])).sorted()
        batchSize = max(1, configuration.settings.batchSize)
    }
}
