import VigilCore

/// One input's run: decodes the operations (``EngineFuzzInput``) and drives validation, the
/// engine and the silences as the daemon's ingest and processing stages do.
struct EngineFuzzSession {
    /// The monotonic timer's period, as in the processing stage.
    static let tickMs: Int64 = 500
    /// Ticks run at most for one step of time; a longer step skips the rest (a real timer that
    /// fell behind does not fire once per missed period either).
    static let maxTicksPerStep = 16
    /// Restarts per input; operation 15 past them is a frame report.
    static let maxRestarts = 4
    /// The longest step of monotonic time (about 35 years), so that it never overflows.
    static let maxStepMs: Int64 = 1 << 40

    let setup: FuzzSetup
    private(set) var summary = EngineFuzz.Summary()
    private var engine: AlertEngine
    private var gate = AlertGate()
    /// Wall time (what `WallClock.nowMs()` would say) and monotonic time (what the timer runs on).
    private var wallMs = EngineFuzzInput.startWallMs
    private var monoMs: Int64 = 0
    private var nextTickMs = tickMs
    /// The batch being processed: its wall time, frames and alerts so far.
    private var batch: (wallMs: Int64, frames: Int)?
    private var alerts: [AlertMessage] = []
    /// What each camera's gateway sent last.
    private var feeds: [Feed]
    /// The life cycle of incidents: as the engine emits them, and as consumers see them.
    private var emitted = Lifecycle(stream: "engine")
    private var seen = Lifecycle(stream: "consumers")
    private var alertSeq: UInt64 = 0
    /// The missing frames as last logged (mirrors the processing stage's notice).
    private var missingLogged: [UInt64]
    private var silenceSerial = 0

    init(setup: FuzzSetup) {
        self.setup = setup
        engine = setup.engine
        feeds = setup.cameras.map { Feed(camera: $0) }
        missingLogged = setup.engine.framesMissingByCamera
    }

    mutating func run(_ data: UnsafeRawBufferPointer) {
        var bytes = FuzzBytes(data)
        while !bytes.isAtEnd {
            let opcode = bytes.byte()
            let kind = opcode & 0x0F, variant = opcode >> 4
            switch kind {
            case 0...7: frame(variant: variant, &bytes)
            case 8: advance(by: 10 * Int64(bytes.byte()), wallOnly: false)
            case 9:
                endBatch()
                for _ in 0...variant { advance(by: nextTickMs - monoMs, wallOnly: false) }
            case 10: advance(by: -4 * Int64(bytes.byte()), wallOnly: true)
            case 11: advance(by: Int64(bytes.u32()), wallOnly: false)
            case 12:
                let n = bytes.byte()
                let target = EngineFuzzInput.wallTable[Int(n & 0x0F)] + 1_000 * Int64(n >> 4)
                // Forward: time passes (monotonic too); back: only the wall clock is set back.
                advance(by: target - wallMs, wallOnly: target < wallMs)
            case 13: raw(variant: variant, &bytes)
            case 14: silence(&bytes)
            default:
                // Restarts are costly (the whole state written and read): only the exact opcode,
                // and a few per input.
                if variant == 0 && summary.restarts < Self.maxRestarts { restart(downSeconds: bytes.byte()) } else { frame(variant: 0, &bytes) }
            }
        }
        endBatch()
        let stats = engine.stats
        summary.cameraRestarts = stats.cameraRestarts
        summary.framesReordered = stats.framesReordered
        summary.framesMissing = stats.framesMissing
    }

    // MARK: Time

    /// Moves time on by `deltaMs` (the wall clock only, when `wallOnly`: it was set back or
    /// forward while the monotonic timer kept its pace). Ends the batch first; runs the timer's
    /// ticks that fall due, each at its own wall time.
    private mutating func advance(by deltaMs: Int64, wallOnly: Bool) {
        endBatch()
        if wallOnly {
            wallMs = max(0, wallMs + deltaMs)
            return
        }
        // Monotonic time moves on by at most `maxStepMs`; the wall clock jumps the rest first.
        let step = min(max(0, deltaMs), Self.maxStepMs)
        wallMs += max(0, deltaMs) - step
        let endMono = monoMs + step
        var ticks = 0
        while nextTickMs <= endMono {
            if ticks == Self.maxTicksPerStep {
                nextTickMs = endMono + Self.tickMs
                break
            }
            wallMs += nextTickMs - monoMs
            monoMs = nextTickMs
            nextTickMs += Self.tickMs
            tick()
            ticks += 1
        }
        wallMs += endMono - monoMs
        monoMs = endMono
    }

