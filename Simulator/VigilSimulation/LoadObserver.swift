/// What a load run tells as it sends (``Runner/run(observer:)``), on the runner's thread: each
/// frame with detections just before it is handed to the socket, and a tick about every
/// ``Runner/tickInterval`` seconds while frames go out, plus one after the last.
///
/// Only load runs call it; the calls must be quick, they are on the send path.
public protocol LoadObserver: AnyObject {
    /// A frame with detections from the camera at `cameraIndex` (in ``Simulator/cameras``), with
    /// event time `ts`, is about to be sent; `time` is ``WallClock/monotonic()``.
    func sent(ts: Int64, cameraIndex: Int, at time: Double)

    /// `sent` messages have gone out in `elapsed` seconds; `now` is ``WallClock/monotonic()``.
    func tick(sent: Int, elapsed: Double, now: Double)
}
