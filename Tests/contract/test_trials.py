"""Randomised detection trials against a real vigild: `vigil-sim trials` plays 40 crossings of the
covered border (every mode, singles and groups, both angles, every placement, town and open
desert, day and night, every gateway fault) and scores them against the truth. No trial may be
missed; the figures the README quotes must be in the JSON. A threshold not met is exit status 3.
(The full run, 300 trials, is `make bench-trials`.)"""
import json
import subprocess

from conftest import BIN, ROOT


def trials(daemon, *args, timeout=240):
    done = subprocess.run(
        [str(BIN / "vigil-sim"), "trials", "--endpoint", daemon.ingest, "--alerts", daemon.alerts, "--control", daemon.control,
         "--json", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr
    return done, json.loads(lines[-1])


def test_forty_trials_are_all_detected(daemon):
    done, report = trials(daemon, "--count", "40", "--seed", "1", "--speed", "30", "--max-missed", "0")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert report["trials"] == 40 and report["scored"] == 40
    assert report["missed"] == 0 and report["misses"] == [], done.stdout
    assert report["detected"] == 40
    pd = report["pd"]
    assert pd["estimate"] == 1.0
    assert abs(pd["lower_bound"] - 0.927842) < 1e-5, "0.05^(1/40): Clopper-Pearson, one-sided 95 %"
    assert pd["lower_bound"] > 0.90, "the US facility specification's bar"
    assert report["direction"]["detected"] == 40 and 0 <= report["direction"]["accuracy"] <= 1
    for part in ("groups", "singles"):
        assert report["count"][part]["detected"] > 0 and 0 <= report["count"][part]["accuracy"] <= 1
    latency = report["latency_ms"]
    assert 0 < latency["median"] <= latency["p99"] <= latency["max"]
    assert set(latency["by_mode"]) == {"crawl", "walk", "run", "vehicle"}
    assert latency["processing"]["trials"] > 0 and 0 <= latency["processing"]["median"] <= latency["processing"]["p99"]
    assert report["run"]["flow_control_lost"] is False, "the daemon answered stats all along"
    classes = report["classes"]
    assert set(classes["mode"]) == {"crawl", "walk", "run", "vehicle"}
    assert set(classes["placement"]) == {"fov-edge", "overlap-2", "overlap-3", "far-range"}
    assert set(classes["terrain"]) == {"open", "town"} and set(classes["light"]) == {"day", "night"}
    assert set(classes["fault"]) == {"none", "duplicates", "reorder", "drops", "clock-skew", "track-switch", "all"}
    assert report["health_incidents"] == {}, "the idle cameras' heartbeats keep the whole border alive"
    assert report["passed"] is True and report["failures"] == []
    assert "detection: 40 of 40" in done.stdout


def test_a_threshold_not_met_is_exit_status_3(daemon):
    # Two short vehicle trials replayed alone; two detections cannot bound Pd at 0.9999.
    done, report = trials(daemon, "--seed", "1", "--only", "11", "--only", "34", "--speed", "20",
                          "--min-pd-lower-bound", "0.9999", timeout=120)
    assert done.returncode == 3, done.stdout + done.stderr[-3000:]
    assert report["trials"] == 2 and report["missed"] == 0
    assert report["passed"] is False
    assert any("--min-pd-lower-bound" in failure for failure in report["failures"])
    assert "threshold not met" in done.stdout
    assert report["detected"] == 2
