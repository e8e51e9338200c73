import VigilCapture
import ZeroMQ

extension CaptureWriter {
    /// Appends message `index` of `batch`, received at `receivedMs`, from the batch's bytes.
    /// The batch must store whole frames (its `maxStoredFrameBytes` at least the socket's
    /// largest message): what it did not store cannot be recorded.
    func append(_ batch: MessageBatch, message index: Int, receivedMs: Int64) throws(CaptureError) {
        let frames = batch.frames(ofMessage: index)
        guard let first = frames.first else { return }
        let appended: Result<Void, CaptureError> = batch.withBytes(of: first) { topic in
            guard frames.count >= 2 else {
                return Result { () throws(CaptureError) in try append(receivedMs: receivedMs, frameCount: frames.count, topic: topic, payload: nil) }
            }
            return batch.withBytes(of: frames[frames.startIndex + 1]) { payload in
                Result { () throws(CaptureError) in try append(receivedMs: receivedMs, frameCount: frames.count, topic: topic, payload: payload) }
            }
        }
        try appended.get()
    }
}
