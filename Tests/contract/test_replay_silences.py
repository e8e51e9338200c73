"""A replay is what the daemon did, silences included (issue 14, item 3): vigild and `vigil
record` take the same feed from the simulator while a silence holds one of two crossings back;
`vigil replay --silences` of the capture, with vigild's silences.json, gives the alerts vigild
published, message for message (all but `emitted_ts`, the time each was sent)."""
import json
import signal
import subprocess
import time

import zmq

from conftest import BIN, ROOT, Daemon, free_port


def run(*args, timeout=120):
    return subprocess.run([str(BIN / args[0]), *args[1:]], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_a_capture_replayed_with_the_daemons_silences_gives_what_the_daemon_published(tmp_path):
    gateway = f"tcp://127.0.0.1:{free_port()}"
    state = tmp_path / "state"
    daemon = Daemon(tmp_path, state_dir=state, args=["--ingest-connect", gateway])
    consumer = daemon.context.socket(zmq.SUB)
    consumer.setsockopt(zmq.SUBSCRIBE, b"alert.")
    consumer.connect(daemon.alerts)
    try:
        # The crossing north-east of Rabia seen by cam-rabia-24..26 is silenced; the lone one
        # at km 558 (cam-rabia-16..18) is not.
        added = run("vigil", "silence", "add", "--camera", "cam-rabia-25", "--for", "1h", "--endpoint", daemon.control)
        assert added.returncode == 0, added.stderr
        capture = tmp_path / "two.cap"
        recorder = subprocess.Popen([str(BIN / "vigil"), "record", "--connect", gateway, "--out", str(capture), "--seconds", "120"],
                                    stderr=subprocess.PIPE, text=True, cwd=ROOT)
        for scenario in ("rabia-lone-crossing", "rabia-three-cameras"):
            sim = run("vigil-sim", "run", scenario, "--bind", gateway, "--speed", "20", "--warmup-ms", "2000")
            assert sim.returncode == 0, sim.stderr
        time.sleep(1.0)
        recorder.send_signal(signal.SIGINT)
        recorder.wait(30)
        assert recorder.returncode == 0, recorder.stderr.read()
        published = []
        while consumer.poll(3000):
            published.append(json.loads(consumer.recv_multipart()[1]))
        stats = daemon.request("stats")
    finally:
        consumer.close()
        daemon.stop()
        daemon.context.term()

    assert stats["silences"]["held"] >= 1, stats["silences"]
    assert published, "the crossing no silence matches is published"
    assert all("cam-rabia-25" not in alert["cameras"] for alert in published)

    silences = state / "silences.json"
    replayed = run("vigil", "replay", str(capture), "--silences", str(silences), "--json-summary")
    assert replayed.returncode == 0, replayed.stderr
    alerts = [json.loads(line) for line in replayed.stdout.splitlines()]
    summary = json.loads(replayed.stderr.strip().splitlines()[-1])
    assert summary["silenced"] >= 1, summary

    # The capture ends when recording stops; what the daemon sent after that (incidents resolved
    # by its clock later on) is not in it.
    def without_time(alert):
        return {key: value for key, value in alert.items() if key != "emitted_ts"}
    assert alerts, replayed.stderr
    assert [without_time(a) for a in alerts] == [without_time(a) for a in published[:len(alerts)]]

    # Without the silences the held-back crossing is there: the silence made the difference.
    unsilenced = run("vigil", "replay", str(capture), "--format", "json")
    assert any("cam-rabia-25" in json.loads(line)["cameras"] for line in unsilenced.stdout.splitlines())
