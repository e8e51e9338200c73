import VigilCore
import ZeroMQ

extension FrameValidator {
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
}
