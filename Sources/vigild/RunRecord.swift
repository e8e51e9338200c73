import Foundation

/// `<state.dir>/vigild.run`: vigild writes it (atomically) once it has started, and an orderly
/// stop removes it. Found at a start, it says the start that wrote it ended some other way: a
/// crash, a kill, a power cut.
///
/// `{"v":1,"pid":4242,"started_ms":1795228387253,"executable":"/usr/local/bin/vigild",
/// "executable_mtime_ms":1795228000000,"abnormal_ends":0}`: the executable and its modification
/// time tell whether the binary changed between two starts (an upgrade); `abnormal_ends` counts
/// the starts since the last orderly stop that ended abnormally, this one's predecessors.
struct RunRecord: Equatable {
    /// The process id of the start.
    var pid: Int32
    /// When it started, epoch ms.
    var startedMs: Int64
    /// The executable's path, when known.
    var executable: String?
    /// The executable's modification time, epoch ms, when known.
    var executableModifiedMs: Int64?
    /// Abnormal ends before this start since the last orderly stop.
    var abnormalEnds: UInt64

    /// The file's bytes.
    var json: Data {
        var object: [String: Any] = ["v": 1, "pid": pid, "started_ms": startedMs, "abnormal_ends": abnormalEnds]
        if let executable { object["executable"] = executable }
        if let executableModifiedMs { object["executable_mtime_ms"] = executableModifiedMs }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return data + Data("\n".utf8)
    }

    /// Reads a run file's bytes; nil when they are not a run record (a file cut short by a
    /// power cut, say: its start ended abnormally all the same, but says no more).
    init?(json data: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let pid = (object["pid"] as? NSNumber)?.int32Value, let startedMs = (object["started_ms"] as? NSNumber)?.int64Value
        else { return nil }
        self.pid = pid
        self.startedMs = startedMs
        executable = object["executable"] as? String
        executableModifiedMs = (object["executable_mtime_ms"] as? NSNumber)?.int64Value
        abnormalEnds = (object["abnormal_ends"] as? NSNumber)?.uint64Value ?? 0
    }

    /// The record of a start.
    init(pid: Int32, startedMs: Int64, executable: String?, executableModifiedMs: Int64?, abnormalEnds: UInt64) {
        self.pid = pid
        self.startedMs = startedMs
        self.executable = executable
        self.executableModifiedMs = executableModifiedMs
        self.abnormalEnds = abnormalEnds
    }
}
