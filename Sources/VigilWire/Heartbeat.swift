/// The daemon's heartbeat: every `publish.heartbeat_s`, whatever else it publishes, the alert
/// socket carries the topic `heartbeat` with `{"v":1,"latest_seq":5310,"oldest_seq":1,"ts":1795228387253}`
/// (README, "The durable alert stream"). A consumer whose last `seq` is below ``latestSeq`` has
/// missed something; one that hears neither alerts nor heartbeats knows the link is down.
public struct Heartbeat: Sendable, Equatable {
    /// The heartbeat's topic: outside `alert.`, so consumers that do not subscribe to it never see it.
    public static let topic = "heartbeat"

    /// The newest `seq` journaled (published), 0 before the first.
    public var latestSeq: UInt64
    /// The oldest `seq` the journal still holds, 0 when it holds none.
    public var oldestSeq: UInt64
    /// Wall-clock time the heartbeat was sent, epoch ms.
    public var ts: Int64

    /// In a cluster (extension fields, absent without one): the epoch the publisher is active
    /// under, its node name, and the last `seq` that epoch inherited from the one before.
    public var epoch: Int64?
    public var node: String?
    public var epochBase: UInt64?

    /// A heartbeat.
    public init(latestSeq: UInt64, oldestSeq: UInt64, ts: Int64, epoch: Int64? = nil, node: String? = nil, epochBase: UInt64? = nil) {
        self.latestSeq = latestSeq
        self.oldestSeq = oldestSeq
        self.ts = ts
        self.epoch = epoch
        self.node = node
        self.epochBase = epochBase
    }

    /// The payload, exactly as the daemon publishes it: `{"v":1,"latest_seq":…,"oldest_seq":…,"ts":…}`,
    /// then in a cluster `"epoch":…,"node":"…","epoch_base":…`.
    public func encoded() -> [UInt8] {
        var text = #"{"v":1,"latest_seq":\#(latestSeq),"oldest_seq":\#(oldestSeq),"ts":\#(ts)"#
        if let epoch { text += #","epoch":\#(epoch)"# }
        var out = Array(text.utf8)
        if let node {
            out.append(contentsOf: #","node":"#.utf8)
            JSONString.append(node, to: &out)
        }
        if let epochBase { out.append(contentsOf: #","epoch_base":\#(epochBase)"#.utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Reads a heartbeat's payload. `latest_seq`, what a consumer acts on, is required; `oldest_seq`
    /// and `ts` are read when present (0 when absent) and `v` is not checked, as consumers always
    /// took them. Anything else is an ``AlertDecodingError`` naming the field.
    public static func decode(_ json: [UInt8]) throws(AlertDecodingError) -> Heartbeat {
        let fields = try StrictFields.object(json)
        let latestSeq = try fields.integer("latest_seq", UInt64.self)
        let oldestSeq = try fields.optional("oldest_seq") { (f, k) throws(AlertDecodingError) in try f.integer(k, UInt64.self) }
        let ts = try fields.optional("ts") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int64.self) }
        let epoch = try fields.optional("epoch") { (f, k) throws(AlertDecodingError) in try f.integer(k, Int64.self) }
        let node = try fields.optional("node") { (f, k) throws(AlertDecodingError) in try f.string(k) }
        let epochBase = try fields.optional("epoch_base") { (f, k) throws(AlertDecodingError) in try f.integer(k, UInt64.self) }
        return Heartbeat(latestSeq: latestSeq, oldestSeq: oldestSeq ?? 0, ts: ts ?? 0, epoch: epoch, node: node, epochBase: epochBase)
    }
}
