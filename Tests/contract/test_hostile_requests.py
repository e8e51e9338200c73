"""Hostile numbers and shapes on vigild's catch-up and control sockets (issue 12): each request is
answered with an error that says what is wrong (the catch-up `error` frames, the control socket's
JSON error), a request over the size limit is dropped without a reply, and the same vigild process
goes on serving a normal catch-up and `stats`."""
import json
import time

import zmq

from conftest import Daemon, config_with

U64_MAX = 2**64 - 1

# Catch-up request bodies (JSON text, written by hand: Python's json writes 1e400 as Infinity) and
# a part of the error each must get.
HOSTILE_CATCHUP = [
    ('{"after": -1}', "the negative number -1"),
    ('{"after": -9223372036854775809}', "the negative number"),
    ('{"after": 18446744073709551616}', "which is too large"),
    ('{"after": 340282366920938463463374607431768211456}', "which is too large"),
    ('{"after": 1e400}', "beyond any integer or double"),
    ('{"after": -1e400}', "beyond any integer or double"),
    ('{"after": 1e-400}', None),  # 0 after rounding: a valid request (checked below)
    ('{"after": 1.5}', "the fraction 1.5"),
    ('{"after": "5"}', "a string"),
    ('{"after": null}', "null"),
    ('{"after": true}', "true or false"),
    ('{"after": [1]}', "an array"),
    ('{"after": {"seq": 1}}', "an object"),
    ('{"limit": 5}', 'no "after"'),
    ('{"after": 0, "limit": 0}', '"limit" must be from 1 to 10000'),
    ('{"after": 0, "limit": 10001}', '"limit" must be from 1 to 10000'),
    ('{"after": 0, "limit": -9223372036854775808}', '"limit" must be from 1 to 10000'),
    ('{"after": 0, "limit": 9223372036854775808}', "which is too large"),
    ('{"after": 0, "limit": 1e400}', "beyond any integer or double"),
    ('{"after": 0, "limit": 2.5}', "the fraction 2.5"),
    ('{"after": 0, "prefix": 5}', '"prefix" must be a string'),
    ('{"after": 0, "prefix": "' + "a" * 257 + '"}', "at most 256 bytes"),
    ('{"after": 0, "prefix": "' + "\u00e9" * 200_000 + '"}', "at most 256 bytes"),
    ("", "must be a JSON object"),
    ("[1]", "must be a JSON object"),
    ('{"after": ', "must be a JSON object"),
]

HOSTILE_CONTROL = [
    ('silence add {"kind": "k", "expires_ms": 1e400}', "beyond any integer or double"),
    ('silence add {"kind": "k", "expires_ms": 9223372036854775808}', "which is too large"),
    ('silence add {"kind": "k", "expires_ms": -9223372036854775809}', "which is too small"),
    ('silence add {"kind": "k", "expires_ms": -9223372036854775808}', "is not in the future"),
    ('silence add {"kind": "k", "expires_ms": 1.5}', "the fraction 1.5"),
    ('silence add {"kind": "k", "expires_ms": "tomorrow"}', "a string"),
    ('silence add {"kind": "k", "expires_ms": null}', "null"),
    ('silence add {"kind": "k"}', '"expires_ms" is required'),
    ('silence add {"kind": "k", "expires_ms": 9223372036854775807, "created_ms": 1e19}', '"created_ms" must be'),
    ('silence add {"expires_ms": 9223372036854775807}', "at least one matcher"),
    ('silence add {"camera": "' + "c" * 65 + '", "expires_ms": 9223372036854775807}', "is not an identifier"),
    ('silence add {"severity": "extreme", "expires_ms": 9223372036854775807}', "is not one of"),
    ("silence add [1]", "expected a JSON object"),
    ("silence add", "expected silence add <json>"),
    ("silence remove si-" + "f" * 100_000, "no silence has id"),
    ("silence", "expected silence add <json>"),
    ("", "unknown command"),
    ("stats " + "9" * 400, "unknown command"),
]


def ask(context, endpoint, frames, timeout_ms=3000):
    """One request on a new REQ socket; the reply's frames, or None when none comes in time."""
    req = context.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(endpoint)
    try:
        req.send_multipart(frames)
        if not req.poll(timeout_ms):
            return None
        return req.recv_multipart()
    finally:
        req.close()


def ask_control(context, endpoint, frames, timeout_ms=3000):
    """A control request; its one-frame JSON reply, or None."""
    reply = ask(context, endpoint, frames, timeout_ms)
    return None if reply is None else json.loads(reply[0])


