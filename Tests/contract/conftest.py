"""Fixtures for the contract tests: a real vigild process on free loopback ports, driven and read
by pyzmq peers that know only shared/CONTRACT.md."""
import json
import os
import pathlib
import socket
import subprocess
import time

import pytest
import zmq

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("VIGIL_BIN_DIR", ROOT / ".build" / "debug"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, tmp_path, config=None, state_dir=None, ports=None, args=(), curve=None, http_port=None, ingest_bind=True):
        """`curve`, for a vigild with security.server_certificate: (server public key, operator
        public key, operator secret key), used by `request` on the control endpoint. The HTTP
        server listens on a free loopback port (or `http_port`): `self.http` is its base URL."""
        self.curve = curve
        ports = list(ports or [])
        ports += [f"tcp://127.0.0.1:{free_port()}" for _ in range(4 - len(ports))]
        self.ingest, self.alerts, self.control, self.catchup = ports
        self.http_port = http_port or free_port()
        self.http = f"http://127.0.0.1:{self.http_port}"
        self.log = open(tmp_path / "vigild.log", "a+")
        self.process = subprocess.Popen(
            [str(BIN / "vigild"), "--config", str(config or ROOT / "Config" / "vigild.yaml"),
             *(("--ingest-bind", self.ingest) if ingest_bind else ()), "--publish-bind", self.alerts, "--control-bind", self.control,
             "--catchup-bind", self.catchup, "--state-dir", str(state_dir or tmp_path / "state"),
             "--http-bind", f"127.0.0.1:{self.http_port}", *args],
            stderr=self.log, cwd=ROOT)
        self.context = zmq.Context()
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                self.request("ping", timeout_ms=200)
                return
            except TimeoutError:
                assert self.process.poll() is None, self.logs()
        raise AssertionError("vigild did not answer ping: " + self.logs())

    def request(self, command, timeout_ms=3000):
        req = self.context.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        if self.curve:
            curve_client(req, *self.curve)
        req.connect(self.control)
        try:
            req.send_string(command)
            if not req.poll(timeout_ms):
                raise TimeoutError(command)
            return json.loads(req.recv())
        finally:
            req.close()

    def peers(self):
        """A consumer subscribed to `alert.` and a gateway, plaintext, connected (LINGER 0)."""
        consumer = self.context.socket(zmq.SUB)
        consumer.setsockopt(zmq.LINGER, 0)
        consumer.setsockopt(zmq.SUBSCRIBE, b"alert.")
        consumer.connect(self.alerts)
        gateway = self.context.socket(zmq.PUB)
        gateway.setsockopt(zmq.LINGER, 0)
        gateway.connect(self.ingest)
        return consumer, gateway

    def logs(self):
        return ProcessLog.logs(self)

    def stop(self):
        return ProcessLog.stop(self)


class ProcessLog:
    """A vigild process (`self.process`) logging to `self.log`: what it logged, and an orderly
    stop (SIGTERM, then SIGKILL after 10 s)."""

    def logs(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                return self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return None
        return self.process.returncode


def curve_client(socket, server_public, public, secret):
    """Makes `socket` a CURVE client of the server with `server_public`, with its own key pair."""
    socket.curve_serverkey = server_public
    socket.curve_publickey = public
    socket.curve_secretkey = secret


@pytest.fixture
def daemon(tmp_path):
    d = Daemon(tmp_path)
    yield d
    d.stop()
    d.context.term()


def config_with(tmp_path, **sections):
    """A vigild.yaml in tmp_path that reads the project's zones, cameras and rules and sets the
    given sections (for example health={"offline_after_s": 4})."""
    lines = ["files:"] + [f"  {key}: {ROOT / 'Config' / name}" for key, name in
                          (("zones", "zones.geojson"), ("cameras", "cameras.geojson"), ("rules", "rules.yaml"))]
    for section, values in sections.items():
        lines.append(f"{section}:")
        lines += [f"  {key}: {json.dumps(value)}" for key, value in values.items()]
    path = tmp_path / "vigild.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path

