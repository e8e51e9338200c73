/// Writes alert messages as the contract's JSON (CONTRACT.md section 2).
///
/// Written by hand: the field set is fixed and every string in it is an identifier or a fixed
/// word, so escaping (``JSONString``) is needed only for the names the rules file may choose.
public enum AlertEncoder {
    /// The JSON payload of `message` as it is stamped (its own `seq` and `emittedTs`).
    public static func encode(_ message: AlertMessage) -> [UInt8] {
        encode(message, seq: message.seq, emittedTs: message.emittedTs)
    }

    /// The JSON payload of `event` stamped with `seq` and `emittedTs` (its own are not written).
    public static func encode(_ event: AlertMessage, seq: UInt64, emittedTs: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        out.append(contentsOf: #"{"v":1,"seq":"#.utf8)
        out.append(contentsOf: String(seq).utf8)
        field(&out, "id", string: event.id)
        field(&out, "state", string: event.state.rawValue)
        field(&out, "kind", string: event.kind)
        field(&out, "severity", string: event.severity.rawValue)
        field(&out, "class", string: event.objectClass.rawValue)
        field(&out, "count", raw: String(event.count))
        field(&out, "sector", string: event.sector)
        field(&out, "zone", string: event.zone)
        field(&out, "lat", raw: coordinate(event.lat))
        field(&out, "lon", raw: coordinate(event.lon))
        if let direction = event.direction { field(&out, "direction", string: direction) }
        out.append(contentsOf: #","cameras":["#.utf8)
        for (i, camera) in event.cameras.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(camera, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        field(&out, "first_ts", raw: String(event.firstTs))
        field(&out, "last_ts", raw: String(event.lastTs))
        field(&out, "emitted_ts", raw: String(emittedTs))
        // Extensions (CONTRACT.md section 3: old consumers ignore them).
        if let rule = event.rule { field(&out, "rule", string: rule) }
        if let stretch = event.stretch {
            out.append(contentsOf: #","stretch":{"border":"#.utf8)
            JSONString.append(stretch.border, to: &out)
            out.append(contentsOf: #","from_km":"#.utf8)
            out.append(contentsOf: kilometres(stretch.fromKm).utf8)
            out.append(contentsOf: #","to_km":"#.utf8)
            out.append(contentsOf: kilometres(stretch.toKm).utf8)
            out.append(contentsOf: #","km":"#.utf8)
            out.append(contentsOf: kilometres(stretch.km).utf8)
            out.append(contentsOf: #","from":["#.utf8)
            out.append(contentsOf: "\(coordinate(stretch.from.lat)),\(coordinate(stretch.from.lon))],\"to\":[".utf8)
            out.append(contentsOf: "\(coordinate(stretch.to.lat)),\(coordinate(stretch.to.lon))]}".utf8)
        }
        if event.exercise { out.append(contentsOf: #","exercise":true"#.utf8) }
        if let epoch = event.epoch { field(&out, "epoch", raw: String(epoch)) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A coordinate rounded to 6 decimals (about 0.1 m), the precision gateways send.
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 1_000_000).rounded() / 1_000_000
        return rounded.isFinite ? String(rounded) : "0"
    }

    /// Kilometres rounded to metres.
    static func kilometres(_ value: Double) -> String {
        let rounded = (value * 1_000).rounded() / 1_000
        return rounded.isFinite ? String(rounded) : "0"
    }

    private static func field(_ out: inout [UInt8], _ name: String, string value: String) {
        out.append(UInt8(ascii: ","))
        JSONString.append(name, to: &out)
        out.append(UInt8(ascii: ":"))
        JSONString.append(value, to: &out)
    }

    private static func field(_ out: inout [UInt8], _ name: String, raw value: String) {
        out.append(UInt8(ascii: ","))
        JSONString.append(name, to: &out)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: value.utf8)
    }
}