    /// The processing stage's timer: expire, the silences that ended, the missing frames' notice.
    private mutating func tick() {
        summary.ticks += 1
        var alerts: [AlertMessage] = []
        engine.expire(wallNowMs: wallMs, into: &alerts)
        let ended = gate.expire(nowMs: wallMs)
        send(alerts, released: ended.events)
        // As `ProcessingStage.logMissing` counts them for its notice.
        let missing = engine.framesMissingByCamera
        if missing != missingLogged {
            var frames: UInt64 = 0
            for camera in missing.indices where missing[camera] != missingLogged[camera] { frames += missing[camera] - missingLogged[camera] }
            let total = missing.reduce(0, +)
            precondition(total >= frames, "missing frames: the total \(total) is below the new ones \(frames)")
            missingLogged = missing
        }
    }

    // MARK: Messages

    /// A frame report (operation 0–7).
    private mutating func frame(variant: UInt8, _ bytes: inout FuzzBytes) {
        var spelling: EngineFuzzInput.Spelling = variant == 13 ? .exercise : variant == 14 ? .alternative : .plain
        if variant == 15 {
            let f = bytes.byte()
            spelling = .fault(EngineFuzzInput.Fault(rawValue: f & 7)!, detail: f >> 3)
        }
        let camera = Int(bytes.byte()) % setup.cameras.count
        var feed = feeds[camera]
        let previousTs = feed.ts ?? wallMs - 1_000
        let s = bytes.byte(), sArg = s >> 3
        let t = bytes.byte(), tArg = t >> 3
        if s & 7 == 1 {
            // The previous message again, as it was (or, from a camera not heard yet, a heartbeat).
            if let last = feed.last {
                message(topic: last.topic, payload: last.payload)
                return
            }
            feed.seq = 0
            feed.ts = previousTs
            let message = FrameWriter(setup: setup, camera: camera, spelling: .plain).write(seq: 0, ts: previousTs, detections: [])
            feed.last = message
            feeds[camera] = feed
            self.message(topic: message.topic, payload: message.payload)
            return
        }
        let seq: UInt64
        switch s & 7 {
        case 0: seq = feed.seq &+ 1
        case 2: seq = feed.seq &+ 2 &+ UInt64(sArg)
        case 3: seq = feed.seq &- 1 &- UInt64(sArg)
        case 4: seq = feed.seq &+ UInt64(bytes.u32()) << UInt64(sArg)
        case 5: seq = EngineFuzzInput.seqTable[Int(sArg) % EngineFuzzInput.seqTable.count]
        case 6: seq = UInt64(sArg)
        default: seq = bytes.u64()
        }
        let ts: Int64
        switch t & 7 {
        case 0: ts = previousTs &+ 100 &+ Int64(tArg)
        case 1: ts = previousTs
        case 2: ts = previousTs &- 100 &* Int64(tArg)
        case 3: ts = previousTs &+ Int64(bytes.u32())
        case 4: ts = EngineFuzzInput.extremeTs(tArg, wallMs: wallMs, previousTs: previousTs)
        case 5: ts = wallMs &+ 250 &* (Int64(tArg) - 16)
        case 6: ts = previousTs &- Int64(bytes.u32())
        default: ts = Int64(bitPattern: bytes.u64())
        }
        let count = EngineFuzzInput.count(forByte: bytes.byte())
        var detections: [FrameWriter.Detection] = []
        detections.reserveCapacity(count)
        for index in 0..<count {
            detections.append(detection(index, camera: camera, feed: &feed, previous: detections.last?.position, &bytes))
        }
        feed.seq = seq
        feed.ts = ts
        let message = FrameWriter(setup: setup, camera: camera, spelling: spelling).write(seq: seq, ts: ts, detections: detections)
        feed.last = message
        feeds[camera] = feed
        self.message(topic: message.topic, payload: message.payload)
    }

