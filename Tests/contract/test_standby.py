"""A warm standby's journal (issue 18, first part): `vigil follow` copies the journal of a vigild
started with --replication-bind, and a vigild started on that copy after the active one is killed
continues the stream: every `seq` the active published is in the copy with the same bytes (the
active publishes only what its synchronous standby holds), the numbering goes on without a gap
or a reuse, and the incident open at the kill is neither raised again nor lost. The lone Rabia
crossing through faulty gateways (rabia-faults) at 10x; the active is killed with SIGKILL 0.3 s
after the crossing is raised, while the walker is still in view. Read from outside: a SUB on the active, catch-up on the successor."""
import json
import re
import subprocess
import time

import zmq

from conftest import BIN, ROOT, Daemon, free_port
from test_restart import journal

HEALTH = ("camera_offline", "coverage_gap")


def test_a_standby_started_on_its_copy_continues_the_stream(tmp_path):
    replication = f"tcp://127.0.0.1:{free_port()}"
    active = Daemon(tmp_path, state_dir=tmp_path / "a", args=("--replication-bind", replication))
    follower = sim = successor = None
    live = {}
    try:
        ports = (active.ingest, active.alerts, active.control, active.catchup)
        follow_log = open(tmp_path / "follow.log", "w+")
        follower = subprocess.Popen(
            [str(BIN / "vigil"), "follow", replication, "--state-dir", str(tmp_path / "b"), "--node", "standby-b", "--status-seconds", "1"],
            stderr=follow_log, cwd=ROOT)
        consumer = active.context.socket(zmq.SUB)
        consumer.setsockopt(zmq.LINGER, 0)
        consumer.setsockopt(zmq.SUBSCRIBE, b"alert.")
        consumer.connect(active.alerts)
        deadline = time.time() + 10
        while "standby joined the sync set" not in active.logs():
            assert time.time() < deadline, active.logs()
            time.sleep(0.05)
        assert active.request("stats")["replication"]["standby-b"] == {"acked_seq": 0, "lag_seq": 0, "sync": 1, "live": 1}
        sim = subprocess.Popen(
            [str(BIN / "vigil-sim"), "run", "rabia-faults", "--endpoint", active.ingest, "--speed", "10"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        # Kill the active 0.3 s after its crossing is raised (about 6.5 s in, later on a busy machine).
        until = time.time() + 30
        while time.time() < until:
            if consumer.poll(50):
                _, payload = consumer.recv_multipart()
                alert = json.loads(payload)
                live[alert["seq"]] = alert
                if alert["kind"] == "border_crossing" and alert["state"] == "raised":
                    until = min(until, time.time() + 0.3)
        active.process.kill()
        active.process.wait(10)
        while consumer.poll(200):
            _, payload = consumer.recv_multipart()
            alert = json.loads(payload)
            live[alert["seq"]] = alert
        consumer.close()
        active.context.term()
        follower.terminate()
        assert follower.wait(10) == 0, follow_log.seek(0) or follow_log.read()
        successor = Daemon(tmp_path, state_dir=tmp_path / "b", ports=ports)
        assert sim.wait(60) == 0, sim.stderr.read()
        deadline = time.time() + 20
        while time.time() < deadline:
            alerts, _ = journal(successor.context, successor.catchup)
            if any(a["state"] == "resolved" and a["kind"] not in HEALTH for a in alerts):
                break
            time.sleep(0.5)
    finally:
        if active.process.poll() is None:
            active.stop()
        for process in (sim, follower):
            if process is not None and process.poll() is None:
                process.kill()
        if successor:
            successor.stop()
            successor.context.term()

    assert any(a["kind"] == "border_crossing" and a["state"] == "raised" for a in live.values()), \
        f"the active published no crossing before the kill: {sorted(live)}; the successor holds {[(a['seq'], a['kind'], a['state']) for a in alerts]}"
    by_seq = {a["seq"]: a for a in alerts}
    for seq, alert in live.items():
        assert by_seq.get(seq) == alert, f"seq {seq}: the active published {alert}, the standby's copy holds {by_seq.get(seq)}"
    assert [a["seq"] for a in alerts] == list(range(1, len(alerts) + 1))
    incidents = {}
    for alert in alerts:
        if alert["kind"] not in HEALTH:
            incidents.setdefault(alert["id"], []).append(alert)
    assert len(incidents) == 1, [(m[0]["kind"], m[0]["count"]) for m in incidents.values()]
    states = [m["state"] for m in next(iter(incidents.values()))]
    assert states.count("raised") == 1 and states.count("resolved") == 1, states


def test_a_curve_vigild_serves_its_journal_to_an_operators_key_only(tmp_path):
    from test_contract import load
    from test_curve import crossing, keys, secure_config

    made = keys(tmp_path / "keys", "vigild", "gw-rabia", "gw-qaim", "ops-room", "alice")
    server = made["vigild"][2]
    replication = f"tcp://127.0.0.1:{free_port()}"
    daemon = Daemon(tmp_path, config=secure_config(tmp_path, made), curve=(server, made["alice"][2], made["alice"][3]),
                    args=("--replication-bind", replication))
    gateway = None
    try:
        cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
        gateway = daemon.context.socket(zmq.PUB)
        gateway.setsockopt(zmq.LINGER, 0)
        gateway.curve_serverkey, gateway.curve_publickey, gateway.curve_secretkey = server, made["gw-rabia"][2], made["gw-rabia"][3]
        gateway.connect(daemon.ingest)
        time.sleep(1.0)
        for frame in crossing(cameras, ["cam-rabia-16", "cam-rabia-17"]):
            gateway.send_multipart(frame)
            time.sleep(0.001)
        deadline = time.time() + 15
        while daemon.request("stats")["journal"]["latest_seq"] == 0:
            assert time.time() < deadline, daemon.logs()
            time.sleep(0.2)
        last = daemon.request("stats")["journal"]["latest_seq"]

        def follow(name, key):
            log = tmp_path / f"follow-{name}.log"
            process = subprocess.Popen(
                [str(BIN / "vigil"), "follow", replication, "--state-dir", str(tmp_path / name), "--status-seconds", "0.5",
                 "--server-key", made["vigild"][0], "--key", made[key][1]],
                stderr=open(log, "w"), cwd=ROOT)
            time.sleep(3)
            process.terminate()
            assert process.wait(10) == 0, log.read_text()
            return log.read_text()

        # A consumer's key reads alerts, not the journal: the handshake is refused, nothing copied.
        assert "stopped at seq 0," in follow("consumer", "ops-room")
        copied = follow("operator", "alice")
        stopped = re.search(r"stopped at seq (\d+),", copied)
        assert stopped and int(stopped.group(1)) >= last, copied
    finally:
        if gateway is not None:
            gateway.close()
        daemon.stop()
        daemon.context.term()


def test_a_plaintext_replication_endpoint_other_machines_reach_is_refused(tmp_path):
    process = subprocess.run(
        [str(BIN / "vigild"), "--config", str(ROOT / "Config" / "vigild.yaml"), "--state-dir", str(tmp_path / "state"),
         "--http-bind", "", "--replication-bind", f"tcp://0.0.0.0:{free_port()}"],
        capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert process.returncode == 78, process.stderr
    assert "--replication-bind" in process.stderr and "security.server_certificate" in process.stderr, process.stderr
