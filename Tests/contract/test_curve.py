"""CurveZMQ and ZAP from outside (issue 15): vigild with its own certificate and lists of
gateway, consumer and operator keys made by pyzmq's zmq.auth; peers in pyzmq. Only a listed
gateway feeds it, and only for its cameras; only listed consumers read it."""
import json
import os
import signal
import subprocess
import time

import zmq
import zmq.auth

from conftest import BIN, ROOT, Daemon, config_with, curve_client
from test_contract import border_point, incidents, load, offset


def keys(folder, *names):
    folder.mkdir(exist_ok=True)
    made = {}
    for name in names:
        public, secret = zmq.auth.create_certificates(str(folder), name)
        os.chmod(secret, 0o600)
        made[name] = (public, secret, *zmq.auth.load_certificate(secret))
    return made


def secure_config(tmp_path, made, extra=None):
    security = {
        "server_certificate": made["vigild"][1],
        "gateways": [{"name": "gw-rabia", "key": made["gw-rabia"][0], "cameras": ["cam-rabia-*"]},
                     {"name": "gw-qaim", "public_key": made["gw-qaim"][2].decode(), "sectors": ["S05"], "max_rate": 200}],
        "consumers": [{"name": "ops-room", "key": made["ops-room"][0]}],
        "operators": [{"name": "alice", "key": made["alice"][0]}],
        **(extra or {}),
    }
    return config_with(tmp_path, security=security)


def crossing(cameras, camera_ids, km=558.0, track=40):
    """Frames of one person crossing SY->IQ at `km`, seen by `camera_ids`, a minute back, then
    heartbeats until the incident resolves."""
    lat0, lon0, (ne, nn) = border_point(km)
    now = int(time.time() * 1000) - 60_000
    frames = []
    for i in range(121):
        d = -60 + 180 * i / 120
        for k, camera in enumerate(camera_ids):
            lat, lon = offset(lat0, lon0, ne * d + k * 2.0, nn * d)
            report = {"v": 1, "camera": camera, "seq": 1000 + i, "ts": now + i * 100,
                      "detections": [{"track": track + k, "class": "person", "conf": 0.9, "lat": round(lat, 6), "lon": round(lon, 6)}]}
            frames.append([f"det.{cameras[camera]['sector']}.{camera}".encode(), json.dumps(report).encode()])
    for i in range(1, 41):
        for camera in camera_ids:
            frames.append([f"det.{cameras[camera]['sector']}.{camera}".encode(),
                           json.dumps({"v": 1, "camera": camera, "seq": 1121 + i, "ts": now + 12_000 + i * 1000, "detections": []}).encode()])
    return frames


