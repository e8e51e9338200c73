/// The frames with detections a load run has sent, by event time: what a `raised` alert's
/// `last_ts` and `cameras` are looked up in to find the frame that raised it, and when that frame
/// went out.
///
/// Kept sorted by `ts`. Frames come nearly in that order (a `reorder_ms` fault holds one back by
/// at most 2 s), so each insertion moves a frame a short way from the end. ``forget(sentBefore:)``
/// drops the oldest, so that a long run holds only its last minute or so: three parallel arrays,
/// 18 bytes a frame.
public struct SendLog: Sendable {
    private var ts: [Int64] = []
    private var camera: [UInt16] = []
    private var sentAt: [Double] = []
    /// Index of the first frame not forgotten.
    private var start = 0

    /// An empty log.
    public init() {}

    /// Frames held.
    public var count: Int { ts.count - start }

    /// Adds a frame of the camera at `cameraIndex` (below 65,536) with event time `ts`, handed to
    /// the socket at `time` (monotonic seconds).
    public mutating func append(ts value: Int64, cameraIndex: Int, at time: Double) {
        precondition((0...Int(UInt16.max)).contains(cameraIndex), "camera index out of range")
        ts.append(value)
        camera.append(UInt16(cameraIndex))
        sentAt.append(time)
        // Insertion into place; equal event times keep the order they were sent in.
        var index = ts.count - 1
        while index > start && ts[index - 1] > ts[index] {
            ts.swapAt(index - 1, index)
            camera.swapAt(index - 1, index)
            sentAt.swapAt(index - 1, index)
            index -= 1
        }
    }

    /// When the frame that carries event time `lastTs` from one of `cameraIndices` was sent: the
    /// earliest such send no later than `arrival` (a duplicated frame counts from its first copy;
    /// of two cameras with frames at the same `ts`, the earlier, which never understates the
    /// latency). `nil` when the log holds none.
    public func sendTime(lastTs: Int64, cameraIndices: [Int], notAfter arrival: Double) -> Double? {
        var low = start, high = ts.count
        while low < high {
            let middle = (low + high) / 2
            if ts[middle] < lastTs { low = middle + 1 } else { high = middle }
        }
        var earliest: Double?
        var index = low
        while index < ts.count && ts[index] == lastTs {
            if sentAt[index] <= arrival && cameraIndices.contains(Int(camera[index])) { earliest = min(earliest ?? .infinity, sentAt[index]) }
            index += 1
        }
        return earliest
    }

    /// Forgets the oldest frames, as long as they were sent before `time` (monotonic seconds).
    public mutating func forget(sentBefore time: Double) {
        while start < ts.count && sentAt[start] < time { start += 1 }
        // Compacted when the forgotten part is large and at least half: amortised O(1) a frame.
        if start >= 65_536 && start * 2 >= ts.count {
            ts.removeFirst(start)
            camera.removeFirst(start)
            sentAt.removeFirst(start)
            start = 0
        }
    }
}
