"""A daemon that connects to gateways which bind their PUB sockets (CONTRACT.md: "connect to
gateways that bind their own PUB sockets"), and nothing else on ingest. Its ingest socket's
connection events used to go to a monitor nobody read: the first one (the connection) blocked
libzmq's I/O thread, and with it every socket of the daemon: no frame was taken, no alert
published, the control endpoint went silent."""
import json
import time

import zmq

from conftest import Daemon, free_port


def test_a_daemon_that_connects_to_its_gateway_keeps_working(tmp_path):
    gateway_endpoint = f"tcp://127.0.0.1:{free_port()}"
    context = zmq.Context()
    heartbeats = context.socket(zmq.SUB)
    heartbeats.setsockopt(zmq.LINGER, 0)
    heartbeats.setsockopt(zmq.SUBSCRIBE, b"heartbeat")
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 0)
    # The daemon first, the gateway after: the daemon's connection is made while it runs.
    daemon = Daemon(tmp_path, args=("--ingest-connect", gateway_endpoint), ingest_bind=False)
    try:
        gateway.bind(gateway_endpoint)
        heartbeats.connect(daemon.alerts)
        time.sleep(1)
        assert daemon.request("ping", timeout_ms=2000), daemon.logs()
        now = int(time.time() * 1000) - 10_000
        accepted = 0
        deadline = time.time() + 10
        for sent in range(1, 1000):
            report = {"v": 1, "camera": "cam-rabia-17", "seq": sent, "ts": now + sent * 100, "detections": []}
            gateway.send_multipart([b"det.S12.cam-rabia-17", json.dumps(report).encode()])
            time.sleep(0.05)
            accepted = daemon.request("stats", timeout_ms=1000)["engine"]["frames_accepted"]
            if accepted >= 20 or time.time() > deadline:
                break
        assert accepted >= 20, daemon.logs()
        # The gateway goes away (its connection closes, the daemon retries): still answering.
        gateway.close()
        time.sleep(1.5)
        assert daemon.request("ping", timeout_ms=2000)
        assert heartbeats.poll(3000), "no heartbeat after the gateway left: " + daemon.logs()
    finally:
        daemon.stop()
        daemon.context.term()
        gateway.close()
        heartbeats.close()
        context.term()
