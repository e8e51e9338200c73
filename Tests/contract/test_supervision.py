"""vigild under its supervisor (scripts/supervise.sh, README "Supervision"), from outside: a crash in
the middle of an incident loses nothing and is visible. The supervisor restarts vigild, the new
vigild logs the last start's abnormal end (pid, signal) and counts it in `stats`, the incident is
not raised a second time, the alert stream's seq goes on without a gap; SIGTERM to the supervisor
stops vigild in order and leaves nothing running."""
import json
import os
import signal
import subprocess
import time

import zmq

from conftest import BIN, ROOT, config_with, free_port
from test_contract import Consumer, border_point
from test_restart import journal

RABIA = [("cam-rabia-16", "S12"), ("cam-rabia-17", "S12")]
STEPS, STEP_S = 80, 0.5  # a walk from 60 m in Syria to 140 m in Iraq at km 558.0 in 40 s


class Supervised:
    """scripts/supervise.sh running vigild on free loopback ports with a state directory."""

    def __init__(self, tmp_path):
        self.state = tmp_path / "state"
        self.ingest, self.alerts, self.control, self.catchup = (f"tcp://127.0.0.1:{free_port()}" for _ in range(4))
        # Incidents resolve 12 s after their target was last seen; event time follows the wall
        # clock after 0.5 s without reports; no camera goes offline while the test runs.
        config = config_with(tmp_path, incidents={"resolve_after_ms": 12000}, time={"idle_advance_after_ms": 500},
                             health={"offline_after_s": 3600})
        self.log = open(tmp_path / "supervise.log", "a+")
        self.process = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "supervise.sh"), "--config", str(config), "--ingest-bind", self.ingest,
             "--publish-bind", self.alerts, "--control-bind", self.control, "--catchup-bind", self.catchup,
             "--http-bind", "", "--state-dir", str(self.state)],
            env={**os.environ, "VIGILD": str(BIN / "vigild")}, stderr=self.log, cwd=ROOT)
        self.context = zmq.Context()
        self.pids = []

    def logs(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def request(self, command, timeout_ms=1000):
        req = self.context.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        req.connect(self.control)
        try:
            req.send_string(command)
            if not req.poll(timeout_ms):
                raise TimeoutError(command)
            return json.loads(req.recv())
        finally:
            req.close()

    def running_vigild(self, other_than=None, timeout=20):
        """The pid of the vigild answering on the control endpoint, as its run file names it:
        once one other than `other_than` has started and answers `ping`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            assert self.process.poll() is None, self.logs()
            try:
                pid = json.loads((self.state / "vigild.run").read_text())["pid"]
                if pid != other_than and self.request("ping", timeout_ms=300) == {"ok": True}:
                    self.pids.append(pid)
                    return pid
            except (FileNotFoundError, ValueError, KeyError, TimeoutError):
                pass
            time.sleep(0.1)
        raise AssertionError("no vigild answered: " + self.logs())

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in self.pids:  # only ours, and only if something went wrong
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.context.term()


def alive(pid):
    """Whether the process runs (a zombie not yet reaped by its parent does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def parent(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def crash(pid):
    """SIGSEGV, as a crash would end vigild. The Swift runtime's backtracer catches the first
    one, writes a backtrace and returns; a real fault faults again at once, a sent signal does
    not, so it is sent again (the backtracer has restored the default action by then)."""
    for _ in range(2):
        os.kill(pid, signal.SIGSEGV)
        deadline = time.time() + 2
        while alive(pid) and time.time() < deadline:
            time.sleep(0.05)
        if not alive(pid):
            return
    raise AssertionError(f"vigild (pid {pid}) survived SIGSEGV")


def walk(gateway, steps, start_ms):
    """cam-rabia-16 and -17 see one person walk across at km 558.0, frames `steps` of the walk."""
    lat0, lon0, (ne, nn) = border_point(558.0)
    for i in steps:
        along = -60 + 200 * i / STEPS
        lat, lon = lat0 + nn * along / 111_195, lon0 + ne * along / (111_195 * 0.8)
        for n, (camera, sector) in enumerate(RABIA):
            report = {"v": 1, "camera": camera, "seq": 100 + i, "ts": start_ms + int(i * STEP_S * 1000),
                      "detections": [{"track": 7 + n, "class": "person", "conf": 0.9, "lat": lat, "lon": lon}]}
            gateway.send_multipart([f"det.{sector}.{camera}".encode(), json.dumps(report).encode()])
        time.sleep(0.005)


def test_a_crash_mid_incident_is_restarted_logged_and_loses_nothing(tmp_path):
    daemon = Supervised(tmp_path)
    try:
        first = daemon.running_vigild()
        assert parent(first) == daemon.process.pid
        run = json.loads((daemon.state / "vigild.run").read_text())
        assert run["abnormal_ends"] == 0 and abs(run["started_ms"] - time.time() * 1000) < 60_000
        stats = daemon.request("stats")
        assert stats["daemon"]["pid"] == first and stats["daemon"]["abnormal_ends"] == 0
        assert "last_abnormal_end" not in stats["daemon"]

        consumer = Consumer(daemon.context, daemon.alerts)
        gateway = daemon.context.socket(zmq.PUB)
        gateway.setsockopt(zmq.LINGER, 1000)
        gateway.connect(daemon.ingest)
        time.sleep(0.3)
        start_ms = int(time.time() * 1000) - 45_000
        # Partway: from 60 m in Syria to 60 m in Iraq, clearly across; the crossing is raised.
        walk(gateway, range(0, 49), start_ms)
        consumer.drain(5.0, until=lambda alerts: any(a["state"] == "raised" for a in alerts))
        raised = [a for a in consumer.alerts if a["state"] == "raised"]
        assert len(raised) == 1 and raised[0]["kind"] == "border_crossing", consumer.alerts

        crash(first)
        second = daemon.running_vigild(other_than=first)
        assert parent(second) == daemon.process.pid
        assert not (daemon.state / "vigild.exit").exists(), "the new vigild has taken the supervisor's record"
        stats = daemon.request("stats")
        # The rest of the walk, then nothing: the incident resolves 12 s after the last frame.
        walk(gateway, range(49, STEPS + 1), start_ms)
        deadline = time.time() + 40
        while time.time() < deadline:
            alerts, header = journal(daemon.context, daemon.catchup)
            if any(a["state"] == "resolved" for a in alerts):
                break
            time.sleep(0.5)
        after = daemon.request("stats")
        gateway.close()
        consumer.socket.close()

        # Stopped in order through the supervisor: vigild's code, nothing left running.
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(20) == 0, daemon.logs()
        assert not alive(first) and not alive(second)
        assert not (daemon.state / "vigild.run").exists(), "an orderly stop removes the run file"
    finally:
        daemon.close()
    logs = daemon.logs()

    # The supervisor saw the crash and restarted vigild; the new one logged it before resuming.
    assert f"supervise: vigild (pid {first}) ended abnormally (signal SIGSEGV)" in logs, logs
    crashed_line = next(line for line in logs.splitlines() if "the last start ended abnormally" in line)
    assert " error " in crashed_line
    for field in (f"previous.pid={first}", "previous.signal=SIGSEGV", "previous.status=139", "abnormal_ends=1", "previous.started="):
        assert field in crashed_line, crashed_line
    assert logs.index(f"vigild started (pid {second})") < logs.index(crashed_line) < logs.rindex("state resumed from the journal")
    assert "incidents.open=1" in logs[logs.index(crashed_line):]
    assert logs.count("the last start ended abnormally") == 1
    assert f"supervise: vigild (pid {second}) ended with status 0 after SIGTERM" in logs

    # Counted in stats, with what the supervisor recorded.
    daemon_stats = stats["daemon"]
    assert daemon_stats["pid"] == second and daemon_stats["abnormal_ends"] == 1, daemon_stats
    last = daemon_stats["last_abnormal_end"]
    assert last["pid"] == first and last["signal"] == "SIGSEGV" and last["status"] == 139, last
    assert last["started_ms"] == run["started_ms"] and last["started_ms"] <= last["ended_ms"] <= daemon_stats["started_ms"]

    # Nothing lost, nothing twice: one incident, raised once (by the first vigild) and resolved
    # once, every seq from 1 without a gap.
    assert [a["seq"] for a in alerts] == list(range(1, len(alerts) + 1)), alerts
    assert header["latest_seq"] == len(alerts)
    assert {a["id"] for a in alerts} == {raised[0]["id"]}, alerts
    states = [a["state"] for a in alerts]
    assert states[0] == "raised" and states.count("raised") == 1 and states[-1] == "resolved" and states.count("resolved") == 1, states
    assert after["engine"]["raised"] == 0 and after["engine"]["resolved"] == 1, after["engine"]
