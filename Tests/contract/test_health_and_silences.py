"""Camera health and silences, from outside: a real vigild, the simulator stopping two cameras,
the `vigil` operator tool, and a pyzmq consumer and gateway."""
import json
import subprocess
import time

import zmq

from conftest import BIN, ROOT, Daemon, config_with
from test_contract import Consumer, border_point, incidents


def vigil(*args, timeout=20):
    done = subprocess.run([str(BIN / "vigil"), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return done


def test_stopped_cameras_raise_offline_and_the_gap_they_open_and_all_resolve_when_they_return(tmp_path):
    """rabia-camera-outage: cam-rabia-16 and -17 silent from 20 s to 120 s of scenario time (2 s to
    12 s of wall time at x10). With a 4 s offline timeout the daemon raises one camera_offline
    for the two (they fell silent together: one incident that lists them, not a storm of one per
    camera) and one coverage_gap for the stretch `vigil coverage` says they leave open, and
    resolves them when they come back; no other camera is ever offline (the simulator keeps every
    other registered camera heartbeating)."""
    daemon = Daemon(tmp_path, config=config_with(tmp_path, health={"offline_after_s": 4}))
    try:
        consumer = Consumer(daemon.context, daemon.alerts)
        sim = subprocess.Popen(
            [str(BIN / "vigil-sim"), "run", "rabia-camera-outage", "--endpoint", daemon.ingest, "--speed", "10"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        deadline = time.time() + 60
        while sim.poll() is None and time.time() < deadline:
            consumer.drain(0.5)
        assert sim.returncode == 0, sim.stderr.read()
        # The last frames are at most a second old: nothing else has gone silent yet.
        consumer.drain(1.0)
        stats = daemon.request("stats")
    finally:
        daemon.stop()
        consumer.socket.close()
        daemon.context.term()

    health = [a for a in consumer.alerts if a["kind"] in ("camera_offline", "coverage_gap")]
    by_id = incidents(health)
    offline = {tuple(msgs[0]["cameras"]): msgs for msgs in by_id.values() if msgs[0]["kind"] == "camera_offline"}
    gaps = [msgs for msgs in by_id.values() if msgs[0]["kind"] == "coverage_gap"]
    assert sorted(tuple(sorted(cameras)) for cameras in offline) == [("cam-rabia-16", "cam-rabia-17")], health
    for msgs in offline.values():
        assert [m["state"] for m in msgs] == ["raised", "resolved"], msgs
        assert msgs[0]["count"] == 2
        assert msgs[0]["severity"] == "high" and msgs[0]["zone"] == "iq-sy-border" and msgs[0]["rule"] == "camera-offline"
        assert msgs[0]["_topic"] == "alert.high.S12.iq-sy-border"
    assert len(gaps) == 1, health
    gap = gaps[0]
    assert [m["state"] for m in gap] == ["raised", "resolved"], gap
    assert gap[0]["severity"] == "critical" and gap[0]["cameras"] == ["cam-rabia-16", "cam-rabia-17"]

    planned = json.loads(vigil("coverage", "--json", "--down", "cam-rabia-16", "--down", "cam-rabia-17").stdout)
    expected = [g for border in planned["borders"] for g in border["gaps"]]
    assert len(expected) == 1
    stretch = gap[0]["stretch"]
    assert abs(stretch["from_km"] - expected[0]["from_km"]) < 0.01 and abs(stretch["to_km"] - expected[0]["to_km"]) < 0.01
    assert 0.9 < stretch["km"] < 1.1 and stretch["border"] == "iq-sy-border"
    # The crossing elsewhere was still raised.
    assert any(a["kind"] == "border_crossing" and a["state"] == "raised" for a in consumer.alerts)
    assert stats["engine"]["cameras_offline"] == 2 and stats["engine"]["cameras_returned"] == 2


def walk_across(context, endpoint, km, cameras, start_ms, seconds=40, step=0.5, until=None):
    """A pyzmq gateway: `cameras` (id, sector) see one person walk from 60 m in Syria to 140 m
    in Iraq at `km`; returns the next seq of each camera."""
    lat0, lon0, (ne, nn) = border_point(km)
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 1000)
    gateway.connect(endpoint)
    time.sleep(0.3)
    frames = int(seconds / step)
    for i in range(frames + 1):
        along = -60 + 200 * i / frames
        lat, lon = lat0 + nn * along / 111_195, lon0 + ne * along / (111_195 * 0.8)
        ts = start_ms + int(i * step * 1000)
        for n, (camera, sector) in enumerate(cameras):
            report = {"v": 1, "camera": camera, "seq": i, "ts": ts,
                      "detections": [{"track": 7 + n, "class": "person", "conf": 0.9, "lat": lat, "lon": lon}]}
            gateway.send_multipart([f"det.{sector}.{camera}".encode(), json.dumps(report).encode()])
        time.sleep(0.005)
    gateway.close()


def test_a_silence_holds_an_incident_back_until_it_is_removed_and_survives_a_restart(tmp_path):
    state = tmp_path / "state"
    daemon = Daemon(tmp_path, state_dir=state)
    consumer = None
    try:
        endpoint = ["--endpoint", daemon.control]
        added = vigil("silence", "add", "--kind", "border_crossing", "--for", "1h", "--comment", "drill at Rabia", *endpoint)
        assert added.returncode == 0, added.stderr
        silence_id = added.stdout.strip()
        assert silence_id.startswith("si-")
        refused = vigil("silence", "add", "--kind", "border_crossing", "--for", "2x", *endpoint)
        assert refused.returncode != 0 and "--for" in refused.stderr
        listed = json.loads(vigil("silence", "list", "--json", *endpoint).stdout)
        assert [s["id"] for s in listed] == [silence_id] and listed[0]["comment"] == "drill at Rabia"

        consumer = Consumer(daemon.context, daemon.alerts)
        now = int(time.time() * 1000) - 60_000
        walk_across(daemon.context, daemon.ingest, 558.0, [("cam-rabia-16", "S12"), ("cam-rabia-17", "S12")], now)
        consumer.drain(1.0)
        assert consumer.alerts == [], "silenced"
        stats = daemon.request("stats")
        assert stats["engine"]["raised"] == 1 and stats["silences"]["held"] >= 1

        # Removing the silence while the incident is open publishes it, as raised.
        assert vigil("silence", "remove", silence_id, *endpoint).returncode == 0
        consumer.drain(2.0, until=lambda alerts: alerts)
        assert [(a["state"], a["kind"]) for a in consumer.alerts][:1] == [("raised", "border_crossing")]
        assert vigil("silence", "remove", silence_id, *endpoint).returncode != 0

        kept = vigil("silence", "add", "--camera", "cam-rabia-03", "--for", "2h", *endpoint).stdout.strip()
    finally:
        if consumer:
            consumer.socket.close()
        ports = (daemon.ingest, daemon.alerts, daemon.control)
        daemon.stop()
        daemon.context.term()
    assert (state / "silences.json").exists()

    again = Daemon(tmp_path, state_dir=state, ports=ports)
    try:
        listed = json.loads(vigil("silence", "list", "--json", "--endpoint", again.control).stdout)
        assert [s["id"] for s in listed] == [kept] and listed[0]["camera"] == "cam-rabia-03"
    finally:
        again.stop()
        again.context.term()
