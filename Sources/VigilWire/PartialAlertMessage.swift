/// An alert message read leniently: what a scorer (the simulator's) can use of a message from a
/// daemon under test, which may break the contract. Every field but `id` is nil when it is
/// missing or of another JSON type; nothing is checked beyond that. ``AlertMessage/decode(_:)-([UInt8])``
/// is the strict reading.
public struct PartialAlertMessage: Sendable, Equatable {
    /// Position in the daemon's alert stream (`seq`).
    public var seq: Int?
    /// The incident (`id`).
    public var id: String
    /// `raised`, `updated` or `resolved` (`state`).
    public var state: String?
    /// `border_crossing`, `intrusion`, ... (`kind`).
    public var kind: String?
    /// `critical`, `high`, `medium`, `low` (`severity`).
    public var severity: String?
    /// The targets' class, `person`, `vehicle`, ... (`class`).
    public var objectClass: String?
    /// The number of distinct targets the incident has involved so far (`count`).
    public var count: Int?
    /// `SY->IQ` for crossings (`direction`).
    public var direction: String?
    /// Where the incident stands now (`lat`, `lon`, both numbers).
    public var position: GeoPoint?
    /// Event time of the incident's first detection, epoch ms (`first_ts`).
    public var firstTs: Int64?
    /// Event time of its latest detection, epoch ms (`last_ts`).
    public var lastTs: Int64?
    /// Wall-clock time at which the daemon published this message, epoch ms (`emitted_ts`).
    public var emittedTs: Int64?
    /// The cameras that have seen the incident (`cameras`: the strings of the array; nil when it
    /// is not an array).
    public var cameras: [String]?

    /// Creates a message (for tests and hand-made sequences).
    public init(
        seq: Int? = nil, id: String, state: String? = "raised", kind: String?, severity: String? = nil, objectClass: String?,
        count: Int? = nil, direction: String? = nil, position: GeoPoint?, firstTs: Int64?, lastTs: Int64?, emittedTs: Int64?,
        cameras: [String]? = nil
    ) {
        self.seq = seq
        self.id = id
        self.state = state
        self.kind = kind
        self.severity = severity
        self.objectClass = objectClass
        self.count = count
        self.direction = direction
        self.position = position
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.emittedTs = emittedTs
        self.cameras = cameras
    }

    /// Parses an alert payload (one JSON object); nil when it is not JSON or has no string `id`.
    /// An integer field takes any JSON number (a fraction is cut off, a number beyond 64 bits is
    /// nil), never `true` or `false`; `lat` and `lon` take numbers.
    public static func parse(_ payload: [UInt8]) -> PartialAlertMessage? {
        guard case .object(let object)? = try? JSONReader.read(payload), case .string(let id)? = object["id"] else { return nil }
        func string(_ key: String) -> String? {
            if case .string(let text)? = object[key] { text } else { nil }
        }
        func integer(_ key: String) -> Int64? {
            guard let value = object[key] else { return nil }
            if let exact = value.integer(Int64.self) { return exact }
            guard let number = value.double, number >= -9.223_372_036_854_775_808e18, number < 9.223_372_036_854_775_808e18 else {
                return nil
            }
            return Int64(number)
        }
        let cameras: [String]? =
            if case .array(let items)? = object["cameras"] {
                items.compactMap { if case .string(let camera) = $0 { camera } else { nil } }
            } else { nil }
        let position: GeoPoint? =
            if let lat = object["lat"]?.double, let lon = object["lon"]?.double { GeoPoint(lat: lat, lon: lon) } else { nil }
        return PartialAlertMessage(
            seq: integer("seq").map { Int($0) }, id: id, state: string("state"), kind: string("kind"), severity: string("severity"),
            objectClass: string("class"), count: integer("count").map { Int($0) }, direction: string("direction"), position: position,
            firstTs: integer("first_ts"), lastTs: integer("last_ts"), emittedTs: integer("emitted_ts"), cameras: cameras)
    }
}

extension AlertMessage {
    /// The `seq` of an alert payload, all a consumer's position needs of it; nil when the payload
    /// is not a JSON object with an unsigned 64-bit integer `seq`. Nothing else is read.
    public static func seq(of payload: [UInt8]) -> UInt64? {
        guard case .object(let object)? = try? JSONReader.read(payload) else { return nil }
        return object["seq"]?.integer(UInt64.self)
    }
}
