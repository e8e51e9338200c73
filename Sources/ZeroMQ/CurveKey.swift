import CZeroMQ

/// A CurveZMQ key (RFC 26): 32 bytes, written as 40 characters of Z85 (RFC 32), the form czmq's
/// certificates and pyzmq's `zmq.auth` use.
///
/// ``description`` prints a public key as it is and a secret key as `<secret key>`, so a key that
/// reaches a log line never gives the secret away.
public struct CurveKey: Hashable, Sendable, CustomStringConvertible {
    /// The key's 32 bytes.
    public let bytes: [UInt8]
    /// Whether this is a secret key (set by whoever read or made it).
    public let isSecret: Bool

    /// The key of these 32 bytes; nil for any other length.
    public init?(bytes: [UInt8], secret: Bool = false) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
        isSecret = secret
    }

    /// The key `z85` encodes: exactly 40 characters of the Z85 alphabet; nil otherwise.
    public init?(z85: String, secret: Bool = false) {
        let text = Array(z85.utf8)
        guard text.count == 40, text.allSatisfy(Self.isZ85) else { return nil }
        var decoded = [UInt8](repeating: 0, count: 32)
        let ok = (text + [0]).withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { zmq_z85_decode(&decoded, $0.baseAddress) != nil }
        }
        guard ok else { return nil }
        self.init(bytes: decoded, secret: secret)
    }

    /// The key in Z85: 40 characters.
    public var z85: String {
        var text = [CChar](repeating: 0, count: 41)
        _ = zmq_z85_encode(&text, bytes, 32)
        return String(decoding: text.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The Z85 text of a public key; `<secret key>` for a secret one.
    public var description: String { isSecret ? "<secret key>" : z85 }

    /// The Z85 alphabet (RFC 32).
    private static func isZ85(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        default: Array(".-:+=^!/*?&<>()[]{}@%$#".utf8).contains(byte)
        }
    }
}

/// A CurveZMQ key pair: a public key to give out, and its secret key.
public struct CurveKeyPair: Sendable {
    /// The public key.
    public let publicKey: CurveKey
    /// The secret key.
    public let secretKey: CurveKey

    /// A new key pair, from libzmq (libsodium's random source).
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        _ = try check("zmq_curve_keypair") { zmq_curve_keypair(&publicText, &secretText) }
        let text: ([CChar]) -> String = { String(decoding: $0.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        guard let publicKey = CurveKey(z85: text(publicText)), let secretKey = CurveKey(z85: text(secretText), secret: true) else {
            throw ZMQError(code: EINVAL, function: "zmq_curve_keypair")
        }
        return CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// The pair of `secretKey`, its public key derived from it.
    public init(secretKey: CurveKey) throws(ZMQError) {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = Array(secretKey.z85.utf8CString)
        _ = try check("zmq_curve_public") { zmq_curve_public(&publicText, &secretText) }
        guard let publicKey = CurveKey(z85: String(decoding: publicText.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)) else {
            throw ZMQError(code: EINVAL, function: "zmq_curve_public")
        }
        self.publicKey = publicKey
        self.secretKey = CurveKey(bytes: secretKey.bytes, secret: true)!
    }

    private init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Whether libzmq was built with CURVE (libsodium); Debian's is.
    public static var isAvailable: Bool { zmq_has("curve") != 0 }
}
