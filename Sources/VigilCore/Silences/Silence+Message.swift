extension Silence {
    /// The silence `message` describes, checked: identifiers where ids are expected, a known
    /// severity, at least one matcher. A new silence (`nowMs` given, from the control socket)
    /// takes `id` and is created now, whatever `created_ms` the message says, and must end
    /// after now; a stored one keeps its own id and `created_ms`.
    /// A new silence also takes `createdBy` (the operator's name, never the request's) and must
    /// end within `maxDurationMs` of now.
    public init(
        _ message: SilenceMessage, id newID: String? = nil, nowMs: Int64? = nil, createdBy: String? = nil, maxDurationMs: Int64 = .max
    ) throws(RequestRefusal) {
        for (name, value) in [("camera", message.camera), ("zone", message.zone), ("kind", message.kind)] {
            if let value, !Identifier.isValid(value) { throw RequestRefusal("\(name) \"\(value)\" is not an identifier ([A-Za-z0-9_-]{1,64})") }
        }
        var level: Severity?
        if let severity = message.severity {
            guard let known = Severity(rawValue: severity) else {
                throw RequestRefusal("severity \"\(severity)\" is not one of critical, high, medium, low")
            }
            level = known
        }
        guard let silenceID = newID ?? message.id else { throw RequestRefusal("a stored silence has no id") }
        self.init(
            id: silenceID, camera: message.camera, zone: message.zone, kind: message.kind, severity: level,
            createdMs: nowMs ?? message.createdMs ?? 0, expiresMs: message.expiresMs, comment: message.comment ?? "",
            createdBy: nowMs == nil ? message.createdBy : createdBy)
        guard hasMatchers else { throw RequestRefusal("a silence needs at least one matcher: camera, zone, kind or severity") }
        if let nowMs, expiresMs <= nowMs { throw RequestRefusal("expires_ms \(expiresMs) is not in the future") }
        if let nowMs, expiresMs.subtractingReportingOverflow(nowMs).partialValue > maxDurationMs || expiresMs.subtractingReportingOverflow(nowMs).overflow {
            let hours = Double(maxDurationMs) / 3_600_000
            throw RequestRefusal(
                "expires_ms \(expiresMs) is more than silences.max_duration_h (\(hours.rounded() == hours ? String(Int(hours)) : String(hours)) h) from now; "
                    + "a silence must end: expected at most \(nowMs.addingReportingOverflow(maxDurationMs).partialValue)")
        }
    }

    /// The silence on the wire: every field given, the comment even when empty.
    public var message: SilenceMessage {
        SilenceMessage(
            id: id, camera: camera, zone: zone, kind: kind, severity: severity?.rawValue, createdMs: createdMs, expiresMs: expiresMs,
            comment: comment, createdBy: createdBy)
    }
}
