import Foundation

/// Room kept for the journal on its disk: a file of zeros beside it (`journal.reserve`, 16 MiB),
/// released when the disk is full so that the alerts waiting for the journal can still be
/// journaled, and published.
///
/// A full disk otherwise stops the stream: an alert is published only once journaled. 16 MiB
/// holds some 40,000 alerts with their alert states. The file is made with `posix_fallocate`
/// (the blocks are really the journal's), at start and again once there is room (checked every
/// minute after a release).
struct JournalReserve {
    /// The reserve's size.
    static let bytes: Int64 = 16 << 20

    /// `<state.dir>/journal.reserve`.
    let path: String
    /// Wall time of the last release, or of the last failed attempt to make it.
    private var lastChangeMs: Int64 = .min / 2

    init(directory: String) {
        path = URL(fileURLWithPath: directory).appendingPathComponent("journal.reserve").path
    }

    /// Whether the reserve is on disk, whole.
    var isHeld: Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value == Self.bytes
    }

    /// Makes the reserve if it is not there (and, after a release or a failure, a minute has
    /// passed); nil when it is held, else why not.
    mutating func make(nowMs: Int64) -> String? {
        if isHeld { return nil }
        guard nowMs - lastChangeMs >= 60_000 else { return "released or refused less than a minute ago" }
        lastChangeMs = nowMs
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        let result = posix_fallocate(fd, 0, off_t(Self.bytes))
        guard result == 0 else {
            unlink(path)
            return String(cString: strerror(result))
        }
        return nil
    }

    /// Deletes the reserve; whether there was one to release.
    mutating func release(nowMs: Int64) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        lastChangeMs = nowMs
        return unlink(path) == 0
    }
}
