/// The first line of a capture: where and since when it was recorded.
public struct CaptureHeader: Sendable, Equatable {
    /// The format's version, written as `vigil_capture`.
    public static let version = 1
    /// Wall-clock time at which recording started, epoch ms.
    public var startedMs: Int64
    /// Endpoints the recording socket bound (with the port chosen for `*`).
    public var bind: [String]
    /// Endpoints it connected to.
    public var connect: [String]
    /// The topic prefixes it subscribed to.
    public var topics: [String]

    /// Creates a header.
    public init(startedMs: Int64, bind: [String] = [], connect: [String] = [], topics: [String] = ["det."]) {
        self.startedMs = startedMs
        self.bind = bind
        self.connect = connect
        self.topics = topics
    }
}
