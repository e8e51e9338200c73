/// Why a gateway's message was refused. Every rejection is counted by reason.
///
/// The raw values are the names used in logs and in `vigil stats`.
public enum RejectReason: String, Sendable, CaseIterable, Hashable {
    /// The payload is larger than the contract's 64 KiB.
    case oversize
    /// The message is not two frames (topic, payload): one frame, or three and more.
    case wrongFrameCount = "wrong_frame_count"
    /// The topic is not `det.<sector>.<camera>`.
    case badTopic = "bad_topic"
    /// The payload is not valid JSON (syntax, encoding, truncation, NaN, ...).
    case badJSON = "bad_json"
    /// A required field is missing.
    case missingField = "missing_field"
    /// A field has the wrong JSON type (a string where a number is required, ...).
    case wrongType = "wrong_type"
    /// A field has the right type but a value outside what the contract allows.
    case badValue = "bad_value"
    /// `v` is not 1.
    case badVersion = "bad_version"
    /// More than 256 detections in one report.
    case tooManyDetections = "too_many_detections"
    /// The payload's camera differs from the topic's camera.
    case cameraMismatch = "camera_mismatch"
    /// The camera is not registered in the configuration.
    case unknownCamera = "unknown_camera"
    /// The topic's sector is not the camera's registered sector.
    case wrongSector = "wrong_sector"
    /// `ts` lies further ahead of the daemon's clock than the allowed skew.
    case futureTimestamp = "future_ts"
    /// `ts` lies further behind its camera's progress than the lateness bound.
    case tooLate = "too_late"
    /// `seq` jumps ahead of its camera's run by more frames than the camera could have taken in
    /// the event time between them (a wild or hostile counter, not a gap of lost frames).
    case seqJump = "seq_jump"
    /// The gateway's key may not report for this camera (`security.gateways[].cameras`, `sectors`).
    case unauthorizedCamera = "unauthorized_camera"
    /// The message came over a connection whose key is no longer listed for ingest (removed by a
    /// reload): an open connection does not keep the rights its key had.
    case unknownGateway = "unknown_gateway"
    /// The camera, or the gateway, sent faster than its rate limit (`ingest.max_camera_rate`,
    /// `security.gateways[].max_rate`): one runaway source cannot starve the others.
    case rateLimited = "rate_limited"
}

/// A frame report that broke the contract: the reason it is counted under and a detail for the log.
public struct FrameReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The counter this rejection goes to.
    public var reason: RejectReason
    /// What was wrong, naming the field, for example `detections[3].lat: expected a number from -90 to 90`.
    public var detail: String

    /// Creates a rejection.
    public init(_ reason: RejectReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// `reason: detail`.
    public var description: String { "\(reason.rawValue): \(detail)" }
}