    /// One detection of a frame, from its operands; keeps the slot's track and position.
    private func detection(_ index: Int, camera: Int, feed: inout Feed, previous: GeoPoint?, _ bytes: inout FuzzBytes) -> FrameWriter.Detection {
        let slot = index % Feed.slots
        let d = bytes.byte()
        switch d & 3 {
        case 0: break
        case 1: feed.tracks[slot] &+= 1
        case 2: feed.tracks[slot] = bytes.u32()
        default: feed.tracks[slot] = EngineFuzzInput.trackTable[Int(bytes.byte()) % EngineFuzzInput.trackTable.count]
        }
        let here = feed.places[slot], origin = setup.cameras[camera].position
        let position: GeoPoint
        switch (d >> 2) & 7 {
        case 0:
            let (dx, dy) = Self.nibbles(bytes.byte())
            position = Geo.moved(here, east: 2 * dx, north: 2 * dy)
        case 1:
            let (dx, dy) = Self.nibbles(bytes.byte())
            position = Geo.moved(here, east: 20 * dx, north: 20 * dy)
        case 2:
            let dx = Double(bytes.signed()), dy = Double(bytes.signed())
            position = Geo.moved(origin, east: 12 * dx, north: 12 * dy)
        case 3:
            let dx = Double(Int16(bitPattern: bytes.u16())), dy = Double(Int16(bitPattern: bytes.u16()))
            position = Geo.moved(origin, east: dx, north: dy)
        case 4:
            let lat = -90 + 180 * Double(bytes.u16()) / 65_535, lon = -180 + 360 * Double(bytes.u16()) / 65_535
            position = Geo.normalized(lat: lat, lon: lon)
        case 5: position = EngineFuzzInput.placeTable[Int(bytes.byte()) % EngineFuzzInput.placeTable.count]
        case 6: position = here
        default: position = Geo.moved(previous ?? here, east: 0, north: 1)
        }
        feed.places[slot] = position
        let objectClass: ObjectClass = [.person, .vehicle, .animal, .unknown][Int(d >> 5) & 3]
        let conf = Double(bytes.byte()) / 255
        var detection = FrameWriter.Detection(track: feed.tracks[slot], objectClass: objectClass, conf: conf, position: position)
        if d & 0x80 != 0 {
            let flags = bytes.byte()
            if flags & 1 != 0 { detection.tempC = Double(bytes.byte()) - 40 }
            if flags & 2 != 0 { detection.sizeM = Double(bytes.byte()) / 10 }
            if flags & 4 != 0 { detection.speedMps = Double(bytes.byte()) / 2 }
            if flags & 8 != 0 { detection.headingDeg = 360 * Double(bytes.byte()) / 255 }
        }
        return detection
    }

    /// Two signed nibbles of a byte, −8...7: (low, high).
    private static func nibbles(_ byte: UInt8) -> (Double, Double) {
        (Double(Int8(bitPattern: byte << 4) >> 4), Double(Int8(bitPattern: byte & 0xF0) >> 4))
    }

    /// A raw message (operation 13): a camera's topic, or raw bytes, and raw payload bytes.
    private mutating func raw(variant: UInt8, _ bytes: inout FuzzBytes) {
        let camera = Int(bytes.byte()) % setup.cameras.count
        let topic = variant & 1 == 0 ? Array(setup.topics[camera].utf8) : bytes.bytes(Int(bytes.byte()))
        let payload = bytes.bytes(Int(bytes.byte()))
        message(topic: topic, payload: payload)
    }

    /// One two-frame message, as ingest takes it: validation, then the engine, in the batch.
    private mutating func message(topic: [UInt8], payload: [UInt8]) {
        summary.messages += 1
        let validated = Self.withExactBytes(topic, slack: 0) { topic in
            Self.withExactBytes(payload, slack: setup.payloadSlack) { payload in setup.validator.validate(topic: topic, payload: payload) }
        }
        guard case .success(let frame) = validated else {
            if case .failure(let error) = validated { summary.rejected[error.reason.rawValue, default: 0] += 1 }
            return
        }
        summary.validated += 1
        if batch == nil { batch = (wallMs, 0) }
        batch!.frames += 1
        switch engine.process(frame.report, camera: frame.camera, wallNowMs: batch!.wallMs, into: &alerts) {
        case .accepted:
            summary.accepted += 1
            summary.detections += frame.report.detections.count
        case .duplicate: summary.duplicates += 1
        case .rejected(let error): summary.rejected[error.reason.rawValue, default: 0] += 1
        }
        if batch!.frames >= setup.batchSize { endBatch() }
    }

