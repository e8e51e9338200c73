"""Frames dropped on the way to vigild, seen from outside. ZeroMQ drops without a word (a SUB
socket at its receive high-water mark, a gateway's PUB socket at its send high-water mark), so
the daemon knows only from the gaps in each camera's `seq`: it counts the frames it gave up per
camera in `stats` (`engine.frames_missing_by_camera`, cameras with none left out) and logs them
at a bounded rate. A pyzmq gateway makes the gaps."""
import re
import subprocess
import time

import zmq

from conftest import BIN, ROOT, Daemon, config_with
from test_contract import load

SECTORS = {f["properties"]["id"]: f["properties"]["sector"] for f in load("cameras.geojson")["features"]}


def now_ms():
    return int(time.time() * 1000)


class Gateway:
    """A PUB socket that sends empty frame reports (heartbeats) of registered cameras."""

    def __init__(self, context, endpoint, sndhwm=None):
        self.socket = context.socket(zmq.PUB)
        self.socket.setsockopt(zmq.LINGER, 2000)
        if sndhwm is not None:
            self.socket.setsockopt(zmq.SNDHWM, sndhwm)
        self.socket.connect(endpoint)

    def send(self, camera, seq, ts):
        payload = b'{"v":1,"camera":"%s","seq":%d,"ts":%d,"detections":[]}' % (camera.encode(), seq, ts)
        self.socket.send_multipart([f"det.{SECTORS[camera]}.{camera}".encode(), payload])

    def join(self, daemon, camera, ts):
        """Sends frames of `camera` from seq 0, one at a time, until the daemon has taken one: the
        link is up. Frames lost before (the subscription was not through yet) come before the
        first the daemon saw of the camera, so they are no gap. Returns the next seq."""
        accepted = daemon.request("stats")["engine"]["frames_accepted"]
        deadline = time.time() + 10
        seq = 0
        while time.time() < deadline:
            self.send(camera, seq, ts + seq)
            seq += 1
            if stats_when(daemon, lambda s: s["engine"]["frames_accepted"] > accepted, seconds=0.1):
                return seq
        raise AssertionError("the daemon took no frame: " + daemon.logs())

    def close(self):
        self.socket.close()


def stats_when(daemon, predicate, seconds):
    """The daemon's stats once `predicate` holds of them, or None after `seconds`."""
    deadline = time.time() + seconds
    while True:
        stats = daemon.request("stats")
        if predicate(stats):
            return stats
        if time.time() >= deadline:
            return None
        time.sleep(0.05)


