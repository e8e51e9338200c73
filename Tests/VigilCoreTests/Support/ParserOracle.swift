import Foundation
import VigilCore

/// The reference decoder for the parser's differential tests: Foundation's `JSONDecoder` into a
/// `Codable` mirror of the contract, followed by the contract's value checks.
///
/// `JSONDecoder` does not look at values it does not decode, so it would accept an invalid
/// string (bad UTF-8, a lone surrogate, a control character) inside an unknown field;
/// `JSONSerialization`, which builds every value, checks those. The oracle accepts a payload
/// only when both accept it and the checks pass.
enum ParserOracle {
    /// What the oracle made of a payload.
    enum Outcome {
        case accepted(FrameReport)
        case rejected(String)
    }

    static func decode(_ bytes: [UInt8]) -> Outcome {
        guard bytes.count <= 65_536 else { return .rejected("oversize") }
        let data = Data(bytes)
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            return .rejected("JSONSerialization: \(error)")
        }
        let mirror: MirrorReport
        do {
            mirror = try JSONDecoder().decode(MirrorReport.self, from: data)
        } catch {
            return .rejected("JSONDecoder: \(error)")
        }
        return mirror.checked()
    }

    /// The report as `Codable` sees it.
    struct MirrorReport: Decodable {
        var v: Int
        var camera: String
        var seq: UInt64
        var ts: Int64
        var detections: [MirrorDetection]
        /// The `exercise` extension: a boolean when present.
        var exercise: Bool?

        /// The contract's value checks, the same as the parser's.
        func checked() -> Outcome {
            guard v == 1 else { return .rejected("v \(v)") }
            guard Identifier.isValid(camera) else { return .rejected("camera \(camera)") }
            guard ts >= 0 && ts <= 1 << 53 else { return .rejected("ts \(ts)") }
            guard detections.count <= 256 else { return .rejected("\(detections.count) detections") }
            var result: [Detection] = []
            var unknownClassCount = 0
            for (n, mirror) in detections.enumerated() {
                guard let detection = mirror.checked() else { return .rejected("detections[\(n)]") }
                if ObjectClass(rawValue: mirror.objectClass) == nil { unknownClassCount += 1 }
                result.append(detection)
            }
            return .accepted(
                FrameReport(
                    camera: camera, seq: seq, ts: ts, detections: result, unknownClassCount: unknownClassCount,
                    exercise: exercise ?? false))
        }
    }

    /// A detection as `Codable` sees it; an optional field that is present must be a number
    /// (`decodeIfPresent` would take `null` for absent).
    struct MirrorDetection: Decodable {
        var track: UInt32
        var objectClass: String
        var conf: Double
        var lat: Double
        var lon: Double
        var tempC: Double?
        var sizeM: Double?
        var speedMps: Double?
        var headingDeg: Double?

        enum CodingKeys: String, CodingKey {
            case track, objectClass = "class", conf, lat, lon
            case tempC = "temp_c", sizeM = "size_m", speedMps = "speed_mps", headingDeg = "heading_deg"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func optional(_ key: CodingKeys) throws -> Double? {
                container.contains(key) ? try container.decode(Double.self, forKey: key) : nil
            }
            track = try container.decode(UInt32.self, forKey: .track)
            objectClass = try container.decode(String.self, forKey: .objectClass)
            conf = try container.decode(Double.self, forKey: .conf)
            lat = try container.decode(Double.self, forKey: .lat)
            lon = try container.decode(Double.self, forKey: .lon)
            tempC = try optional(.tempC)
            sizeM = try optional(.sizeM)
            speedMps = try optional(.speedMps)
            headingDeg = try optional(.headingDeg)
        }

        func checked() -> Detection? {
            func within(_ value: Double?, _ range: ClosedRange<Double>) -> Bool { value.map(range.contains) ?? true }
            guard (0...1).contains(conf), (-90...90).contains(lat), (-180...180).contains(lon),
                within(tempC, -100...2000), within(sizeM, 0...1000), within(speedMps, 0...500),
                within(headingDeg, 0...360)
            else { return nil }
            return Detection(
                track: track, objectClass: ObjectClass(rawValue: objectClass) ?? .unknown, conf: conf, lat: lat,
                lon: lon, tempC: tempC, sizeM: sizeM, speedMps: speedMps,
                // The parser's decision: 360 is read as 0.
                headingDeg: headingDeg.map { $0 == 360 ? 0 : $0 })
        }
    }
}

extension FrameReport {
    /// Equality with doubles compared bit for bit (so `-0.0` differs from `0.0`).
    func isIdentical(to other: FrameReport) -> Bool {
        camera == other.camera && seq == other.seq && ts == other.ts
            && unknownClassCount == other.unknownClassCount && detections.count == other.detections.count
            && zip(detections, other.detections).allSatisfy { $0.isIdentical(to: $1) }
    }
}

extension Detection {
    /// Equality with doubles compared bit for bit.
    func isIdentical(to other: Detection) -> Bool {
        func same(_ a: Double?, _ b: Double?) -> Bool { a?.bitPattern == b?.bitPattern }
        return track == other.track && objectClass == other.objectClass && same(conf, other.conf)
            && same(lat, other.lat) && same(lon, other.lon) && same(tempC, other.tempC) && same(sizeM, other.sizeM)
            && same(speedMps, other.speedMps) && same(headingDeg, other.headingDeg)
    }
}
