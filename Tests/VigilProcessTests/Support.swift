import Foundation
import Synchronization
import ZeroMQ

/// Where the built executables are: beside the test bundle (`swift build --build-tests` builds them).
let binDirectory: URL = {
    if let dir = ProcessInfo.processInfo.environment["VIGIL_BIN_DIR"] { return URL(fileURLWithPath: dir) }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}()

/// The repository's root (for Config/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A free loopback TCP endpoint: bound by libzmq on port `*`, read back, released.
func freeEndpoint() throws -> String {
    let context = try ZMQContext()
    let socket = try ZMQSocket(context: context, type: .pull)
    defer { socket.close() }
    return try socket.bind("tcp://127.0.0.1:*")
}

/// A started executable with its standard output and standard error captured to files, and its
/// standard input read from one when given.
final class Child: @unchecked Sendable {
    let process = Process()
    let stderrURL: URL
    let stdoutURL: URL

    init(_ name: String, _ arguments: [String], standardInput: String? = nil) throws {
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-test-\(name)-\(UUID().uuidString)")
        stderrURL = base.appendingPathExtension("err")
        stdoutURL = base.appendingPathExtension("out")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        if let standardInput {
            let stdinURL = base.appendingPathExtension("in")
            _ = FileManager.default.createFile(atPath: stdinURL.path, contents: Data(standardInput.utf8))
            process.standardInput = try FileHandle(forReadingFrom: stdinURL)
        }
        try process.run()
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the process to exit; returns its status, or nil if it is still running.
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if it has not exited within `seconds`. Returns the exit status.
    @discardableResult
    func stop(seconds: Double = 8) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        if let status = wait(seconds: seconds) { return status }
        kill(process.processIdentifier, SIGKILL)
        _ = wait(seconds: 2)
        return nil
    }
}

/// A running vigild on free loopback ports.
final class RunningDaemon: @unchecked Sendable {
    let ingest: String, alerts: String, control: String, catchup: String
    /// Its own state directory (journal, silences), so tests running side by side share nothing.
    let stateDirectory: String
    let child: Child

    init(config: String = "Config/vigild.yaml", stateDirectory: String? = nil) throws {
        ingest = try freeEndpoint()
        alerts = try freeEndpoint()
        control = try freeEndpoint()
        catchup = try freeEndpoint()
        self.stateDirectory = stateDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-state-\(UUID().uuidString)").path
        child = try Child("vigild", [
            "--config", config, "--ingest-bind", ingest, "--publish-bind", alerts, "--control-bind", control, "--catchup-bind", catchup,
            "--http-bind", "", "--state-dir", self.stateDirectory,
        ])
        // Ready when the control socket answers.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if (try? request("ping", timeoutMs: 200)) != nil { return }
            if !child.process.isRunning { break }
        }
        throw TestFailure("vigild did not become ready: \(child.stderr)")
    }

    /// Sends a control request and returns the JSON reply.
    func request(_ command: String, timeoutMs: Int = 3_000) throws -> [String: Any] {
        let context = try ZMQContext()
        let req = try ZMQSocket(context: context, type: .req)
        defer { req.close() }
        try req.connect(control)
        try req.send([Array(command.utf8)])
        guard try req.waitForInput(timeoutMs: timeoutMs), let reply = try req.receiveMessage() else { throw TestFailure("no reply to \(command)") }
        return try JSONSerialization.jsonObject(with: Data(reply[0])) as? [String: Any] ?? [:]
    }
}

/// Subscribes to every alert on a background thread and keeps what arrives.
final class AlertCollector: Sendable {
    private let received = Mutex<[[UInt8]]>([])
    private let topics = Mutex<[String]>([])
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(endpoint: String) throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .sub)
        try socket.subscribe("alert.")
        try socket.connect(endpoint)
        let thread = Thread { [self] in
            defer {
                socket.close()
                done.signal()
            }
            while !stopping.load(ordering: .relaxed) {
                guard (try? socket.waitForInput(timeoutMs: 50)) == true, let message = try? socket.receiveMessage(dontWait: true), message.count == 2
                else { continue }
                let topic = String(decoding: message[0], as: UTF8.self)
                topics.withLock { $0.append(topic) }
                received.withLock { $0.append(message[1]) }
            }
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.3)  // let the subscription reach the publisher
    }

    var alerts: [[String: Any]] {
        received.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] ?? ["unparsable": true] }
    }
    var allTopics: [String] { topics.withLock { $0 } }

    /// Waits until `condition` holds for the alerts received, or `seconds` pass.
    func wait(seconds: Double, until condition: ([[String: Any]]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(alerts) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition(alerts)
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        done.wait()
    }
}

/// Alerts grouped by incident id, in order of arrival.
func incidents(_ alerts: [[String: Any]]) -> [String: [[String: Any]]] {
    Dictionary(grouping: alerts) { $0["id"] as? String ?? "" }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
