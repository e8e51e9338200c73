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
    def __init__(self, tmp_path):
        self.ingest = f"tcp://127.0.0.1:{free_port()}"
        self.alerts = f"tcp://127.0.0.1:{free_port()}"
        self.control = f"tcp://127.0.0.1:{free_port()}"
        self.log = open(tmp_path / "vigild.log", "w+")
        self.process = subprocess.Popen(
            [str(BIN / "vigild"), "--config", str(ROOT / "Config" / "vigild.yaml"),
             "--ingest-bind", self.ingest, "--publish-bind", self.alerts, "--control-bind", self.control],
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
        req.connect(self.control)
        try:
            req.send_string(command)
            if not req.poll(timeout_ms):
                raise TimeoutError(command)
            return json.loads(req.recv())
        finally:
            req.close()

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


@pytest.fixture
def daemon(tmp_path):
    d = Daemon(tmp_path)
    yield d
    d.stop()
    d.context.term()
