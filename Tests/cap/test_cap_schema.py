"""`vigil tail --format cap` checked against CAP 1.2 (pytest, lxml).

The schema, `CAP-v1.2.xsd` beside this file, was written from the text of the standard (OASIS
Common Alerting Protocol Version 1.2, 2010); its header says how. Every message must:

* validate against it (element order and cardinality, the code values, the dateTime format
  without "Z", identifiers, references, polygons and circles);
* obey what XML Schema 1.0 cannot say (`check_cap_rules`): `<restriction>` with scope
  Restricted, `<references>` on an Update, polygons closed, coordinates in range;
* say what the alert said (`check_mapping`): raised -> Alert, updated -> Update, resolved ->
  Update with AllClear and urgency Past, each Update referencing the incident's earlier messages;
  status Exercise for an alert marked `exercise` and never Actual then; the severity.

(a) hand-written alert messages covering every state and kind are piped through
`vigil tail --format cap --stdin`; (b) end to end: vigild on the default configuration (with
--exercise), driven by `vigil-sim run rabia-lone-crossing`, read by `vigil tail --format cap` (and
`vigil tail` for the JSON to compare with); and vigild with no camera reporting, whose
camera_offline and coverage_gap alerts (real stretches) become circles and corridor polygons. The
negative tests show that the schema rejects what it must.

Binaries come from `$VIGIL_BIN_DIR` (default `.build/debug`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import zmq
from lxml import etree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(os.environ.get("VIGIL_BIN_DIR") or ROOT / ".build" / "debug")
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
SENDER = "vigil@cap-test.example"
SEVERITY = {"critical": "Extreme", "high": "Severe", "medium": "Moderate", "low": "Minor"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(HERE / "CAP-v1.2.xsd")))


def binary(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} not found: run `swift build` first, or set VIGIL_BIN_DIR")
    return path


# --- hand-written alert messages ------------------------------------------------------------------

T0 = 1795228381000


def alert(seq, id, state, kind, severity, cls="person", count=1, **extra):
    message = {
        "v": 1, "seq": seq, "id": id, "state": state, "kind": kind, "severity": severity, "class": cls,
        "count": count, "sector": "S12", "zone": "iq-sy-border", "lat": 36.83549, "lon": 42.113047,
        "cameras": ["cam-rabia-16", "cam-rabia-17"], "first_ts": T0, "last_ts": T0 + seq * 1000,
        "emitted_ts": T0 + seq * 1000 + 4,
    }
    message.update(extra)
    return message


STRETCH = {"border": "iq-sy-border", "from_km": 556.1, "to_km": 559.3, "km": 3.2,
           "from": [36.8201, 42.0901], "to": [36.8449, 42.1199]}
ODD_RULE = 'night <&"drones"> \u2014 ok'

ALERTS = [
    alert(1, "al-cross", "raised", "border_crossing", "critical", count=3, direction="SY->IQ", rule="crossing-person"),
    alert(2, "al-intr", "raised", "intrusion", "high", exercise=True, rule="restricted-entry"),
    alert(3, "al-cross", "updated", "border_crossing", "critical", count=4, direction="SY->IQ", rule="crossing-person"),
    alert(4, "al-loit", "raised", "loitering", "medium", cls="vehicle"),
    alert(5, "al-intr", "updated", "intrusion", "high", exercise=True),
    alert(6, "al-cam", "raised", "camera_offline", "medium", cls="unknown", count=0, cameras=["cam-rabia-16"]),
    alert(7, "al-gap", "raised", "coverage_gap", "high", cls="unknown", count=0, stretch=STRETCH, rule="gap"),
    alert(8, "al-cross", "resolved", "border_crossing", "critical", count=4, direction="SY->IQ", exercise=False),
    alert(9, "al-intr", "resolved", "intrusion", "high", exercise=True),
    alert(10, "al-gap", "updated", "coverage_gap", "high", cls="unknown", count=0, stretch=dict(STRETCH, to_km=560.0, km=3.9)),
    alert(11, "al-late", "updated", "drone_sighting", "low", cls="unknown", rule=ODD_RULE),
    alert(12, "al-loit", "resolved", "loitering", "medium", cls="vehicle"),
    alert(13, "al-cam", "resolved", "camera_offline", "medium", cls="unknown", count=0, cameras=["cam-rabia-16"]),
    alert(14, "al-gap", "resolved", "coverage_gap", "high", cls="unknown", count=0, stretch=STRETCH),
    alert(15, "al-late", "resolved", "drone_sighting", "low", cls="unknown", rule=ODD_RULE),
    alert(16, "al-gone", "resolved", "border_crossing", "high", direction="IQ->SY", exercise=True),
    alert(17, "al-oldgap", "raised", "coverage_gap", "low", cls="unknown", count=0),  # before `stretch` existed
]


def convert(lines: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(binary("vigil")), "tail", "--format", "cap", "--stdin", "--sender", SENDER, *args],
        input="".join(line + "\n" for line in lines), capture_output=True, text=True, timeout=60)


def parse(line: str) -> etree._Element:
    assert line.startswith(DECLARATION + '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'), line[:120]
    return etree.fromstring(line.encode("utf-8"))


def text(doc, path: str) -> str | None:
    found = doc.find(path, NS)
    return None if found is None else found.text


def texts(doc, path: str) -> list[str]:
    return [e.text for e in doc.findall(path, NS)]


def parameters(doc) -> dict[str, str]:
    return {p.find("cap:valueName", NS).text: p.find("cap:value", NS).text for p in doc.findall("cap:info/cap:parameter", NS)}


def pairs(text_value: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in pair.split(",")) for pair in text_value.split()]


def check_cap_rules(doc) -> None:
    """What the standard requires and XML Schema 1.0 cannot say."""
    if text(doc, "cap:scope") == "Restricted":
        assert text(doc, "cap:restriction"), "scope Restricted needs a restriction"
    if text(doc, "cap:msgType") in ("Update", "Cancel", "Ack", "Error"):
        assert text(doc, "cap:references"), "an Update names what it updates"
    for polygon in texts(doc, "cap:info/cap:area/cap:polygon"):
        ring = pairs(polygon)
        assert len(ring) >= 4 and ring[0] == ring[-1], polygon
        assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in ring), polygon
    for circle in texts(doc, "cap:info/cap:area/cap:circle"):
        centre, radius = circle.split()
        (lat, lon), = pairs(centre)
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and float(radius) > 0, circle
    for name in ("cap:sent", "cap:info/cap:onset"):
        value = text(doc, name)
        assert value is None or value.endswith("-00:00"), value  # UTC is written -00:00, never Z
    headline = text(doc, "cap:info/cap:headline")
    assert headline is None or len(headline) < 160


def check_mapping(alerts: list[dict], lines: list[str], schema: etree.XMLSchema) -> list:
    """Each line validates and says what its alert said; returns the parsed documents."""
    assert len(lines) == len(alerts)
    sent_by_incident: dict[str, list[str]] = {}  # id -> "sender,identifier,sent" of its messages so far
    docs = []
    for source, line in zip(alerts, lines):
        doc = parse(line)
        assert schema.validate(doc), f"{schema.error_log}\n{line}"
        check_cap_rules(doc)
        docs.append(doc)
        params = parameters(doc)
        assert params["vigil:id"] == source["id"] and params["vigil:seq"] == str(source["seq"])
        assert text(doc, "cap:identifier") == f"vigil-{source['id']}-{source['seq']}"
        assert text(doc, "cap:incidents") == source["id"]
        assert text(doc, "cap:status") == ("Exercise" if source.get("exercise") else "Actual")
        assert text(doc, "cap:scope") == "Restricted"
        assert text(doc, "cap:info/cap:severity") == SEVERITY[source["severity"]]
        assert texts(doc, "cap:info/cap:category") == ["Security"]
        assert text(doc, "cap:info/cap:certainty") == "Observed"

        earlier = [] if source["state"] == "raised" else sent_by_incident.get(source["id"], [])
        if earlier:
            assert text(doc, "cap:msgType") == "Update"
            assert text(doc, "cap:references").split() == earlier
        else:
            assert text(doc, "cap:msgType") == "Alert"  # raised, or the first message seen of an incident
            assert text(doc, "cap:references") is None
        if source["state"] == "resolved":
            assert texts(doc, "cap:info/cap:responseType") == ["AllClear"]
            assert text(doc, "cap:info/cap:urgency") == "Past"
            sent_by_incident.pop(source["id"], None)
        else:
            assert texts(doc, "cap:info/cap:responseType") == ["Monitor"]
            assert text(doc, "cap:info/cap:urgency") == "Immediate"
            reference = ",".join([text(doc, "cap:sender"), text(doc, "cap:identifier"), text(doc, "cap:sent")])
            sent_by_incident[source["id"]] = earlier + [reference]
    return docs


# --- (a) hand-written alerts through --stdin ------------------------------------------------------


def test_every_state_and_kind_validates_and_maps(schema):
    result = convert([json.dumps(a) for a in ALERTS])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[-1] == ""  # every document ends with a line break, none inside
    docs = check_mapping(ALERTS, lines[:-1], schema)
    by_seq = {int(parameters(d)["vigil:seq"]): d for d in docs}

    # The coverage gap with a stretch is a closed corridor polygon; the rest are circles.
    gap = by_seq[7]
    assert texts(gap, "cap:info/cap:area/cap:circle") == []
    ring = pairs(text(gap, "cap:info/cap:area/cap:polygon"))
    assert len(ring) == 5 and ring[0] == ring[-1]
    lats, lons = [p[0] for p in ring], [p[1] for p in ring]
    for end in (STRETCH["from"], STRETCH["to"]):  # the corridor holds the stretch's ends
        assert min(lats) < end[0] < max(lats) and min(lons) < end[1] < max(lons)
    assert texts(by_seq[1], "cap:info/cap:area/cap:circle") == ["36.83549,42.113047 0.5"]
    assert texts(by_seq[6], "cap:info/cap:area/cap:circle") == ["36.83549,42.113047 4"]
    assert texts(by_seq[17], "cap:info/cap:area/cap:circle") == ["36.83549,42.113047 4"]

    assert text(by_seq[1], "cap:info/cap:headline") == "Border crossing SY->IQ, 3 persons, iq-sy-border S12"
    assert text(by_seq[1], "cap:info/cap:event") == "Border crossing"
    assert text(by_seq[11], "cap:info/cap:event") == "Drone sighting"
    # Markup characters survive escaping and parsing unchanged.
    assert parameters(by_seq[11])["vigil:rule"] == ODD_RULE
    assert ODD_RULE not in result.stdout
    # An exercise is named in the note.
    assert text(by_seq[2], "cap:note").startswith("Exercise")
    assert "First message of incident al-late" in text(by_seq[11], "cap:note")


def test_a_drill_forces_test_status(schema):
    result = convert([json.dumps(a) for a in ALERTS], "--status", "Test")
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        doc = parse(line)
        assert schema.validate(doc), schema.error_log
        assert text(doc, "cap:status") == "Test"


def test_filters_apply_to_standard_input():
    result = convert([json.dumps(a) for a in ALERTS], "--min-severity", "high")
    assert result.returncode == 0, result.stderr
    seqs = [int(parameters(parse(line))["vigil:seq"]) for line in result.stdout.splitlines()]
    assert seqs == [a["seq"] for a in ALERTS if a["severity"] in ("critical", "high")]


def test_bad_lines_are_reported_and_skipped(schema):
    good = json.dumps(ALERTS[0])
    missing = json.dumps({k: v for k, v in ALERTS[1].items() if k != "severity"})
    result = convert([good, "{not json", missing, "", good.replace('"raised"', '"opened"')])
    assert result.returncode == 65
    assert len(result.stdout.splitlines()) == 1 and schema.validate(parse(result.stdout.splitlines()[0]))
    assert "line 2 skipped: not JSON" in result.stderr
    assert 'line 3 skipped: field "severity": required, absent' in result.stderr
    assert 'line 5 skipped: field "state": expected raised, updated or resolved, got "opened"' in result.stderr


def test_json_format_passes_lines_through():
    lines = [json.dumps(a) for a in ALERTS[:3]]
    result = subprocess.run([str(binary("vigil")), "tail", "--stdin"], input="\n".join(lines) + "\n",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == lines


def test_cap_options_need_cap_format():
    result = subprocess.run([str(binary("vigil")), "tail", "--stdin", "--sender", "x@y"], input="",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "--format cap" in result.stderr
    result = convert([], "--sender", "two words")
    assert result.returncode != 0 and "sender" in result.stderr


# --- the schema rejects what it must --------------------------------------------------------------

MUTATIONS = {
    "status Real": (r"<status>Actual</status>", "<status>Real</status>"),
    "sent with Z": (r"<sent>([^<]*)-00:00</sent>", r"<sent>\1Z</sent>"),
    "sent with a fraction": (r"<sent>([^<]*)-00:00</sent>", r"<sent>\1.253-00:00</sent>"),
    "sent without an offset": (r"<sent>([^<]*)-00:00</sent>", r"<sent>\1</sent>"),
    "msgType Resolved": (r"<msgType>Alert</msgType>", "<msgType>Resolved</msgType>"),
    "scope Secret": (r"<scope>Restricted</scope>", "<scope>Secret</scope>"),
    "category Border": (r"<category>Security</category>", "<category>Border</category>"),
    "responseType Watch": (r"<responseType>Monitor</responseType>", "<responseType>Watch</responseType>"),
    "urgency Now": (r"<urgency>Immediate</urgency>", "<urgency>Now</urgency>"),
    "severity Critical": (r"<severity>Extreme</severity>", "<severity>Critical</severity>"),
    "certainty Sure": (r"<certainty>Observed</certainty>", "<certainty>Sure</certainty>"),
    "no certainty": (r"<certainty>Observed</certainty>", ""),
    "no event": (r"<event>[^<]*</event>", ""),
    "no sender": (r"<sender>[^<]*</sender>", ""),
    "severity before urgency": (r"(<urgency>[^<]*</urgency>)(<severity>[^<]*</severity>)", r"\2\1"),
    "status after msgType": (r"(<status>[^<]*</status>)(<msgType>[^<]*</msgType>)", r"\2\1"),
    "identifier with a space": (r"<identifier>vigil-", "<identifier>vigil "),
    "identifier with a comma": (r"<identifier>vigil-", "<identifier>vigil,"),
    "an unknown element": (r"<scope>", "<priority>1</priority><scope>"),
    "circle without radius": (r"<circle>([^ <]*) [^<]*</circle>", r"<circle>\1</circle>"),
    "wrong namespace": (r"cap:1\.2", "cap:1.1"),
}


@pytest.fixture(scope="module")
def valid_message() -> str:
    result = convert([json.dumps(ALERTS[0])])
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_unchanged_message_validates(schema, valid_message):
    assert schema.validate(parse(valid_message)), schema.error_log


@pytest.mark.parametrize("name", MUTATIONS)
def test_the_schema_rejects(schema, valid_message, name):
    pattern, replacement = MUTATIONS[name]
    mutated = re.sub(pattern, replacement, valid_message, count=1)
    assert mutated != valid_message, f"mutation {name} did not apply"
    assert not schema.validate(etree.fromstring(mutated.encode("utf-8"))), f"{name} was accepted"


def test_the_schema_rejects_a_polygon_of_three_points(schema):
    result = convert([json.dumps(ALERTS[6])])
    line = result.stdout.strip()
    assert schema.validate(parse(line)), schema.error_log
    polygon = re.search(r"<polygon>([^<]*)</polygon>", line).group(1)
    points = polygon.split()
    for fewer in (points[:3], points[:1], []):
        mutated = line.replace(polygon, " ".join(fewer))
        assert not schema.validate(etree.fromstring(mutated.encode())), fewer


def test_the_schema_checks_references(schema):
    result = convert([json.dumps(ALERTS[0]), json.dumps(ALERTS[2])])
    update = result.stdout.splitlines()[1]
    assert schema.validate(parse(update)), schema.error_log
    references = re.search(r"<references>([^<]*)</references>", update).group(1)
    for bad in (references.replace(",", " ", 1), references.rsplit(",", 1)[0], references.replace("-00:00", "Z")):
        assert not schema.validate(etree.fromstring(update.replace(references, bad).encode())), bad


# --- (b) end to end: vigild, vigil-sim, vigil tail ------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lines:
    """The lines a process writes to standard output, read on a thread."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process):
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))


