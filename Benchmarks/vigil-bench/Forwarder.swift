import ArgumentParser
import ZeroMQ

/// `vigil-bench forward`: the zero-work baseline. A SUB socket in, a PUB socket out, the same
/// socket settings as vigild's detection socket, and nothing done to the messages.
struct Forwarder: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forward", abstract: "Zero-work SUB-to-PUB forwarder (the benchmark's baseline).")

    @Option var input: String
    @Option var output: String
    @Option var rcvhwm: Int32 = 100_000
    @Option var sndhwm: Int32 = 100_000
    @Option var batch = 512

    func run() throws {
        let context = try ZMQContext()
        let sub = try ZMQSocket(context: context, type: .sub)
        let pub = try ZMQSocket(context: context, type: .pub)
        defer { sub.close(); pub.close() }
        try sub.setReceiveHighWaterMark(rcvhwm)
        try sub.setMaxMessageSize(4 << 20)
        try sub.subscribe("det.")
        try pub.setSendHighWaterMark(sndhwm)
        try sub.bind(input)
        try pub.bind(output)
        // Same receive path as vigild's ingest: a batch at a time into one buffer.
        var messages = MessageBatch(maxStoredFrameBytes: 65_536, reservingBytes: batch * 512, messages: batch)
        while true {
            guard try sub.waitForInput(timeoutMs: 1_000) else { continue }
            messages.removeAll()
            while messages.count < batch, try sub.receive(into: &messages, dontWait: true) {}
            for index in 0..<messages.count {
                let frames = messages.frames(ofMessage: index)
                guard frames.count == 2 else { continue }
                try messages.withBytes(of: frames[frames.startIndex]) { topic in
                    try messages.withBytes(of: frames[frames.startIndex + 1]) { payload in
                        _ = try pub.send(topic: topic, payload: payload)
                    }
                }
            }
        }
    }
}
