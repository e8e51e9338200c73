import VigilCore

/// An input of ``EngineFuzz``: its byte format, and a builder that writes it (the seed corpus's
/// generator, ``EngineFuzzSeeds``, is written with it).
///
/// ## Format
///
/// An input is a sequence of operations, each an opcode byte and its operands; every byte string
/// is a valid input. Operands are read past the end of the input from a fixed pseudo-random
/// stream, so the last operation is always complete; no operation starts past the end.
/// Multi-byte integers are little-endian. In the opcode byte, `kind = byte & 0x0F` and
/// `variant = byte >> 4`.
///
/// | kind | operation | operands |
/// | --- | --- | --- |
/// | 0–7 | a frame report (variant: 0–12 plain, 13 `"exercise": true`, 14 other spellings, 15 a fault: one byte follows, see ``Fault``) | camera, seq, ts, count, detections |
/// | 8 | wall and monotonic time move on by 10·n ms (n = 0 only ends the batch) | n: 1 byte |
/// | 9 | variant + 1 ticks of the 500 ms timer (time moves to each tick, then `expire`) | |
/// | 10 | the wall clock steps back 4·n ms (monotonic time stays) | n: 1 byte |
/// | 11 | wall and monotonic time jump on by n ms | n: 4 bytes |
/// | 12 | the wall clock is set: ``wallTable``[n & 15] + (n >> 4)·1000 ms | n: 1 byte |
/// | 13 | a raw message: the camera's topic (variant odd: a raw topic, length byte and bytes, first) and a raw payload | camera, length, bytes |
/// | 14 | silences: add, remove, add with several matchers, remove all | see ``SilenceOp`` |
/// | 15 | variant 0 (the first 4 times): the daemon restarts: state written, read into a fresh engine, `n` seconds later; else a plain frame report | n: 1 byte |
///
/// A frame's operands: the camera (`byte % cameras`), `seq` (``Seq``), `ts` (``Ts``), the
/// detection count (``countByte(_:)``), then each detection: a byte `d` (track mode `d & 3`,
/// place `(d >> 2) & 7`, class `(d >> 5) & 3`, optional fields `d >> 7`), the track's operands,
/// the place's operands, the confidence (byte / 255), and, with optional fields, a byte of flags
/// (temp_c, size_m, speed_mps, heading_deg) and one byte per field present.
///
/// Frames are processed at once, in batches: a batch ends at any other operation, after
/// `ingest.batch_size` frames and at the end of the input, and is followed by `expire`, as in the
/// daemon's processing stage.
public struct EngineFuzzInput: Sendable {
    /// The encoded input.
    public private(set) var bytes: [UInt8] = []

    /// An empty input.
    public init() {}

    /// The wall clock's starting point (the contract's example time) and values ``setWall(_:)``
    /// picks from.
    public static let startWallMs: Int64 = 1_795_228_380_000
    /// Wall clock settings of operation 12.
    public static let wallTable: [Int64] = [
        0, 1_000, 86_400_000, 1 << 31, 1 << 32, 1_000_000_000_000, startWallMs, startWallMs + 3_600_000,
        startWallMs + 86_400_000 * 365, 4_102_444_800_000, (1 << 53) - 10_000, (1 << 53) - 5_000, 1 << 53, (1 << 53) + 5_000,
        1 << 60, 5_000,
    ]
    /// Extreme `seq` values of ``Seq/extreme(_:)``.
    public static let seqTable: [UInt64] = [
        0, 1, 2, .max, .max - 1, .max - 2, 1 << 63, (1 << 63) - 1, (1 << 63) + 1, 1 << 53, 1 << 32, UInt64(UInt32.max), 1_023, 1_024,
        1_025, 2_048, .max - 1_024, .max - 1_025, 1 << 62, UInt64(Int64.max) + 1_024,
    ]
    /// Extreme `ts` values of ``Ts/extreme(_:)``: absolute, or relative to the wall clock or
    /// the camera's previous `ts` (see ``extremeTs(_:wallMs:previousTs:)``).
    public static let tsTableCount = 20
    /// Extreme track ids of ``Track/extreme(_:)``.
    public static let trackTable: [UInt32] = [0, 1, .max, .max - 1, 1 << 31, (1 << 31) - 1, 1 << 16, 65_535]
    /// Extreme positions of ``Place/extreme(_:)``: the poles, the antimeridian, null island,
    /// the corners of the coordinate range, and the border itself.
    public static let placeTable: [GeoPoint] = [
        GeoPoint(lat: 90, lon: 0), GeoPoint(lat: -90, lon: 0), GeoPoint(lat: 90, lon: 180), GeoPoint(lat: -90, lon: -180),
        GeoPoint(lat: 0, lon: 180), GeoPoint(lat: 0, lon: -180), GeoPoint(lat: 0, lon: 0), GeoPoint(lat: 89.999999, lon: 179.999999),
        GeoPoint(lat: -89.999999, lon: -179.999999), GeoPoint(lat: 36.8, lon: 179.9999999), GeoPoint(lat: 36.8, lon: -179.9999999),
        GeoPoint(lat: .leastNonzeroMagnitude, lon: -.leastNonzeroMagnitude), GeoPoint(lat: 36.79213, lon: 42.08931), GeoPoint(lat: 34.4, lon: 40.95),
        GeoPoint(lat: 90, lon: 42), GeoPoint(lat: -0.0, lon: -0.0),
    ]

