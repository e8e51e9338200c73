"""`vigil record`, `vigil replay` and `vigil rules test` on a real feed: the simulator publishes a
herd of sheep beside a person crossing at Baaj, `vigil record` captures it, and the tools explain
what the rules made of it."""
import json
import subprocess
import time

from conftest import BIN, ROOT, free_port


def run(*args, timeout=120):
    return subprocess.run([str(BIN / args[0]), *args[1:]], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_rules_test_explains_each_alert_and_why_a_sheep_never_alerts(tmp_path):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    capture = tmp_path / "baaj.cap"
    recorder = subprocess.Popen([str(BIN / "vigil"), "record", "--bind", endpoint, "--out", str(capture), "--seconds", "12"],
                                stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(1.0)
    sim = run("vigil-sim", "run", "baaj-herd-and-person", "--endpoint", endpoint, "--speed", "40")
    assert sim.returncode == 0, sim.stderr
    recorder.wait(30)
    assert recorder.returncode == 0, recorder.stderr.read()

    explained = run("vigil", "rules", "test", str(capture))
    assert explained.returncode == 0, explained.stderr
    out = explained.stdout
    assert "raised" in out and "border_crossing critical" in out and "rule crossing" in out, out[:3000]
    assert "+ crossing: cross iq-sy-border SY->IQ: border_crossing critical" in out or \
        "+ crossing: cross iq-sy-border IQ->SY: border_crossing critical" in out, out[:3000]
    assert "verdict: alert by crossing: border_crossing critical" in out

    # A sheep's track, read from the capture: the rules say why it never alerts.
    sheep = None
    with open(capture) as lines:
        next(lines)
        for line in lines:
            report = json.loads(json.loads(line)["payload"])
            animals = [d for d in report["detections"] if d["class"] == "animal"]
            if animals:
                sheep = f'{report["camera"]}:{animals[0]["track"]}'
                break
    assert sheep, "the herd is in the capture"
    followed = run("vigil", "rules", "test", str(capture), "--track", sheep)
    assert followed.returncode == 0, followed.stderr
    assert f"{sheep} at ts" in followed.stdout
    assert "+ animals-never-alert" in followed.stdout and "verdict: suppressed by animals-never-alert" in followed.stdout
    assert "class animal is not one of person, vehicle" in followed.stdout

    # The same capture replayed twice gives the same alerts, byte for byte, with the same ids.
    first, second = run("vigil", "replay", str(capture)), run("vigil", "replay", str(capture))
    assert first.returncode == 0 and first.stdout == second.stdout and first.stdout
    ids = {json.loads(line)["id"] for line in first.stdout.splitlines()}
    assert ids and all(i in out for i in ids)
