"""A full disk under the journal (issue 16): vigild keeps a 16 MiB reserve beside its journal and
releases it when a commit finds the disk full, so the alerts waiting are journaled and published
rather than held back, and an orderly stop loses none. On a 24 MiB tmpfs of its own."""
import json
import os
import subprocess
import time

import pytest
import zmq

from conftest import Daemon
from test_contract import load
from test_curve import crossing


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(path):
    """Writes zeros to `path` until the disk is full."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * (1 << 16))
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_releases_the_reserve_and_no_alert_is_lost(tmp_path, small_disk):
    state = small_disk / "state"
    daemon = Daemon(tmp_path, state_dir=state)
    context = daemon.context
    consumer = context.socket(zmq.SUB)
    consumer.setsockopt(zmq.SUBSCRIBE, b"alert.")
    consumer.connect(daemon.alerts)
    gateway = context.socket(zmq.PUB)
    gateway.setsockopt(zmq.LINGER, 0)
    gateway.connect(daemon.ingest)
    try:
        reserve = state / "journal.reserve"
        assert reserve.stat().st_size == 16 << 20
        fill(small_disk / "filler")
        time.sleep(0.5)
        cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
        for topic, payload in crossing(cameras, ["cam-rabia-16", "cam-rabia-17"]):
            gateway.send_multipart([topic, payload])
            time.sleep(0.001)
        received = []
        deadline = time.time() + 10
        while time.time() < deadline and not any(a["state"] == "resolved" for a in received):
            if consumer.poll(100):
                received.append(json.loads(consumer.recv_multipart()[1]))
        states = [a["state"] for a in received]
        assert states.count("raised") == 1 and states.count("resolved") == 1, states
        assert not reserve.exists()
        logs = daemon.logs()
        assert "disk is full: its reserve is released" in logs
        assert daemon.stop() == 0
        assert "not published" not in daemon.logs()
    finally:
        consumer.close()
        gateway.close()
        daemon.stop()
        daemon.context.destroy(linger=0)

    # Room again: a restart finds every alert published in the journal, and the reserve back.
    os.remove(small_disk / "filler")
    again = Daemon(tmp_path, state_dir=state)
    try:
        stats = again.request("stats")
        assert stats["journal"]["latest_seq"] == len(received), (stats["journal"], len(received))
        assert reserve.stat().st_size == 16 << 20
    finally:
        again.stop()
        again.context.destroy(linger=0)
