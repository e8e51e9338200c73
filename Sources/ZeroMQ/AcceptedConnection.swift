#if canImport(Glibc)
import Glibc
#endif

/// A connection libzmq accepted, by the file descriptor its monitor reported (``SocketEvent``):
/// what the kernel says of it, and a way to close it.
///
/// libzmq owns the descriptor and has no call to close one connection of a socket, nor a limit
/// on connections. ``shutdown()`` shuts the TCP connection down under it: libzmq's I/O thread then
/// reads the end of the stream and closes the connection as if the peer had left (a
/// `disconnected` event follows). A descriptor is a number the kernel reuses once libzmq closes
/// it, so every call here first checks that it still names the connection it was taken for: the
/// same local and peer addresses (``addresses``), read when the connection was accepted.
public struct AcceptedConnection: Sendable, Equatable {
    /// The descriptor.
    public let descriptor: Int32
    /// `ip:port` on this side (`[ip]:port` for IPv6; the path for an IPC endpoint).
    public let local: String
    /// `ip:port` of the peer (for IPC, whatever the kernel says, often empty).
    public let peer: String

    /// The connection at `descriptor` now; nil when it names no connected socket (closed already).
    public init?(descriptor: Int32) {
        guard let local = Self.address(descriptor, getsockname), let peer = Self.address(descriptor, getpeername) else { return nil }
        self.descriptor = descriptor
        self.local = local
        self.peer = peer
    }

    /// Whether the descriptor still names this connection.
    public var isCurrent: Bool {
        AcceptedConnection(descriptor: descriptor) == self
    }

    /// The port of ``local``; nil for an IPC connection.
    public var localPort: Int? {
        guard let colon = local.lastIndex(of: ":") else { return nil }
        return Int(local[local.index(after: colon)...])
    }

    /// Bytes the peer has sent so far (TCP_INFO's `tcpi_bytes_received`, Linux 4.1 and later); nil
    /// when the kernel does not say (an IPC connection, an older kernel) or the descriptor no
    /// longer names this connection.
    public var bytesReceived: UInt64? {
        // glibc's struct tcp_info stops before tcpi_bytes_received; the kernel's layout (linux/tcp.h)
        // puts it at byte 128, a fixed part of the ABI.
        let offset = 128
        var info = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(info.count)
        guard isCurrent, getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, &info, &length) == 0, Int(length) >= offset + 8 else { return nil }
        return info.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
    }

    /// Shuts the connection down (both ways) if the descriptor still names it; whether it did.
    @discardableResult
    public func shutdown() -> Bool {
        guard isCurrent else { return false }
        return Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) == 0
    }

    /// `getsockname` or `getpeername` of `descriptor`, written out.
    private static func address(
        _ descriptor: Int32, _ get: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { get(descriptor, $0, &length) }
        }
        guard result == 0 else { return nil }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer -> String? in
            switch family {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    return text(AF_INET, &ip).map { "\($0):\(UInt16(bigEndian: address.pointee.sin_port))" }
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    return text(AF_INET6, &ip).map { "[\($0)]:\(UInt16(bigEndian: address.pointee.sin6_port))" }
                }
            case AF_UNIX:
                return pointer.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { address in
                    withUnsafeBytes(of: address.pointee.sun_path) { bytes in
                        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                    }
                }
            default:
                return nil
            }
        }
    }

    /// `inet_ntop` of the address at `ip`.
    private static func text(_ family: Int32, _ ip: UnsafeRawPointer) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        guard inet_ntop(family, ip, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