def test_only_listed_keys_feed_and_read_vigild_and_a_gateway_only_for_its_cameras(tmp_path):
    made = keys(tmp_path / "keys", "vigild", "gw-rabia", "gw-qaim", "ops-room", "alice", "stranger")
    server = made["vigild"][2]
    daemon = Daemon(tmp_path, config=secure_config(tmp_path, made), curve=(server, made["alice"][2], made["alice"][3]))
    context = daemon.context
    cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}

    def socket(kind, endpoint, key=None, server_key=server):
        s = context.socket(kind)
        s.setsockopt(zmq.LINGER, 0)
        if key:
            curve_client(s, server_key, made[key][2], made[key][3])
        if kind == zmq.SUB:
            s.setsockopt(zmq.SUBSCRIBE, b"alert.")
        s.connect(endpoint)
        return s

    try:
        consumer = socket(zmq.SUB, daemon.alerts, "ops-room")
        stranger_consumer = socket(zmq.SUB, daemon.alerts, "stranger")
        plaintext_consumer = socket(zmq.SUB, daemon.alerts)
        gateway = socket(zmq.PUB, daemon.ingest, "gw-rabia")
        impostors = [socket(zmq.PUB, daemon.ingest, "stranger"),                         # an unknown key
                     socket(zmq.PUB, daemon.ingest, "gw-rabia", made["stranger"][2]),     # the wrong server key
                     socket(zmq.PUB, daemon.ingest)]                                     # plaintext
        other = socket(zmq.PUB, daemon.ingest, "gw-qaim")  # allowed, but only for sector S05, 200 frames/s
        time.sleep(1.0)

        real = crossing(cameras, ["cam-rabia-16", "cam-rabia-17"])
        fake = crossing(cameras, ["cam-rabia-18"], km=558.6, track=90)   # from every impostor
        t0 = int(time.time() * 1000) - 60_000
        for i, frame in enumerate(real):
            gateway.send_multipart(frame)
            if i < len(fake):
                for impostor in impostors + [other]:
                    impostor.send_multipart(fake[i])
            # gw-qaim runs away with its own camera: 10 frames a step, far over its 200 a second.
            for k in range(10):
                other.send_multipart([b"det.S05.cam-qaim-01", json.dumps(
                    {"v": 1, "camera": "cam-qaim-01", "seq": 10 * i + k + 1, "ts": t0 + 10 * i + k, "detections": []}).encode()])
            time.sleep(0.001)

        alerts = []
        deadline = time.time() + 15
        while time.time() < deadline and not any(a["state"] == "resolved" for a in alerts):
            if consumer.poll(100):
                alerts.append(json.loads(consumer.recv_multipart()[1]))
        groups = incidents(alerts)
        assert len(groups) == 1, alerts
        (messages,) = groups.values()
        assert [m["state"] for m in messages].count("raised") == 1 and messages[-1]["state"] == "resolved"
        assert sorted(messages[0]["cameras"]) == ["cam-rabia-16", "cam-rabia-17"]
        assert not stranger_consumer.poll(200) and not plaintext_consumer.poll(200), "an unknown consumer reads nothing"

        stats = daemon.request("stats")
        assert stats["rejected"].get("unauthorized_camera", 0) == len(fake), stats["rejected"]
        assert stats["engine"]["raised"] == 1
        assert stats["rejected"].get("rate_limited", 0) > 0, stats["rejected"]
        security = stats["security"]
        assert security["handshakes_refused"].get("ingest", 0) >= 1, security   # the unknown key
        assert security["handshakes_allowed"]["ingest"] >= 2 and security["handshakes_allowed"]["alerts"] >= 1, security
        assert security["handshakes_refused"].get("alerts", 0) >= 1, security   # the stranger consumer
        assert security["gateways"]["gw-qaim"]["unauthorized_camera"] == len(fake), security
        assert security["gateways"]["gw-rabia"]["frames"] == len(real), security

        # A silence is an operator's act: alice's carries her name; a consumer's key, a stranger's
        # and plaintext get no answer from the control endpoint.
        expires = int(time.time() * 1000) + 600_000
        added = daemon.request('silence add {"zone": "iq-sy-border", "kind": "test", "expires_ms": %d, "created_by": "mallory"}' % expires)
        assert added["ok"] is True and added["silence"]["created_by"] == "alice", added
        assert '"created_by":"alice"' in (tmp_path / "state" / "silences.json").read_text()
        for key in ("ops-room", "stranger", None):
            req = socket(zmq.REQ, daemon.control, key)
            req.send(b"silence list")
            assert not req.poll(1000), key
            req.close()

        # The vigil tool with keys: an operator reads the counters, a consumer catches up.
        vigil_keys = ["--server-key", made["vigild"][0]]
        stats_cli = subprocess.run([str(BIN / "vigil"), "stats", "--endpoint", daemon.control, *vigil_keys, "--key", made["alice"][1]],
                                   capture_output=True, text=True, cwd=ROOT, timeout=30)
        assert stats_cli.returncode == 0 and json.loads(stats_cli.stdout)["engine"]["raised"] == 1, stats_cli.stderr
        no_key = subprocess.run([str(BIN / "vigil"), "stats", "--endpoint", daemon.control, "--timeout", "1"],
                                capture_output=True, text=True, cwd=ROOT, timeout=30)
        assert no_key.returncode == 69, no_key.stderr
        tail = subprocess.run([str(BIN / "vigil"), "tail", "--endpoint", daemon.alerts, "--catchup", daemon.catchup, *vigil_keys,
                               "--key", made["ops-room"][1], "--resume", str(tmp_path / "tail.state"), "--count", str(len(messages))],
                              capture_output=True, text=True, cwd=ROOT, timeout=30)
        assert tail.returncode == 0, tail.stderr
        assert [json.loads(line)["seq"] for line in tail.stdout.splitlines()] == [m["seq"] for m in messages]

        # An unknown consumer gets no catch-up page; a listed one does.
        for key, answered in (("stranger", False), (None, False), ("ops-room", True)):
            req = socket(zmq.REQ, daemon.catchup, key)
            req.send_multipart([b"catchup", json.dumps({"after": 0, "limit": 10}).encode()])
            assert bool(req.poll(1500)) == answered, key
            req.close()
    finally:
        daemon.stop()
        context.destroy(linger=0)
    logs = daemon.logs()
    assert "handshake refused" in logs