    /// The camera's `ts` for ``Ts/extreme(_:)`` index `n`.
    static func extremeTs(_ n: UInt8, wallMs: Int64, previousTs: Int64) -> Int64 {
        switch Int(n) % tsTableCount {
        case 0: 0
        case 1: 1
        case 2: 1 << 53
        case 3: (1 << 53) - 1
        case 4: (1 << 53) + 1
        case 5: -1
        case 6: .max
        case 7: .min
        case 8: wallMs
        case 9: wallMs &+ 5_000
        case 10: wallMs &+ 5_001
        case 11: wallMs &- 2_000
        case 12: wallMs &- 2_001
        case 13: previousTs &+ 2_000
        case 14: previousTs &- 2_000
        case 15: previousTs &- 2_001
        case 16: 1 << 31
        case 17: wallMs &- 30_000
        case 18: wallMs &- 86_400_000
        default: previousTs &+ 30_001
        }
    }

    // MARK: Operands

    /// How a frame's `seq` follows the previous one sent by its camera (for a camera not heard
    /// yet, the previous `seq` is `UInt64.max`, so ``next`` gives 0).
    public enum Seq: Sendable, Equatable {
        /// The previous + 1 (mode 0).
        case next
        /// The previous message again, byte for byte (mode 1): one ts byte follows, ignored,
        /// and no detections.
        case duplicate
        /// The previous + 2 + n, n < 32 (mode 2).
        case gap(UInt8)
        /// The previous − 1 − n, n < 32, wrapping (mode 3): a frame delivered late.
        case back(UInt8)
        /// The previous + (n << shift), wrapping, shift < 32 (mode 4).
        case jump(UInt32, shift: UInt8)
        /// ``seqTable``[n % count], n < 32 (mode 5).
        case extreme(UInt8)
        /// n, n < 32: the camera rebooted (mode 6).
        case reboot(UInt8)
        /// This value (mode 7).
        case exact(UInt64)
    }

    /// How a frame's `ts` follows the previous one sent by its camera (for a camera not heard
    /// yet, the previous `ts` is the wall clock − 1 s).
    public enum Ts: Sendable, Equatable {
        /// The previous + 100 + n ms, n < 32 (mode 0).
        case next(UInt8)
        /// The previous again (mode 1).
        case same
        /// The previous − 100·n ms, n < 32 (mode 2).
        case back(UInt8)
        /// The previous + n ms (mode 3).
        case forward(UInt32)
        /// ``extremeTs(_:wallMs:previousTs:)`` n, n < 32 (mode 4).
        case extreme(UInt8)
        /// The wall clock + 250·(n − 16) ms, n < 32 (mode 5).
        case wall(UInt8)
        /// The previous − n ms (mode 6).
        case backFar(UInt32)
        /// This value, written as it is (outside 0...2^53 the parser rejects it) (mode 7).
        case exact(Int64)
    }

