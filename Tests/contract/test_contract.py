"""vigild checked from outside, by peers that speak only the wire contract (shared/CONTRACT.md):
a pyzmq gateway publishing frame reports, and a pyzmq consumer subscribing to alerts."""
import json
import math
import pathlib
import subprocess
import time

import zmq

from conftest import BIN, ROOT

R = 6371008.8


def load(name):
    return json.loads((ROOT / "Config" / name).read_text())


def offset(lat, lon, east_m, north_m):
    return (lat + math.degrees(north_m / R), lon + math.degrees(east_m / (R * math.cos(math.radians(lat)))))


def border_point(km):
    """Point km along the border line, and the unit normal towards its right side (IQ), in metres."""
    line = next(f for f in load("zones.geojson")["features"] if f["properties"]["kind"] == "border")
    coords = line["geometry"]["coordinates"]
    walked = 0.0
    for (lon0, lat0), (lon1, lat1) in zip(coords, coords[1:]):
        east = math.radians(lon1 - lon0) * R * math.cos(math.radians((lat0 + lat1) / 2))
        north = math.radians(lat1 - lat0) * R
        length = math.hypot(east, north)
        if walked + length >= km * 1000:
            t = (km * 1000 - walked) / length
            lat, lon = offset(lat0, lon0, east * t, north * t)
            return lat, lon, (north / length, -east / length)  # right normal of (east, north)
        walked += length
    raise ValueError(km)


class Consumer:
    def __init__(self, context, endpoint, prefix=b"alert."):
        self.socket = context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.setsockopt(zmq.SUBSCRIBE, prefix)
        self.socket.connect(endpoint)
        self.alerts = []
        time.sleep(0.3)

    def drain(self, seconds, until=None):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.socket.poll(50):
                topic, payload = self.socket.recv_multipart()
                alert = json.loads(payload)
                alert["_topic"] = topic.decode()
                self.alerts.append(alert)
            elif until and until(self.alerts):
                return
        return


def incidents(alerts):
    groups = {}
    for alert in alerts:
        groups.setdefault(alert["id"], []).append(alert)
    return groups


