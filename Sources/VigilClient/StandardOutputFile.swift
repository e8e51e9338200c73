#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output as file descriptor 1: written with write(2), measured with fstat(2).
public enum StandardOutputFile {
    /// Which regular file standard output is and its size now; nil when it is not a regular file.
    public static func mark() -> TailPosition.OutputMark? {
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return TailPosition.OutputMark(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size))
    }

    /// Writes all of `bytes` to standard output; ``VigilClientError/Code/output`` when it cannot.
    public static func append(_ bytes: [UInt8]) throws(VigilClientError) {
        if let code = POSIXFile.writeAll(STDOUT_FILENO, bytes) {
            throw VigilClientError("cannot write standard output: \(String(cString: strerror(code)))", code: .output)
        }
    }

    /// Cuts standard output back to `size` bytes and moves its offset to the new end.
    public static func truncate(to size: Int64) throws(VigilClientError) {
        guard ftruncate(STDOUT_FILENO, off_t(size)) == 0 else {
            throw VigilClientError("cannot truncate standard output to \(size) bytes: \(String(cString: strerror(errno)))", code: .output)
        }
        lseek(STDOUT_FILENO, 0, SEEK_END)
    }
}