def vigil_stats_missing(daemon):
    """`vigil stats --missing`: one line per camera with frames missing."""
    done = subprocess.run([str(BIN / "vigil"), "stats", "--missing", "--endpoint", daemon.control],
                          capture_output=True, text=True, timeout=20, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def missing_logged(daemon):
    """Per camera, the frames the daemon's notices said went missing, summed over the notices."""
    logged = {}
    for line in daemon.logs().splitlines():
        if "frames missing" not in line:
            continue
        match = re.search(r"frames\.missing_by_camera=(\S+)", line)
        assert match, line
        for pair in match.group(1).split(","):
            camera, count = pair.split(":")
            logged[camera] = logged.get(camera, 0) + int(count)
    return logged


def test_seq_gaps_are_counted_per_camera_and_logged(tmp_path):
    """cam-rabia-03 loses 9 frames in three gaps; cam-rabia-04 loses 7, reboots (seq 0 again: no
    gap) and loses 1 more; both send some frames twice (retries: no gap). cam-rabia-09 loses
    nothing and is left out. Gaps are given up both ways: the camera 2 s past them in event time,
    or 2 s of wall time waited at the end of the burst."""
    daemon = Daemon(tmp_path)
    gateway = Gateway(daemon.context, daemon.ingest)
    try:
        t0 = now_ms() - 20_000
        next_09 = gateway.join(daemon, "cam-rabia-09", t0)
        before = stats_when(daemon, lambda s: s["engine"]["frames_held"] == 0, seconds=5)
        assert before and before["engine"]["frames_missing_by_camera"] == {}, before
        assert vigil_stats_missing(daemon) == ["no frames missing"]

        t0 += 1_000
        frames = {  # camera: [(seq, ts)]
            "cam-rabia-03": [(s, t0 + s * 100) for s in range(1, 41) if s not in (5, 10, 11, 12, 30, 31, 32, 33, 34)],
            "cam-rabia-04": [(s, t0 + (s - 1000) * 100) for s in range(1000, 1041) if not 1001 <= s <= 1007]
            + [(s, t0 + 5_000 + s * 100) for s in range(0, 21) if s != 15],  # the new run's ts are newer
            "cam-rabia-09": [(s, t0 + i * 100) for i, s in enumerate(range(next_09, next_09 + 40))],
        }
        retries = 0
        for camera, sent in frames.items():
            for i, (seq, ts) in enumerate(sent):
                gateway.send(camera, seq, ts)
                if i % 7 == 0:
                    gateway.send(camera, seq, ts)  # a retry: the same frame again
                    retries += 1
        expected = {"cam-rabia-03": 9, "cam-rabia-04": 8}

        stats = stats_when(daemon, lambda s: s["engine"]["frames_held"] == 0 and s["engine"]["frames_missing"] >= 17, seconds=10)
        assert stats, daemon.request("stats")
        engine = stats["engine"]
        assert engine["frames_missing_by_camera"] == expected, stats
        assert engine["frames_missing"] == 17, stats
        assert engine["camera_restarts"] == 1, stats
        assert engine["frames_duplicate"] - before["engine"]["frames_duplicate"] == retries, stats
        assert engine["frames_accepted"] - before["engine"]["frames_accepted"] == sum(map(len, frames.values())), stats
        assert stats["rejected"] == {}, stats
        assert vigil_stats_missing(daemon) == ["cam-rabia-03  9", "cam-rabia-04  8"]

        # The notices (at most one per 10 s) add up to the same counts, camera by camera.
        deadline = time.time() + 15
        while missing_logged(daemon) != expected and time.time() < deadline:
            time.sleep(0.2)
        assert missing_logged(daemon) == expected, daemon.logs()
        assert daemon.process.poll() is None, daemon.logs()
    finally:
        gateway.close()
        daemon.stop()
        daemon.context.term()


def test_a_burst_over_the_high_water_marks_is_accepted_or_counted_missing_exactly(tmp_path):
    """With `ingest.rcvhwm` 1 and a gateway send high-water mark of 1, a burst of 20,000 frames of
    a camera overflows both, and ZeroMQ drops most of it without a word. Every frame is then
    either accepted or counted missing for its camera, exactly: the camera's first frame is
    through before the burst (frames before the first one seen are no gap), and its last one is
    sent, three times (retries are duplicates), once the burst has drained (a gap shows only when
    a later frame arrives). One camera at a time, so `frames_accepted` tells each one's share."""
    daemon = Daemon(tmp_path, config=config_with(tmp_path, ingest={"rcvhwm": 1}))
    gateway = Gateway(daemon.context, daemon.ingest, sndhwm=1)
    burst = 20_000
    try:
        t0 = now_ms() - 60_000
        for camera in ("cam-rabia-03", "cam-rabia-04"):
            first = gateway.join(daemon, camera, t0)
            before = daemon.request("stats")["engine"]
            for seq in range(first, first + burst):
                gateway.send(camera, seq, t0 + 1_000 + seq)
            time.sleep(0.5)
            last = first + burst
            for _ in range(3):
                gateway.send(camera, last, t0 + 1_000 + last)
                time.sleep(0.2)
            sent = last - first + 1

            def share(stats):
                engine = stats["engine"]
                return engine["frames_accepted"] - before["frames_accepted"], engine["frames_missing_by_camera"].get(camera, 0)

            stats = stats_when(daemon, lambda s: sum(share(s)) == sent and s["engine"]["frames_held"] == 0, seconds=10)
            stats = stats or daemon.request("stats")
            accepted, missing = share(stats)
            assert accepted + missing == sent, (camera, sent, stats)
            assert missing > 0, ("no frame was dropped: the burst did not overflow", stats)
        assert sum(stats["engine"]["frames_missing_by_camera"].values()) == stats["engine"]["frames_missing"], stats
        assert stats["rejected"] == {}, stats
    finally:
        gateway.close()
        daemon.stop()
        daemon.context.term()
