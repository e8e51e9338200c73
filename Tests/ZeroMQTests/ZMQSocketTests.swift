import Testing
import ZeroMQ

/// Real libzmq sockets on inproc:// and tcp://127.0.0.1, no mocks.
@Suite struct ZMQSocketTests {
    @Test func pubSubMultipartOverTCP() throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .pub)
        let subscriber = try ZMQSocket(context: context, type: .sub)
        defer { publisher.close(); subscriber.close() }
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!endpoint.hasSuffix(":*"))
        try subscriber.subscribe("det.S07.")
        try subscriber.connect(endpoint)

        // A SUB socket's subscription reaches the publisher asynchronously: publish until the
        // first message gets through (the slow-joiner problem), bounded in time.
        var received: [[UInt8]]?
        for _ in 0..<200 where received == nil {
            try publisher.send(topic: "det.S08.cam-x", payload: Array("other".utf8))
            try publisher.send(topic: "det.S07.cam-a", payload: Array("{\"v\":1}".utf8))
            if try subscriber.waitForInput(timeoutMs: 10) { received = try subscriber.receiveMessage() }
        }
        let message = try #require(received)
        #expect(message.count == 2)
        #expect(String(decoding: message[0], as: UTF8.self) == "det.S07.cam-a")
        #expect(String(decoding: message[1], as: UTF8.self) == "{\"v\":1}")
    }

    @Test func batchReceiveKeepsMessageBoundaries() throws {
        let context = try ZMQContext()
        let push = try ZMQSocket(context: context, type: .push)
        let pull = try ZMQSocket(context: context, type: .pull)
        defer { push.close(); pull.close() }
        try pull.bind("inproc://batch")
        try push.connect("inproc://batch")
        try push.send([Array("a".utf8), Array("payload-1".utf8)])
        try push.send([Array("single".utf8)])
        try push.send([Array("t".utf8), [], Array("three".utf8)])

        var batch = MessageBatch()
        #expect(try pull.waitForInput(timeoutMs: 1000))
        while try pull.receive(into: &batch, dontWait: true) {}
        #expect(batch.count == 3)
        #expect(batch.frames(ofMessage: 0).count == 2)
        #expect(batch.frames(ofMessage: 1).count == 1)
        #expect(batch.frames(ofMessage: 2).count == 3)
        let last = batch.frames(ofMessage: 2)
        #expect(batch.withBytes(of: last[last.startIndex + 1]) { $0.count } == 0)
        #expect(batch.withBytes(of: last[last.startIndex + 2]) { String(decoding: $0, as: UTF8.self) } == "three")
        batch.removeAll()
        #expect(batch.isEmpty)
        #expect(try pull.receive(into: &batch, dontWait: true) == false)
    }

    @Test func framesOverTheStoreLimitAreMeasuredNotCopied() throws {
        let context = try ZMQContext()
        let push = try ZMQSocket(context: context, type: .push)
        let pull = try ZMQSocket(context: context, type: .pull)
        defer { push.close(); pull.close() }
        try pull.bind("inproc://limit")
        try push.connect("inproc://limit")
        try push.send([Array("topic".utf8), [UInt8](repeating: 65, count: 100_000)])
        var batch = MessageBatch(maxStoredFrameBytes: 65_536)
        #expect(try pull.waitForInput(timeoutMs: 1000))
        #expect(try pull.receive(into: &batch))
        let frames = batch.frames(ofMessage: 0)
        #expect(frames.last?.length == 100_000)
        #expect(frames.last?.isTruncated == true)
        #expect(batch.bytes.count == 5)
    }

    @Test func bindingATakenPortThrowsAddressInUseWithTheFunctionName() throws {
        let context = try ZMQContext()
        let first = try ZMQSocket(context: context, type: .pub)
        let second = try ZMQSocket(context: context, type: .pub)
        defer { first.close(); second.close() }
        let endpoint = try first.bind("tcp://127.0.0.1:*")
        let error = #expect(throws: ZMQError.self) { try second.bind(endpoint) }
        #expect(error == .addressInUse)
        #expect(error?.function == "zmq_bind")
        #expect(error?.description.contains("zmq_bind") == true)
    }

    @Test func malformedEndpointIsAnError() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .sub)
        defer { socket.close() }
        #expect(throws: ZMQError.self) { try socket.connect("nonsense") }
        #expect(throws: ZMQError.self) { try socket.bind("tcp://999.1.1.1:1") }
    }

    @Test func maxMessageSizeDisconnectsOnlyHugeMessages() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let push = try ZMQSocket(context: context, type: .push)
        defer { push.close(); pull.close() }
        try pull.setMaxMessageSize(1 << 20)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        try push.connect(endpoint)
        try push.send([[UInt8](repeating: 1, count: 2 << 20)])  // over the limit: dropped with the connection
        try push.send([Array("after".utf8)])  // lost with the dropped connection or delivered on reconnect
        // libzmq reconnects; a later small message must arrive.
        var got: [[UInt8]]?
        for _ in 0..<100 where got == nil {
            try push.send([Array("small".utf8)], dontWait: true)
            if try pull.waitForInput(timeoutMs: 20) { got = try pull.receiveMessage() }
        }
        let message = try #require(got)
        #expect(message[0].count < 1 << 20)
    }

    @Test func receiveAfterCloseThrowsNotASocket() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pull)
        socket.close()
        socket.close()
        #expect(socket.isClosed)
        var batch = MessageBatch()
        #expect(throws: ZMQError.self) { try socket.receive(into: &batch, dontWait: true) }
    }
}
