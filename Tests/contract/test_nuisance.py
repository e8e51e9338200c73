"""The nuisance soak (`vigil-sim nuisance`) against a real vigild: days of simulated event time of
herds, grazing flocks, a heat source jittering on the line, masked flares, border-guard patrols on
the patrol road, townspeople by day, camera reboots and lost frames, played compressed through the
daemon's endpoints. Nothing in it is an intrusion, so every incident raised is a false alert."""
import json
import re
import shutil
import subprocess

from conftest import BIN, ROOT, Daemon


def soak(daemon, *args, config=None, timeout=300):
    """Runs the soak against `daemon`; returns the process and its JSON summary (last line)."""
    command = [str(BIN / "vigil-sim"), "nuisance", "--endpoint", daemon.ingest, "--alerts", daemon.alerts,
               "--control", daemon.control, "--settle-s", "6", "--json-summary", *args]
    if config:
        command += ["--config", str(config)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    lines = result.stdout.strip().splitlines()
    summary = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return result, summary


def test_a_day_of_nuisance_at_rabia_raises_no_false_alert(daemon):
    # The Rabia stretch has every activity (herds, grazing, a heat source on the line, the masked
    # pump station, patrols by day and night, the towns of Rabia and Al-Yarubiyah, the restricted
    # area). One day and its evening at 5 frames a second: ~0.45 M frames, about a minute with
    # the debug build. The 30-day run of every stretch is `make nuisance` (README, Benchmarks).
    result, summary = soak(daemon, "--days", "1", "--stretch", "rabia", "--fps", "5", "--heartbeat-s", "25",
                           "--idle-heartbeat-s", "120", "--max-false-per-zone-month", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "activities: herd-crossing 4" in result.stderr and "heat-source 1" in result.stderr and "town-life" in result.stderr
    score = summary["score"]
    assert score["days"] == 1 and score["stretches"] == 1 and score["zones"] == 8
    assert score["false_alerts"] == 0, result.stdout
    assert score["earlier"] == 0
    # Honest data: every frame sent was taken and accepted, none refused; the cameras' own
    # losses and reboots are what the daemon counted as missing and restarted (a frame lost just
    # before a reboot is not missing: the reboot starts a new run).
    counters = summary["daemon"]
    assert counters["rejected"] == {}, counters
    assert counters["received"] == summary["sent"] == counters["accepted"]
    assert counters["restarts"] == summary["reboots"] > 0
    assert 0.98 * summary["dropped"] <= counters["missing"] <= summary["dropped"]
    assert counters["masked"] > 0, "the masked flares were seen and dropped"
    assert counters["raised"] == 0
    stats = daemon.request("stats")
    assert stats["engine"]["raised"] == 0 and stats["engine"]["cameras_offline"] == 0
    assert stats["engine"]["suppressed"] > 0, "the patrols, the animals and the townspeople were suppressed"


def without_patrol_rule(tmp_path):
    """A configuration directory like Config/ whose rules.yaml lacks the patrol-road rule, and a
    vigild.yaml that reads it."""
    config = tmp_path / "config"
    config.mkdir()
    for name in ("zones.geojson", "cameras.geojson"):
        shutil.copy(ROOT / "Config" / name, config / name)
    rules = (ROOT / "Config" / "rules.yaml").read_text()
    cut = re.sub(r"\n  - name: patrol-road\n.*?(?=\n  - name: )", "\n", rules, flags=re.S)
    assert "patrol-road" not in cut and cut.count("- name:") == rules.count("- name:") - 1
    (config / "rules.yaml").write_text(cut)
    (config / "vigild.yaml").write_text("time:\n  max_backlog_h: 8760\n")
    return config


def test_without_the_patrol_road_rule_patrols_are_false_alerts_and_exit_3(tmp_path):
    config = without_patrol_rule(tmp_path)
    daemon = Daemon(tmp_path, config=config / "vigild.yaml")
    try:
        result, summary = soak(daemon, "--days", "1", "--stretch", "baaj", "--only", "patrol", "--heartbeat-s", "25",
                               "--idle-heartbeat-s", "120", "--max-false-per-zone-month", "1", config=config)
    finally:
        daemon.stop()
        daemon.context.term()
    assert result.returncode == 3, result.stdout + result.stderr
    assert "threshold not met: baaj/iq-sy-strip" in result.stderr
    incidents = summary["score"]["incidents"]
    assert incidents and summary["score"]["false_alerts"] == len(incidents)
    for incident in incidents:
        assert (incident["kind"], incident["class"], incident["zone"], incident["rule"]) == \
            ("intrusion", "vehicle", "iq-sy-strip", "strip-intrusion"), incident
        assert incident["cause"].startswith("patrol d00-baaj-patrol"), incident
