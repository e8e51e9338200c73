import ArgumentParser
import Foundation
import VigilClient
import ZeroMQ

/// The daemon's control endpoint (`control.bind`), as `vigil stats` and `vigil silence` reach it:
/// one REQ request, one JSON reply.
struct ControlEndpoint: ParsableArguments {
    @Option(name: .shortAndLong, help: "vigild's control endpoint.")
    var endpoint = "tcp://127.0.0.1:7603"

    @Option(help: "Give up after this many seconds.")
    var timeout: Double = 3

    @OptionGroup var keys: ClientKeys

    func validate() throws {
        guard timeout > 0 && timeout <= 86_400 else { throw ValidationError("--timeout must be more than 0 and at most 86400 seconds") }
    }

    /// Sends `command` and returns the reply's bytes; a ``Failure`` (69) when nobody answers.
    func reply(_ command: String) throws -> [UInt8] {
        let context = try ZMQContext()
        var plan = SocketPlan(.req)
        plan.security = try keys.security()
        plan.connect = [endpoint]
        let socket = try context.open(plan)
        defer { socket.close() }
        try socket.send([Array(command.utf8)])
        guard try socket.waitForInput(timeoutMs: Int(timeout * 1_000)), let reply = try socket.receiveMessage(dontWait: true) else {
            throw Failure(
                "no answer from \(endpoint) within \(timeout) s; is vigild running\(keys.key == nil ? "" : ", and is this key an operator's") ?", code: 69)
        }
        return reply.first ?? []
    }

    /// Sends `command` and returns the reply as a JSON object; a ``Failure`` when the daemon
    /// does not answer, answers something else than JSON, or refuses.
    func request(_ command: String) throws -> [String: Any] {
        try Self.checked(reply(command))
    }

    /// Sends `command` and returns the reply's bytes once they are known to be a JSON object
    /// with `"ok": true`; a ``Failure`` as for ``request(_:)`` otherwise.
    func okReply(_ command: String) throws -> [UInt8] {
        let bytes = try reply(command)
        _ = try Self.checked(bytes)
        return bytes
    }

    /// `bytes` as a JSON object whose `ok` is true; a ``Failure`` when they are not JSON or a refusal.
    private static func checked(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw Failure("the daemon's answer is not JSON", code: 70)
        }
        guard object["ok"] as? Bool == true else { throw Failure("\(object["error"] as? String ?? "refused")", code: 65) }
        return object
    }
}

/// A failure the command reports in one line on stderr, exiting with `code`.
struct Failure: Error {
    let message: String
    let code: Int32

    init(_ message: String, code: Int32) {
        self.message = message
        self.code = code
    }

    /// Runs `body`; on a ``Failure`` or a `VigilClientError`, prints `vigil: message` and exits
    /// with its code.
    static func exiting<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let failure as Failure {
            throw failure.exit()
        } catch let error as VigilClientError {
            throw Failure(error.message, code: error.code.exitStatus).exit()
        }
    }

    /// Prints `vigil: message` on standard error; the exit with this failure's code.
    private func exit() -> ExitCode {
        FileHandle.standardError.write(Data("vigil: \(message)\n".utf8))
        return ExitCode(code)
    }
}
