import Testing
import ZeroMQ

/// ``ZMQContext/open(_:)`` on real sockets: a plan carried out whole, or nothing left open.
@Suite struct SocketPlanTests {
    @Test func openedSocketBindsConnectsAndSubscribes() throws {
        let context = try ZMQContext()
        var pubPlan = SocketPlan(.pub)
        pubPlan.sendHighWaterMark = 10
        pubPlan.bind = ["inproc://plan-a", "inproc://plan-b"]
        let publisher = try context.open(pubPlan)
        var subPlan = SocketPlan(.sub)
        subPlan.receiveHighWaterMark = 10
        subPlan.maxMessageBytes = 1 << 10
        subPlan.connect = ["inproc://plan-b"]
        subPlan.subscribe = ["det."]
        let subscriber = try context.open(subPlan)
        defer { publisher.close(); subscriber.close() }

        var received: [[UInt8]]?
        for _ in 0..<200 where received == nil {
            try publisher.send(topic: "other", payload: [1])
            try publisher.send(topic: "det.S1.c", payload: [2])
            if try subscriber.waitForInput(timeoutMs: 10) { received = try subscriber.receiveMessage() }
        }
        #expect(received == [Array("det.S1.c".utf8), [2]])
    }

    /// The second bind fails: the error names it, and the first endpoint is free again, so the
    /// socket that held it was closed (libzmq releases an endpoint shortly after the close, in
    /// its reaper thread: hence the retries).
    @Test func failedBindClosesTheSocketAndNamesTheEndpoint() async throws {
        let context = try ZMQContext()
        let holder = try ZMQSocket(context: context, type: .pub)
        defer { holder.close() }
        let taken = "inproc://plan-taken"
        try holder.bind(taken)

        var plan = SocketPlan(.pub)
        plan.bind = ["inproc://plan-free", taken]
        do {
            let socket = try context.open(plan)
            socket.close()
            Issue.record("binding \(taken) twice succeeded")
        } catch {
            #expect(error.step == .bind(taken))
            #expect(error.error == .addressInUse)
            #expect(error.description == "cannot bind \(taken): \(error.error)")
        }
        let again = try ZMQSocket(context: context, type: .pub)
        defer { again.close() }
        var bound = false
        for _ in 0..<200 where !bound {
            do {
                try again.bind("inproc://plan-free")
                bound = true
            } catch {
                #expect(error == .addressInUse)
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(bound, "inproc://plan-free is still bound: the failed plan's socket was left open")
    }

    @Test func failedConnectNamesTheEndpoint() throws {
        let context = try ZMQContext()
        var plan = SocketPlan(.sub)
        plan.connect = ["tcp://127.0.0.1:1", "nonsense://x"]
        do {
            let socket = try context.open(plan)
            socket.close()
            Issue.record("connecting to nonsense://x succeeded")
        } catch {
            #expect(error.step == .connect("nonsense://x"))
        }
    }

    @Test func failedOptionNamesTheOption() throws {
        let context = try ZMQContext()
        var plan = SocketPlan(.pub)
        plan.sendHighWaterMark = -1
        do {
            let socket = try context.open(plan)
            socket.close()
            Issue.record("a negative ZMQ_SNDHWM was taken")
        } catch {
            #expect(error.step == .configure(option: "ZMQ_SNDHWM"))
            #expect(error.error == .invalidArgument)
        }
    }
}
