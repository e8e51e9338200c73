import Foundation

// The etcd v3 API's messages as its JSON gateway (grpc-gateway) writes them: keys and values are
// base64, 64-bit integers are JSON strings, and a field at its zero value is left out (a range
// that finds nothing has no `kvs`; a keep-alive of a lease that is gone has no `TTL`; a txn that
// failed has no `succeeded`). Checked against etcd 3.4.23: docs/failover.md, appendix A.

/// A 64-bit integer as the gateway writes it (a string) or as it may be sent (a number).
struct EtcdInt: Codable, Sendable, Equatable {
    var value: Int64

    init(_ value: Int64) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = Int64(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 64-bit integer: \(text.prefix(40))")
            }
            self.value = value
        } else {
            value = try container.decode(Int64.self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(value))
    }
}

/// Bytes as base64, the gateway's encoding of keys and values.
struct EtcdBytes: Codable, Sendable, Equatable {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64: \(text.prefix(40))")
        }
        bytes = Array(data)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Data(bytes).base64EncodedString())
    }
}

struct ResponseHeader: Decodable, Sendable {
    var revision: EtcdInt?
    /// Member ids are unsigned: the whole 64 bits, as a string.
    var member_id: String?
}

struct EmptyRequest: Encodable {}

struct StatusResponse: Decodable {
    var header: ResponseHeader?
    var leader: String?
}

/// A key as etcd holds it: its value, the revisions it was created and last modified at, and
/// the lease it is attached to (0: none).
public struct EtcdKeyValue: Sendable, Equatable {
    public var key: [UInt8]
    public var value: [UInt8]
    /// The store's revision at which this key was created; for a leader key, the election's epoch.
    public var createRevision: Int64
    public var modRevision: Int64
    public var lease: Int64
}

struct WireKeyValue: Decodable, Sendable {
    var key: EtcdBytes
    var value: EtcdBytes?
    var create_revision: EtcdInt?
    var mod_revision: EtcdInt?
    var lease: EtcdInt?

    var keyValue: EtcdKeyValue {
        EtcdKeyValue(
            key: key.bytes, value: value?.bytes ?? [], createRevision: create_revision?.value ?? 0, modRevision: mod_revision?.value ?? 0,
            lease: lease?.value ?? 0)
    }
}

struct LeaseGrantRequest: Encodable {
    var TTL: EtcdInt
}

struct LeaseGrantResponse: Decodable {
    var header: ResponseHeader?
    var ID: EtcdInt?
    var TTL: EtcdInt?
}

struct LeaseIDRequest: Encodable {
    var ID: EtcdInt
}

struct LeaseKeepAliveResponse: Decodable {
    struct Result: Decodable {
        var ID: EtcdInt?
        var TTL: EtcdInt?
    }
    var result: Result?
}

struct RangeRequest: Encodable {
    var key: EtcdBytes
    var range_end: EtcdBytes?
}

struct RangeResponse: Decodable {
    var header: ResponseHeader?
    var kvs: [WireKeyValue]?
}

struct TxnRequest: Encodable {
    struct Compare: Encodable {
        var key: EtcdBytes
        var target: String
        var result: String
        var create_revision: EtcdInt?
        var mod_revision: EtcdInt?
    }
    struct Put: Encodable {
        var key: EtcdBytes
        var value: EtcdBytes
        var lease: EtcdInt?
    }
    struct Operation: Encodable {
        var request_put: Put?
        var request_range: RangeRequest?
    }
    var compare: [Compare]
    var success: [Operation]
    var failure: [Operation]
}

struct TxnResponse: Decodable {
    struct Operation: Decodable {
        var response_range: RangeResponse?
    }
    var header: ResponseHeader?
    var succeeded: Bool?
    var responses: [Operation]?
}

/// What the gateway answers with an HTTP error: `{"error", "message", "code"}`.
struct ErrorResponse: Decodable {
    var message: String?
    var error: String?
    var code: Int?
}