    /// Calls `body` with `bytes` copied into an allocation of exactly their size (plus `slack`
    /// zero bytes after them), so that AddressSanitizer reports any read past their end.
    private static func withExactBytes<R>(_ bytes: [UInt8], slack: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + slack, alignment: 1)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer.copyBytes(from: bytes)
        return body(UnsafeRawBufferPointer(rebasing: buffer[0..<bytes.count]))
    }

    /// The end of a batch: `expire` at the batch's wall time, then the alerts to the silences.
    private mutating func endBatch() {
        guard let open = batch else { return }
        batch = nil
        summary.batches += 1
        engine.expire(wallNowMs: open.wallMs, into: &alerts)
        let due = alerts
        alerts.removeAll(keepingCapacity: true)
        send(due, released: [], at: open.wallMs)
    }

    /// The engine's alerts through the silences; what consumers see is numbered and encoded as
    /// the publisher does.
    private mutating func send(_ alerts: [AlertMessage], released: [AlertMessage], at nowMs: Int64? = nil) {
        guard !alerts.isEmpty || !released.isEmpty else { return }
        let nowMs = nowMs ?? wallMs
        for event in alerts {
            emitted.see(event)
            summary.kinds.insert(event.kind)
            switch event.state {
            case .raised: summary.raised += 1
            case .updated: summary.updated += 1
            case .resolved: summary.resolved += 1
            }
        }
        for event in released + gate.pass(alerts, nowMs: nowMs) {
            seen.see(event)
            alertSeq += 1
            summary.visible += 1
            let json = AlertEncoder.encode(event, seq: alertSeq, emittedTs: nowMs)
            precondition(json.first == UInt8(ascii: "{") && json.last == UInt8(ascii: "}"), "an alert message is not a JSON object")
        }
    }

    // MARK: Silences and restarts

    /// Operation 14.
    private mutating func silence(_ bytes: inout FuzzBytes) {
        endBatch()
        let m = bytes.byte()
        switch m & 3 {
        case 0, 2:
            var silence = Silence(id: "si-fuzz-\(silenceSerial)", createdMs: wallMs, expiresMs: wallMs)
            silenceSerial += 1
            for _ in 0..<(m & 3 == 0 ? 1 : 2) { setMatcher(bytes.byte(), of: &silence) }
            silence.expiresMs = wallMs + 10_000 * Int64(bytes.byte())
            gate.add(silence)
            summary.silences += 1
        case 1:
            guard !gate.silences.isEmpty else { return }
            let id = gate.silences[Int(m >> 2) % gate.silences.count].id
            send([], released: gate.remove(id: id, nowMs: wallMs).events)
        default:
            for id in gate.silences.map(\.id) { send([], released: gate.remove(id: id, nowMs: wallMs).events) }
        }
    }

    private func setMatcher(_ k: UInt8, of silence: inout Silence) {
        let n = Int(k >> 2)
        switch k & 3 {
        case 0: silence.camera = setup.cameras[n % setup.cameras.count].id
        case 1: silence.zone = setup.zoneIDs.isEmpty ? "none" : setup.zoneIDs[n % setup.zoneIDs.count]
        case 2: silence.kind = setup.kinds[n % setup.kinds.count]
        default: silence.severity = Severity.allCases[n % Severity.allCases.count]
        }
    }

    /// Operation 15: the daemon stops (its last state journaled) and starts again `downSeconds`
    /// later from that state, as `Daemon.resume` does.
    private mutating func restart(downSeconds: UInt8) {
        endBatch()
        summary.restarts += 1
        var engineState = StateWriter(), gateState = StateWriter()
        engine.encodeState(to: &engineState)
        gate.encodeState(to: &gateState)
        let takenMs = wallMs
        monoMs += 1_000 * Int64(downSeconds)
        wallMs += 1_000 * Int64(downSeconds)
        nextTickMs = monoMs + Self.tickMs
        var fresh = setup.engine
        var freshGate = AlertGate(silences: gate.silences)
        do throws(StateError) {
            var reader = StateReader(engineState.bytes)
            try fresh.restoreState(from: &reader, takenWallMs: takenMs, wallNowMs: wallMs)
            var gateReader = StateReader(gateState.bytes)
            try freshGate.restoreState(from: &gateReader)
            guard gateReader.isAtEnd else { throw StateError("the silences' state has bytes after its end") }
        } catch {
            preconditionFailure("the engine cannot read back the state it wrote: \(error)")
        }
        engine = fresh
        gate = freshGate
        missingLogged = engine.framesMissingByCamera
    }
}

/// What one camera's gateway sent last, and its tracks: per slot (detection index % 8), a track
/// id and a position that the next frames follow on from.
struct Feed {
    static let slots = 8
    var seq: UInt64 = .max
    var ts: Int64?
    var tracks: [UInt32]
    var places: [GeoPoint]
    var last: (topic: [UInt8], payload: [UInt8])?

    init(camera: Camera) {
        tracks = (0..<Self.slots).map { UInt32($0 + 1) }
        places = Array(repeating: camera.position, count: Self.slots)
    }
}

/// The contract's life cycle of an incident, checked message by message: raised once, then
/// updated, then resolved once; nothing after.
struct Lifecycle {
    let stream: StaticString
    private var open: Set<String> = []
    private var closed: Set<String> = []

    init(stream: StaticString) {
        self.stream = stream
    }

    mutating func see(_ event: AlertMessage) {
        switch event.state {
        case .raised:
            precondition(!open.contains(event.id) && !closed.contains(event.id), "\(stream): incident \(event.id) raised again")
            open.insert(event.id)
        case .updated:
            precondition(open.contains(event.id), "\(stream): incident \(event.id) updated while not open (resolved: \(closed.contains(event.id)))")
        case .resolved:
            precondition(open.remove(event.id) != nil, "\(stream): incident \(event.id) resolved while not open (resolved: \(closed.contains(event.id)))")
            closed.insert(event.id)
        }
    }
}
