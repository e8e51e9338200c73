import CZeroMQ
import Synchronization

/// A libzmq context: the owner of the I/O threads that every socket runs on.
///
/// Sockets keep their context alive, so the context is terminated only after its last socket
/// has been closed and released.
///
/// `@unchecked Sendable`: libzmq contexts are thread-safe (zmq_ctx_new(3)), and this class has no
/// mutable state of its own after `init`.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let terminated = Atomic<Bool>(false)

    /// Creates a context with `ioThreads` I/O threads.
    public init(ioThreads: Int32 = 1) throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("zmq_ctx_new") }
        self.handle = handle
        do {
            try check("zmq_ctx_set") { zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) }
        } catch {
            zmq_ctx_term(handle)
            throw error
        }
    }

    deinit {
        // Every socket holds a strong reference to its context, so none is left open here and
        // zmq_ctx_term returns at once. EINTR is retried; nothing else can fail here.
        if !terminated.load(ordering: .relaxed) { Self.term(handle) }
    }

    /// Terminates the context now: blocks until every socket is closed and each has sent what it
    /// still holds, up to its LINGER. Call it once every socket of the context is closed (a
    /// process that exits without it loses what lingering sockets had not sent yet). Idempotent.
    public func terminate() {
        guard !terminated.exchange(true, ordering: .relaxed) else { return }
        Self.term(handle)
    }

    private static func term(_ handle: UnsafeMutableRawPointer) {
        while zmq_ctx_term(handle) != 0 && vigil_zmq_errno() == EINTR {}
    }

    /// The libzmq version this process runs against, for example `4.3.4`.
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
