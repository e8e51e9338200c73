import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a capture: one line per message, buffered, to a file or standard output.
///
/// The buffer holds whole lines only and is written out when it reaches 256 KiB, when
/// ``flushIfDue()`` finds it older than a second, and on ``flush()`` and ``close()``; so a
/// capture stopped in order never ends with half a line.
///
/// Not thread-safe: owned by one thread.
public final class CaptureWriter {
    /// The file written, as given (`-` is standard output).
    public let path: String
    /// Messages written (or buffered).
    public private(set) var messages: UInt64 = 0
    /// Bytes written to the file so far (flushed).
    public private(set) var bytesWritten: UInt64 = 0
    /// The oldest unflushed line is flushed by ``flushIfDue()`` after this long.
    public static let flushInterval: Duration = .seconds(1)

    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var bufferedSince: ContinuousClock.Instant?
    private static let flushBytes = 256 << 10

    /// Creates (or truncates) the file at `path`, or takes standard output for `-`, and writes
    /// `header` as the first line if given.
    public init(path: String, header: CaptureHeader?) throws(CaptureError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw CaptureError(file: path, "cannot create: \(String(cString: strerror(errno)))") }
            ownsDescriptor = true
        }
        buffer.reserveCapacity(Self.flushBytes + 4_096)
        if let header {
            CaptureLine.appendHeader(header, to: &buffer)
            bufferedSince = .now
            try flush()
        }
    }

    deinit {
        try? close()
    }

    private var displayName: String { path == "-" ? "<stdout>" : path }

    /// Appends `message`.
    public func append(_ message: CapturedMessage) throws(CaptureError) {
        try checkOpen()
        message.topic.withUnsafeBytes { topic in
            message.payload.withUnsafeBytes { payload in
                CaptureLine.appendMessage(
                    receivedMs: message.receivedMs, frameCount: message.frameCount, topic: topic,
                    payload: message.frameCount >= 2 ? payload : nil, to: &buffer)
            }
        }
        try appended()
    }

    /// Appends a message of `frameCount` frames received at `receivedMs`, from its first two
    /// frames' bytes where they lie (a receive buffer, see `vigil record`): `topic`, and
    /// `payload` when it has two frames or more (ignored otherwise). Frames past the second
    /// are not kept.
    public func append(
        receivedMs: Int64, frameCount: Int, topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer?
    ) throws(CaptureError) {
        try checkOpen()
        CaptureLine.appendMessage(
            receivedMs: receivedMs, frameCount: frameCount, topic: topic, payload: frameCount >= 2 ? payload : nil, to: &buffer)
        try appended()
    }

    private func checkOpen() throws(CaptureError) {
        guard descriptor >= 0 else { throw CaptureError(file: displayName, "written after close") }
    }

    private func appended() throws(CaptureError) {
        messages += 1
        if bufferedSince == nil { bufferedSince = .now }
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Flushes when the oldest buffered line has waited ``flushInterval``. Call it when idle too.
    public func flushIfDue() throws(CaptureError) {
        guard let since = bufferedSince, since.duration(to: .now) >= Self.flushInterval else { return }
        try flush()
    }

    /// Writes out everything buffered.
    public func flush() throws(CaptureError) {
        bufferedSince = nil
        guard !buffer.isEmpty else { return }
        try checkOpen()
        do {
            // FileHandle writes it all, retrying short writes and EINTR; the descriptor stays ours.
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: buffer)
        } catch {
            throw CaptureError(file: displayName, "cannot write: \(String(cString: strerror(Self.errnoCode(of: error))))")
        }
        bytesWritten += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The errno behind a failed write: Foundation's error names it as its underlying POSIX
    /// error; EIO when it does not.
    private static func errnoCode(of error: any Error) -> Int32 {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return EIO
    }

    /// Flushes, then closes the file (standard output stays open). Idempotent.
    public func close() throws(CaptureError) {
        guard descriptor >= 0 else { return }
        defer {
            if ownsDescriptor { closeDescriptor(descriptor) }
            descriptor = -1
        }
        try flush()
    }
}

/// Closes a file descriptor this module opened.
func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}
