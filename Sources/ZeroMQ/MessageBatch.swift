import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Multipart messages received from a socket, stored back to back in one buffer.
///
/// The ingest stage receives a batch of messages with one allocation-free loop and hands the
/// whole batch to the next stage; nothing is allocated per message once the buffers have grown.
public struct MessageBatch: Sendable {
    /// A frame's place in ``bytes``.
    public struct Frame: Sendable, Equatable {
        /// Offset of the frame's first byte in ``MessageBatch/bytes``.
        public var offset: Int
        /// Bytes stored; 0 when the frame was longer than the batch's frame limit.
        public var storedCount: Int
        /// The frame's length as received.
        public var length: Int

        /// Whether the frame was longer than the limit and so was not stored.
        public var isTruncated: Bool { storedCount < length }
    }

    /// The bytes of every stored frame, back to back.
    public private(set) var bytes: [UInt8] = []
    /// Every frame of every message, in order.
    public private(set) var frames: [Frame] = []
    /// For each message, the index of its first frame in ``frames``.
    public private(set) var messageStarts: [Int] = []
    /// Whether ``ZMQSocket/receive(into:dontWait:)`` records each message's sender: the user id
    /// the ZAP handler gave the peer's key (RFC 27), or none.
    public var recordsPeers = false
    /// The distinct senders of this batch's messages, in order of first appearance.
    public private(set) var peerNames: [String] = []
    /// Per message, its sender's index in `peerNames`, -1 for none (kept when `recordsPeers`).
    private var messagePeers: [Int32] = []
    /// Frames longer than this are counted but not copied (their ``Frame/storedCount`` is 0).
    public let maxStoredFrameBytes: Int

    /// Creates an empty batch that stores frames of up to `maxStoredFrameBytes` bytes.
    public init(maxStoredFrameBytes: Int = 1 << 20, reservingBytes: Int = 0, messages: Int = 0) {
        self.maxStoredFrameBytes = maxStoredFrameBytes
        bytes.reserveCapacity(reservingBytes)
        frames.reserveCapacity(messages * 2)
        messageStarts.reserveCapacity(messages)
    }

    /// The number of messages in the batch.
    public var count: Int { messageStarts.count }

    /// Whether the batch holds no message.
    public var isEmpty: Bool { messageStarts.isEmpty }

    /// The frames of message `index`.
    public func frames(ofMessage index: Int) -> ArraySlice<Frame> {
        let start = messageStarts[index]
        let end = index + 1 < messageStarts.count ? messageStarts[index + 1] : frames.count
        return frames[start..<end]
    }

    /// Calls `body` with the stored bytes of `frame`.
    @inline(__always)
    public func withBytes<R>(of frame: Frame, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[frame.offset..<(frame.offset + frame.storedCount)]))
        }
    }

    /// Empties the batch, keeping its buffers' capacity.
    /// The sender of message `index`: the user id the ZAP handler gave its peer; nil when the
    /// batch does not record senders or the peer had none.
    public func peer(ofMessage index: Int) -> String? {
        guard recordsPeers, index < messagePeers.count, messagePeers[index] >= 0 else { return nil }
        return peerNames[Int(messagePeers[index])]
    }

    /// Records the sender of the message just begun from libzmq's `User-Id` property. Senders
    /// repeat within a batch: a name already seen costs a comparison, not an allocation.
    mutating func setPeer(_ userID: UnsafePointer<CChar>?) {
        guard let userID, userID.pointee != 0 else {
            messagePeers.append(-1)
            return
        }
        if let last = messagePeers.last(where: { $0 >= 0 }), peerNames[Int(last)].withCString({ strcmp($0, userID) == 0 }) {
            messagePeers.append(last)
            return
        }
        let name = String(cString: userID)
        if let known = peerNames.firstIndex(of: name) {
            messagePeers.append(Int32(known))
        } else {
            peerNames.append(name)
            messagePeers.append(Int32(peerNames.count - 1))
        }
    }

    public mutating func removeAll() {
        peerNames.removeAll(keepingCapacity: true)
        messagePeers.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
        messageStarts.removeAll(keepingCapacity: true)
    }

    /// Starts a new message; the frames appended next belong to it.
    mutating func beginMessage() {
        messageStarts.append(frames.count)
    }

    /// Appends one frame to the current message.
    mutating func appendFrame(_ data: UnsafeRawBufferPointer) {
        let offset = bytes.count
        if data.count <= maxStoredFrameBytes {
            bytes.append(contentsOf: data)
            frames.append(Frame(offset: offset, storedCount: data.count, length: data.count))
        } else {
            frames.append(Frame(offset: offset, storedCount: 0, length: data.count))
        }
    }

    /// Removes the current message's frames (used when a receive fails midway).
    mutating func abandonMessage() {
        guard let start = messageStarts.popLast() else { return }
        if messagePeers.count > messageStarts.count { messagePeers.removeLast() }
        if start < frames.count {
            bytes.removeSubrange(frames[start].offset...)
            frames.removeSubrange(start...)
        }
    }
}
