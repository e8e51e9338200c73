import VigilCore

/// A message that breaks the contract, as a faulty or hostile gateway would send it. The daemon
/// must refuse each one, count it under its reason, and carry on (CONTRACT.md section 1).
///
/// Each is built around a real camera's latest frame (its id, sector, `seq` and `ts`), with one
/// person detection at the camera's mast, so that a hostile report the daemon wrongly accepted
/// would show: as an alert, or as a camera pushed ten minutes into the future.
public struct HostileMessage: Sendable {
    /// The kinds, in the order ``HostileMessage/Kind/allCases`` cycles through them.
    public enum Kind: Int, Sendable, CaseIterable {
        /// Not JSON: a Python dict's repr, with single quotes.
        case invalidJSON
        /// A valid report cut off in the middle.
        case truncatedJSON
        /// A `NaN` literal for `lat`.
        case nanLiteral
        /// `lat` 200.
        case latitude200
        /// No `seq`.
        case missingSeq
        /// `"conf":"high"`.
        case wrongType
        /// `"v":2`.
        case version2
        /// A camera that is not registered (in topic and payload alike).
        case unregisteredCamera
        /// A registered camera under another sector's topic.
        case wrongSector
        /// `ts` ten minutes ahead of the wall clock.
        case futureTimestamp
        /// A 70 KiB payload (the contract allows 64 KiB), otherwise valid.
        case oversize
        /// A message of one frame: the topic, no payload.
        case singleFrame

        /// The kind's name in logs: `invalid_json`.
        public var name: String {
            switch self {
            case .invalidJSON: "invalid_json"
            case .truncatedJSON: "truncated_json"
            case .nanLiteral: "nan"
            case .latitude200: "lat_200"
            case .missingSeq: "missing_seq"
            case .wrongType: "wrong_type"
            case .version2: "v2"
            case .unregisteredCamera: "unregistered_camera"
            case .wrongSector: "wrong_sector"
            case .futureTimestamp: "future_ts"
            case .oversize: "oversize"
            case .singleFrame: "single_frame"
            }
        }

        /// The reason the daemon should count it under.
        public var expectedReason: RejectReason {
            switch self {
            case .invalidJSON, .truncatedJSON, .nanLiteral: .badJSON
            case .latitude200: .badValue
            case .missingSeq: .missingField
            case .wrongType: .wrongType
            case .version2: .badVersion
            case .unregisteredCamera: .unknownCamera
            case .wrongSector: .wrongSector
            case .futureTimestamp: .futureTimestamp
            case .oversize: .oversize
            case .singleFrame: .wrongFrameCount
            }
        }
    }

    /// The camera id used for ``Kind/unregisteredCamera``.
    public static let unregisteredCameraID = "cam-unregistered-00"
    /// The size of the ``Kind/oversize`` payload: 70 KiB.
    public static let oversizeBytes = 70 * 1024

    /// What kind of contract breach this is.
    public var kind: Kind
    /// The message's frames: topic and payload, or the topic alone for ``Kind/singleFrame``.
    public var frames: [[UInt8]]

    /// Builds a message of `kind` around `camera`'s frame `seq` at `ts`. `otherSector` is a
    /// sector that is not the camera's (for ``Kind/wrongSector``); `nowMs` is the wall clock
    /// (``Kind/futureTimestamp`` is ten minutes ahead of it: a load run's `ts` may lie days in
    /// the past, where ten minutes after the frame would still be no future at all).
    public init(kind: Kind, camera: Camera, seq: UInt64, ts: Int64, otherSector: String, nowMs: Int64) {
        self.kind = kind
        let topic = Array(DetectionTopic.make(sector: camera.sector, camera: camera.id).utf8)
        let detection = Detection(
            track: 4_000_000_000, objectClass: .person, conf: 0.9, lat: camera.position.lat, lon: camera.position.lon, tempC: 36)
        let valid = FrameReport(camera: camera.id, seq: seq, ts: ts, detections: [detection])
        let lat = Format.fixed(camera.position.lat, 6), lon = Format.fixed(camera.position.lon, 6)
        let head = #"{"v":1,"camera":"\#(camera.id)","seq":\#(seq),"ts":\#(ts)"#
        switch kind {
        case .invalidJSON:
            frames = [topic, Array("{'v': 1, 'camera': '\(camera.id)', 'seq': \(seq), 'ts': \(ts), 'detections': []}".utf8)]
        case .truncatedJSON:
            let payload = FrameWriter.payload(valid)
            frames = [topic, Array(payload.prefix(payload.count / 2))]
        case .nanLiteral:
            frames = [topic, Array(#"\#(head),"detections":[{"track":1,"class":"person","conf":0.9,"lat":NaN,"lon":\#(lon)}]}"#.utf8)]
        case .latitude200:
            frames = [topic, Array(#"\#(head),"detections":[{"track":1,"class":"person","conf":0.9,"lat":200,"lon":\#(lon)}]}"#.utf8)]
        case .missingSeq:
            frames = [topic, Array(#"{"v":1,"camera":"\#(camera.id)","ts":\#(ts),"detections":[]}"#.utf8)]
        case .wrongType:
            frames = [topic, Array(#"\#(head),"detections":[{"track":1,"class":"person","conf":"high","lat":\#(lat),"lon":\#(lon)}]}"#.utf8)]
        case .version2:
            var payload = FrameWriter.payload(valid)
            payload[5] = UInt8(ascii: "2")  // {"v":1 → {"v":2
            frames = [topic, payload]
        case .unregisteredCamera:
            var ghost = valid
            ghost.camera = Self.unregisteredCameraID
            frames = [Array(DetectionTopic.make(sector: camera.sector, camera: Self.unregisteredCameraID).utf8), FrameWriter.payload(ghost)]
        case .wrongSector:
            frames = [Array(DetectionTopic.make(sector: otherSector, camera: camera.id).utf8), FrameWriter.payload(valid)]
        case .futureTimestamp:
            var future = valid
            future.ts = max(ts, nowMs) + 600_000
            frames = [topic, FrameWriter.payload(future)]
        case .oversize:
            var payload = Array(#"\#(head),"detections":[],"padding":""#.utf8)
            payload.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: Self.oversizeBytes - payload.count - 2))
            payload.append(contentsOf: #""}"#.utf8)
            frames = [topic, payload]
        case .singleFrame:
            frames = [topic]
        }
    }
}