    /// A detection's track id: per camera, each of eight slots (detection index % 8) keeps its
    /// track and position from frame to frame.
    public enum Track: Sendable, Equatable {
        /// The slot's track (mode 0).
        case slot
        /// The slot's track + 1: the tracker lost the object and picked it up anew (mode 1).
        case new
        /// This id (mode 2).
        case exact(UInt32)
        /// ``trackTable``[n % count] (mode 3).
        case extreme(UInt8)
    }

    /// A detection's position.
    public enum Place: Sendable, Equatable {
        /// The slot's position moved by (2·dx, 2·dy) metres east and north, −8 ≤ d < 8 (mode 0).
        case step(dx: Int8, dy: Int8)
        /// The slot's position moved by (20·dx, 20·dy) metres, −8 ≤ d < 8 (mode 1).
        case stride(dx: Int8, dy: Int8)
        /// The camera's position + (12·dx, 12·dy) metres (mode 2).
        case nearCamera(dx: Int8, dy: Int8)
        /// The camera's position + (dx, dy) metres (mode 3).
        case fromCamera(dx: Int16, dy: Int16)
        /// Anywhere: latitude −90 + 180·lat/65535, longitude −180 + 360·lon/65535 (mode 4).
        case globe(lat: UInt16, lon: UInt16)
        /// ``placeTable``[n % count] (mode 5).
        case extreme(UInt8)
        /// The slot's position, unmoved (mode 6).
        case still
        /// One metre north of the previous detection of this frame (mode 7).
        case beside
    }

    /// Optional fields of a detection, each a byte: `temp_c` = b − 40, `size_m` = b / 10,
    /// `speed_mps` = b / 2, `heading_deg` = 360·b / 255.
    public struct Extras: Sendable, Equatable {
        /// The fields' bytes; nil leaves the field out.
        public var temp: UInt8?, size: UInt8?, speed: UInt8?, heading: UInt8?

        /// Optional fields as given.
        public init(temp: UInt8? = nil, size: UInt8? = nil, speed: UInt8? = nil, heading: UInt8? = nil) {
            self.temp = temp
            self.size = size
            self.speed = speed
            self.heading = heading
        }
    }

    /// One detection of a frame.
    public struct Detection: Sendable, Equatable {
        /// Its track id.
        public var track: Track
        /// Its position.
        public var place: Place
        /// Its class (`unknown` is written as `drone` in the other spellings).
        public var objectClass: ObjectClass
        /// Its confidence, byte / 255.
        public var conf: UInt8
        /// Optional fields.
        public var extras: Extras?

        /// A detection.
        public init(track: Track = .slot, place: Place, objectClass: ObjectClass = .person, conf: UInt8 = 230, extras: Extras? = nil) {
            self.track = track
            self.place = place
            self.objectClass = objectClass
            self.conf = conf
            self.extras = extras
        }
    }

    /// What breaks a frame's message (variant 15), one byte `f`: the fault is `f & 7`.
    public enum Fault: UInt8, Sendable, CaseIterable {
        /// The topic names another sector than the camera's.
        case wrongSector
        /// The payload names the next registered camera, the topic this one.
        case otherCamera
        /// A camera that is not registered, in topic and payload.
        case unregistered
        /// `"v": 2`.
        case version2
        /// A topic without its camera.
        case badTopic
        /// The payload cut after 8·(f >> 3) bytes.
        case truncated
        /// No `ts`.
        case missingTs
        /// The payload padded past 64 KiB.
        case oversize
    }

    /// How a frame's message is written.
    public enum Spelling: Sendable, Equatable {
        /// As a typical gateway writes it.
        case plain
        /// With `"exercise": true`.
        case exercise
        /// Integers as `12.0`, unknown fields, `drone` for unknown classes, a byte order mark,
        /// whitespace, `detections` first.
        case alternative
        /// Broken by `fault`; `detail` goes into the fault byte's high bits.
        case fault(Fault, detail: UInt8 = 0)
    }

