"""Changes without a restart (issue 17): `vigil reload` (and SIGHUP) reads the configuration again
and puts it in force while vigild runs. A zone added at the end of zones.geojson works at once,
an incident open across the reload is neither lost nor raised again, no frame is refused for it; a
broken rules file and a change that takes a restart are refused, naming why, and the running
configuration stays."""
import json
import shutil
import signal
import subprocess
import time


from conftest import BIN, ROOT, Daemon
from test_contract import border_point, load, offset


def site(tmp_path):
    """vigild.yaml with copies of the zones, cameras and rules files beside it, to edit."""
    for name in ("zones.geojson", "cameras.geojson", "rules.yaml"):
        shutil.copy(ROOT / "Config" / name, tmp_path / name)
    path = tmp_path / "vigild.yaml"
    path.write_text("health:\n  offline_after_s: 3600\n")
    return path


def walk(cameras, camera, track, points, seq, ts):
    """Frames of one person at `points` (lat, lon), seen by `camera`, 100 ms apart from `ts`."""
    topic = f"det.{cameras[camera]['sector']}.{camera}".encode()
    return [[topic, json.dumps({"v": 1, "camera": camera, "seq": seq + i, "ts": ts + 100 * i, "detections": [
        {"track": track, "class": "person", "conf": 0.9, "lat": round(lat, 6), "lon": round(lon, 6)}]}).encode()]
            for i, (lat, lon) in enumerate(points)]


def reload(daemon):
    return subprocess.run([str(BIN / "vigil"), "reload", "--endpoint", daemon.control, "--timeout", "30"], capture_output=True, text=True, timeout=60)


def test_a_zone_added_works_at_once_and_nothing_open_is_lost_or_raised_again(tmp_path):
    config = site(tmp_path)
    daemon = Daemon(tmp_path, config=config)
    cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
    consumer, gateway = daemon.peers()
    alerts = []

    def collect(seconds, until=lambda: False):
        end = time.time() + seconds
        while time.time() < end and not until():
            if consumer.poll(50):
                alerts.append(json.loads(consumer.recv_multipart()[1]))

    try:
        time.sleep(0.5)
        # A person crosses SY->IQ at km 558, seen by cam-rabia-17: a critical crossing, open.
        lat0, lon0, (ne, nn) = border_point(558.0)
        now = int(time.time() * 1000) - 20_000
        crossing = [offset(lat0, lon0, ne * d, nn * d) for d in (-60 + 1.5 * i for i in range(121))]
        for frame in walk(cameras, "cam-rabia-17", 40, crossing, 1, now):
            gateway.send_multipart(frame)
        collect(10, lambda: any(a["kind"] == "border_crossing" for a in alerts))
        (raised,) = [a for a in alerts if a["kind"] == "border_crossing" and a["state"] == "raised"]

        # A restricted zone added at the end: 200 m square, 400 m inside Syria at km 560.
        lat1, lon1, (me, mn) = border_point(560.0)
        centre = offset(lat1, lon1, -me * 400, -mn * 400)
        corners = [offset(*centre, dx, dy) for dx, dy in ((-100, -100), (100, -100), (100, 100), (-100, 100), (-100, -100))]
        zones = json.loads((tmp_path / "zones.geojson").read_text())
        zones["features"].append({"type": "Feature", "id": "restricted-test-field", "geometry": {
            "type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in corners]]},
            "properties": {"id": "restricted-test-field", "kind": "restricted", "priority": 80, "loitering_s": 600}})
        (tmp_path / "zones.geojson").write_text(json.dumps(zones))
        done = reload(daemon)
        assert done.returncode == 0, done.stderr
        assert "open incidents carried over" in done.stdout

        # Someone walks into it from 700 m inside Syria: an intrusion in the new zone, at once.
        inside = [offset(lat1, lon1, -me * (700 - 5 * i), -mn * (700 - 5 * i)) for i in range(80)]
        for frame in walk(cameras, "cam-rabia-18", 77, inside, 1, int(time.time() * 1000) - 8_000):
            gateway.send_multipart(frame)
        collect(10, lambda: any(a["zone"] == "restricted-test-field" for a in alerts))
        intrusions = [a for a in alerts if a["zone"] == "restricted-test-field"]
        assert intrusions and intrusions[0]["kind"] == "intrusion" and intrusions[0]["state"] == "raised", alerts

        # The crossing open before the reload is the same incident, raised once, not resolved by it.
        collect(1)
        messages = [a for a in alerts if a["id"] == raised["id"]]
        assert [m["state"] for m in messages].count("raised") == 1
        assert all(m["state"] != "resolved" for m in messages), messages
        assert [a["seq"] for a in alerts] == sorted(a["seq"] for a in alerts)
        stats = daemon.request("stats")
        assert stats["rejected_total"] == 0 and stats["engine"]["incidents_open"] >= 2
    finally:
        consumer.close()
        gateway.close()
        daemon.stop()
        daemon.context.term()


def test_a_broken_file_or_a_change_that_takes_a_restart_is_refused_and_the_running_one_stays(tmp_path):
    config = site(tmp_path)
    daemon = Daemon(tmp_path, config=config)
    try:
        good = (tmp_path / "rules.yaml").read_text()
        (tmp_path / "rules.yaml").write_text(good.replace("min_conf: 0.5", "min_conf: seven", 1))
        done = reload(daemon)
        assert done.returncode == 65, done.stderr
        assert "rules.yaml" in done.stderr and "min_conf" in done.stderr
        # SIGHUP says the same in the log, and vigild goes on.
        daemon.process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert "reload refused" in daemon.logs() and daemon.process.poll() is None

        # A rule removed would renumber the rules the open incidents refer to: a restart's business.
        rules = good.split("\n  - name: ")
        (tmp_path / "rules.yaml").write_text("\n  - name: ".join(rules[:1] + rules[2:]))
        done = reload(daemon)
        assert done.returncode == 65 and "restart vigild" in done.stderr, done.stderr

        (tmp_path / "rules.yaml").write_text(good)
        done = reload(daemon)
        assert done.returncode == 0, done.stderr
        assert daemon.request("ping")["ok"] is True
    finally:
        daemon.stop()
        daemon.context.term()