def test_a_python_gateway_crossing_with_hostile_input_gives_one_alert(daemon):
    """Two overlapping cameras report one person crossing SY->IQ near Rabia at 10 frames a second;
    every third frame is followed by a hostile message; frames are also sent twice (retries)."""
    cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
    lat0, lon0, (ne, nn) = border_point(558.0)
    seeing = [c for c in ("cam-rabia-16", "cam-rabia-17", "cam-rabia-18") if c in cameras][:2]
    assert len(seeing) == 2

    context = daemon.context
    consumer = Consumer(context, daemon.alerts)
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 2000)
    gateway.connect(daemon.ingest)
    time.sleep(0.5)

    hostile = [
        (b"det.S12.cam-rabia-17", b"{not json"),
        (b"det.S12.cam-rabia-17", b'{"v":1,"camera":"cam-rabia-17","seq":1,"ts":1,"detections":[{"track":1,"class":"person","conf":0.9,"lat":NaN,"lon":42}]}'),
        (b"det.S12.cam-rabia-17", b'{"v":1,"camera":"cam-rabia-17","seq":1,"ts":1,"detections":[{"track":1,"class":"person","conf":0.9,"lat":200,"lon":42}]}'),
        (b"det.S12.cam-nowhere", b'{"v":1,"camera":"cam-nowhere","seq":1,"ts":1,"detections":[]}'),
        (b"det.S12.cam-rabia-17", b"{" + b'"x":"' + b"a" * 70000 + b'"}'),
        (b"det.S12.cam-rabia-17", json.dumps({"v": 1, "camera": "cam-rabia-17", "seq": 5, "ts": int(time.time() * 1000) + 600000, "detections": []}).encode()),
    ]
    now = int(time.time() * 1000) - 60_000  # event time a minute back: real data, not future
    seq = {c: 1000 for c in seeing}
    steps = 120  # 12 s at 10 fps, from 60 m in Syria to 120 m in Iraq at 1.5 m/s
    for i in range(steps + 1):
        d = -60 + 180 * i / steps
        for k, camera in enumerate(seeing):
            seq[camera] += 1
            lat, lon = offset(lat0, lon0, ne * d + k * 2.0, nn * d)
            report = {"v": 1, "camera": camera, "seq": seq[camera], "ts": now + i * 100,
                      "detections": [{"track": 40 + k, "class": "person", "conf": 0.9, "lat": round(lat, 6), "lon": round(lon, 6)}]}
            topic = f"det.{cameras[camera]['sector']}.{camera}".encode()
            payload = json.dumps(report).encode()
            gateway.send_multipart([topic, payload])
            if i % 10 == 0:
                gateway.send_multipart([topic, payload])  # a retry: the same frame again
        if i % 3 == 0:
            gateway.send_multipart(list(hostile[i // 3 % len(hostile)]))
        time.sleep(0.002)
    # Heartbeats move event time on until the incident resolves (30 s unseen).
    for i in range(1, 41):
        for camera in seeing:
            seq[camera] += 1
            gateway.send_multipart([f"det.{cameras[camera]['sector']}.{camera}".encode(),
                                    json.dumps({"v": 1, "camera": camera, "seq": seq[camera], "ts": now + steps * 100 + i * 1000, "detections": []}).encode()])
    consumer.drain(10, until=lambda alerts: any(a["state"] == "resolved" for a in alerts))

    assert daemon.process.poll() is None, daemon.logs()
    groups = incidents(consumer.alerts)
    assert len(groups) == 1, consumer.alerts
    (messages,) = groups.values()
    assert [m["state"] for m in messages].count("raised") == 1
    assert [m["state"] for m in messages].count("resolved") == 1
    assert messages[0]["kind"] == "border_crossing" and messages[0]["severity"] == "critical"
    assert messages[0]["direction"] == "SY->IQ"
    assert sorted(messages[0]["cameras"]) == sorted(seeing)
    assert messages[0]["_topic"] == f"alert.critical.{cameras[seeing[0]]['sector']}.{messages[0]['zone']}"
    assert [m["seq"] for m in consumer.alerts] == list(range(1, len(consumer.alerts) + 1))
    for m in messages:
        assert {"v", "seq", "id", "state", "kind", "severity", "class", "count", "sector", "zone", "lat", "lon",
                "cameras", "first_ts", "last_ts", "emitted_ts"} <= m.keys()
    stats = daemon.request("stats")
    for reason in ("bad_json", "bad_value", "unknown_camera", "oversize", "future_ts"):
        assert stats["rejected"].get(reason, 0) > 0, stats
    assert stats["engine"]["frames_duplicate"] > 0, stats
    gateway.close()


def test_the_simulated_rabia_crossing_seen_by_a_severity_filtered_consumer(daemon):
    critical = Consumer(daemon.context, daemon.alerts, b"alert.critical.")
    low = Consumer(daemon.context, daemon.alerts, b"alert.low.")
    sim = subprocess.run([str(BIN / "vigil-sim"), "run", "rabia-lone-crossing", "--endpoint", daemon.ingest, "--speed", "40"],
                         cwd=ROOT, capture_output=True, timeout=120)
    assert sim.returncode == 0, sim.stderr.decode()
    critical.drain(15, until=lambda alerts: any(a["state"] == "resolved" for a in alerts))
    low.drain(0.2)
    groups = incidents(critical.alerts)
    assert len(groups) == 1
    (messages,) = groups.values()
    assert messages[-1]["direction"] == "SY->IQ" and messages[-1]["state"] == "resolved"
    assert len(messages[-1]["cameras"]) >= 2
    assert low.alerts == []
    assert daemon.stop() == 0


def test_a_group_delivered_out_of_order_is_one_incident_with_its_count(daemon):
    """Five people walk across together near Rabia (5 m apart), seen by two cameras at 10 fps. The
    gateway delivers every camera's frames shuffled within 1 s windows and sends a fifth of them
    twice: one border_crossing incident, count 5, raised once and resolved once."""
    import random
    rng = random.Random(4)
    cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
    lat0, lon0, (ne, nn) = border_point(558.0)
    seeing = ["cam-rabia-16", "cam-rabia-17"]
    context = daemon.context
    consumer = Consumer(context, daemon.alerts)
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 2000)
    gateway.setsockopt(zmq.SNDHWM, 100000)
    gateway.connect(daemon.ingest)
    time.sleep(0.5)

    now = int(time.time() * 1000) - 300_000
    frames = []  # (ts, topic, payload)
    seq = {c: 7 for c in seeing}
    steps = 1200  # 120 s at 10 fps, from 80 m in Syria to 100 m in Iraq at 1.5 m/s
    for i in range(steps + 1):
        d = -80 + 180 * i / steps
        for k, camera in enumerate(seeing):
            seq[camera] += 1
            detections = []
            for member in range(5):
                along, across = (member % 3) * 5.0, (member // 3) * 5.0
                lat, lon = offset(lat0, lon0, ne * (d + along) - nn * across + rng.gauss(0, 2),
                                  nn * (d + along) + ne * across + rng.gauss(0, 2))
                detections.append({"track": 100 * (k + 1) + member, "class": "person", "conf": 0.9,
                                   "lat": round(lat, 6), "lon": round(lon, 6)})
            report = {"v": 1, "camera": camera, "seq": seq[camera], "ts": now + i * 100, "detections": detections}
            frames.append((now + i * 100, f"det.{cameras[camera]['sector']}.{camera}".encode(), json.dumps(report).encode()))
    for i in range(1, 41):  # heartbeats until the incident resolves
        for camera in seeing:
            seq[camera] += 1
            report = {"v": 1, "camera": camera, "seq": seq[camera], "ts": now + steps * 100 + i * 1000, "detections": []}
            frames.append((now + steps * 100 + i * 1000, f"det.{cameras[camera]['sector']}.{camera}".encode(), json.dumps(report).encode()))
    # Shuffle within 1 s windows of event time; a fifth delivered twice.
    delivered = sorted(frames, key=lambda f: (f[0] // 1000, rng.random()))
    for ts, topic, payload in delivered:
        gateway.send_multipart([topic, payload])
        if rng.random() < 0.2:
            gateway.send_multipart([topic, payload])
    consumer.drain(15, until=lambda alerts: any(a["state"] == "resolved" for a in alerts))
    gateway.close(0)
    consumer.socket.close(0)  # before any assertion: a failing test keeps its locals alive

    groups = incidents(consumer.alerts)
    assert len(groups) == 1, [(m["id"], m["state"], m["kind"], m["count"]) for m in consumer.alerts]
    (messages,) = groups.values()
    assert [m["state"] for m in messages].count("raised") == 1
    assert [m["state"] for m in messages].count("resolved") == 1
    # A minute in the strip first (an intrusion), then the crossing: one incident, kind risen.
    crossing = [m for m in messages if m["kind"] == "border_crossing"]
    assert crossing and crossing[0]["direction"] == "SY->IQ", messages
    assert max(m["count"] for m in messages) == 5, [m["count"] for m in messages]
    stats = daemon.request("stats")
    assert stats["engine"]["frames_reordered"] > 0, stats
    assert stats["engine"]["frames_duplicate"] > 0, stats
    assert stats["rejected"].get("too_late", 0) == 0, stats
