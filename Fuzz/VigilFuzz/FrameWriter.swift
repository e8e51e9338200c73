import Foundation
import VigilCore

/// Writes one camera's frame report as a gateway would send it: the topic
/// `det.<sector>.<camera>` and the JSON payload (CONTRACT.md section 1), in one of the spellings
/// of ``EngineFuzzInput/Spelling``, faults included.
struct FrameWriter {
    /// A detection as written.
    struct Detection {
        var track: UInt32
        var objectClass: ObjectClass
        var conf: Double
        var position: GeoPoint
        var tempC: Double?
        var sizeM: Double?
        var speedMps: Double?
        var headingDeg: Double?
    }

    let setup: FuzzSetup
    let camera: Int
    let spelling: EngineFuzzInput.Spelling

    /// The topic and payload of a frame report.
    func write(seq: UInt64, ts: Int64, detections: [Detection]) -> (topic: [UInt8], payload: [UInt8]) {
        var cameraID = setup.cameras[camera].id
        var topic = setup.topics[camera]
        var fault: EngineFuzzInput.Fault?
        var detail: UInt8 = 0
        if case .fault(let f, let d) = spelling {
            fault = f
            detail = d
        }
        let alternative = spelling == .alternative
        switch fault {
        case .wrongSector: topic = DetectionTopic.make(sector: setup.otherSectors[camera], camera: cameraID)
        case .otherCamera: cameraID = setup.cameras[(camera + 1) % setup.cameras.count].id
        case .unregistered:
            cameraID = "cam-ghost-\(camera)"
            topic = DetectionTopic.make(sector: setup.cameras[camera].sector, camera: cameraID)
        case .badTopic: topic = "det.\(setup.cameras[camera].sector)"
        default: break
        }
        var json = ""
        json.reserveCapacity(96 + 112 * detections.count)
        json += alternative ? "\u{FEFF} {\n  \"detections\": [" : "{\"v\":\(fault == .version2 ? 2 : 1),\"camera\":\"\(cameraID)\",\"seq\":\(seq),"
        if !alternative && fault != .missingTs { json += "\"ts\":\(ts)," }
        if !alternative { json += "\"detections\":[" }
        for (index, detection) in detections.enumerated() {
            if index > 0 { json += alternative ? ", " : "," }
            let objectClass = alternative && detection.objectClass == .unknown ? "drone" : detection.objectClass.rawValue
            json += alternative ? "{\"track\": \(detection.track).0, \"class\": \"\(objectClass)\", \"tracker\": {\"age\": [1, 2.5e3, null, true]}, " : "{\"track\":\(detection.track),\"class\":\"\(objectClass)\","
            json += "\"conf\":\(detection.conf),\"lat\":\(detection.position.lat),\"lon\":\(detection.position.lon)"
            if let value = detection.tempC { json += ",\"temp_c\":\(value)" }
            if let value = detection.sizeM { json += ",\"size_m\":\(value)" }
            if let value = detection.speedMps { json += ",\"speed_mps\":\(value)" }
            if let value = detection.headingDeg { json += ",\"heading_deg\":\(value)" }
            json += "}"
        }
        json += "]"
        if alternative {
            json += ",\n  \"gateway\": {\"fw\": \"2.4.1\\u00e9\", \"n\": -0.0e-0},\n  \"v\": 1.0, \"camera\": \"\(cameraID)\", \"seq\": \(seq).0"
            if fault != .missingTs { json += ", \"ts\": \(ts)e0" }
            json += "\n}\n"
        } else {
            if spelling == .exercise { json += ",\"exercise\":true" }
            if fault == .oversize { json += ",\"pad\":\"" + String(repeating: "x", count: FrameReportParser.maxPayloadBytes) + "\"" }
            json += "}"
        }
        var payload = Array(json.utf8)
        if fault == .truncated { payload.removeLast(max(0, payload.count - 8 * Int(detail))) }
        return (Array(topic.utf8), payload)
    }
}

/// Positions on the globe: moves in metres, and coordinates kept in range.
enum Geo {
    static let metresPerDegree = 111_320.0

    /// `point` moved `east` and `north` metres (over a pole, down its other side).
    static func moved(_ point: GeoPoint, east: Double, north: Double) -> GeoPoint {
        let cosLat = cos(point.lat * .pi / 180)
        let dLon = cosLat > 1e-9 ? east / (metresPerDegree * cosLat) : 0
        return normalized(lat: point.lat + north / metresPerDegree, lon: point.lon + dLon)
    }

    /// Latitude in −90...90 and longitude in −180...180.
    static func normalized(lat: Double, lon: Double) -> GeoPoint {
        var lat = lat.isFinite ? lat : 0, lon = lon.isFinite ? lon : 0
        if lat > 90 {
            lat = 180 - lat
            lon += 180
        } else if lat < -90 {
            lat = -180 - lat
            lon += 180
        }
        lat = min(90, max(-90, lat))
        if lon > 180 || lon < -180 { lon = remainder(lon, 360) }
        return GeoPoint(lat: lat, lon: lon)
    }
}
