"""Restarts of vigild in the middle of an incident, read from outside: the journal as the
catch-up endpoint serves it (README, "The durable alert stream") must hold each incident raised
once and resolved once, with seq from 1 and no gap, whatever happened to the daemon."""
import json
import subprocess
import time

import zmq

from conftest import BIN, ROOT, Daemon, config_with
from test_contract import Consumer
from test_health_and_silences import walk_across

RABIA = [("cam-rabia-16", "S12"), ("cam-rabia-17", "S12")]


def journal(context, endpoint):
    """Every alert the daemon holds, paged through the catch-up endpoint with a REQ socket."""
    req = context.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(endpoint)
    alerts, after = [], 0
    try:
        while True:
            req.send_multipart([b"catchup", json.dumps({"after": after, "limit": 50}).encode()])
            assert req.poll(5000), "no catch-up reply"
            frames = req.recv_multipart()
            assert frames[0] == b"catchup", frames
            header = json.loads(frames[1])
            alerts += [json.loads(p) for p in frames[3::2]]
            after = header["last_seq"]
            if not header["more"]:
                return alerts, header
    finally:
        req.close()


def settings(tmp_path, rules=None):
    """Incidents resolve 8 s after their target was last seen; event time follows the wall clock
    after 0.5 s without reports, so a walk in the past resolves a few seconds after it ends."""
    path = config_with(tmp_path, incidents={"resolve_after_ms": 8000}, time={"idle_advance_after_ms": 500})
    if rules:
        text = path.read_text().replace(str(ROOT / "Config" / "rules.yaml"), str(rules))
        path.write_text(text)
    return path


def raise_crossing(tmp_path, config, state):
    """A daemon sees a person walk across at km 558 and is stopped (SIGTERM) once the crossing is
    raised, before it resolves. Returns the raised alert and the daemon's endpoints."""
    daemon = Daemon(tmp_path, config=config, state_dir=state)
    consumer = Consumer(daemon.context, daemon.alerts)
    try:
        walk_across(daemon.context, daemon.ingest, 558.0, RABIA, int(time.time() * 1000) - 45_000)
        consumer.drain(5.0, until=lambda alerts: any(a["state"] == "raised" for a in alerts))
        raised = [a for a in consumer.alerts if a["state"] == "raised"]
        assert len(raised) == 1 and raised[0]["kind"] == "border_crossing", consumer.alerts
    finally:
        consumer.socket.close()
        assert daemon.stop() == 0
        daemon.context.term()
    return raised[0], (daemon.ingest, daemon.alerts, daemon.control, daemon.catchup)


def test_a_stop_in_the_middle_of_an_incident_resumes_it_with_no_second_raised(tmp_path):
    config, state = settings(tmp_path), tmp_path / "state"
    raised, ports = raise_crossing(tmp_path, config, state)

    again = Daemon(tmp_path, config=config, state_dir=state, ports=ports)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            alerts, header = journal(again.context, again.catchup)
            if any(a["state"] == "resolved" for a in alerts):
                break
            time.sleep(0.5)
        stats = again.request("stats")
    finally:
        again.stop()
        again.context.term()
    assert [a["seq"] for a in alerts] == list(range(1, len(alerts) + 1))
    assert header["oldest_seq"] == 1 and header["latest_seq"] == len(alerts)
    assert {a["id"] for a in alerts} == {raised["id"]}, alerts
    states = [a["state"] for a in alerts]
    assert states[0] == "raised" and states[-1] == "resolved" and states.count("raised") == 1 and states.count("resolved") == 1, states
    assert "state resumed from the journal" in again.logs() and "incidents.open=1" in again.logs()
    assert stats["journal"]["latest_seq"] == len(alerts) and stats["engine"]["raised"] == 0


def test_a_changed_configuration_resolves_the_incidents_consumers_had_open(tmp_path):
    config, state = settings(tmp_path), tmp_path / "state"
    raised, ports = raise_crossing(tmp_path, config, state)

    # A rule renamed: the engine's state names rules by position and is not to be trusted.
    rules = tmp_path / "rules.yaml"
    rules.write_text((ROOT / "Config" / "rules.yaml").read_text().replace("- name: crossing\n", "- name: crossing-renamed\n"))
    again = Daemon(tmp_path, config=settings(tmp_path, rules=rules), state_dir=state, ports=ports)
    try:
        alerts, _ = journal(again.context, again.catchup)
        deadline = time.time() + 10
        while not any(a["state"] == "resolved" for a in alerts) and time.time() < deadline:
            time.sleep(0.2)
            alerts, _ = journal(again.context, again.catchup)
    finally:
        again.stop()
        again.context.term()
    assert [a["seq"] for a in alerts] == list(range(1, len(alerts) + 1))
    resolved = [a for a in alerts if a["state"] == "resolved"]
    assert len(resolved) == 1 and resolved[0]["id"] == raised["id"], alerts
    last_seen = [a for a in alerts if a["id"] == raised["id"] and a["state"] != "resolved"][-1]
    for key in ("kind", "severity", "count", "zone", "cameras", "first_ts", "last_ts", "direction"):
        assert resolved[0][key] == last_seen[key], key
    assert "cannot be resumed" in again.logs() and "another configuration" in again.logs()


def test_a_journal_that_is_not_a_database_stops_the_start_with_its_path(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "journal.sqlite").write_bytes(b"this is not an SQLite database" * 100)
    done = subprocess.run([str(BIN / "vigild"), "--config", str(ROOT / "Config" / "vigild.yaml"), "--state-dir", str(state),
                           "--ingest-bind", "tcp://127.0.0.1:0", "--publish-bind", "tcp://127.0.0.1:0",
                           "--control-bind", "", "--catchup-bind", "", "--http-bind", ""],
                          capture_output=True, text=True, timeout=20, cwd=ROOT)
    assert done.returncode == 69, done.stderr
    assert str(state / "journal.sqlite") in done.stderr and "not a database" in done.stderr
