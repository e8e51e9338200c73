import VigilCore

/// One frame report as a simulated camera's gateway publishes it, with where it belongs in the
/// scenario.
public struct SimulatedFrame: Sendable {
    /// The camera's index in ``Simulator/cameras``.
    public var cameraIndex: Int
    /// The topic frame: `det.<sector>.<camera>`, the sector being the camera's registered one.
    public var topic: String
    /// Scenario time of the frame, seconds since the first pass began.
    public var scenarioTime: Double
    /// Scenario time at which the frame is sent: ``scenarioTime`` plus any hold from the
    /// scenario's `reorder_ms` fault. The simulator yields frames in this order.
    public var sendTime: Double
    /// Which pass over the scenario this frame belongs to (0 unless the simulator loops).
    public var pass: Int
    /// The report; ``FrameWriter`` turns it into the payload frame.
    public var report: FrameReport
}
