import Foundation
import Logging
import VigilPipeline
import VigilWire

#if canImport(Glibc)
import Glibc
#endif

/// The two files in the state directory that make an abnormal end visible at the next start:
/// `vigild.run` (``RunRecord``, this start's, removed by an orderly stop) and `vigild.exit`
/// (``ExitRecord``, the supervisor's record of how the last process ended).
struct RunFiles {
    /// What the files say of the start before this one, when it did not stop in order.
    struct PreviousStart {
        /// Its run file, when it could be read.
        var run: RunRecord?
        /// The supervisor's record of its end, when there is one for it.
        var exit: ExitRecord?
        /// The abnormal end, as `stats` reports it.
        var end: RunStats.AbnormalEnd
        /// Abnormal ends since the last orderly stop, this one included.
        var abnormalEnds: UInt64
    }

    /// The state directory.
    let directory: String

    var runPath: String { directory + "/vigild.run" }
    var exitPath: String { directory + "/vigild.exit" }

    /// The start before this one, if it ended abnormally: its run file is still there (it never
    /// stopped in order), or the supervisor recorded its end (it died before writing one). An
    /// exit record of another process than the run file's is stale and ignored.
    func previousStart() -> PreviousStart? {
        let runBytes = FileManager.default.contents(atPath: runPath)
        let exitBytes = FileManager.default.contents(atPath: exitPath)
        guard runBytes != nil || exitBytes != nil else { return nil }
        let run = runBytes.flatMap(RunRecord.init(json:))
        var exit = exitBytes.flatMap(ExitRecord.init(json:))
        if let run, let recorded = exit, recorded.pid != run.pid { exit = nil }
        guard runBytes != nil || exit != nil else { return nil }
        let end = RunStats.AbnormalEnd(
            pid: run?.pid ?? exit?.pid, startedMs: run?.startedMs, endedMs: exit?.endedMs, status: exit?.status, signal: exit?.signal)
        return PreviousStart(run: run, exit: exit, end: end, abnormalEnds: (run?.abnormalEnds ?? 0) + 1)
    }

    /// Logs the abnormal end at `error`, with what is known of it.
    func report(_ previous: PreviousStart, logger: Logger) {
        var metadata: Logger.Metadata = [
            "previous.pid": "\(previous.end.pid.map { String($0) } ?? "unknown")",
            "previous.exit": "\(previous.exit?.summary ?? "unknown (no supervisor record)")",
            "abnormal_ends": "\(previous.abnormalEnds)", "state.dir": "\(directory)",
        ]
        if let run = previous.run {
            metadata["previous.started"] = "\(Self.iso8601(run.startedMs))"
            if let executable = run.executable { metadata["previous.executable"] = "\(executable)" }
            if let modified = run.executableModifiedMs, modified != Self.executable().modifiedMs {
                metadata["previous.executable_changed"] = "true"
            }
        } else {
            metadata["previous.run_file"] = "\(FileManager.default.fileExists(atPath: runPath) ? "unreadable" : "absent")"
        }
        if let status = previous.exit?.status { metadata["previous.status"] = "\(status)" }
        if let signal = previous.exit?.signal { metadata["previous.signal"] = "\(signal)" }
        if let ended = previous.exit?.endedMs {
            metadata["previous.ended"] = "\(Self.iso8601(ended))"
            if let started = previous.run?.startedMs, ended >= started { metadata["previous.uptime_s"] = "\((ended - started) / 1_000)" }
        }
        logger.error("the last start ended abnormally", metadata: metadata)
    }

    /// Writes this start's run file (a temporary file renamed over it) and removes the exit
    /// record, now reported.
    func started(pid: Int32, startedMs: Int64, abnormalEnds: UInt64) throws {
        let executable = Self.executable()
        let record = RunRecord(
            pid: pid, startedMs: startedMs, executable: executable.path, executableModifiedMs: executable.modifiedMs, abnormalEnds: abnormalEnds)
        try record.json.write(to: URL(fileURLWithPath: runPath), options: .atomic)
        unlink(exitPath)
    }

    /// An orderly stop: the run file goes.
    func stopped() {
        unlink(runPath)
    }

    /// This executable's path and modification time, when they can be had.
    static func executable() -> (path: String?, modifiedMs: Int64?) {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return (nil, nil) }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return (path, modified.map { Int64($0.timeIntervalSince1970 * 1_000) })
    }

    static func iso8601(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1_000))
    }
}
