"""Each rule feature checked on a recorded capture: the simulator's group of six crossing at
Sinjar is recorded once with `vigil record`, then replayed with `vigil replay` under rules files
that each exercise one feature. Replay is deterministic, so every difference comes from the rule."""
import datetime
import json
import subprocess
import time

import pytest

from conftest import BIN, ROOT, free_port

CROSSING = """  - name: crossing
    event: cross
    zone_kind: border
    classes: [person]
    alert: {kind: border_crossing, severity: critical}
"""


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    folder = tmp_path_factory.mktemp("capture")
    path = folder / "sinjar-group.cap"
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    recorder = subprocess.Popen([str(BIN / "vigil"), "record", "--bind", endpoint, "--out", str(path), "--seconds", "9"],
                                stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(1.0)
    sim = subprocess.run([str(BIN / "vigil-sim"), "run", "sinjar-group", "--endpoint", endpoint, "--speed", "40",
                          "--idle-heartbeat-s", "0"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert sim.returncode == 0, sim.stderr
    recorder.wait(30)
    assert recorder.returncode == 0
    return path


def first_ts(capture):
    with open(capture) as lines:
        next(lines)
        return json.loads(json.loads(next(lines))["payload"])["ts"]


def replay(capture, tmp_path, rules, name, settings=""):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "rules.yaml").write_text(rules)
    (folder / "vigild.yaml").write_text(
        f"files:\n  zones: {ROOT / 'Config/zones.geojson'}\n  cameras: {ROOT / 'Config/cameras.geojson'}\n  rules: rules.yaml\n" + settings)
    done = subprocess.run([str(BIN / "vigil"), "replay", str(capture), "--config", str(folder / "vigild.yaml")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def raised(alerts):
    return [a for a in alerts if a["state"] == "raised"]


def test_the_plain_crossing_rule_raises_one_incident_of_six(capture, tmp_path):
    alerts = replay(capture, tmp_path, "rules:\n" + CROSSING, "plain")
    assert [(a["kind"], a["severity"], a["count"], a["rule"]) for a in raised(alerts)] == [("border_crossing", "critical", 6, "crossing")]
    assert alerts[-1]["state"] == "resolved"


def test_min_count_matches_groups_of_that_size_only(capture, tmp_path):
    assert raised(replay(capture, tmp_path, "rules:\n" + CROSSING + "    min_count: 6\n", "six"))
    assert not replay(capture, tmp_path, "rules:\n" + CROSSING + "    min_count: 7\n", "seven")


def test_escalation_raises_the_severity_for_a_group_of_n_or_more(capture, tmp_path):
    rules = CROSSING.replace("severity: critical", "severity: medium")
    low = raised(replay(capture, tmp_path, "rules:\n" + rules + "    escalate: [{min_count: 7, severity: high}]\n", "no-escalation"))
    high = raised(replay(capture, tmp_path, "rules:\n" + rules + "    escalate: [{min_count: 5, severity: high}]\n", "escalation"))
    assert [a["severity"] for a in low] == ["medium"] and [a["severity"] for a in high] == ["high"]


def test_a_schedule_applies_in_the_site_time_zone_only(capture, tmp_path):
    # The capture's own event time, as local time in Baghdad (UTC+3): a window around it, and the
    # twelve hours opposite.
    local = datetime.datetime.fromtimestamp(first_ts(capture) / 1000, datetime.timezone(datetime.timedelta(hours=3)))
    around = f'{{from: "{(local - datetime.timedelta(hours=1)):%H:%M}", to: "{(local + datetime.timedelta(hours=1)):%H:%M}"}}'
    opposite = f'{{from: "{(local + datetime.timedelta(hours=6)):%H:%M}", to: "{(local + datetime.timedelta(hours=18)):%H:%M}"}}'
    for window, expected in ((around, 1), (opposite, 0)):
        rules = f"timezone: Asia/Baghdad\nrules:\n{CROSSING}    schedule: {window}\n"
        assert len(raised(replay(capture, tmp_path, rules, f"schedule-{expected}"))) == expected, window


def test_a_suppression_wins_over_any_alert_rule(capture, tmp_path):
    # Over every alert rule for the events it covers; a crossing only when it names cross.
    rules = "rules:\n  - name: quiet\n    event: [cross, enter, dwell, loiter]\n    classes: [person]\n    suppress: true\n" + CROSSING
    assert replay(capture, tmp_path, rules, "suppressed") == []


def test_a_suppression_that_does_not_name_cross_never_silences_a_crossing(capture, tmp_path):
    rules = "rules:\n  - name: quiet\n    classes: [person]\n    suppress: true\n" + CROSSING
    assert [a["kind"] for a in raised(replay(capture, tmp_path, rules, "not-cross"))] == ["border_crossing"]


def test_camera_prefixes_match_the_cameras_that_saw_the_group(capture, tmp_path):
    assert raised(replay(capture, tmp_path, "rules:\n" + CROSSING + "    cameras: [cam-sinjar-]\n", "sinjar"))
    assert not replay(capture, tmp_path, "rules:\n" + CROSSING + "    cameras: [cam-qaim-]\n", "qaim")


def test_inhibition_keeps_the_strip_intrusion_out_of_the_crossing(capture, tmp_path):
    # The group spends more than a minute in the strip after crossing; an intrusion rule more
    # severe than the crossing turns the incident into an intrusion, unless the crossing inhibits it.
    crossing = CROSSING.replace("severity: critical", "severity: high")
    strip = "  - name: strip\n    event: dwell\n    zone_kind: strip\n    after_s: 60\n    alert: {kind: intrusion, severity: critical}\n"
    plain = replay(capture, tmp_path, "rules:\n" + crossing + strip, "no-inhibition")
    inhibited = replay(capture, tmp_path, "rules:\n" + crossing + "    inhibits: [intrusion]\n" + strip, "inhibition")
    assert any(a["kind"] == "intrusion" and a["zone"] == "iq-sy-strip" for a in plain)
    assert inhibited and all(a["zone"] == "iq-sy-border" and a["kind"] == "border_crossing" for a in inhibited)


def test_the_repeat_interval_limits_position_updates(capture, tmp_path):
    # People walk 1.5 m/s: a position update needs 5 m of movement here (default 50 m).
    moves = "incidents:\n  position_update_min_move_m: 5\n"
    often = replay(capture, tmp_path, "rules:\n" + CROSSING + "    repeat_interval_s: 5\n", "often", moves)
    rarely = replay(capture, tmp_path, "rules:\n" + CROSSING + "    repeat_interval_s: 600\n", "rarely", moves)
    updates = lambda alerts: [a for a in alerts if a["state"] == "updated"]
    assert len(updates(often)) >= 10 and updates(rarely) == []
    # Count and kind changes are never held back: the same incident, raised and resolved once.
    assert [a["state"] for a in rarely if a["state"] != "updated"] == ["raised", "resolved"]