    /// A silence operation (operation 14), as its mode byte `m` (`m & 3`) and operands.
    public enum SilenceOp: Sendable, Equatable {
        /// Adds a silence with one matcher (mode 0): matcher byte (`k & 3`: camera, zone, kind,
        /// severity; `k >> 2` picks the value), duration byte (10·n s; 0 has expired already).
        case add(matcher: UInt8, durationTenSeconds: UInt8)
        /// Removes the silence at index `m >> 2` of those in force (mode 1).
        case remove(UInt8)
        /// Adds a silence with the matchers of two matcher bytes (mode 2), then the duration.
        case addTwo(UInt8, UInt8, durationTenSeconds: UInt8)
        /// Removes every silence (mode 3).
        case removeAll
    }

    // MARK: Writing

    /// The count byte for `count` detections: 0...8, 16·k for k in 1...14, 256, 257 (over the
    /// contract's limit).
    public static func countByte(_ count: Int) -> UInt8 {
        switch count {
        case 0...8: UInt8(count)
        case 16...224 where count % 16 == 0: UInt8(0xEF + count / 16)
        case 256: 0xFE
        case 257: 0xFF
        default: preconditionFailure("no count byte for \(count) detections")
        }
    }

    /// The number of detections a count byte stands for.
    static func count(forByte byte: UInt8) -> Int {
        switch byte {
        case 0..<0xF0: Int(byte % 9)
        case 0xFE: 256
        case 0xFF: 257
        default: 16 * Int(byte - 0xEF)
        }
    }

    /// Appends a frame report of camera `camera` (an index, modulo the cameras registered).
    public mutating func frame(camera: UInt8, seq: Seq, ts: Ts, detections: [Detection], spelling: Spelling = .plain, kind: UInt8 = 0) {
        let variant: UInt8
        switch spelling {
        case .plain: variant = 0
        case .exercise: variant = 13
        case .alternative: variant = 14
        case .fault: variant = 15
        }
        bytes.append(variant << 4 | (kind & 7))
        if case .fault(let fault, let detail) = spelling { bytes.append(detail << 3 | fault.rawValue) }
        bytes.append(camera)
        switch seq {
        case .next: bytes.append(0)
        case .duplicate: bytes.append(1)
        case .gap(let n): bytes.append(n << 3 | 2)
        case .back(let n): bytes.append(n << 3 | 3)
        case .jump(let n, let shift):
            bytes.append(shift << 3 | 4)
            append(n)
        case .extreme(let n): bytes.append(n << 3 | 5)
        case .reboot(let n): bytes.append(n << 3 | 6)
        case .exact(let value):
            bytes.append(7)
            append(value)
        }
        guard seq != .duplicate else {
            // The previous message is sent again as it was: a ts byte (ignored), nothing else.
            precondition(detections.isEmpty, "a duplicate repeats the previous message; it has no detections of its own")
            bytes.append(0)
            return
        }
        switch ts {
        case .next(let n): bytes.append(n << 3 | 0)
        case .same: bytes.append(1)
        case .back(let n): bytes.append(n << 3 | 2)
        case .forward(let n):
            bytes.append(3)
            append(n)
        case .extreme(let n): bytes.append(n << 3 | 4)
        case .wall(let n): bytes.append(n << 3 | 5)
        case .backFar(let n):
            bytes.append(6)
            append(n)
        case .exact(let value):
            bytes.append(7)
            append(UInt64(bitPattern: value))
        }
        bytes.append(Self.countByte(detections.count))
        for detection in detections { append(detection) }
    }

    /// Appends a heartbeat (a frame without detections) of `camera`, `seq` and `ts` following on.
    public mutating func heartbeat(camera: UInt8, seq: Seq = .next, ts: Ts = .next(0)) {
        frame(camera: camera, seq: seq, ts: ts, detections: [])
    }

    /// Appends operation 8: time moves on by 10·`tenMs` ms (0: the batch ends).
    public mutating func advance(tenMs: UInt8) {
        bytes.append(8)
        bytes.append(tenMs)
    }

    /// Appends operation 9: `count` (1...16) ticks of the timer.
    public mutating func tick(_ count: Int = 1) {
        precondition((1...16).contains(count))
        bytes.append(UInt8(count - 1) << 4 | 9)
    }

    /// Appends operation 10: the wall clock steps back 4·`fourMs` ms.
    public mutating func stepBack(fourMs: UInt8) {
        bytes.append(10)
        bytes.append(fourMs)
    }

