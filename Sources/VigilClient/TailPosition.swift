import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `vigil tail --resume STATEFILE` keeps in STATEFILE: the last `seq` it has delivered and,
/// when standard output is a regular file, which file that is and its size right after the
/// lines up to that `seq` were written:
///
/// ```json
/// {"v":1,"last_seq":2041,"stdout":{"dev":2049,"ino":393231,"size":1048211}}
/// ```
///
/// `stdout` is null when standard output is not a regular file (a pipe, a terminal). The file is
/// replaced atomically (written beside it as `STATEFILE.tmp`, then renamed over it), so a kill at
/// any moment leaves either the old position or the new one, never a mix.
public struct TailPosition: Sendable, Equatable {
    /// Standard output as it stood after a write: the file (device and inode) and its size.
    public struct OutputMark: Sendable, Equatable, Codable {
        /// The file's device (st_dev).
        public var device: UInt64
        /// The file's inode (st_ino).
        public var inode: UInt64
        /// The file's size, bytes.
        public var size: Int64

        enum CodingKeys: String, CodingKey {
            case device = "dev", inode = "ino", size
        }
    }

    /// The last `seq` delivered (or, with a topic filter, passed over); 0 for none.
    public var lastSeq: UInt64 = 0
    /// Standard output after the lines up to ``lastSeq`` were written, when it is a regular file.
    public var output: OutputMark?

    /// A position.
    public init(lastSeq: UInt64 = 0, output: OutputMark? = nil) {
        self.lastSeq = lastSeq
        self.output = output
    }

    private struct Stored: Codable {
        var v: Int
        var lastSeq: UInt64
        var stdout: OutputMark?

        enum CodingKeys: String, CodingKey {
            case v, lastSeq = "last_seq", stdout
        }
    }

    /// Reads the position in `path`; nil when there is no such file (a first run). A file that
    /// cannot be read is ``VigilClientError/Code/unreadableStateFile``, one that is not a position
    /// ``VigilClientError/Code/badStateFile``; both name the file.
    public static func load(path: String) throws(VigilClientError) -> TailPosition? {
        let data: [UInt8]
        switch POSIXFile.readAll(path) {
        case .success(let bytes): data = bytes
        case .failure(let error) where error.code == ENOENT: return nil
        case .failure(let error): throw VigilClientError("cannot read the state file \(path): \(String(cString: strerror(error.code)))", code: .unreadableStateFile)
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(data)), stored.v == 1, (stored.stdout?.size ?? 0) >= 0 else {
            throw VigilClientError(
                "the state file \(path) is not a vigil tail position (expected {\"v\":1,\"last_seq\":N,\"stdout\":...}); "
                    + "remove it to start from the oldest alert vigild holds", code: .badStateFile)
        }
        return TailPosition(lastSeq: stored.lastSeq, output: stored.stdout)
    }

    /// Replaces `path` with this position: writes `path.tmp`, then renames it over `path`. A
    /// ``VigilClientError/Code/unwritableStateFile`` when that fails.
    public func save(path: String) throws(VigilClientError) {
        var text = #"{"v":1,"last_seq":\#(lastSeq),"stdout":"#
        if let output {
            text += #"{"dev":\#(output.device),"ino":\#(output.inode),"size":\#(output.size)}"#
        } else {
            text += "null"
        }
        text += "}\n"
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw VigilClientError("cannot write the state file \(temporary): \(String(cString: strerror(errno)))", code: .unwritableStateFile) }
        let written = POSIXFile.writeAll(fd, Array(text.utf8))
        let closed = close(fd)
        if let written { throw VigilClientError("cannot write the state file \(temporary): \(String(cString: strerror(written)))", code: .unwritableStateFile) }
        guard closed == 0 else { throw VigilClientError("cannot write the state file \(temporary): \(String(cString: strerror(errno)))", code: .unwritableStateFile) }
        guard rename(temporary, path) == 0 else {
            throw VigilClientError("cannot replace the state file \(path): \(String(cString: strerror(errno)))", code: .unwritableStateFile)
        }
    }
}