def wait_for_ping(control: str, process: subprocess.Popen, log: Path) -> None:
    context = zmq.Context.instance()
    deadline = time.time() + 15
    while time.time() < deadline:
        assert process.poll() is None, log.read_text()
        req = context.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        req.connect(control)
        try:
            req.send_string("ping")
            if req.poll(200):
                req.recv()
                return
        finally:
            req.close()
    raise AssertionError("vigild did not answer ping: " + log.read_text())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Session:
    """vigild on free loopback ports, with `vigil tail --format cap` and `vigil tail` (JSON)
    subscribed to its alerts before anything happens."""

    def __init__(self, tmp_path: Path, config: Path, *flags: str):
        self.ingest, self.alerts, self.control = (f"tcp://127.0.0.1:{free_port()}" for _ in range(3))
        self.log = tmp_path / "vigild.log"
        self.processes: list[subprocess.Popen] = []
        with open(self.log, "w") as log_file:
            self.vigild = subprocess.Popen(
                [str(binary("vigild")), "--config", str(config), "--ingest-bind", self.ingest, "--publish-bind",
                 self.alerts, "--control-bind", self.control, "--catchup-bind", "", "--state-dir", str(tmp_path / "state"),
                 *flags], stderr=log_file, cwd=ROOT)
        self.processes.append(self.vigild)
        try:
            wait_for_ping(self.control, self.vigild, self.log)
            tail = [str(binary("vigil")), "tail", "--endpoint", self.alerts, "--seconds", "120"]
            cap_tail = subprocess.Popen(tail + ["--format", "cap", "--sender", SENDER], stdout=subprocess.PIPE, text=True)
            json_tail = subprocess.Popen(tail, stdout=subprocess.PIPE, text=True)
            self.processes += [cap_tail, json_tail]
            self.cap, self.json = Lines(cap_tail), Lines(json_tail)
            time.sleep(1.0)  # both subscriptions reach the publisher before the first alert
        except BaseException:
            self.stop()
            raise

    def messages(self) -> list[dict]:
        return [json.loads(line) for line in list(self.json.lines)]

    def wait(self, condition, seconds: float, what: str) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline and not condition(self.messages()):
            time.sleep(0.2)
        assert condition(self.messages()), f"{what}: alerts {self.json.lines[-20:]}\n{self.log.read_text()[-3000:]}"

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop(process)

    def pairs(self) -> tuple[list[dict], list[str]]:
        """The alerts both tails received (each gets the stream in seq order; one may have been
        stopped a message later than the other)."""
        messages, lines = self.messages(), list(self.cap.lines)
        assert messages and [m["seq"] for m in messages] == list(range(1, len(messages) + 1))
        assert abs(len(messages) - len(lines)) <= 1, (len(messages), len(lines))
        count = min(len(messages), len(lines))
        return messages[:count], lines[:count]


