import Foundation
import VigilCore

/// Frame reports that make alerts, for the journal benchmark: every registered camera in turn
/// reports `vehiclesPerCamera` vehicles, each driving straight across the border ahead of it.
///
/// Each vehicle starts 44 m on one side of the line and moves 2 m a frame (about 19 m/s at the
/// camera's ~9.5 frames a second) to 44 m on the other side, where it leaves the view; a new
/// vehicle, on a new track, starts on the same path `period` frames after the last one started.
/// Crossing is confirmed 30 m past the line (`tracking.crossing_confirm_m`), at the vehicle's 38th
/// frame, so each vehicle raises one `border_crossing` (critical) in the frame that shows it 30 m
/// across, and its incident resolves 30 s of event time after it left. A camera's vehicles drive
/// 150 m apart along the line, so they are never fused or grouped; the slots are staggered so
/// that the alerts of one camera are spread over its frames.
///
/// Event time: frame `i` (the `i`-th message sent, cameras in turn) carries
/// `ts = startMs + i * spacingMs`, a value no other frame of the run has. A `raised` alert's
/// `last_ts` is the event time of the frame that raised it, so ``frameIndex(lastTs:)`` finds the
/// frame, and with it the moment it was sent.
struct AlertLoad {
    /// One message, as published by a gateway.
    struct Message {
        var topic: [UInt8]
        var payload: [UInt8]
    }

    /// Frames between the starts of two vehicles on one path, by default.
    static let defaultPeriod = 50
    /// Frames a vehicle is in view.
    static let frames = 44

    /// The messages, in sending order (empty when made with `count` 0: see ``message(_:)``).
    var messages: [Message] = []
    /// Event time of message 0, epoch ms.
    let startMs: Int64
    /// Event time between two consecutive messages, ms.
    let spacingMs: Int64
    /// The cameras, in the configuration's order (message `i` is from camera `i % cameras.count`).
    let cameraIds: [String]
    /// Cameras for which the border is out of reach (they send frames with no detection).
    let camerasWithoutBorder: Int
    private let topics: [[UInt8]]
    private let vehiclesPerCamera: Int
    /// Frames between the starts of two vehicles on one path (at least ``frames``).
    private let period: Int
    /// Per camera, the animals standing in its view (``init``'s `bystanders`).
    private let standing: [[GeoPoint]]
    /// Whether camera `c`'s vehicles start `c × period / cameras` frames into their period, so
    /// that the cameras' crossings are spread over the period instead of falling in one frame.
    private let staggerCameras: Bool
    /// Per camera, per vehicle slot, the points 44 m either side of the line where its vehicles
    /// enter and leave the view.
    private let paths: [[(from: GeoPoint, to: GeoPoint)]]

    /// Makes `count` messages from `cameras` with `vehiclesPerCamera` vehicles each, a new one
    /// on each path every `period` frames; message 0 carries event time `startMs`, each next one
    /// `spacingMs` later. With `bystanders` > 0, each camera also sees that many animals standing
    /// 250 to 450 m from the line on the side the vehicles come from, on track ids of their own
    /// that never change: live targets that raise nothing (`animals-never-alert`), as the grazing
    /// herds of a real border keep the tracker busy between crossings. With `staggerCameras`,
    /// the cameras' vehicles start at different points of the period.
    init(
        count: Int, cameras: [Camera], border: Polyline, vehiclesPerCamera: Int, startMs: Int64, spacingMs: Int64,
        period: Int = AlertLoad.defaultPeriod, bystanders: Int = 0, staggerCameras: Bool = false
    ) {
        self.startMs = startMs
        self.spacingMs = spacingMs
        self.vehiclesPerCamera = vehiclesPerCamera
        self.period = max(period, Self.frames)
        self.staggerCameras = staggerCameras
        cameraIds = cameras.map(\.id)
        topics = cameras.map { Array("det.\($0.sector).\($0.id)".utf8) }
        var paths: [[(from: GeoPoint, to: GeoPoint)]] = []
        var without = 0
        for camera in cameras {
            guard let near = border.proximity(of: camera.position) else {
                paths.append([])
                without += 1
                continue
            }
            paths.append(
                (0..<vehiclesPerCamera).map { slot in
                    let along = near.along + (Double(slot) - Double(vehiclesPerCamera - 1) / 2) * 150
                    return (border.point(along: along, offset: 44, side: .left), border.point(along: along, offset: 44, side: .right))
                })
        }
        self.paths = paths
        standing = cameras.map { camera in
            guard bystanders > 0, let near = border.proximity(of: camera.position) else { return [] }
            return (0..<bystanders).map { k in
                border.point(along: near.along + Double(k % 5 - 2) * 40, offset: 250 + Double(k) * 200 / Double(bystanders), side: .left)
            }
        }
        camerasWithoutBorder = without
        messages.reserveCapacity(count)
        for i in 0..<count { messages.append(message(i)) }
    }

    /// Message `i` of the load.
    func message(_ i: Int) -> Message {
        let c = i % cameraIds.count, frame = i / cameraIds.count
        var payload = #"{"v":1,"camera":""# + cameraIds[c] + #"","seq":"# + String(frame + 1) + #","ts":"#
        payload += String(startMs + Int64(i) * spacingMs) + #","detections":["#
        var first = true
        for (slot, path) in paths[c].enumerated() {
            let phase = frame + slot * period / max(vehiclesPerCamera, 1) + (staggerCameras ? c * period / cameraIds.count : 0)
            let step = phase % period
            guard step < Self.frames else { continue }
            let track = (phase / period) * vehiclesPerCamera + slot + 1
            let t = Double(step) / Double(Self.frames)
            let lat = path.from.lat + (path.to.lat - path.from.lat) * t
            let lon = path.from.lon + (path.to.lon - path.from.lon) * t
            if !first { payload += "," }
            first = false
            payload += #"{"track":"# + String(track) + #","class":"vehicle","conf":0.88,"lat":"#
            payload += String(format: "%.6f", lat) + #","lon":"# + String(format: "%.6f", lon) + #","temp_c":41.5,"speed_mps":19.0}"#
        }
        for (k, spot) in standing[c].enumerated() {
            // Grazing: a metre or two of wander, as the gateways' own noise would show.
            let wander = Double((frame + k * 7) % 16) * 0.000_001
            if !first { payload += "," }
            first = false
            payload += #"{"track":"# + String(1_000_000 + k) + #","class":"animal","conf":0.71,"lat":"#
            payload += String(format: "%.6f", spot.lat + wander) + #","lon":"# + String(format: "%.6f", spot.lon - wander) + "}"
        }
        payload += "]}"
        return Message(topic: topics[c], payload: Array(payload.utf8))
    }

    /// The index of the message whose event time is `lastTs`, if one can have it.
    func frameIndex(lastTs: Int64) -> Int? {
        let offset = lastTs - startMs
        guard offset >= 0, offset % spacingMs == 0 else { return nil }
        return Int(offset / spacingMs)
    }

    /// Average payload size, bytes.
    var averagePayloadBytes: Int {
        messages.reduce(0) { $0 + $1.payload.count } / max(messages.count, 1)
    }
}
