import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Why a request to etcd did not get an answer it could use.
public enum EtcdError: Error, CustomStringConvertible, Sendable {
    /// No endpoint answered within the request timeout (each was tried once): etcd is down, cut
    /// off, or without a quorum (its own wait for one is about 7 s; ours is much shorter).
    case unreachable([String])
    /// An endpoint answered with an error (HTTP status, etcd's message).
    case refused(status: Int, message: String)
    /// An answer that is not the etcd v3 JSON the request expects.
    case malformed(String)

    public var description: String {
        switch self {
        case .unreachable(let errors): "no etcd endpoint answered: " + errors.joined(separator: "; ")
        case .refused(let status, let message): "etcd refused the request (HTTP \(status)): \(message)"
        case .malformed(let what): "etcd's answer is not what was expected: \(what)"
        }
    }
}

/// etcd's v3 API through its HTTP/JSON gateway (`/v3/…`, as etcd 3.4 serves it), the few calls
/// an election needs: leases (grant, keep-alive, revoke), a key read, a transaction that creates
/// a key only if it is absent, and a member's status.
///
/// Every request goes to one endpoint at a time, with a timeout of its own
/// (`requestTimeoutMs`: a few hundred ms, where etcd itself waits about 7 s for a quorum that
/// is gone); on a timeout, a refused connection or a 5xx, the next endpoint is tried, and the one
/// that answered is tried first next time.
public final class EtcdClient: Sendable {
    /// The endpoints, `http://HOST:PORT`.
    public let endpoints: [String]
    private let timeout: TimeAmount
    private let http: HTTPClient
    /// The endpoint to try first.
    private let preferred = Mutex(0)

    /// A client of the etcd cluster at `endpoints` (at least one, `http://HOST:PORT`).
    public init(endpoints: [String], requestTimeoutMs: Int64, http: HTTPClient = .shared) {
        precondition(!endpoints.isEmpty, "at least one etcd endpoint")
        self.endpoints = endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        timeout = .milliseconds(requestTimeoutMs)
        self.http = http
    }

    // MARK: Leases

    /// Grants a lease of `ttlSeconds` (etcd raises a TTL below its minimum, 2 s by default);
    /// returns its id and the TTL granted.
    public func grantLease(ttlSeconds: Int64) async throws -> (id: Int64, ttlSeconds: Int64) {
        let reply: LeaseGrantResponse = try await call("/v3/lease/grant", LeaseGrantRequest(TTL: EtcdInt(ttlSeconds)))
        guard let id = reply.ID?.value, id != 0, let ttl = reply.TTL?.value else { throw EtcdError.malformed("a lease grant without an ID or a TTL") }
        return (id, ttl)
    }

    /// Keeps lease `id` alive for another TTL; returns the TTL, or `nil` when the lease is gone
    /// (expired or revoked: etcd answers without a TTL).
    public func keepAlive(lease id: Int64) async throws -> Int64? {
        let reply: LeaseKeepAliveResponse = try await call("/v3/lease/keepalive", LeaseIDRequest(ID: EtcdInt(id)))
        guard let result = reply.result else { throw EtcdError.malformed("a keep-alive answer without a result") }
        guard let ttl = result.TTL?.value, ttl > 0 else { return nil }
        return ttl
    }

    /// Revokes lease `id`: every key attached to it is deleted at once. A lease already gone is not an error.
    public func revoke(lease id: Int64) async throws {
        do {
            let _: ErrorResponse = try await call("/v3/lease/revoke", LeaseIDRequest(ID: EtcdInt(id)))
        } catch EtcdError.refused(status: 404, _) {
            return
        }
    }

    // MARK: Keys

    /// Key `key` as etcd holds it now (`nil`: absent), with the store's revision.
    public func get(_ key: [UInt8]) async throws -> (keyValue: EtcdKeyValue?, revision: Int64) {
        let reply: RangeResponse = try await call("/v3/kv/range", RangeRequest(key: EtcdBytes(key)))
        return (reply.kvs?.first?.keyValue, reply.header?.revision?.value ?? 0)
    }

    /// Creates `key` with `value`, attached to `lease`, only if it does not exist. Returns the
    /// revision of the write when it was created, or the key as it is when it already existed.
    public func createIfAbsent(_ key: [UInt8], value: [UInt8], lease: Int64) async throws -> Result<Int64, Existing> {
        try await create(key, value: value, lease: lease, alsoComparing: [])
    }

