/// Checks one detection message against the contract (CONTRACT.md §1) and the camera
/// registration: two frames, the topic `det.<sector>.<camera>`, the payload's size, the frame
/// report itself, the camera registered, the payload's camera equal to the topic's, and the
/// topic's sector equal to the camera's registered one.
///
/// The checks run in that order, so a message with several faults is always rejected for the
/// same reason. Time checks and duplicates are decided later, by the engine.
///
/// Used by the ingest stage on the bytes of a received ZeroMQ message batch (nothing is copied,
/// `FrameValidator+MessageBatch.swift` in VigilPipeline), by the replayer on recorded messages, so
/// that a replay rejects exactly what the daemon did, and by the engine's fuzz target.
public struct FrameValidator: Sendable {
    /// The registered cameras.
    public let cameras: CameraRegistry

    /// Creates a validator for the cameras of `registry`.
    public init(cameras registry: CameraRegistry) {
        cameras = registry
    }

    /// The rejection of a message that has `count` frames instead of two (topic, payload).
    public static func wrongFrameCount(_ count: Int) -> FrameReportError {
        FrameReportError(.wrongFrameCount, "expected 2 frames (topic, payload), got \(count)")
    }

    /// Validates a two-frame message from its topic and payload bytes.
    public func validate(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> Result<ValidatedFrame, FrameReportError> {
        if let error = Self.sizeError(topicLength: topic.count, topicStored: true, payloadLength: payload.count) { return .failure(error) }
        return checkReport(topic: topic, payload: payload)
    }

    /// Validates a two-frame message from its topic and payload bytes.
    public func validate(topic: [UInt8], payload: [UInt8]) -> Result<ValidatedFrame, FrameReportError> {
        topic.withUnsafeBytes { topic in payload.withUnsafeBytes { payload in validate(topic: topic, payload: payload) } }
    }

    /// The checks that need no parsing, in the daemon's order: the payload's size, then whether
    /// the topic was stored at all (a receiver that stores frames up to a bound says which it cut).
    public static func sizeError(topicLength: Int, topicStored: Bool, payloadLength: Int) -> FrameReportError? {
        if payloadLength > FrameReportParser.maxPayloadBytes {
            return FrameReportError(.oversize, "payload is \(payloadLength) bytes; the limit is \(FrameReportParser.maxPayloadBytes)")
        }
        if !topicStored { return FrameReportError(.badTopic, "topic is \(topicLength) bytes") }
        return nil
    }

    /// The topic, the frame report, and the camera's registration: the checks after
    /// ``sizeError(topicLength:topicStored:payloadLength:)``.
    public func checkReport(topic topicBytes: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> Result<ValidatedFrame, FrameReportError> {
        Result { () throws(FrameReportError) -> ValidatedFrame in
            let topic = try DetectionTopic.parse(topicBytes)
            let report = try FrameReportParser.parse(payload)
            guard report.camera == topic.camera else {
                throw FrameReportError(.cameraMismatch, "payload camera \(report.camera) differs from topic camera \(topic.camera)")
            }
            guard let camera = cameras.index(of: report.camera) else {
                throw FrameReportError(.unknownCamera, "camera \(report.camera) is not registered")
            }
            guard cameras[camera].sector == topic.sector else {
                throw FrameReportError(
                    .wrongSector, "camera \(report.camera) is registered in sector \(cameras[camera].sector), not \(topic.sector)")
            }
            return ValidatedFrame(camera: camera, report: report)
        }
    }
}
