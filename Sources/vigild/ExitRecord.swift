import Foundation

/// `<state.dir>/vigild.exit`: how a vigild process ended, written by its supervisor
/// (`scripts/supervise.sh`) before it starts the next one, and read (then removed) by that next
/// one: `{"v":1,"pid":4242,"status":139,"signal":"SIGSEGV","ended_ms":1795228390112}`. `status`
/// is what the supervisor's shell saw (128 + the signal's number for a signal); `signal` is
/// there only when a signal ended the process.
struct ExitRecord: Equatable {
    /// The process that ended.
    var pid: Int32
    /// Its exit status as the supervisor saw it.
    var status: Int32?
    /// The signal that ended it (`SIGSEGV`), if one did.
    var signal: String?
    /// When it ended, epoch ms.
    var endedMs: Int64?

    /// Reads an exit file's bytes; nil when they are not an exit record.
    init?(json data: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let pid = (object["pid"] as? NSNumber)?.int32Value
        else { return nil }
        self.pid = pid
        status = (object["status"] as? NSNumber)?.int32Value
        signal = object["signal"] as? String
        endedMs = (object["ended_ms"] as? NSNumber)?.int64Value
    }

    /// `signal SIGSEGV`, `status 1`, or `unknown`: for the log.
    var summary: String {
        if let signal { return "signal \(signal)" }
        if let status { return "status \(status)" }
        return "unknown"
    }
}
