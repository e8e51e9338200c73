/// One reply of the catch-up endpoint (README, "The durable alert stream"): the frame `catchup`,
/// the header `{"v":1,"after":1041,"last_seq":2041,"latest_seq":5310,"oldest_seq":1,"count":1000,"more":true}`,
/// then topic and payload of each alert, exactly as published, in `seq` order. Written by the
/// daemon, read by consumers.
public struct CatchUpPage: Sendable, Equatable {
    /// One alert as published: its topic and its payload's bytes.
    public struct Alert: Sendable, Equatable {
        /// `alert.<severity>.<sector>.<zone>`.
        public var topic: String
        /// The alert message, as journaled and published.
        public var payload: [UInt8]

        /// An alert.
        public init(topic: String, payload: [UInt8]) {
            self.topic = topic
            self.payload = payload
        }
    }

    /// The request's `after`.
    public var after: UInt64
    /// The last `seq` the reply covers; ask again after it while ``more`` is true.
    public var lastSeq: UInt64
    /// The newest `seq` journaled.
    public var latestSeq: UInt64
    /// The oldest `seq` still held, 0 when the journal holds none.
    public var oldestSeq: UInt64
    /// Whether there is more after ``lastSeq``.
    public var more: Bool
    /// The alerts, in `seq` order.
    public var alerts: [Alert]

    /// A page.
    public init(after: UInt64, lastSeq: UInt64, latestSeq: UInt64, oldestSeq: UInt64, more: Bool, alerts: [Alert]) {
        self.after = after
        self.lastSeq = lastSeq
        self.latestSeq = latestSeq
        self.oldestSeq = oldestSeq
        self.more = more
        self.alerts = alerts
    }

    /// The header's bytes, `count` being the number of alerts.
    public func header() -> [UInt8] {
        let text =
            #"{"v":1,"after":\#(after),"last_seq":\#(lastSeq),"latest_seq":\#(latestSeq),"oldest_seq":\#(oldestSeq),"count":\#(alerts.count),"more":\#(more)}"#
        return Array(text.utf8)
    }

    /// The reply's frames: `catchup`, the header, then topic and payload of each alert.
    public func frames() -> [[UInt8]] {
        var frames: [[UInt8]] = [Array(CatchUpRequest.command.utf8), header()]
        frames.reserveCapacity(2 + alerts.count * 2)
        for alert in alerts {
            frames.append(Array(alert.topic.utf8))
            frames.append(alert.payload)
        }
        return frames
    }

    /// Reads a page from a reply's frames. The header needs `last_seq`, `latest_seq`,
    /// `oldest_seq` and `more`, what a consumer acts on; `after` is read when present (0 when
    /// absent), `v` and `count` are not checked, and unknown fields are ignored. A reply that is
    /// not `catchup`, a header and pairs of frames, or a header that is not one, is an
    /// ``AlertDecodingError`` (naming the header's field at fault).
    public static func decode(_ frames: [[UInt8]]) throws(AlertDecodingError) -> CatchUpPage {
        guard frames.count >= 2, frames.count % 2 == 0, frames[0].elementsEqual(CatchUpRequest.command.utf8) else {
            throw AlertDecodingError(.notJSON, "expected the frame catchup, a header, then topic and payload of each alert; got \(frames.count) frames")
        }
        let fields = try StrictFields.object(frames[1])
        let after = try fields.optional("after") { (f, k) throws(AlertDecodingError) in try f.integer(k, UInt64.self) }
        let lastSeq = try fields.integer("last_seq", UInt64.self)
        let latestSeq = try fields.integer("latest_seq", UInt64.self)
        let oldestSeq = try fields.integer("oldest_seq", UInt64.self)
        let more = try fields.bool("more")
        var alerts: [Alert] = []
        alerts.reserveCapacity(frames.count / 2 - 1)
        for index in stride(from: 2, to: frames.count, by: 2) {
            alerts.append(Alert(topic: String(decoding: frames[index], as: UTF8.self), payload: frames[index + 1]))
        }
        return CatchUpPage(after: after ?? 0, lastSeq: lastSeq, latestSeq: latestSeq, oldestSeq: oldestSeq, more: more, alerts: alerts)
    }
}
