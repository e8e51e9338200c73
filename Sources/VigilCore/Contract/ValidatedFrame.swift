/// A frame report that passed validation in ingest: the contract, the topic, the camera's
/// registration and sector. Time checks and duplicates are decided in processing.
public struct ValidatedFrame: Sendable {
    /// Index of the camera in the registry.
    public var camera: Int
    /// The decoded report.
    public var report: FrameReport

    /// Creates a validated frame.
    public init(camera: Int, report: FrameReport) {
        self.camera = camera
        self.report = report
    }
}
