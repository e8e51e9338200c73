import VigilCore
import ZeroMQ

/// Checks one detection message against the contract (CONTRACT.md §1) and the camera
/// registration: two frames, the topic `det.<sector>.<camera>`, the payload's size, the frame
/// report itself, the camera registered, the payload's camera equal to the topic's, and the
/// topic's sector equal to the camera's registered one.
///
/// The checks run in that order, so a message with several faults is always rejected for the
/// same reason. Time checks and duplicates are decided later, by the engine.
///
/// Used by the ingest stage on the bytes of a received ``MessageBatch`` (nothing is copied), and
/// by ``Replayer`` on recorded messages, so that a replay rejects exactly what the daemon did.
public struct FrameValidator: Sendable {
    /// The registered cameras.
    public let cameras: CameraRegistry

    /// Creates a validator for the cameras of `registry`.
    public init(cameras registry: CameraRegistry) {
        cameras = registry
    }

    /// The rejection of a message that has `count` frames instead of two (topic, payload).
    public static func wrongFrameCount(_ count: Int) -> FrameReportError {
        FrameReportError(.badTopic, "expected 2 frames (topic, payload), got \(count)")
    }

    /// Validates message `index` of `batch` on the batch's own bytes.
    ///
    /// A frame the batch did not store (longer than its `maxStoredFrameBytes`) is judged by its
    /// length: a payload over ``FrameReportParser/maxPayloadBytes`` is `oversize`, a topic is
    /// `bad_topic`. The batch must therefore store frames of up to that many bytes.
    public func validate(_ batch: MessageBatch, message index: Int) -> Result<ValidatedFrame, FrameReportError> {
        let frames = batch.frames(ofMessage: index)
        guard frames.count == 2 else { return .failure(Self.wrongFrameCount(frames.count)) }
        let topicFrame = frames[frames.startIndex], payloadFrame = frames[frames.startIndex + 1]
        if let error = Self.sizeError(topicLength: topicFrame.length, topicStored: !topicFrame.isTruncated, payloadLength: payloadFrame.length) {
            return .failure(error)
        }
        if payloadFrame.isTruncated {
            return .failure(FrameReportError(.oversize, "payload is \(payloadFrame.length) bytes, more than the batch stores"))
        }
        return batch.withBytes(of: topicFrame) { topic in
            batch.withBytes(of: payloadFrame) { payload in checkReport(topic: topic, payload: payload) }
        }
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
    /// the topic was stored at all.
    private static func sizeError(topicLength: Int, topicStored: Bool, payloadLength: Int) -> FrameReportError? {
        if payloadLength > FrameReportParser.maxPayloadBytes {
            return FrameReportError(.oversize, "payload is \(payloadLength) bytes; the limit is \(FrameReportParser.maxPayloadBytes)")
        }
        if !topicStored { return FrameReportError(.badTopic, "topic is \(topicLength) bytes") }
        return nil
    }

    /// The topic, the frame report, and the camera's registration.
    private func checkReport(topic topicBytes: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> Result<ValidatedFrame, FrameReportError> {
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