    /// Appends operation 11: time jumps on by `ms`.
    public mutating func jump(ms: UInt32) {
        bytes.append(11)
        append(ms)
    }

    /// Appends operation 12: the wall clock is set to ``wallTable``[`index`] + `seconds`·1000 ms.
    public mutating func setWall(_ index: UInt8, seconds: UInt8 = 0) {
        precondition(index < 16 && seconds < 16)
        bytes.append(12)
        bytes.append(seconds << 4 | index)
    }

    /// Appends operation 13: a raw payload on `camera`'s topic, or on `topic` when given.
    public mutating func raw(camera: UInt8, payload: [UInt8], topic: [UInt8]? = nil) {
        precondition(payload.count < 256 && (topic?.count ?? 0) < 256)
        bytes.append(topic == nil ? 13 : 0x10 | 13)
        bytes.append(camera)
        if let topic {
            bytes.append(UInt8(topic.count))
            bytes.append(contentsOf: topic)
        }
        bytes.append(UInt8(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// Appends operation 14.
    public mutating func silence(_ op: SilenceOp) {
        bytes.append(14)
        switch op {
        case .add(let matcher, let duration):
            bytes.append(0)
            bytes.append(matcher)
            bytes.append(duration)
        case .remove(let index):
            bytes.append(index << 2 | 1)
        case .addTwo(let first, let second, let duration):
            bytes.append(2)
            bytes.append(first)
            bytes.append(second)
            bytes.append(duration)
        case .removeAll:
            bytes.append(3)
        }
    }

    /// Appends operation 15: the daemon restarts after `downSeconds`.
    public mutating func restart(downSeconds: UInt8) {
        bytes.append(15)
        bytes.append(downSeconds)
    }

    /// Appends bytes as they are.
    public mutating func appendRaw(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    private mutating func append(_ detection: Detection) {
        var d: UInt8
        switch detection.track {
        case .slot: d = 0
        case .new: d = 1
        case .exact: d = 2
        case .extreme: d = 3
        }
        let place: UInt8
        switch detection.place {
        case .step: place = 0
        case .stride: place = 1
        case .nearCamera: place = 2
        case .fromCamera: place = 3
        case .globe: place = 4
        case .extreme: place = 5
        case .still: place = 6
        case .beside: place = 7
        }
        let objectClass: UInt8
        switch detection.objectClass {
        case .person: objectClass = 0
        case .vehicle: objectClass = 1
        case .animal: objectClass = 2
        case .unknown: objectClass = 3
        }
        d |= place << 2 | objectClass << 5 | (detection.extras == nil ? 0 : 0x80)
        bytes.append(d)
        switch detection.track {
        case .slot, .new: break
        case .exact(let id): append(id)
        case .extreme(let n): bytes.append(n)
        }
        switch detection.place {
        case .step(let dx, let dy), .stride(let dx, let dy):
            bytes.append(UInt8(bitPattern: dx) & 0x0F | UInt8(bitPattern: dy) << 4)
        case .nearCamera(let dx, let dy):
            bytes.append(UInt8(bitPattern: dx))
            bytes.append(UInt8(bitPattern: dy))
        case .fromCamera(let dx, let dy):
            append(UInt16(bitPattern: dx))
            append(UInt16(bitPattern: dy))
        case .globe(let lat, let lon):
            append(lat)
            append(lon)
        case .extreme(let n): bytes.append(n)
        case .still, .beside: break
        }
        bytes.append(detection.conf)
        if let extras = detection.extras {
            let fields = [extras.temp, extras.size, extras.speed, extras.heading]
            var flags: UInt8 = 0
            for (bit, field) in fields.enumerated() where field != nil { flags |= 1 << bit }
            bytes.append(flags)
            for case let field? in fields { bytes.append(field) }
        }
    }

    private mutating func append(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private mutating func append(_ value: UInt32) {
        append(UInt16(truncatingIfNeeded: value))
        append(UInt16(truncatingIfNeeded: value >> 16))
    }

    private mutating func append(_ value: UInt64) {
        append(UInt32(truncatingIfNeeded: value))
        append(UInt32(truncatingIfNeeded: value >> 32))
    }
}
