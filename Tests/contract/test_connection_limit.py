"""The connection limit per endpoint from outside (issue 15): vigild holds each endpoint to
`security.max_connections`; bare TCP connections past it are closed (the oldest idle first), so
they neither use up vigild's descriptors nor keep a gateway out; past it with peers that have all
handshaken, the newcomer is the one refused. Counted in `stats`, logged."""
import json
import socket as plain
import time

import zmq

from conftest import Daemon, config_with
from test_contract import load
from test_curve import crossing

LIMIT = 16


def closed_by_peer(sockets):
    """How many of `sockets` the other side has closed (end of stream, or reset)."""
    closed = 0
    for s in sockets:
        s.setblocking(False)
        try:
            while True:
                data = s.recv(4096)
                if not data:
                    closed += 1
                    break
        except BlockingIOError:
            pass
        except ConnectionResetError:
            closed += 1
    return closed


def test_idle_connections_past_the_limit_are_closed_oldest_first_and_a_gateway_still_gets_in(tmp_path):
    daemon = Daemon(tmp_path, config=config_with(tmp_path, security={"max_connections": LIMIT}))
    context = daemon.context
    host, port = daemon.ingest.replace("tcp://", "").split(":")
    idle = []
    consumer = context.socket(zmq.SUB)
    consumer.setsockopt(zmq.SUBSCRIBE, b"alert.")
    consumer.connect(daemon.alerts)
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 0)
    try:
        for _ in range(300):
            idle.append(plain.create_connection((host, int(port))))
        time.sleep(1.0)
        # The first 284 were closed: each newcomer past the limit closed the oldest idle one.
        closed = closed_by_peer(idle)
        assert closed >= 300 - LIMIT, closed
        assert closed_by_peer(idle[-LIMIT + 1:]) == 0, "the newest idle connections are held"
        stats = daemon.request("stats")["connections"]["ingest"]
        assert stats["limit"] == LIMIT
        assert stats["open"] <= LIMIT and stats["peak"] <= LIMIT, stats
        assert stats["closed_at_limit"] >= 300 - LIMIT, stats

        # A gateway connecting now gets in (it closes the oldest idle connection) and its
        # crossing is raised once.
        cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
        gateway.connect(daemon.ingest)
        time.sleep(0.5)
        for topic, payload in crossing(cameras, ["cam-rabia-16", "cam-rabia-17"]):
            gateway.send_multipart([topic, payload])
            time.sleep(0.001)
        raised = []
        deadline = time.time() + 8
        while time.time() < deadline and not raised:
            if consumer.poll(100):
                alert = json.loads(consumer.recv_multipart()[1])
                if alert["state"] == "raised":
                    raised.append(alert)
        assert len(raised) == 1, "the gateway's crossing was not raised"
        assert raised[0]["kind"] == "border_crossing"
        logs = daemon.logs()
        assert "connection limit reached" in logs and "had not sent a ZMTP greeting" in logs, logs[-2000:]
    finally:
        for s in idle:
            s.close()
        consumer.close()
        gateway.close()
        daemon.stop()
        daemon.context.destroy(linger=0)


def test_with_every_connection_handshaken_the_newcomer_past_the_limit_is_refused(tmp_path):
    daemon = Daemon(tmp_path, config=config_with(tmp_path, security={"max_connections": LIMIT}))
    context = daemon.context
    subscribers = []
    try:
        for _ in range(LIMIT):
            sub = context.socket(zmq.SUB)
            sub.setsockopt(zmq.LINGER, 0)
            sub.setsockopt(zmq.SUBSCRIBE, b"heartbeat")
            sub.connect(daemon.alerts)
            subscribers.append(sub)
        # Every one of them gets a heartbeat (1 s apart): all handshaken and held.
        for sub in subscribers:
            assert sub.poll(3000), "a subscriber within the limit got no heartbeat"
            sub.recv_multipart()
        late = context.socket(zmq.SUB)
        late.setsockopt(zmq.LINGER, 0)
        late.setsockopt(zmq.SUBSCRIBE, b"heartbeat")
        late.connect(daemon.alerts)
        subscribers.append(late)
        assert not late.poll(2500), "the connection past the limit was served"
        for sub in subscribers[:LIMIT]:
            assert sub.poll(2000), "a held subscriber lost its stream"
            sub.recv_multipart()
        stats = daemon.request("stats")["connections"]["alerts"]
        assert stats["open"] == LIMIT and stats["closed_at_limit"] >= 1, stats
        assert "the new one: every other had completed its handshake" in daemon.logs()
    finally:
        for sub in subscribers:
            sub.close()
        daemon.stop()
        daemon.context.destroy(linger=0)
