import VigilWire

/// What one alert message says in CAP terms: the `<info>` block, the status and the texts.
/// Pure: the message type and references, which depend on the incident's earlier messages, are
/// `CAPWriter`'s.
///
/// | alert | CAP |
/// | --- | --- |
/// | state raised / updated | responseType Monitor, urgency Immediate |
/// | state resolved | responseType AllClear, urgency Past |
/// | severity critical / high / medium / low | Extreme / Severe / Moderate / Minor |
/// | exercise true / absent | status Exercise / Actual (a drill option forces Exercise or Test) |
/// | target incident | circle of `targetRadiusKm` around lat, lon |
/// | camera_offline (or coverage_gap without stretch) | circle of `cameraRadiusKm` |
/// | coverage_gap with stretch | polygon: corridor of ±`corridorHalfWidthKm` around from–to |
enum CAPMapping {
    /// The prefix of Vigil's `valueName`s (event codes, parameters, geocodes).
    static let domain = "vigil:"

    /// The kinds about cameras rather than targets.
    static let cameraKinds: Set<String> = ["camera_offline", "coverage_gap"]

    /// `<status>`: a drill's, else Exercise for simulated input, else Actual.
    static func status(of alert: AlertMessage, options: CAPOptions) -> CAP.Status {
        if let drill = options.drill { return drill.status }
        return alert.exercise ? .exercise : .actual
    }

    /// `<note>` for the status: what the exercise or test is (CAP asks for the exercise to be
    /// named in the note), or nil for an actual message.
    static func statusNote(of alert: AlertMessage, status: CAP.Status) -> String? {
        switch status {
        case .exercise where alert.exercise: "Exercise: this alert comes from simulated input, not from real detections."
        case .exercise: "Exercise: sent for a drill."
        case .test: "Test: technical testing only; all recipients disregard."
        default: nil
        }
    }

    /// `<severity>`.
    static func severity(_ severity: Severity) -> CAP.Severity {
        switch severity {
        case .critical: .extreme
        case .high: .severe
        case .medium: .moderate
        case .low: .minor
        }
    }

    /// The `<info>` block for an alert.
    static func info(for alert: AlertMessage, options: CAPOptions) -> CAPAlert.Info {
        let over = alert.state == .resolved
        var info = CAPAlert.Info(
            categories: [.security], event: eventName(alert.kind), responseTypes: [over ? .allClear : .monitor],
            urgency: over ? .past : .immediate, severity: severity(alert.severity), certainty: .observed)
        info.eventCodes = [.init(domain + "kind", alert.kind)]
        info.onset = CAPDateTime(millisecondsSince1970: alert.firstTs)
        info.senderName = options.senderName
        info.headline = headline(for: alert)
        info.description = description(of: alert)
        info.parameters = parameters(of: alert)
        info.areas = [area(of: alert, options: options)]
        return info
    }

    /// A readable name for a kind: the known ones by name, others from their words
    /// (`drone_sighting` → "Drone sighting").
    static func eventName(_ kind: String) -> String {
        switch kind {
        case "border_crossing": return "Border crossing"
        case "intrusion": return "Intrusion"
        case "loitering": return "Loitering"
        case "camera_offline": return "Camera offline"
        case "coverage_gap": return "Coverage gap"
        default:
            let words = kind.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
            return words.prefix(1).uppercased() + words.dropFirst()
        }
    }

    /// Whether the alert is about cameras (health) rather than targets.
    static func isCameraHealth(_ alert: AlertMessage) -> Bool {
        cameraKinds.contains(alert.kind) || alert.stretch != nil
    }

    /// `<headline>`, under 160 characters: "Border crossing SY->IQ, 3 persons, iq-sy-border S07";
    /// "Resolved: …" once the incident is over.
    static func headline(for alert: AlertMessage) -> String {
        var text = eventName(alert.kind)
        if let stretch = alert.stretch {
            text += " \(stretch.border) km \(km(stretch.fromKm))-\(km(stretch.toKm)) (\(km(stretch.km)) km), \(alert.sector)"
        } else if isCameraHealth(alert) {
            text += ": \(cameraList(alert.cameras)), \(alert.sector)"
        } else {
            if let direction = alert.direction { text += " \(direction)" }
            text += ", \(targets(alert.count, alert.objectClass.rawValue)), \(alert.zone) \(alert.sector)"
        }
        if alert.state == .resolved { text = "Resolved: " + text }
        return text.count < 160 ? text : String(text.prefix(158)) + "…"
    }