    /// A campaign: creates `key` with `value`, attached to `lease`, only if it does not exist
    /// **and** `guardKey` was last modified at `guardModRevision` (0: it does not exist), both in
    /// one transaction, so that what the candidate read of `guardKey` still holds when it wins.
    /// Returns the revision of the write (the epoch), or the key as it is when it existed (`nil`
    /// inside when it did not: then `guardKey` had changed).
    public func createIfAbsent(
        _ key: [UInt8], value: [UInt8], lease: Int64, unlessChanged guardKey: [UInt8], modRevision guardModRevision: Int64
    ) async throws -> Result<Int64, Existing> {
        try await create(
            key, value: value, lease: lease,
            alsoComparing: [.init(key: EtcdBytes(guardKey), target: "MOD", result: "EQUAL", mod_revision: EtcdInt(guardModRevision))])
    }

    /// The transaction of both ``createIfAbsent(_:value:lease:)``: `key` absent, and `compares`.
    private func create(_ key: [UInt8], value: [UInt8], lease: Int64, alsoComparing compares: [TxnRequest.Compare]) async throws -> Result<Int64, Existing> {
        let request = TxnRequest(
            compare: [.init(key: EtcdBytes(key), target: "CREATE", result: "EQUAL", create_revision: EtcdInt(0))] + compares,
            success: [.init(request_put: .init(key: EtcdBytes(key), value: EtcdBytes(value), lease: EtcdInt(lease)))],
            failure: [.init(request_range: RangeRequest(key: EtcdBytes(key)))])
        let reply: TxnResponse = try await call("/v3/kv/txn", request)
        if reply.succeeded == true {
            guard let revision = reply.header?.revision?.value, revision > 0 else { throw EtcdError.malformed("a txn that succeeded without a revision") }
            return .success(revision)
        }
        // Deleted again between the compare and the range (its lease expired), or a guard that
        // changed: no holder.
        return .failure(Existing(keyValue: reply.responses?.first?.response_range?.kvs?.first?.keyValue))
    }

    /// Puts `value` at `key` (no lease) only while `leaderKey` is the one created at revision
    /// `epoch`: a write of the active node of that epoch, refused once another has won. Returns
    /// whether it was written.
    public func put(_ key: [UInt8], value: [UInt8], ifLeader leaderKey: [UInt8], epoch: Int64) async throws -> Bool {
        let request = TxnRequest(
            compare: [.init(key: EtcdBytes(leaderKey), target: "CREATE", result: "EQUAL", create_revision: EtcdInt(epoch))],
            success: [.init(request_put: .init(key: EtcdBytes(key), value: EtcdBytes(value), lease: nil))],
            failure: [])
        let reply: TxnResponse = try await call("/v3/kv/txn", request)
        return reply.succeeded == true
    }

    /// The key a ``createIfAbsent(_:value:lease:)`` found (`nil` when it was gone again by the
    /// time the failure branch read it).
    public struct Existing: Error, Sendable {
        public var keyValue: EtcdKeyValue?
    }

    // MARK: Members

    /// The member that answers (the first endpoint that does) and the Raft leader it follows, by
    /// their member ids.
    public func status() async throws -> (member: UInt64, leader: UInt64) {
        let reply: StatusResponse = try await call("/v3/maintenance/status", EmptyRequest())
        guard let member = reply.header?.member_id.flatMap({ UInt64($0) }), let leader = reply.leader.flatMap({ UInt64($0) }) else {
            throw EtcdError.malformed("a status without a member id or a leader")
        }
        return (member, leader)
    }

    // MARK: Requests

    /// POSTs `body` to `path` on each endpoint in turn, from the preferred one, until one answers.
    private func call<Reply: Decodable>(_ path: String, _ body: some Encodable) async throws -> Reply {
        let payload = try JSONEncoder().encode(body)
        let first = preferred.withLock { $0 }
        var errors: [String] = []
        for step in endpoints.indices {
            let index = (first + step) % endpoints.count
            var request = HTTPClientRequest(url: endpoints[index] + path)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: payload))
            let status: Int, bytes: ByteBuffer
            do {
                let response = try await http.execute(request, timeout: timeout)
                status = Int(response.status.code)
                bytes = try await response.body.collect(upTo: 1 << 20)
            } catch {
                errors.append("\(endpoints[index]): \(error)")
                continue
            }
            if status >= 500 {
                errors.append("\(endpoints[index]): HTTP \(status) \(Self.message(in: bytes))")
                continue
            }
            preferred.withLock { $0 = index }
            guard status == 200 else { throw EtcdError.refused(status: status, message: Self.message(in: bytes)) }
            do {
                return try JSONDecoder().decode(Reply.self, from: Data(bytes.readableBytesView))
            } catch {
                throw EtcdError.malformed("\(path): \(error)")
            }
        }
        throw EtcdError.unreachable(errors)
    }

    private static func message(in bytes: ByteBuffer) -> String {
        let reply = try? JSONDecoder().decode(ErrorResponse.self, from: Data(bytes.readableBytesView))
        return reply?.message ?? reply?.error ?? String(decoding: bytes.readableBytesView.prefix(200), as: UTF8.self)
    }
}