def test_end_to_end_daemon_simulator_tail(schema, tmp_path):
    """A simulated crossing: raised -> Alert, updated -> Update, resolved -> Update/AllClear;
    vigild runs with --exercise (it is fed by the simulator), so no message is Actual."""
    session = Session(tmp_path, ROOT / "Config" / "vigild.yaml", "--exercise")
    try:
        sim = subprocess.run(
            [str(binary("vigil-sim")), "run", "rabia-lone-crossing", "--endpoint", session.ingest, "--speed", "30"],
            capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert sim.returncode == 0, sim.stderr + sim.stdout

        def crossing_resolved(messages):
            crossings = [m for m in messages if m["kind"] == "border_crossing"]
            return {m["id"] for m in crossings if m["state"] == "raised"} == {m["id"] for m in crossings if m["state"] == "resolved"} != set()

        session.wait(crossing_resolved, 30, "the crossing was not raised and resolved")
        time.sleep(0.5)  # the CAP tail converts the last message
    finally:
        session.stop()

    messages, lines = session.pairs()
    docs = check_mapping(messages, lines, schema)
    assert all(m.get("exercise") is True for m in messages)
    assert {text(doc, "cap:status") for doc in docs} == {"Exercise"}
    crossing = [(m, d) for m, d in zip(messages, docs) if m["kind"] == "border_crossing"]
    assert crossing[0][0]["state"] == "raised" and text(crossing[0][1], "cap:msgType") == "Alert"
    assert crossing[-1][0]["state"] == "resolved" and text(crossing[-1][1], "cap:msgType") == "Update"
    assert texts(crossing[-1][1], "cap:info/cap:responseType") == ["AllClear"]
    assert text(crossing[-1][1], "cap:info/cap:urgency") == "Past"
    identifiers = [text(d, "cap:identifier") for m, d in crossing]
    assert text(crossing[-1][1], "cap:references").split() == [
        f"{SENDER},{identifier},{text(d, 'cap:sent')}" for identifier, (m, d) in zip(identifiers[:-1], crossing[:-1])]


def test_end_to_end_camera_health(schema, tmp_path):
    """No camera reports: every camera goes offline after health.offline_after_s (4 s here: the
    tails subscribe well before) and the border they cover becomes coverage gaps, whose stretches
    become corridor polygons."""
    config = (ROOT / "Config" / "vigild.yaml").read_text()
    for name in ("zones.geojson", "cameras.geojson", "rules.yaml"):  # the copy lives elsewhere
        config, replaced = re.subn(rf"(\n  \w+: ){re.escape(name)}", rf"\g<1>{ROOT / 'Config' / name}", config)
        assert replaced == 1, name
    config, replaced = re.subn(r"\n  offline_after_s: \d+", "\n  offline_after_s: 4", config)
    assert replaced == 1, "health.offline_after_s"
    (tmp_path / "vigild.yaml").write_text(config)

    session = Session(tmp_path, tmp_path / "vigild.yaml")
    try:
        def health_seen(messages):
            kinds = {m["kind"] for m in messages}
            return {"camera_offline", "coverage_gap"} <= kinds
        session.wait(health_seen, 30, "no camera_offline and coverage_gap alerts")
        time.sleep(1.0)
    finally:
        session.stop()

    messages, lines = session.pairs()
    docs = check_mapping(messages, lines, schema)
    assert {text(doc, "cap:status") for doc in docs} == {"Actual"}  # not an exercise: real (silent) cameras
    gaps = [(m, d) for m, d in zip(messages, docs) if m.get("stretch")]
    assert gaps
    for message, doc in gaps:
        ring = pairs(text(doc, "cap:info/cap:area/cap:polygon"))
        assert len(ring) == 5 and ring[0] == ring[-1]
        lats, lons = [p[0] for p in ring], [p[1] for p in ring]
        for end in (message["stretch"]["from"], message["stretch"]["to"]):
            assert min(lats) < end[0] < max(lats) and min(lons) < end[1] < max(lons)
    offline = [d for m, d in zip(messages, docs) if m["kind"] == "camera_offline"]
    assert offline and all(text(d, "cap:info/cap:area/cap:circle").endswith(" 4") for d in offline)