def test_a_public_plaintext_endpoint_refuses_to_start_unless_allowed(tmp_path):
    refused = subprocess.run([str(BIN / "vigild"), "--ingest-bind", "tcp://0.0.0.0:0", "--state-dir", "", "--http-bind", ""],
                             capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert refused.returncode == 78, refused.stderr
    assert "ingest.bind[0]" in refused.stderr and "allow_plaintext" in refused.stderr and "server_certificate" in refused.stderr


def test_a_secret_certificate_others_can_read_is_refused(tmp_path):
    made = keys(tmp_path / "keys", "vigild", "gw-rabia", "gw-qaim", "ops-room", "alice")
    os.chmod(made["vigild"][1], 0o644)
    started = subprocess.run([str(BIN / "vigild"), "--config", str(secure_config(tmp_path, made)), "--state-dir", "", "--http-bind", ""],
                             capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert started.returncode == 78, started.stderr
    assert made["vigild"][1] in started.stderr and "chmod 600" in started.stderr


def test_the_simulator_with_a_gateway_key_feeds_a_curve_vigild_and_scores_its_crossing(tmp_path):
    made = keys(tmp_path / "keys", "vigild", "gw-rabia", "gw-qaim", "ops-room", "alice")
    # The gateway's key also reads alerts, to score them.
    config = secure_config(tmp_path, made, {"consumers": [{"name": "ops-room", "key": made["ops-room"][0]},
                                                          {"name": "gw-rabia-scorer", "key": made["gw-rabia"][0]}]})
    server = made["vigild"][2]
    daemon = Daemon(tmp_path, config=config, curve=(server, made["alice"][2], made["alice"][3]))
    try:
        plain = subprocess.run([str(BIN / "vigil-sim"), "run", "rabia-lone-crossing", "--endpoint", daemon.ingest, "--speed", "40"],
                               capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert plain.returncode == 0, plain.stderr
        assert daemon.request("stats")["engine"]["frames_accepted"] == 0, "plaintext frames never reach a CURVE vigild"
        scored = subprocess.run([str(BIN / "vigil-sim"), "run", "rabia-lone-crossing", "--endpoint", daemon.ingest, "--speed", "40",
                                 "--server-key", made["vigild"][0], "--key", made["gw-rabia"][1],
                                 "--score", "--alerts", daemon.alerts, "--min-detected", "1", "--max-false", "0", "--settle-s", "3"],
                                capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert scored.returncode == 0, scored.stdout + scored.stderr
        assert daemon.request("stats")["engine"]["raised"] == 1
    finally:
        daemon.stop()
        daemon.context.destroy(linger=0)


def test_a_key_removed_by_a_reload_stops_its_gateway_at_once(tmp_path):
    made = keys(tmp_path / "keys", "vigild", "gw-rabia", "gw-qaim", "ops-room", "alice")
    config = secure_config(tmp_path, made)
    daemon = Daemon(tmp_path, config=config, curve=(made["vigild"][2], made["alice"][2], made["alice"][3]))
    gateway = daemon.context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 0)
    curve_client(gateway, made["vigild"][2], made["gw-rabia"][2], made["gw-rabia"][3])
    gateway.connect(daemon.ingest)
    t0 = int(time.time() * 1000) - 60_000
    seq = iter(range(1, 10_000))

    def send(n):
        for _ in range(n):
            k = next(seq)
            gateway.send_multipart([b"det.S12.cam-rabia-16", json.dumps(
                {"v": 1, "camera": "cam-rabia-16", "seq": k, "ts": t0 + 100 * k, "detections": []}).encode()])

    def rejected(reason):
        return daemon.request("stats")["rejected"].get(reason, 0)

    try:
        # The link is up once a frame is through.
        deadline = time.time() + 10
        while time.time() < deadline and daemon.request("stats")["security"]["gateways"].get("gw-rabia", {}).get("frames", 0) == 0:
            send(1)
            time.sleep(0.05)
        # A file with a mistake is refused whole: gw-rabia keeps its rights.
        config.write_text(config.read_text() + "security_typo: 1\n")
        daemon.process.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        assert "reload refused" in daemon.logs() and "security_typo" in daemon.logs()
        before = rejected("unknown_gateway")
        send(5)
        time.sleep(0.3)
        assert rejected("unknown_gateway") == before

        # gw-rabia removed: its open connection does not keep its rights.
        config.write_text(secure_config(tmp_path, made).read_text().replace(
            '{"name": "gw-rabia", "key": "%s", "cameras": ["cam-rabia-*"]}, ' % made["gw-rabia"][0], ""))
        assert "gw-rabia" not in config.read_text().split("gateways")[1].split("consumers")[0]
        daemon.process.send_signal(signal.SIGHUP)
        # A reload makes an engine of the configuration too: a second or two in a debug build.
        deadline = time.time() + 15
        while time.time() < deadline and "reloaded the configuration" not in daemon.logs():
            time.sleep(0.1)
        assert "reload: gateways: 1 keys; added [], removed [\"gw-rabia\"]" in daemon.logs(), daemon.logs()
        send(20)
        deadline = time.time() + 5
        while time.time() < deadline and rejected("unknown_gateway") < 20:
            time.sleep(0.1)
        assert rejected("unknown_gateway") == 20
    finally:
        gateway.close()
        daemon.stop()
        daemon.context.destroy(linger=0)


def test_a_hundred_idle_connections_do_not_delay_a_gateways_crossing(tmp_path):
    """A hundred bare TCP connections that never complete a handshake sit on the ingest endpoint
    while a listed gateway sends a crossing: the alert comes as fast as without them (frame that
    raised it sent → alert received)."""
    import socket as plain
    made = keys(tmp_path / "keys", "vigild", "gw-rabia", "gw-qaim", "ops-room", "alice")
    daemon = Daemon(tmp_path, config=secure_config(tmp_path, made), curve=(made["vigild"][2], made["alice"][2], made["alice"][3]))
    context = daemon.context
    cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
    server = made["vigild"][2]
    consumer = context.socket(zmq.SUB)
    curve_client(consumer, server, made["ops-room"][2], made["ops-room"][3])
    consumer.setsockopt(zmq.SUBSCRIBE, b"alert.")
    consumer.connect(daemon.alerts)
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 0)
    curve_client(gateway, server, made["gw-rabia"][2], made["gw-rabia"][3])
    gateway.connect(daemon.ingest)
    time.sleep(1.0)
    host, port = daemon.ingest.replace("tcp://", "").split(":")

    def latency(km, track):
        """Seconds from sending the frame whose ts the raised alert names to receiving it."""
        frames = crossing(cameras, ["cam-rabia-16", "cam-rabia-17"], km=km, track=track)
        sent = {}
        raised = None
        for topic, payload in frames:
            sent.setdefault(json.loads(payload)["ts"], time.monotonic())
            gateway.send_multipart([topic, payload])
            time.sleep(0.002)
            while consumer.poll(0):
                alert = json.loads(consumer.recv_multipart()[1])
                if alert["state"] == "raised" and raised is None:
                    raised = (alert, time.monotonic())
        deadline = time.time() + 5
        while raised is None and time.time() < deadline:
            if consumer.poll(100):
                alert = json.loads(consumer.recv_multipart()[1])
                if alert["state"] == "raised":
                    raised = (alert, time.monotonic())
        assert raised, "no crossing raised"
        return raised[1] - sent[raised[0]["last_ts"]]

    idle = []
    try:
        baseline = latency(558.0, 40)
        for _ in range(100):
            s = plain.create_connection((host, int(port)))
            idle.append(s)
        loaded = latency(560.0, 60)
        print(f"alert latency: {baseline * 1000:.1f} ms alone, {loaded * 1000:.1f} ms beside 100 idle connections")
        assert loaded - baseline < 0.1, (baseline, loaded)
    finally:
        for s in idle:
            s.close()
        consumer.close()
        gateway.close()
        daemon.stop()
        daemon.context.destroy(linger=0)
