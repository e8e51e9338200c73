import VigilCore

/// What the daemon must know again after a restart, as it stood right after the alerts
/// journaled with it: the engine, the incidents the silences follow, and the incidents
/// consumers have seen open (with the last message they saw of each).
///
/// A copy of values: taking it on the processing queue costs a few reference counts, and the
/// writer encodes it on its own thread while processing goes on.
struct DaemonState: Sendable {
    var engine: AlertEngine
    var gate: AlertGate
    var visibleOpen: [String: AlertMessage]
}

/// The snapshot's bytes: a magic number and version, the wall time it was taken (the cameras'
/// wall times move on from it at a restart) and the wall time its targets are as new as, then
/// the engine, the gate and the visible incidents each as a separate blob, so that an engine
/// state refused (taken under another configuration) still leaves the incidents consumers have
/// open, to be resolved. Version 2 (one wall time) is still read: a journal written before.
enum DaemonStateCodec {
    /// "VIGILST" and the format's version.
    static let magic: UInt64 = 0x5649_4749_4c53_5403
    static let magicVersion2: UInt64 = 0x5649_4749_4c53_5402

    /// The bytes of a state given as its parts (the engine's and the gate's already encoded): the
    /// state log's sum (``StateLogReplay``). A journal of schema 2 holds version 2 of them.
    static func encode(engine: [UInt8], gate: [UInt8], visibleOpen: [AlertMessage], takenWallMs: Int64, resumeFromWallMs: Int64) -> [UInt8] {
        var w = StateWriter(capacity: engine.count + gate.count + visibleOpen.count * 256 + 64)
        w.put(magic)
        w.put(takenWallMs)
        w.put(resumeFromWallMs)
        w.put(bytes: engine)
        w.put(bytes: gate)
        w.put(visibleOpen.sorted { ($0.firstTs, $0.id) < ($1.firstTs, $1.id) }) { w, event in event.encode(to: &w) }
        return w.bytes
    }

    /// The parts of a snapshot, not yet applied.
    struct Decoded {
        var takenWallMs: Int64
        var resumeFromWallMs: Int64
        var engine: [UInt8]
        var gate: [UInt8]
        var visibleOpen: [AlertMessage]
    }

    static func decode(_ bytes: [UInt8]) throws(StateError) -> Decoded {
        var r = StateReader(bytes)
        let magic = try r.uint64()
        guard magic == Self.magic || magic == magicVersion2 else { throw StateError("the snapshot is not in this Vigil's format (\(String(magic, radix: 16)))") }
        let taken = try r.int64()
        let decoded = Decoded(
            takenWallMs: taken, resumeFromWallMs: magic == Self.magic ? try r.int64() : taken, engine: try r.rawBytes(), gate: try r.rawBytes(),
            visibleOpen: try r.array { r throws(StateError) in try AlertMessage(from: &r) })
        guard r.isAtEnd else { throw StateError("the snapshot has bytes after its end") }
        return decoded
    }
}