    /// `<description>`: what happened, where, seen by whom, when, and Vigil's incident.
    static func description(of alert: AlertMessage) -> String {
        var sentences: [String] = []
        let place = "\(alert.position.capPair) (zone \(alert.zone), sector \(alert.sector))"
        if let stretch = alert.stretch {
            sentences.append(
                "No live camera covers \(stretch.border) from km \(km(stretch.fromKm)) to km \(km(stretch.toKm)) "
                    + "(\(km(stretch.km)) km, from \(stretch.from.capPair) to \(stretch.to.capPair)), sector \(alert.sector).")
        } else if isCameraHealth(alert) {
            sentences.append("\(eventName(alert.kind)): \(cameraList(alert.cameras)), at \(place).")
        } else {
            let direction = alert.direction.map { " \($0)" } ?? ""
            sentences.append("\(eventName(alert.kind))\(direction) by \(targets(alert.count, alert.objectClass.rawValue)) at \(place).")
            if !alert.cameras.isEmpty { sentences.append("Seen by \(alert.cameras.joined(separator: ", ")).") }
        }
        let first = CAPDateTime(millisecondsSince1970: alert.firstTs)
        let last = CAPDateTime(millisecondsSince1970: alert.lastTs)
        if alert.state == .resolved {
            sentences.append("Over: nothing since \(last) (began \(first)).")
        } else if isCameraHealth(alert) {
            sentences.append("Since \(first), latest \(last).")
        } else {
            sentences.append("First detection \(first), latest \(last).")
        }
        let rule = alert.rule.map { ", rule \($0)" } ?? ""
        sentences.append("Vigil incident \(alert.id), message \(alert.seq) (\(alert.state.rawValue))\(rule).")
        return sentences.joined(separator: " ")
    }

    /// `<parameter>`s: every field of the alert message a receiver may want as a value.
    static func parameters(of alert: AlertMessage) -> [CAPAlert.NamedValue] {
        var fields: [(String, String)] = [
            ("id", alert.id), ("seq", String(alert.seq)), ("state", alert.state.rawValue), ("kind", alert.kind),
            ("severity", alert.severity.rawValue), ("class", alert.objectClass.rawValue), ("count", String(alert.count)),
        ]
        if let direction = alert.direction { fields.append(("direction", direction)) }
        fields += [("cameras", alert.cameras.joined(separator: " ")), ("zone", alert.zone), ("sector", alert.sector)]
        if let rule = alert.rule { fields.append(("rule", rule)) }
        fields += [("first_ts", String(alert.firstTs)), ("last_ts", String(alert.lastTs))]
        if alert.exercise { fields.append(("exercise", "true")) }
        if let stretch = alert.stretch {
            fields += [
                ("stretch.border", stretch.border), ("stretch.from_km", km(stretch.fromKm)),
                ("stretch.to_km", km(stretch.toKm)), ("stretch.km", km(stretch.km)),
            ]
        }
        return fields.map { CAPAlert.NamedValue(domain + $0.0, $0.1) }
    }

    /// `<area>`: a corridor for a coverage gap's stretch, else a circle around the position,
    /// larger for camera health; geocodes name Vigil's sector and zone.
    static func area(of alert: AlertMessage, options: CAPOptions) -> CAPAlert.Area {
        let geocodes = [CAPAlert.NamedValue(domain + "sector", alert.sector), .init(domain + "zone", alert.zone)]
        if let stretch = alert.stretch {
            let ring = Corridor.ring(from: stretch.from, to: stretch.to, halfWidthKm: options.corridorHalfWidthKm)
            return CAPAlert.Area(
                areaDesc: "\(stretch.border) km \(km(stretch.fromKm)) to \(km(stretch.toKm)), "
                    + "\(km(options.corridorHalfWidthKm)) km either side, sector \(alert.sector)",
                polygons: [ring], geocodes: geocodes)
        }
        let camera = isCameraHealth(alert)
        let radius = camera ? options.cameraRadiusKm : options.targetRadiusKm
        let around = camera && !alert.cameras.isEmpty ? "around \(cameraList(alert.cameras)), " : ""
        return CAPAlert.Area(
            areaDesc: "\(around)zone \(alert.zone), sector \(alert.sector)".capitalizingFirst,
            circles: [CAPAlert.Circle(center: alert.position, radiusKm: radius)], geocodes: geocodes)
    }

    /// "1 person", "3 persons", "2 vehicles", "4 unidentified targets".
    static func targets(_ count: Int, _ objectClass: String) -> String {
        let noun =
            switch objectClass {
            case "person", "vehicle", "animal": objectClass
            case "unknown": "unidentified target"
            default: "\(objectClass) target"
            }
        return "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// "cam-a", "cam-a, cam-b", "cam-a, cam-b, cam-c and 2 more".
    static func cameraList(_ cameras: [String]) -> String {
        if cameras.isEmpty { return "no camera named" }
        if cameras.count <= 3 { return cameras.joined(separator: ", ") }
        return cameras.prefix(3).joined(separator: ", ") + " and \(cameras.count - 3) more"
    }

    /// Kilometres to the metre, e.g. "556.1", "3.25".
    static func km(_ value: Double) -> String {
        CAPNumber.text(value, fractionDigits: 3)
    }
}

extension String {
    fileprivate var capitalizingFirst: String { prefix(1).uppercased() + dropFirst() }
}
