"""vigild's HTTP server from outside (issue 17): /healthz, /readyz with its reasons, and /metrics in
the Prometheus text format, checked by promtool (Debian's prometheus package) and read back
against `vigil stats` after a real crossing; an http.bind others can reach is refused, and a
port already taken stops the start with its address."""
import http.client
import json
import re
import ssl
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request


from conftest import BIN, ROOT, free_port
from test_contract import load
from test_curve import crossing


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.headers, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def samples(text):
    """{(name, frozenset of label pairs): value} of an exposition text."""
    found = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)', line)
        assert match, line
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        found[(match.group(1), labels)] = float(match.group(3))
    return found


def test_health_readiness_and_metrics_after_a_crossing(daemon):
    status, _, body = get(daemon.http + "/healthz")
    assert status == 200 and json.loads(body) == {"status": "alive"}
    status, _, body = get(daemon.http + "/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["ready"] is True, body
    assert set(ready["checks"]) == {"configuration", "ingest", "journal"} and all(c["ok"] for c in ready["checks"].values())
    assert daemon.ingest in ready["checks"]["ingest"]["detail"]

    cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
    consumer, gateway = daemon.peers()
    time.sleep(0.5)
    frames = crossing(cameras, ["cam-rabia-16", "cam-rabia-17"])
    for frame in frames:
        gateway.send_multipart(frame)
    alerts, deadline = [], time.time() + 15
    while time.time() < deadline and not any(a["state"] == "resolved" for a in alerts):
        if consumer.poll(100):
            alerts.append(json.loads(consumer.recv_multipart()[1]))
    assert [a["state"] for a in alerts if a["kind"] == "border_crossing"][:1] == ["raised"], alerts
    consumer.close()
    gateway.close()

    stats = daemon.request("stats")
    status, headers, text = get(daemon.http + "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: make test installs Debian's prometheus package (scripts/setup.sh)"
    checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    values = samples(text)
    assert values[("vigil_up", frozenset())] == 1
    assert values[("vigil_ingest_queue_batches", frozenset())] >= 0
    assert values[("vigil_frames_processed_total", frozenset())] >= stats["processed"] >= len(frames)
    assert values[("vigil_ingest_received_total", frozenset())] >= stats["ingest"]["received"]
    raised = frozenset({("kind", "border_crossing"), ("state", "raised"), ("severity", "critical")})
    assert values[("vigil_alerts_published_total", raised)] == 1
    # Every alert this consumer saw went through the latency histograms, each with a frame's latency.
    assert values[("vigil_alert_latency_seconds_count", frozenset())] >= 1
    assert values[("vigil_processing_latency_seconds_count", frozenset())] >= 1
    assert values[("vigil_journal_commit_seconds_count", frozenset())] >= 1
    assert 0 < values[("vigil_alert_latency_seconds_sum", frozenset())] < 5 * values[("vigil_alert_latency_seconds_count", frozenset())]
    assert values[("vigil_last_seq", frozenset())] >= stats["publish"]["last_seq"] >= len(alerts)
    # Counters only go up: a second scrape after more frames is at least the first.
    status, _, again = get(daemon.http + "/metrics")
    assert samples(again)[("vigil_frames_processed_total", frozenset())] >= values[("vigil_frames_processed_total", frozenset())]


def test_an_http_bind_other_machines_can_reach_is_refused_unless_allowed(tmp_path):
    port = free_port()
    refused = subprocess.run([str(BIN / "vigild"), "--http-bind", f"0.0.0.0:{port}", "--state-dir", ""],
                             capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert refused.returncode == 78, refused.stderr
    assert "http.bind" in refused.stderr and "allow_plaintext" in refused.stderr and "vigild.yaml" in refused.stderr


def test_an_http_port_in_use_stops_the_start_with_its_address(tmp_path):
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    port = squatter.getsockname()[1]
    try:
        endpoints = [f"tcp://127.0.0.1:{free_port()}" for _ in range(4)]
        done = subprocess.run([str(BIN / "vigild"), "--http-bind", f"127.0.0.1:{port}", "--state-dir", "",
                               "--ingest-bind", endpoints[0], "--publish-bind", endpoints[1], "--control-bind", endpoints[2],
                               "--catchup-bind", endpoints[3]],
                              capture_output=True, text=True, cwd=ROOT, timeout=30)
    finally:
        squatter.close()
    assert done.returncode == 69, done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "http.bind" in done.stderr


def test_with_tls_the_server_speaks_https_only_and_its_cookie_is_secure(tmp_path):
    """http.tls_certificate and http.tls_key (a self-signed pair made here by openssl): HTTPS with
    that certificate, a Secure session cookie, and a bind other machines can reach is accepted
    without http.allow_plaintext."""
    import bcrypt
    from conftest import Daemon, config_with
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    account = {"name": "alice", "password_bcrypt": bcrypt.hashpw(b"correct horse", bcrypt.gensalt(4)).decode()}
    config = config_with(tmp_path, http={"tls_certificate": str(tmp_path / "cert.pem"), "tls_key": str(tmp_path / "key.pem"),
                                         "accounts": [account]})
    checked = subprocess.run([str(BIN / "vigil"), "config", "check", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    daemon = Daemon(tmp_path, config=config)
    try:
        trusted = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        with urllib.request.urlopen(daemon.http.replace("http:", "https:") + "/healthz", context=trusted, timeout=5) as reply:
            assert reply.status == 200 and json.loads(reply.read()) == {"status": "alive"}
        login = urllib.request.Request(daemon.http.replace("http:", "https:") + "/api/login", method="POST",
                                       data=json.dumps({"user": "alice", "password": "correct horse"}).encode(),
                                       headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(login, context=trusted, timeout=10) as reply:
            cookie = reply.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie, cookie
        # Plain HTTP to the TLS port gets no answer it can read.
        try:
            get(daemon.http + "/healthz", timeout=3)
            assert False, "plain HTTP was answered"
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
            pass
    finally:
        daemon.stop()
        daemon.context.term()
    (tmp_path / "vigild.yaml").write_text(config.read_text().replace("http:\n", f"http:\n  bind: \"0.0.0.0:{free_port()}\"\n"))
    wide = subprocess.run([str(BIN / "vigil"), "config", "check", str(tmp_path / "vigild.yaml")], capture_output=True, text=True)
    assert wide.returncode == 0, wide.stderr

