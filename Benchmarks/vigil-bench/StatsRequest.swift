import Foundation
import ZeroMQ

/// Asks vigild for its counters on a connected REQ socket (the `stats` control request); `nil`
/// when no answer comes within 5 s.
func requestStats(_ req: ZMQSocket) throws -> [String: Any]? {
    try req.send([Array("stats".utf8)])
    guard try req.waitForInput(timeoutMs: 5_000), let reply = try req.receiveMessage() else { return nil }
    return try JSONSerialization.jsonObject(with: Data(reply[0])) as? [String: Any]
}

/// Resident memory of process `pid` in MB (VmRSS of /proc/PID/status); -1 when unreadable.
func residentMB(_ pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    return kilobytes / 1_024
}
