import VigilCore

/// One simulated camera with its gateway: a frame counter, a tracker that numbers what it sees,
/// and geolocation with noise.
///
/// - `seq` starts at 0 and grows by 1 per frame.
/// - The tracker gives an object a new track id (the next value of a counter that starts at a
///   random value) each time the object comes into view, and keeps it while the object stays in
///   view. Visibility is decided on the true position with `Camera.sees` (range and field of view).
/// - The reported position is the true one plus Gaussian noise, σ = `noiseM` per axis, drawn
///   from the camera's own random stream (independent per camera and per frame).
/// - `conf` is the actor's, jittered by up to ±0.05 and clamped to 0...1.
/// - Faults (``Faults``), drawn from a stream of their own: `ts` is offset by the camera's clock
///   skew; with `track_switch_s` the tracker loses a tracked object with a chance of
///   `1 / (T · fps)` per frame and gives it a new id at once; at each `reboot_at_s` time the
///   camera reboots: `seq` restarts at 0 and the tracker numbers afresh from a new random value.
struct CameraModel: Sendable {
    /// The camera.
    let camera: Camera
    /// `det.<sector>.<camera>`.
    let topic: String
    /// How far this camera's frames lag the common frame instants, as a fraction of a frame
    /// interval in `0..<1`: real cameras are not synchronised.
    let phase: Double
    /// The camera's position in each trajectory's plane, for a cheap distance test before `sees`.
    let positionInActorPlanes: [Vector2]
    /// Range plus a margin for the difference between planes, squared.
    let reachSquared: Double
    /// The next frame's `seq`.
    private(set) var seq: UInt64 = 0
    /// The next track id to hand out.
    private var nextTrack: UInt32
    /// The current track id of each member (all actors' members, in order) while in view.
    private var tracks: [UInt32?]
    private var random: RandomSource
    /// The clock skew added to every `ts`, ms.
    let skewMs: Int64
    /// The chance per frame that a tracked object's track is switched; 0 for none.
    private let switchChance: Double
    /// Scenario times (into a pass) of reboots, sorted, and the next one to come.
    private let reboots: [Double]
    private var nextReboot = 0
    /// The tracker faults' own random stream (track switches, counter after a reboot).
    private var faultRandom: RandomSource

    init(camera: Camera, seed: UInt64, trajectories: [Trajectory], faults: Faults = .none, fps: Double = Scenario.defaultFPS) {
        self.camera = camera
        topic = DetectionTopic.make(sector: camera.sector, camera: camera.id)
        var random = RandomSource(seed: seed, stream: Self.stream(of: camera.id))
        phase = random.unit()
        nextTrack = UInt32(truncatingIfNeeded: random.next() >> 33)  // below 2^31: room before wrapping
        self.random = random
        positionInActorPlanes = trajectories.map { $0.plane.project(camera.position) }
        reachSquared = (camera.rangeM + 50) * (camera.rangeM + 50)
        tracks = Array(repeating: nil, count: trajectories.reduce(0) { $0 + $1.memberOffsets.count })
        skewMs = faults.skewMs(of: camera.id)
        switchChance = faults.trackSwitchS > 0 ? min(1, 1 / (faults.trackSwitchS * fps)) : 0
        reboots = faults.rebootAtS
        faultRandom = RandomSource(seed: seed, stream: Self.stream(of: camera.id) ^ Faults.trackerStream)
    }

    /// A random stream per camera id (FNV-1a), so adding or removing a camera changes nothing
    /// for the others.
    static func stream(of id: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Forgets every track: what comes into view next gets a new id.
    mutating func loseAllTracks() {
        for index in tracks.indices { tracks[index] = nil }
    }

    /// A new pass begins: every track is lost and the reboots come again.
    mutating func startPass() {
        loseAllTracks()
        nextReboot = 0
    }

    /// The camera reboots: `seq` restarts at 0, tracks are lost and the track counter restarts
    /// from a new random value.
    private mutating func reboot() {
        seq = 0
        loseAllTracks()
        nextTrack = UInt32(truncatingIfNeeded: faultRandom.next() >> 33)
    }

    /// The camera's next frame, taken at `time` (seconds into the scenario pass) and stamped `ts`.
    mutating func frame(
        at time: Double, ts: Int64, trajectories: [Trajectory], actors: [ActorSpec], noiseM: Double
    ) -> FrameReport {
        while nextReboot < reboots.count && reboots[nextReboot] <= time {
            reboot()
            nextReboot += 1
        }
        var detections: [Detection] = []
        var member = 0
        for (index, trajectory) in trajectories.enumerated() {
            let members = trajectory.memberOffsets.count
            guard let state = trajectory.state(at: time) else {
                for m in member..<(member + members) { tracks[m] = nil }
                member += members
                continue
            }
            let actor = actors[index]
            let origin = positionInActorPlanes[index]
            var heading = (state.headingDeg * 10).rounded() / 10
            if heading >= 360 { heading -= 360 }
            for offset in trajectory.memberOffsets {
                let position = state.position + offset
                let fromCamera = position - origin
                if fromCamera.dot(fromCamera) <= reachSquared, camera.sees(trajectory.geoPoint(position)) {
                    let track: UInt32
                    if let current = tracks[member], switchChance == 0 || faultRandom.unit() >= switchChance {
                        track = current
                    } else {
                        track = nextTrack
                        nextTrack &+= 1
                        tracks[member] = track
                    }
                    if detections.count < 256 {  // the contract's limit per report
                        let (dx, dy) = noiseM > 0 ? random.gaussianPair(sigma: noiseM) : (0, 0)
                        let reported = trajectory.geoPoint(position + Vector2(x: dx, y: dy))
                        detections.append(
                            Detection(
                                track: track, objectClass: actor.objectClass,
                                conf: min(max(actor.conf + random.symmetric(0.05), 0), 1),
                                lat: reported.lat, lon: reported.lon, tempC: actor.tempC,
                                speedMps: state.speedMps, headingDeg: heading))
                    }
                } else {
                    tracks[member] = nil
                }
                member += 1
            }
        }
        let report = FrameReport(camera: camera.id, seq: seq, ts: ts + skewMs, detections: detections, exercise: true)
        seq += 1
        return report
    }
}
