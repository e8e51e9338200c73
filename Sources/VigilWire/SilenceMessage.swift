/// A silence on the wire: the body of the control socket's `silence add`, each silence of its
/// `silence add` and `silence list` replies, and each entry of `<state.dir>/silences.json`.
/// Written by `vigil silence` and the daemon, read by both; the core's `Silence` is built from
/// it (and checked) by VigilCore.
///
/// ```json
/// {"camera":"cam-rabia-03","comment":"patrol on site","created_ms":1795228387000,"expires_ms":1795235587000,"id":"si-3f2a","kind":"intrusion","severity":"high","zone":"iq-sy-strip"}
/// ```
///
/// Keys are written in sorted order, absent fields left out, strings escaped as JSONSerialization
/// escaped them (`\/`): the bytes the daemon and the CLI always wrote. Reading is as strict as the daemon
/// always was: the strings must be strings (or null: absent), the times whole numbers of epoch
/// ms that fit 64 bits, each refused with a ``RequestRefusal`` that names the field and says what
/// it holds; unknown fields are ignored.
public struct SilenceMessage: Sendable, Equatable {
    /// The silence's id (`si-…`); absent in a `silence add` request (the daemon assigns it).
    public var id: String?
    /// Matches incidents this camera has seen.
    public var camera: String?
    /// Matches incidents in this zone.
    public var zone: String?
    /// Matches incidents of this kind.
    public var kind: String?
    /// Matches incidents of this severity, as written (checked when the core's silence is built from it).
    public var severity: String?
    /// When it was added, epoch ms; absent in a request (the daemon's clock decides).
    public var createdMs: Int64?
    /// When it ends, epoch ms.
    public var expiresMs: Int64
    /// Who added it and why.
    public var comment: String?
    /// The operator who added it: the name of the key the control endpoint let in (with CURVE);
    /// set by the daemon, never taken from a request.
    public var createdBy: String?

    /// A silence.
    public init(
        id: String? = nil, camera: String? = nil, zone: String? = nil, kind: String? = nil, severity: String? = nil, createdMs: Int64? = nil,
        expiresMs: Int64, comment: String? = nil, createdBy: String? = nil
    ) {
        self.createdBy = createdBy
        self.id = id
        self.camera = camera
        self.zone = zone
        self.kind = kind
        self.severity = severity
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.comment = comment
    }

    /// The JSON object, keys sorted, absent fields left out.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(to: &out)
        return out
    }

    /// Appends the JSON object to `out`.
    public func encode(to out: inout [UInt8]) {
        var first = true
        func key(_ name: String) {
            out.append(contentsOf: (first ? "{\"" : ",\"").utf8)
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "\":".utf8)
            first = false
        }
        func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONString.appendAsJSONSerialization(value, to: &out)
        }
        string("camera", camera)
        string("comment", comment)
        string("created_by", createdBy)
        if let createdMs {
            key("created_ms")
            out.append(contentsOf: String(createdMs).utf8)
        }
        key("expires_ms")
        out.append(contentsOf: String(expiresMs).utf8)
        string("id", id)
        string("kind", kind)
        string("severity", severity)
        string("zone", zone)
        out.append(UInt8(ascii: "}"))
    }

    /// The JSON array of `silences`, each as ``encoded()``.
    public static func encode(_ silences: [SilenceMessage]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, silence) in silences.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            silence.encode(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// What a request must be, the start of the refusal of anything else.
    static let expected = "expected a JSON object with expires_ms and at least one of camera, zone, kind, severity"
    /// What a time must be.
    static let time = "epoch milliseconds, a whole number from \(Int64.min) to \(Int64.max)"

    /// Reads one silence (a `silence add` body); a ``RequestRefusal`` saying what is wrong.
    public static func decode(_ json: [UInt8]) throws(RequestRefusal) -> SilenceMessage {
        let value: JSONValue
        do { value = try JSONReader.read(json) } catch {
            throw RequestRefusal("\(expected): not JSON: \(error.problem) at byte \(error.offset)")
        }
        return try decode(value)
    }

    /// Reads the silence that is member `key` of the JSON object `json` holds: the `silence`
    /// of a `silence add` reply. Other members are ignored.
    public static func decode(_ json: [UInt8], member key: String) throws(RequestRefusal) -> SilenceMessage {
        let value: JSONValue
        do { value = try JSONReader.read(json) } catch {
            throw RequestRefusal("not JSON: \(error.problem) at byte \(error.offset)")
        }
        guard case .object(let members) = value, let member = members[key] else {
            throw RequestRefusal("expected a JSON object with a silence as \"\(key)\"")
        }
        do { return try decode(member) } catch { throw RequestRefusal("\(key): \(error.message)") }
    }

    /// Reads the array `key` of the JSON object `json` holds, one silence per element: the
    /// `silences` of a `silence list` reply and of `silences.json`. Other members are ignored.
    public static func decodeList(_ json: [UInt8], key: String) throws(RequestRefusal) -> [SilenceMessage] {
        let value: JSONValue
        do { value = try JSONReader.read(json) } catch {
            throw RequestRefusal("not JSON: \(error.problem) at byte \(error.offset)")
        }
        guard case .object(let members) = value, case .array(let elements)? = members[key] else {
            throw RequestRefusal("expected a JSON object whose \"\(key)\" is an array of silences")
        }
        var silences: [SilenceMessage] = []
        silences.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do { silences.append(try decode(element)) } catch { throw RequestRefusal("\(key)[\(index)]: \(error.message)") }
        }
        return silences
    }

    private static func decode(_ value: JSONValue) throws(RequestRefusal) -> SilenceMessage {
        guard case .object(let fields) = value else { throw RequestRefusal("\(expected): got \(value.kind)") }
        func string(_ name: String) throws(RequestRefusal) -> String? {
            switch fields[name] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw RequestRefusal("\(expected): \"\(name)\" must be a string; got \(other.kind)")
            }
        }
        let id = try string("id")
        let camera = try string("camera")
        let zone = try string("zone")
        let kind = try string("kind")
        let severity = try string("severity")
        let comment = try string("comment")
        let createdBy = try string("created_by")
        var createdMs: Int64?
        if let value = fields["created_ms"], value != .null {
            createdMs = try RequestRefusal.wholeNumber(Int64.self, "created_ms", value, expected: time)
        }
        guard let expires = fields["expires_ms"] else { throw RequestRefusal("\"expires_ms\" is required: when the silence ends, \(time)") }
        let expiresMs = try RequestRefusal.wholeNumber(Int64.self, "expires_ms", expires, expected: time)
        return SilenceMessage(
            id: id, camera: camera, zone: zone, kind: kind, severity: severity, createdMs: createdMs, expiresMs: expiresMs, comment: comment,
            createdBy: createdBy)
    }
}
