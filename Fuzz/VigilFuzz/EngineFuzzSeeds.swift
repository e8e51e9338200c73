import VigilCore

/// The seed corpus of the engine's fuzz target (`Fuzz/corpus/engine/`), generated: each seed is
/// a small scenario of the patterns hostile or broken gateways produce, on the default
/// configuration's cameras (by index: 0 is `cam-qaim-01`, whose border is about 1.3 km north;
/// 1 and 2 overlap it; 75 is `cam-rabia-03`, with the border about 1.5 km west).
///
/// `VIGIL_FUZZ_WRITE_CORPUS=1 swift test --filter VigilFuzzTests` writes them (or
/// `scripts/fuzz.sh seeds`); the tests check that the committed corpus holds them unchanged.
public enum EngineFuzzSeeds {
    /// Every seed, by file name.
    public static var all: [(name: String, bytes: [UInt8])] {
        var seeds: [(String, EngineFuzzInput)] = []
        func seed(_ name: String, _ build: (inout EngineFuzzInput) -> Void) {
            var input = EngineFuzzInput()
            build(&input)
            seeds.append((name, input))
        }

        seed("heartbeats") { input in
            for _ in 0..<20 {
                input.heartbeat(camera: 0)
                input.advance(tenMs: 10)
            }
            input.tick(4)
        }
        seed("crossing-north-qaim") { input in crossing(&input, camera: 0, east: 0, north: 1) }
        seed("crossing-west-rabia") { input in crossing(&input, camera: 75, east: -1, north: 0) }
        seed("crossing-vehicle-fast") { input in
            crossing(&input, camera: 0, east: 0, north: 1, stepM: 150, objectClass: .vehicle)
        }
        seed("crossing-three-cameras") { input in
            for step in 0..<40 {
                for camera: UInt8 in 0...2 {
                    let person = EngineFuzzInput.Detection(place: .fromCamera(dx: Int16(-1_058 * Int(camera)), dy: Int16(400 + 45 * step - 530 * Int(camera))))
                    input.frame(camera: camera, seq: .next, ts: step == 0 ? .wall(16) : .forward(1_000), detections: [person])
                }
                input.advance(tenMs: 100)
            }
            resolveAll(&input)
        }
        seed("group-of-four") { input in
            for step in 0..<40 {
                let group = (0..<4).map { member in
                    EngineFuzzInput.Detection(place: .fromCamera(dx: Int16(6 * member), dy: Int16(300 + 45 * step)))
                }
                input.frame(camera: 0, seq: .next, ts: step == 0 ? .wall(16) : .forward(1_000), detections: group)
                input.advance(tenMs: 100)
            }
            resolveAll(&input)
        }
        seed("duplicates") { input in
            for _ in 0..<10 {
                input.frame(camera: 0, seq: .next, ts: .next(0), detections: [.init(place: .step(dx: 1, dy: 3))])
                input.frame(camera: 0, seq: .duplicate, ts: .same, detections: [])
                input.frame(camera: 0, seq: .exact(0), ts: .same, detections: [])
            }
            input.tick()
        }
        seed("reorder-and-gaps") { input in
            input.heartbeat(camera: 3)
            for round in 0..<8 {
                input.frame(camera: 3, seq: .gap(UInt8(round % 3)), ts: .next(3), detections: [.init(place: .step(dx: -2, dy: 5))])
                input.frame(camera: 3, seq: .back(UInt8(round % 3)), ts: .back(1), detections: [.init(place: .still)])
                input.advance(tenMs: 20)
            }
            input.tick(6)
        }
        seed("gap-released-by-wall-time") { input in
            input.heartbeat(camera: 4)
            input.heartbeat(camera: 4, seq: .gap(5))
            input.tick(8)
            input.heartbeat(camera: 4, seq: .back(3))
            input.tick()
        }
        seed("seq-window-overflow") { input in
            input.heartbeat(camera: 5)
            for _ in 0..<40 { input.heartbeat(camera: 5, seq: .jump(1, shift: 5), ts: .next(1)) }
            input.heartbeat(camera: 5, seq: .jump(1_100, shift: 0))
            input.tick(2)
        }
        seed("seq-big-jump") { input in
            input.heartbeat(camera: 6)
            input.heartbeat(camera: 6, seq: .jump(1, shift: 31))
            input.heartbeat(camera: 6, seq: .jump(.max, shift: 31))
            input.heartbeat(camera: 6)
            input.tick(6)
            input.heartbeat(camera: 6)
        }
        seed("seq-to-uint64-max") { input in
            input.heartbeat(camera: 7)
            input.heartbeat(camera: 7, seq: .extreme(3))
            input.heartbeat(camera: 7)
            input.tick(6)
            input.heartbeat(camera: 7)
            input.tick()
        }
        seed("seq-max-minus-two-then-wrap") { input in
            input.heartbeat(camera: 8, seq: .extreme(5))
            for _ in 0..<5 { input.heartbeat(camera: 8) }
            input.tick(6)
        }
        seed("seq-extremes") { input in
            for n in 0..<EngineFuzzInput.seqTable.count {
                input.heartbeat(camera: 9, seq: .extreme(UInt8(n)))
                input.heartbeat(camera: 9)
                input.advance(tenMs: 30)
            }
            input.tick(8)
        }
        seed("seq-exact-high-half") { input in
            input.heartbeat(camera: 10, seq: .exact(1 << 63))
            input.heartbeat(camera: 10, seq: .exact(3))
            input.heartbeat(camera: 10, seq: .exact((1 << 63) + 2_000))
            input.tick(6)
        }
        seed("reboot-clock-back") { input in
            walk(&input, camera: 11, frames: 30)
            input.frame(camera: 11, seq: .reboot(0), ts: .backFar(60_000), detections: [.init(track: .new, place: .step(dx: 1, dy: 1))])
            walk(&input, camera: 11, frames: 10)
            resolveAll(&input)
        }
        seed("reboot-clock-forward") { input in
            walk(&input, camera: 12, frames: 20)
            input.frame(camera: 12, seq: .reboot(0), ts: .next(5), detections: [.init(track: .new, place: .step(dx: 1, dy: 1))])
            walk(&input, camera: 12, frames: 10)
            input.frame(camera: 12, seq: .reboot(1), ts: .next(5), detections: [])
            input.tick(4)
        }
        seed("reboot-straggler") { input in
            for _ in 0..<1_100 / 40 { input.heartbeat(camera: 13, seq: .gap(31)) }
            input.heartbeat(camera: 13, seq: .reboot(0), ts: .back(30))
            input.heartbeat(camera: 13, seq: .exact(1_500), ts: .back(1))
            input.tick(6)
        }
        seed("ts-late-and-future") { input in
            input.heartbeat(camera: 14)
            input.heartbeat(camera: 14, ts: .back(19))
            input.heartbeat(camera: 14, ts: .back(21))
            input.heartbeat(camera: 14, ts: .extreme(9))
            input.heartbeat(camera: 14, ts: .extreme(10))
            input.heartbeat(camera: 14, ts: .extreme(15))
            input.heartbeat(camera: 14, ts: .wall(31))
            input.tick()
        }
        seed("ts-extremes") { input in
            for n in 0..<UInt8(EngineFuzzInput.tsTableCount) {
                input.heartbeat(camera: 15, seq: .next, ts: .extreme(n))
                input.advance(tenMs: 1)
            }
            input.tick(3)
        }
        seed("ts-two-pow-53") { input in
            input.setWall(12)
            input.frame(camera: 16, seq: .next, ts: .extreme(3), detections: [.init(place: .nearCamera(dx: 0, dy: 40))])
            input.frame(camera: 16, seq: .next, ts: .extreme(2), detections: [.init(place: .nearCamera(dx: 0, dy: 41))])
            input.heartbeat(camera: 16, ts: .extreme(4))
            input.setWall(13)
            input.tick(4)
            input.jump(ms: 60_000)
            input.tick()
        }
        seed("ts-zero-wall-zero") { input in
            input.setWall(0)
            input.frame(camera: 17, seq: .next, ts: .extreme(0), detections: [.init(place: .nearCamera(dx: 0, dy: 100))])
            input.frame(camera: 17, seq: .next, ts: .extreme(1), detections: [.init(place: .step(dx: 0, dy: 7))])
            input.stepBack(fourMs: 255)
            input.heartbeat(camera: 17, ts: .extreme(0))
            input.tick(3)
        }
        seed("ts-huge-forward") { input in
            input.heartbeat(camera: 18)
            input.heartbeat(camera: 18, ts: .forward(.max))
            input.jump(ms: .max)
            input.heartbeat(camera: 18, ts: .forward(1_000))
            input.tick()
        }
        seed("tracks-extreme") { input in
            for n in 0..<UInt8(EngineFuzzInput.trackTable.count) {
                input.frame(
                    camera: 19, seq: .next, ts: .next(0),
                    detections: [.init(track: .extreme(n), place: .step(dx: 2, dy: 2)), .init(track: .exact(.max), place: .beside, objectClass: .vehicle)])
            }
            input.frame(camera: 19, seq: .next, ts: .next(0), detections: [.init(track: .exact(.max), place: .still), .init(track: .new, place: .still)])
            input.tick(2)
        }
        seed("track-switch") { input in
            for step in 0..<20 {
                input.frame(camera: 20, seq: .next, ts: .next(0), detections: [.init(track: step % 5 == 4 ? .new : .slot, place: .step(dx: 3, dy: 3))])
            }
            input.tick(2)
        }
        seed("poles-and-antimeridian") { input in
            let places = (0..<UInt8(EngineFuzzInput.placeTable.count)).map { EngineFuzzInput.Detection(place: .extreme($0)) }
            input.frame(camera: 21, seq: .next, ts: .next(0), detections: Array(places[0..<8]))
            input.frame(camera: 21, seq: .next, ts: .next(0), detections: Array(places[8...]))
            input.frame(camera: 21, seq: .next, ts: .next(0), detections: (0..<8).map { _ in .init(place: .stride(dx: 7, dy: 7)) })
            input.frame(camera: 21, seq: .next, ts: .next(0), detections: (0..<8).map { _ in .init(place: .stride(dx: -8, dy: -8)) })
            input.tick()
        }
        seed("globe") { input in
            for n in 0..<8 {
                let detections = (0..<8).map { m in
                    EngineFuzzInput.Detection(place: .globe(lat: UInt16(truncatingIfNeeded: 8_191 * (n * 8 + m)), lon: UInt16(truncatingIfNeeded: 40_503 * (n * 8 + m))), objectClass: .animal)
                }
                input.frame(camera: 22, seq: .next, ts: .next(0), detections: detections)
            }
            input.tick()
        }
        seed("detections-256") { input in
            var crowd: [EngineFuzzInput.Detection] = []
            for n in 0..<256 {
                let dx = Int8(n % 16 * 8 - 64), dy = Int8(n / 16 * 8 - 64)
                let objectClass: ObjectClass = n % 3 == 0 ? .animal : .person
                crowd.append(EngineFuzzInput.Detection(track: .exact(UInt32(n)), place: .nearCamera(dx: dx, dy: dy), objectClass: objectClass))
            }
            input.frame(camera: 23, seq: .next, ts: .next(0), detections: crowd)
            input.frame(camera: 23, seq: .next, ts: .next(0), detections: crowd)
            input.tick()
        }
        seed("detections-257") { input in
            input.frame(camera: 24, seq: .next, ts: .next(0), detections: (0..<257).map { _ in .init(place: .still) })
        }
        seed("empty-everywhere") { input in
            for camera in stride(from: 0, to: 105, by: 7) { input.heartbeat(camera: UInt8(camera)) }
            input.jump(ms: 31_000)
            input.tick(2)
            for camera in stride(from: 0, to: 105, by: 7) { input.heartbeat(camera: UInt8(camera), ts: .wall(16)) }
            input.tick()
        }
        seed("camera-offline") { input in
            walk(&input, camera: 25, frames: 10)
            input.jump(ms: 35_000)
            input.tick(3)
            input.heartbeat(camera: 25, ts: .wall(16))
            input.tick(2)
        }
        seed("wall-clock-steps") { input in
            for round in 0..<12 {
                input.frame(camera: 26, seq: .next, ts: .wall(16), detections: [.init(place: .step(dx: 4, dy: 4))])
                if round % 3 == 0 { input.stepBack(fourMs: 200) } else { input.advance(tenMs: 60) }
            }
            input.setWall(6, seconds: 10)
            input.heartbeat(camera: 26, ts: .wall(16))
            input.setWall(5)
            input.heartbeat(camera: 26, ts: .wall(16))
            input.tick(16)
        }
        seed("silence-then-remove") { input in
            input.silence(.add(matcher: 0, durationTenSeconds: 30))
            crossing(&input, camera: 0, east: 0, north: 1, resolve: false)
            input.silence(.remove(0))
            resolveAll(&input)
        }
        seed("silence-severity-expires") { input in
            input.silence(.add(matcher: 3 << 2 | 3, durationTenSeconds: 2))
            input.silence(.addTwo(2 << 2 | 2, 1, durationTenSeconds: 0))
            crossing(&input, camera: 0, east: 0, north: 1, resolve: false)
            input.jump(ms: 25_000)
            input.tick(2)
            input.silence(.removeAll)
            resolveAll(&input)
        }
        seed("restart-mid-incident") { input in
            crossing(&input, camera: 0, east: 0, north: 1, resolve: false)
            input.restart(downSeconds: 5)
            walk(&input, camera: 0, frames: 5)
            input.restart(downSeconds: 120)
            resolveAll(&input)
        }
        seed("faults") { input in
            input.heartbeat(camera: 27)
            for fault in EngineFuzzInput.Fault.allCases {
                input.frame(camera: 27, seq: .next, ts: .next(0), detections: [.init(place: .still)], spelling: .fault(fault, detail: 5))
            }
            input.heartbeat(camera: 27)
        }
        seed("alternative-spelling") { input in
            for n in 0..<6 {
                input.frame(
                    camera: 28, seq: .next, ts: .next(0),
                    detections: [
                        .init(place: .step(dx: 1, dy: 1), objectClass: .unknown, extras: .init(temp: 75, size: 17, speed: 3, heading: 255)),
                        .init(track: .exact(UInt32(n)), place: .beside, objectClass: .vehicle, conf: 255, extras: .init(heading: 0)),
                    ], spelling: n % 2 == 0 ? .alternative : .exercise)
            }
            input.frame(camera: 28, seq: .exact(.max), ts: .next(0), detections: [], spelling: .alternative)
            input.tick()
        }
        seed("raw-messages") { input in
            input.raw(camera: 29, payload: Array("{\"v\":1,\"camera\":\"cam-baaj-03\",\"seq\":0,\"ts\":1795228379000,\"detections\":[]}".utf8))
            input.raw(camera: 29, payload: Array("{\"v\":1,\"camera\":\"cam-baaj-03\",\"seq\":1,\"ts\":1795228379100,\"detections\":[{\"track\":4294967295,\"class\":\"person\",\"conf\":1,\"lat\":90,\"lon\":-180}]}".utf8))
            input.raw(camera: 29, payload: Array("{\"v\":1,\"camera\":\"cam-baaj-03\",\"seq\":18446744073709551615,\"ts\":9007199254740992,\"detections\":[]}".utf8))
            input.raw(camera: 29, payload: Array("{\"v\":1,".utf8))
            input.raw(camera: 29, payload: [0xFF, 0xFE, 0x00, 0x7B])
            input.raw(camera: 29, payload: Array("{}".utf8), topic: Array("det.S09.cam-baaj-03.x".utf8))
            input.raw(camera: 29, payload: [], topic: [])
        }
        seed("many-cameras-interleaved") { input in
            for step in 0..<12 {
                for camera in [30, 31, 32, 33, 34] as [UInt8] {
                    let seq: EngineFuzzInput.Seq = step % 4 == 3 && camera == 32 ? .duplicate : step == 6 && camera == 33 ? .reboot(0) : .next
                    input.frame(camera: camera, seq: seq, ts: .next(UInt8(camera % 8)), detections: seq == .duplicate ? [] : [.init(place: .step(dx: 2, dy: -3))])
                }
                input.advance(tenMs: 10)
            }
            input.tick(3)
        }
        seed("restricted-loitering") { input in
            // cam-rabia-03's neighbours, near the Rabia crossing.
            for step in 0..<60 {
                input.frame(camera: 76, seq: .next, ts: step == 0 ? .wall(16) : .forward(1_000), detections: [.init(place: .nearCamera(dx: Int8(-40 + step % 3), dy: 10))])
                input.advance(tenMs: 100)
            }
            resolveAll(&input)
        }
        seed("batch-of-many") { input in
            for _ in 0..<600 { input.heartbeat(camera: 35, seq: .next, ts: .next(0)) }
            input.tick()
        }
        seed("mixed-hostile") { input in
            crossing(&input, camera: 0, east: 0, north: 1, resolve: false)
            input.heartbeat(camera: 0, seq: .extreme(3), ts: .next(0))
            input.heartbeat(camera: 0, seq: .next, ts: .next(0))
            input.heartbeat(camera: 0, seq: .reboot(0), ts: .backFar(100_000))
            input.frame(camera: 1, seq: .exact(.max - 1), ts: .wall(16), detections: [.init(track: .extreme(2), place: .extreme(2))])
            input.frame(camera: 1, seq: .next, ts: .next(0), detections: [.init(track: .extreme(2), place: .extreme(2))])
            input.frame(camera: 1, seq: .next, ts: .next(0), detections: [.init(track: .extreme(2), place: .extreme(2))])
            input.stepBack(fourMs: 250)
            input.restart(downSeconds: 1)
            resolveAll(&input)
        }
        return seeds.map { ($0.0, $0.1.bytes) }
    }

