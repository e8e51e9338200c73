import Foundation
import VigilCore

/// Realistic frame reports for load, made before the clock starts so the publisher is nothing
/// but `zmq_send`: every registered camera in turn, 10 frames a second of event time each,
/// `seq` +1 per frame, and one or two persons walking across its view on fresh track ids.
/// Event time starts far enough in the past that the last frame is not in the future.
struct LoadGenerator {
    struct Message {
        var topic: [UInt8]
        var payload: [UInt8]
    }

    /// `count` messages; event time starts at `startMs` if given (a fixed replay), else far
    /// enough before now that the last frame is not in the future.
    static func make(count: Int, cameras: [Camera], border: Polyline, startMs: Int64? = nil) -> [Message] {
        let framesPerCamera = count / cameras.count + 1
        let start = startMs ?? Int64(Date().timeIntervalSince1970 * 1_000) - Int64(framesPerCamera) * 100 - 2_000
        var messages: [Message] = []
        messages.reserveCapacity(count)
        var seq = [UInt64](repeating: 0, count: cameras.count)
        var i = 0
        while messages.count < count {
            let c = i % cameras.count
            let frame = i / cameras.count
            let camera = cameras[c]
            seq[c] += 1
            let ts = start + Int64(frame) * 100
            // Each camera watches a person who crosses the line ahead of it every 60 s of event time
            // (from 40 m on the Syrian side to 35 m on the Iraqi side at 1.5 m/s), with an animal
            // grazing 450 m away in view.
            let walk = frame % 600
            let person = UInt32(frame / 600)
            var payload = #"{"v":1,"camera":""# + camera.id + #"","seq":"# + String(seq[c]) + #","ts":"# + String(ts) + #","detections":["#
            if walk < 500, let near = border.proximity(of: camera.position) {
                let offset = -40 + Double(walk) * 0.15
                let p = border.point(along: near.along, offset: abs(offset), side: offset < 0 ? .left : .right)
                payload += #"{"track":"# + String(person * 2 + 1) + #","class":"person","conf":0.91,"lat":"#
                payload += String(format: "%.6f", p.lat) + #","lon":"# + String(format: "%.6f", p.lon) + #","temp_c":34.5}"#
                do {  // the animal
                    payload += #",{"track":"# + String(person * 2 + 2) + #","class":"animal","conf":0.62,"lat":"#
                    payload += String(format: "%.6f", p.lat + 0.004) + #","lon":"# + String(format: "%.6f", p.lon) + "}"
                }
            }
            payload += "]}"
            messages.append(Message(topic: Array("det.\(camera.sector).\(camera.id)".utf8), payload: Array(payload.utf8)))
            i += 1
        }
        return messages
    }
}
