"""Development stand-in for vigild's console API. It is NOT vigild.

It exists so that the console (Sources/VigilHTTP/Console) can be developed and its Selenium test
run before vigild serves the console itself. It serves, on one port:

- ``/`` (index.html), ``/console/*`` from Sources/VigilHTTP/Console, ``/leaflet/*`` from Debian's
  libjs-leaflet (/usr/share/javascript/leaflet);
- the console API (login, logout, me, site, incidents, review actions, history) over canned data:
  the real Config files for the site, a few made-up open and past incidents near real cameras;
- ``/api/live``: a WebSocket (RFC 6455, written here on the standard library) that pushes every
  alert message and every review action to every signed-in console.

Alerts follow CONTRACT.md section 2 and the README's extensions (``stretch``, ``exercise``). The
test drives it in-process (``send_crossing``, ``stop_cameras``); ``python3 standin.py --port 8080
--demo`` runs it by hand, raising a crossing every 40 s. Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import mimetypes
import secrets
import socket
import struct
import threading
import time
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[2]
CONSOLE_DIR = REPO / "Sources" / "VigilHTTP" / "Console"
LEAFLET_DIR = Path("/usr/share/javascript/leaflet")
CONFIG_DIR = REPO / "Config"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B85"
M_PER_DEG = 111_320.0


def now_ms() -> int:
    return int(time.time() * 1000)


# --- a little flat-earth geometry, good to a few metres over a few km -------------------------

def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    return (lat + north_m / M_PER_DEG, lon + east_m / (M_PER_DEG * math.cos(math.radians(lat))))


def border_point(line: list[list[float]], near: tuple[float, float], into_iraq_m: float) -> tuple[float, float]:
    """The point of the border line nearest to ``near``, moved ``into_iraq_m`` to the right of the
    line (Iraq, walking the line from its first vertex; negative: into Syria)."""
    lat0, lon0 = near
    kx = M_PER_DEG * math.cos(math.radians(lat0))
    best = None
    for (ax, ay), (bx, by) in zip(line, line[1:]):
        ax_m, ay_m = (ax - lon0) * kx, (ay - lat0) * M_PER_DEG
        bx_m, by_m = (bx - lon0) * kx, (by - lat0) * M_PER_DEG
        dx, dy = bx_m - ax_m, by_m - ay_m
        t = max(0.0, min(1.0, -(ax_m * dx + ay_m * dy) / (dx * dx + dy * dy)))
        px, py = ax_m + t * dx, ay_m + t * dy
        d = px * px + py * py
        if best is None or d < best[0]:
            length = math.hypot(dx, dy)
            best = (d, px, py, dy / length, -dx / length)  # right-hand normal
    _, px, py, nx, ny = best
    px += nx * into_iraq_m
    py += ny * into_iraq_m
    return (round(lat0 + py / M_PER_DEG, 6), round(lon0 + px / kx, 6))


# --- WebSocket, server side ----------------------------------------------------------------

class LiveClient:
    """One open /api/live socket. Writes are serialised by ``lock``."""

    def __init__(self, sock: socket.socket, user: str):
        self.sock = sock
        self.user = user
        self.lock = threading.Lock()

    def send_text(self, text: str) -> bool:
        data = text.encode()
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x81, n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x81, 126, n)
        else:
            head = struct.pack("!BBQ", 0x81, 127, n)
        try:
            with self.lock:
                self.sock.sendall(head + data)
            return True
        except OSError:
            return False


def read_frame(rfile) -> tuple[int, bytes] | None:
    """One client frame (masked, as RFC 6455 requires of clients), or None at end of stream."""
    head = rfile.read(2)
    if len(head) < 2:
        return None
    opcode = head[0] & 0x0F
    n = head[1] & 0x7F
    if n == 126:
        n = struct.unpack("!H", rfile.read(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", rfile.read(8))[0]
    mask = rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    payload = bytearray(rfile.read(n))
    for i in range(len(payload)):
        payload[i] ^= mask[i % 4]
    return opcode, bytes(payload)


# --- the stand-in's state ------------------------------------------------------------------

class StandIn:
    """The canned site, the incidents and their messages, the sessions and the live sockets."""

    def __init__(self, users: dict[str, str], config_dir: Path = CONFIG_DIR, exercise: bool = False):
        self.users = dict(users)
        self.exercise = exercise
        load = lambda p: json.loads(p.read_text())
        self.zones = load(config_dir / "zones.geojson")
        self.cameras = load(config_dir / "cameras.geojson")
        self.places = load(config_dir / "data" / "iraq-syria" / "places.geojson")
        self.camera = {f["properties"]["id"]: f for f in self.cameras["features"]}
        self.border = next(f for f in self.zones["features"] if f["properties"]["kind"] == "border")
        self.lock = threading.RLock()
        self.seq = 0
        self.messages: dict[str, list[dict]] = {}   # incident id -> every message, oldest first
        self.reviews: dict[str, dict] = {}
        self.sessions: dict[str, str] = {}
        self.clients: set[LiveClient] = set()
        self.counter = 0
        self.server: ThreadingHTTPServer | None = None
        self.url = ""
        self._seed()

    # -- incidents

    def _new_id(self) -> str:
        self.counter += 1
        return f"al-{secrets.token_hex(3)}{self.counter:02d}"

    def cam_latlon(self, cam_id: str) -> tuple[float, float]:
        lon, lat = self.camera[cam_id]["geometry"]["coordinates"]
        return lat, lon

    def publish(self, alert: dict, emitted_ts: int | None = None, broadcast: bool = True) -> dict:
        """Number, store and push one alert message (a copy is returned)."""
        with self.lock:
            self.seq += 1
            msg = {"v": 1, "seq": self.seq, **alert}
            msg["emitted_ts"] = emitted_ts if emitted_ts is not None else now_ms()
            if self.exercise:
                msg["exercise"] = True
            self.messages.setdefault(msg["id"], []).append(msg)
            self.reviews.setdefault(msg["id"], {
                "acknowledged_by": None, "acknowledged_ts": None, "assigned_to": None,
                "closed_by": None, "notes": []})
            if broadcast:
                self._broadcast({"type": "alert", "alert": msg})
            return dict(msg)

    def _broadcast(self, obj: dict) -> None:
        text = json.dumps(obj)
        for client in list(self.clients):
            if not client.send_text(text):
                self.clients.discard(client)

    def open_incidents(self) -> list[dict]:
        with self.lock:
            out = []
            for iid, msgs in self.messages.items():
                last = msgs[-1]
                if last["state"] == "resolved":
                    continue
                out.append({**last, "track": [[m["lat"], m["lon"], m["last_ts"]] for m in msgs],
                            "review": json.loads(json.dumps(self.reviews[iid]))})
            return out

    def review(self, iid: str, action: str, by: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            msgs = self.messages.get(iid)
            if not msgs or msgs[-1]["state"] == "resolved":
                return 404, {"error": f"no open incident {iid}"}
            r = self.reviews[iid]
            ts = now_ms()
            event = {"type": "review", "id": iid, "action": action, "by": by, "ts": ts}
            if action == "acknowledge":
                if r["acknowledged_by"]:
                    return 409, {"error": f"already acknowledged by {r['acknowledged_by']}"}
                r["acknowledged_by"], r["acknowledged_ts"] = by, ts
                event["comment"] = str(body.get("comment", ""))
                if event["comment"]:
                    r["notes"].append({"by": by, "ts": ts, "text": event["comment"]})
            elif action == "assign":
                to = str(body.get("to", "")).strip()
                if not to:
                    return 400, {"error": "assign needs a name in \"to\""}
                r["assigned_to"] = event["to"] = to
            elif action == "note":
                text = str(body.get("text", "")).strip()
                if not text:
                    return 400, {"error": "a note needs some text"}
                r["notes"].append({"by": by, "ts": ts, "text": text})
                event["text"] = text
            elif action == "close":
                if r["closed_by"]:
                    return 409, {"error": f"already closed by {r['closed_by']}"}
                r["closed_by"] = by
                event["comment"] = str(body.get("comment", ""))
                if event["comment"]:
                    r["notes"].append({"by": by, "ts": ts, "text": event["comment"]})
            else:
                return 404, {"error": f"no action {action}"}
            self._broadcast(event)
            return 200, {}

    def history(self, q: dict[str, str]) -> dict:
        lo = int(q.get("from") or 0)
        hi = int(q.get("to") or 2 ** 62)
        out = []
        with self.lock:
            for iid, msgs in self.messages.items():
                first, last = msgs[0], msgs[-1]
                if last["last_ts"] < lo or first["first_ts"] > hi:
                    continue
                if q.get("kind") and last["kind"] != q["kind"]:
                    continue
                if q.get("zone") and not any(m["zone"] == q["zone"] for m in msgs):
                    continue
                if q.get("camera") and not any(q["camera"] in m["cameras"] for m in msgs):
                    continue
                out.append({"id": iid, "kind": last["kind"], "severity": last["severity"],
                            "zone": last["zone"], "cameras": last["cameras"],
                            "first_ts": first["first_ts"], "last_ts": last["last_ts"],
                            "state": last["state"], "messages": [dict(m) for m in msgs]})
        out.sort(key=lambda i: i["first_ts"], reverse=True)
        return {"incidents": out}

    # -- the scenario steps the test drives

    def send_crossing(self, camera: str = "cam-rabia-10", count: int = 3, steps: int = 3,
                      step_s: float = 1.5) -> dict:
        """A critical border_crossing SY->IQ in front of ``camera``: raised now (100 m into Iraq),
        then ``steps`` position updates every ``step_s`` seconds, further in. Returns the raised
        message."""
        cam = self.camera[camera]
        lat, lon = self.cam_latlon(camera)
        line = self.border["geometry"]["coordinates"]
        t0 = now_ms() - 6000
        iid = self._new_id()
        base = {"id": iid, "kind": "border_crossing", "severity": "critical", "class": "person",
                "count": count, "sector": cam["properties"]["sector"], "zone": self.border["properties"]["id"],
                "direction": "SY->IQ", "cameras": [camera, self._neighbour(camera)], "first_ts": t0}
        p = border_point(line, (lat, lon), 110)
        raised = self.publish({**base, "state": "raised", "lat": p[0], "lon": p[1], "last_ts": now_ms()})

        def walk():
            for i in range(1, steps + 1):
                time.sleep(step_s)
                q = border_point(line, (lat, lon), 110 + 180 * i)
                q = offset(q[0], q[1], 60 * i, 40 * i)
                self.publish({**base, "state": "updated", "lat": q[0], "lon": q[1], "last_ts": now_ms()})

        threading.Thread(target=walk, daemon=True).start()
        return raised

    def stop_cameras(self, ids: list[str]) -> tuple[dict, dict]:
        """These cameras fall silent together: one camera_offline incident that lists them, and a
        coverage_gap over the stretch of border they alone covered. Returns both raised messages."""
        pts = [self.cam_latlon(c) for c in ids]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        sector = self.camera[ids[0]]["properties"]["sector"]
        zone = self.border["properties"]["id"]
        t = now_ms()
        offline = self.publish({"id": self._new_id(), "state": "raised", "kind": "camera_offline",
                                "severity": "high", "class": "unknown", "count": len(ids), "sector": sector,
                                "zone": zone, "lat": round(lat, 6), "lon": round(lon, 6), "cameras": list(ids),
                                "first_ts": t, "last_ts": t, "rule": "camera-offline"})
        line = self.border["geometry"]["coordinates"]
        kms = sorted(self.camera[c]["properties"]["km"] for c in ids)
        a = border_point(line, pts[0], 0)
        b = border_point(line, pts[-1], 0)
        from_km, to_km = kms[0] + 0.5, kms[-1] - 0.5
        gap = self.publish({"id": self._new_id(), "state": "raised", "kind": "coverage_gap",
                            "severity": "critical", "class": "unknown", "count": len(ids), "sector": sector,
                            "zone": zone, "lat": round((a[0] + b[0]) / 2, 6), "lon": round((a[1] + b[1]) / 2, 6),
                            "cameras": list(ids), "first_ts": t, "last_ts": t, "rule": "coverage-gap",
                            "stretch": {"border": zone, "from_km": round(from_km, 1), "to_km": round(to_km, 1),
                                        "km": round(to_km - from_km, 1), "from": list(a), "to": list(b)}})
        return offline, gap

    def resolve(self, iid: str) -> dict:
        with self.lock:
            last = self.messages[iid][-1]
        return self.publish({k: v for k, v in last.items() if k not in ("v", "seq", "emitted_ts")}
                            | {"state": "resolved", "last_ts": now_ms()})

    def _neighbour(self, camera: str) -> str:
        stem, n = camera.rsplit("-", 1)
        other = f"{stem}-{int(n) + 1:02d}"
        return other if other in self.camera else f"{stem}-{int(n) - 1:02d}"

    def _seed(self) -> None:
        """A believable night: three past incidents (resolved) and three open ones."""
        line = self.border["geometry"]["coordinates"]
        zone = self.border["properties"]["id"]
        now = now_ms()
        hour = 3_600_000

        def past(kind, severity, cls, count, cam, start, moves, direction=None, zone_id=zone):
            iid = self._new_id()
            sector = self.camera[cam]["properties"]["sector"]
            lat, lon = self.cam_latlon(cam)
            for i, (into, east) in enumerate(moves):
                p = border_point(line, (lat, lon), into)
                p = offset(p[0], p[1], east, 0)
                ts = start + i * 40_000
                state = "raised" if i == 0 else ("resolved" if i == len(moves) - 1 else "updated")
                msg = {"id": iid, "state": state, "kind": kind, "severity": severity, "class": cls,
                       "count": count, "sector": sector, "zone": zone_id, "lat": p[0], "lon": p[1],
                       "cameras": [cam, self._neighbour(cam)], "first_ts": start, "last_ts": ts}
                if direction:
                    msg["direction"] = direction
                self.publish(msg, emitted_ts=ts + 4, broadcast=False)
            return iid

        done = past("border_crossing", "critical", "person", 2, "cam-qaim-07", now - 19 * hour,
                    [(120, 0), (400, 90), (800, 150), (1300, 260), (1900, 300), (2300, 330)], "SY->IQ")
        self.reviews[done].update({"acknowledged_by": "bravo", "acknowledged_ts": now - 19 * hour + 30_000,
                                   "closed_by": "bravo", "notes": [
                                       {"by": "bravo", "ts": now - 19 * hour + 30_000, "text": "Patrol 2 sent"},
                                       {"by": "bravo", "ts": now - 18 * hour, "text": "Two men detained"}]})
        past("intrusion", "high", "vehicle", 1, "cam-sinjar-05", now - 7 * hour,
             [(-600, 0), (-500, 200), (-650, 500), (-900, 700)], zone_id="iq-sy-strip")
        past("border_crossing", "critical", "vehicle", 1, "cam-baaj-12", now - 3 * hour,
             [(-150, 0), (-600, -200), (-1200, -300)], "IQ->SY")

        # Open now.
        cam = "cam-sinjar-11"
        lat, lon = self.cam_latlon(cam)
        iid = self._new_id()
        for i, into in enumerate((-700, -650, -560)):
            p = border_point(line, (lat, lon), into)
            self.publish({"id": iid, "state": "raised" if i == 0 else "updated", "kind": "intrusion",
                          "severity": "high", "class": "person", "count": 2 + (i > 1),
                          "sector": self.camera[cam]["properties"]["sector"], "zone": "iq-sy-strip",
                          "lat": p[0], "lon": p[1], "cameras": [cam, self._neighbour(cam)],
                          "first_ts": now - 430_000, "last_ts": now - 430_000 + i * 60_000},
                         emitted_ts=now - 430_000 + i * 60_000 + 3, broadcast=False)
        self.reviews[iid].update({"acknowledged_by": "bravo", "acknowledged_ts": now - 400_000,
                                  "assigned_to": "Patrol 3", "notes": [
                                      {"by": "bravo", "ts": now - 400_000, "text": "Shepherds? PTZ on them"}]})
        lat, lon = 36.7925, 42.0895  # inside restricted-rabia-crossing, outside the towns
        cam = "cam-rabia-14"
        self.publish({"id": self._new_id(), "state": "raised", "kind": "loitering", "severity": "high",
                      "class": "vehicle", "count": 1, "sector": self.camera[cam]["properties"]["sector"],
                      "zone": "restricted-rabia-crossing", "lat": lat, "lon": lon, "cameras": [cam],
                      "first_ts": now - 190_000, "last_ts": now - 20_000},
                     emitted_ts=now - 20_000, broadcast=False)
        town = next(f for f in self.zones["features"] if f["properties"]["id"] == "town-al-qaim")
        tlon, tlat = town["geometry"]["coordinates"]
        self.publish({"id": self._new_id(), "state": "raised", "kind": "night_movement", "severity": "low",
                      "class": "person", "count": 4, "sector": "S05", "zone": "town-al-qaim",
                      "lat": tlat + 0.004, "lon": tlon - 0.006, "cameras": ["cam-qaim-16"],
                      "first_ts": now - 75_000, "last_ts": now - 5_000, "exercise": True},
                     emitted_ts=now - 5_000, broadcast=False)

    # -- serving

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        standin = self

        class Handler(ConsoleHandler):
            app = standin

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://{host}:{self.server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
        for c in list(self.clients):
            try:
                c.sock.close()
            except OSError:
                pass


class ConsoleHandler(BaseHTTPRequestHandler):
    app: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    # helpers
    def session_user(self) -> str | None:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        token = cookie.get("vigil_session")
        return self.app.sessions.get(token.value) if token else None

    def send_json(self, status: int, obj: dict, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_file(self, root: Path, rel: str) -> None:
        path = (root / rel).resolve()
        if root.resolve() not in path.parents or not path.is_file():
            return self.send_json(404, {"error": "not found"})
        body = path.read_bytes()
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith("javascript"):
            ctype += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def read_body(self) -> dict:
        n = int(self.headers.get("Content-Length") or 0)
        try:
            obj = json.loads(self.rfile.read(n) or b"{}")
            return obj if isinstance(obj, dict) else {}
        except ValueError:
            return {}

    # routes
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        if path in ("/", "/index.html"):
            return self.send_file(CONSOLE_DIR, "index.html")
        if path.startswith("/console/"):
            return self.send_file(CONSOLE_DIR, path[len("/console/"):])
        if path.startswith("/leaflet/"):
            return self.send_file(LEAFLET_DIR, path[len("/leaflet/"):])
        if not path.startswith("/api/"):
            return self.send_json(404, {"error": "not found"})
        user = self.session_user()
        if user is None:
            return self.send_json(401, {"error": "sign in first"})
        if path == "/api/me":
            return self.send_json(200, {"user": user})
        if path == "/api/site":
            return self.send_json(200, {"exercise": self.app.exercise, "zones": self.app.zones,
                                        "cameras": self.app.cameras, "places": self.app.places})
        if path == "/api/incidents":
            return self.send_json(200, {"latest_seq": self.app.seq, "incidents": self.app.open_incidents()})
        if path == "/api/history":
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            return self.send_json(200, self.app.history(q))
        if path == "/api/live":
            return self.upgrade(user)
        return self.send_json(404, {"error": "not found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self.read_body()
        if path == "/api/login":
            user, password = str(body.get("user", "")), str(body.get("password", ""))
            if self.app.users.get(user) != password or not user:
                return self.send_json(401, {"error": "Wrong user name or password."})
            token = secrets.token_urlsafe(24)
            self.app.sessions[token] = user
            return self.send_json(200, {"user": user}, {
                "Set-Cookie": f"vigil_session={token}; HttpOnly; SameSite=Strict; Path=/"})
        user = self.session_user()
        if user is None:
            return self.send_json(401, {"error": "sign in first"})
        if path == "/api/logout":
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
            self.app.sessions.pop(cookie["vigil_session"].value, None)
            return self.send_json(200, {}, {"Set-Cookie": "vigil_session=; Max-Age=0; Path=/"})
        parts = path.split("/")  # ['', 'api', 'incidents', id, action]
        if len(parts) == 5 and parts[1:3] == ["api", "incidents"]:
            status, obj = self.app.review(parts[3], parts[4], user, body)
            return self.send_json(status, obj)
        return self.send_json(404, {"error": "not found"})

    def upgrade(self, user: str) -> None:
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            return self.send_json(400, {"error": "WebSocket only"})
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(HTTPStatus.SWITCHING_PROTOCOLS)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        client = LiveClient(self.connection, user)
        self.app.clients.add(client)
        try:
            while True:
                frame = read_frame(self.rfile)
                if frame is None or frame[0] == 0x8:
                    break
                if frame[0] == 0x9:  # ping -> pong
                    with client.lock:
                        self.connection.sendall(bytes([0x8A, len(frame[1])]) + frame[1])
        except OSError:
            pass
        finally:
            self.app.clients.discard(client)
            self.close_connection = True


def main() -> None:
    ap = argparse.ArgumentParser(description="Development stand-in for vigild's console API (not vigild).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--exercise", action="store_true", help="mark the site and every alert as an exercise")
    ap.add_argument("--demo", action="store_true", help="raise a crossing every 40 s, resolve it 30 s later")
    args = ap.parse_args()
    app = StandIn({"alpha": "alpha-pass", "bravo": "bravo-pass"}, exercise=args.exercise)
    print(f"stand-in (not vigild) at {app.start(args.host, args.port)}; users alpha/alpha-pass, bravo/bravo-pass")
    cams = sorted(app.camera)
    try:
        i = 0
        while True:
            time.sleep(40 if args.demo else 3600)
            if args.demo:
                raised = app.send_crossing(camera=cams[(i * 17) % len(cams)])
                i += 1
                threading.Timer(30, app.resolve, [raised["id"]]).start()
    except KeyboardInterrupt:
        app.stop()


if __name__ == "__main__":
    main()