    /// A person (or `objectClass`) seen by `camera` walking from 200 m to 2,600 m from it in the
    /// direction (`east`, `north`), one frame a second; then, with `resolve`, time passes until the
    /// incident resolves.
    static func crossing(
        _ input: inout EngineFuzzInput, camera: UInt8, east: Int, north: Int, stepM: Int = 40, objectClass: ObjectClass = .person, resolve: Bool = true
    ) {
        for distance in stride(from: 200, through: 2_600, by: stepM) {
            let detection = EngineFuzzInput.Detection(place: .fromCamera(dx: Int16(east * distance), dy: Int16(north * distance)), objectClass: objectClass)
            input.frame(camera: camera, seq: .next, ts: distance == 200 ? .wall(16) : .forward(1_000), detections: [detection])
            input.advance(tenMs: 100)
        }
        if resolve { resolveAll(&input) }
    }

    /// `frames` frames of `camera`, a person moving a little, 10 frames a second.
    static func walk(_ input: inout EngineFuzzInput, camera: UInt8, frames: Int) {
        for _ in 0..<frames {
            input.frame(camera: camera, seq: .next, ts: .next(0), detections: [.init(place: .step(dx: 1, dy: 2))])
            input.advance(tenMs: 10)
        }
    }

    /// Time passes, every feed silent, until open incidents resolve.
    static func resolveAll(_ input: inout EngineFuzzInput) {
        input.jump(ms: 40_000)
        input.tick(2)
    }
}