def test_hostile_requests_are_answered_and_vigild_goes_on(tmp_path):
    # Cameras silent for half a second go offline: alerts to catch up on without a gateway.
    daemon = Daemon(tmp_path, config=config_with(tmp_path, health={"offline_after_s": 0.5}))
    context = daemon.context
    try:
        pid = daemon.process.pid
        deadline = time.time() + 15
        while time.time() < deadline and daemon.request("stats")["publish"]["last_seq"] < 1:
            time.sleep(0.1)
        assert daemon.request("stats")["publish"]["last_seq"] >= 1, daemon.logs()

        # Catch-up: each hostile body gets the two frames `error` and {"v": 1, "error": ...}.
        for body, part in HOSTILE_CATCHUP:
            reply = ask(context, daemon.catchup, [b"catchup", body.encode()])
            assert reply is not None, body[:80]
            if part is None:
                assert reply[0] == b"catchup", (body, reply[:2])
                continue
            assert len(reply) == 2 and reply[0] == b"error", (body[:80], reply[:2])
            error = json.loads(reply[1])
            assert error["v"] == 1 and part in error["error"], (body[:80], error)
        # Wrong shapes: frame counts, empty frames, another command, bytes that are not UTF-8.
        for frames in ([b""], [b"", b""], [b"catchup"], [b"catchup", b"{}", b"x"], [b"catchup"] * 1000,
                       [b"CATCHUP", b'{"after": 0}'], [b"catchup", b"\xff\xfe\x00"], [b"\xff", b"\x00" * 100]):
            reply = ask(context, daemon.catchup, frames)
            assert reply is not None and reply[0] == b"error", (len(frames), reply)
            assert "error" in json.loads(reply[1])
        # The largest `after` there is: an empty page that covers nothing more (it was once read
        # as -1 and sent the whole journal).
        for after in (2**63, U64_MAX):
            kind, header, *alerts = ask(context, daemon.catchup, [b"catchup", b'{"after": %d}' % after])
            assert kind == b"catchup" and alerts == []
            assert header.startswith(b'{"v":1,"after":%d,"last_seq":%d,' % (after, after)) and b'"more":false' in header
        # A frame over 1 MiB: the peer is dropped before the frame is read; no reply.
        assert ask(context, daemon.catchup, [b"catchup", b" " * (2 << 20)], timeout_ms=1000) is None

        # Control: each hostile request gets {"ok": false, "error": ...}.
        for command, part in HOSTILE_CONTROL:
            reply = ask_control(context, daemon.control, [command.encode()])
            assert reply is not None, command[:80]
            assert reply["ok"] is False and part in reply["error"], (command[:80], reply)
        reply = ask_control(context, daemon.control, [b"\xff\xfe\x00"])
        assert reply["ok"] is False and "unknown command" in reply["error"]
        assert ask_control(context, daemon.control, [b" " * (2 << 20)], timeout_ms=1000) is None
        # A silence to the year 292,278,994 is refused: a silence is bounded (silences.max_duration_h,
        # a week by default). One that ends within it is added, listed, removed; its created_ms is
        # the daemon's clock, not the peer's word.
        forever = daemon.request('silence add {"kind": "k", "expires_ms": 9223372036854775807}')
        assert forever["ok"] is False and "silences.max_duration_h (168 h)" in forever["error"], forever
        expires = int(time.time() * 1000) + 3_600_000
        added = daemon.request('silence add {"kind": "k", "expires_ms": %d, "created_ms": -9223372036854775808}' % expires)
        assert added["ok"] is True and added["silence"]["expires_ms"] == expires
        assert abs(added["silence"]["created_ms"] - time.time() * 1000) < 60_000
        assert [s["id"] for s in daemon.request("silence list")["silences"]] == [added["silence"]["id"]]
        assert daemon.request("silence remove " + added["silence"]["id"])["ok"] is True

        # The same process serves a normal catch-up and stats.
        assert daemon.process.poll() is None and daemon.process.pid == pid, daemon.logs()
        kind, header, *alerts = ask(context, daemon.catchup, [b"catchup", b'{"after": 0, "limit": 5}'])
        header = json.loads(header)
        assert kind == b"catchup" and header["count"] == len(alerts) // 2 >= 1
        assert json.loads(alerts[1])["seq"] == header["oldest_seq"]
        stats = daemon.request("stats")
        assert stats["catchup"]["refused"] >= len(HOSTILE_CATCHUP) - 1 + 8
        assert daemon.request("ping") == {"ok": True}
    finally:
        assert daemon.stop() == 0, daemon.logs()
        context.term()


def test_a_catchup_consumer_that_never_reads_gets_few_pages_queued(daemon):
    """A DEALER that asks for pages and never reads them: vigild queues at most a few for it and
    drops (and counts) the rest instead of buffering every page."""
    gateway = daemon.context.socket(zmq.PUB)
    gateway.connect(daemon.ingest)
    dealer = daemon.context.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.setsockopt(zmq.RCVHWM, 1)
    dealer.setsockopt(zmq.RCVBUF, 4096)
    dealer.connect(daemon.catchup)
    try:
        for _ in range(200):
            dealer.send_multipart([b"", b"catchup", b'{"after": 0, "limit": 1000}'])
        deadline = time.time() + 10
        while time.time() < deadline and daemon.request("stats")["catchup"].get("replies_dropped", 0) == 0:
            time.sleep(0.1)
        stats = daemon.request("stats")["catchup"]
        assert stats["replies_dropped"] > 0, stats
        assert daemon.process.poll() is None
    finally:
        dealer.close()
        gateway.close()


def test_vigil_record_for_1e300_seconds_records_until_stopped(tmp_path):
    """--seconds 1e300 is a deadline past any clock: `vigil record` runs until SIGINT, it does not
    trap converting it to nanoseconds."""
    import signal
    import subprocess
    from conftest import BIN, ROOT, free_port
    out = tmp_path / "long.cap"
    recorder = subprocess.Popen([str(BIN / "vigil"), "record", "--bind", f"tcp://127.0.0.1:{free_port()}", "--out", str(out),
                                 "--seconds", "1e300"], stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(1.0)
    assert recorder.poll() is None, recorder.stderr.read()
    recorder.send_signal(signal.SIGINT)
    assert recorder.wait(10) == 0
    assert out.read_text().startswith("{")
