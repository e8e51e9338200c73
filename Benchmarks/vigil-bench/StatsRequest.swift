import Foundation
import ZeroMQ

/// Asks vigild for its counters on a connected REQ socket (the `stats` control request); `nil`
/// when no answer comes within 5 s.
func requestStats(_ req: ZMQSocket) throws -> [String: Any]? {
    try req.send([Array("stats".utf8)])
    guard try req.waitForInput(timeoutMs: 5_000), let reply = try req.receiveMessage() else { return nil }
    return try JSONSerialization.jsonObject(with: Data(reply[0])) as? [String: Any]
}
