"""The operations-room console in a real browser: headless Chromium driven by Selenium.

Each test is one step of an operator's night, in order: sign in, see the border and the cameras,
get a crossing within a second of its alert with sound and a notification, see a colleague's
acknowledgement within a second (and the sound stop), see a camera outage and the gap it leaves,
replay an incident from the history. Every step saves a screenshot to the artefacts folder.

Needs Debian's chromium and chromium-driver, and selenium and pytest from PyPI. Run:
    python3 -m pytest -q Tests/console
"""

from __future__ import annotations

import collections
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bcrypt
import pytest
import zmq
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# --- What ties this file to a server: adapt here ---------------------------------------------

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "Tests" / "contract"))
from conftest import Daemon, config_with  # noqa: E402  (the contract tests' vigild process)
from test_contract import border_point, load, offset  # noqa: E402
CAMERAS_GEOJSON = REPO / "Config" / "cameras.geojson"
ARTEFACTS = Path(os.environ.get("VIGIL_ARTEFACTS") or HERE / "artefacts")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = "1920,1200"

# Two operators (each signs in on a browser of their own).
OPERATOR = ("duty-officer", "first-watch-pw")
COLLEAGUE = ("supervisor", "second-watch-pw")
# Cameras side by side whose silence leaves a stretch of border with no camera on it.
OUTAGE_CAMERAS = ["cam-baaj-08", "cam-baaj-09", "cam-baaj-10"]
# How long the server may take to raise what a step asks of it (the crossing's latency from its
# alert to the console is measured separately and must be under a second).
CROSSING_TIMEOUT_S = 20
OUTAGE_TIMEOUT_S = 30
# The bound the product sets: alert (or review) to screen.
LIVE_LATENCY_MS = 1000


@dataclass
class Console:
    url: str
    user: str
    password: str
    other_user: str
    other_password: str
    send_crossing: Callable[[], object]
    stop_cameras: Callable[[list[str]], object]


class Gateway(threading.Thread):
    """A sensor gateway for every camera of the configuration, on its own thread (a pyzmq PUB
    socket belongs to one thread): each camera sends a heartbeat every second, `seq` +1 a frame,
    event time now, so none goes offline; a camera given a walk sends one detection of it every
    100 ms instead; a stopped camera falls silent."""

    def __init__(self, context, endpoint):
        super().__init__(daemon=True)
        self.cameras = {f["properties"]["id"]: f["properties"] for f in load("cameras.geojson")["features"]}
        self.socket = context.socket(zmq.PUB)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.seq = dict.fromkeys(self.cameras, 0)
        self.walks = {}
        self.stopped = set()
        self.lock = threading.Lock()
        self.done = threading.Event()

    def run(self):
        tick = 0
        while not self.done.is_set():
            now = int(time.time() * 1000)
            with self.lock:
                for camera, props in self.cameras.items():
                    walk = self.walks.get(camera)
                    if camera in self.stopped or (not walk and tick % 10):
                        continue
                    detections = [walk.popleft()] if walk else []
                    self.seq[camera] += 1
                    report = {"v": 1, "camera": camera, "seq": self.seq[camera], "ts": now, "detections": detections}
                    self.socket.send_multipart([f"det.{props['sector']}.{camera}".encode(), json.dumps(report).encode()])
            tick += 1
            self.done.wait(0.1)
        self.socket.close()

    def send_crossing(self, km=558.0, cameras=("cam-rabia-16", "cam-rabia-17"), track=40):
        """One person walks from 60 m inside Syria to 120 m inside Iraq at `km`, seen by `cameras`."""
        lat0, lon0, (ne, nn) = border_point(km)
        with self.lock:
            for k, camera in enumerate(cameras):
                steps = collections.deque()
                for i in range(121):
                    d = -60 + 180 * i / 120
                    lat, lon = offset(lat0, lon0, ne * d + k * 2.0, nn * d)
                    steps.append({"track": track + k, "class": "person", "conf": 0.9, "lat": round(lat, 6), "lon": round(lon, 6)})
                self.walks[camera] = steps

    def stop_cameras(self, ids):
        with self.lock:
            self.stopped.update(ids)


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The real vigild (debug build, or VIGIL_BIN_DIR) on free loopback ports with two console
    accounts, cameras declared offline after 3 s of silence, and a gateway feeding every camera.

    Yields a ``Console``: ``url`` (the HTTP server), two operators, ``send_crossing()`` (a person
    crosses SY->IQ near Rabia: vigild raises a critical ``border_crossing``), and
    ``stop_cameras(ids)`` (those cameras fall silent: ``camera_offline`` and, for the border they
    alone covered, ``coverage_gap``)."""
    tmp = tmp_path_factory.mktemp("console")
    accounts = [{"name": name, "password_bcrypt": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()}
                for name, password in (OPERATOR, COLLEAGUE)]
    config = config_with(tmp, http={"accounts": accounts}, health={"offline_after_s": 3})
    daemon = Daemon(tmp, config=config)
    gateway = Gateway(daemon.context, daemon.ingest)
    gateway.start()
    try:
        yield Console(daemon.http, *OPERATOR, *COLLEAGUE, send_crossing=gateway.send_crossing, stop_cameras=gateway.stop_cameras)
    finally:
        gateway.done.set()
        gateway.join(5)
        daemon.stop()
        daemon.context.term()


# --- Browsers --------------------------------------------------------------------------------

def new_browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={WINDOW}",
                "--autoplay-policy=no-user-gesture-required", "--lang=en-GB"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"profile.default_content_setting_values.notifications": 1})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = new_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def colleague_browser():
    driver = new_browser()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shared() -> dict:
    """What one step hands the next (the crossing's incident id)."""
    return {}


def shot(driver: webdriver.Chrome, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def js(driver: webdriver.Chrome, script: str, *args):
    return driver.execute_script(script, *args)


def wait(driver: webdriver.Chrome, timeout: float, what: str, predicate: Callable[[webdriver.Chrome], object]):
    return WebDriverWait(driver, timeout, poll_frequency=0.02).until(predicate, message=what)


def visible(driver: webdriver.Chrome, element_id: str) -> bool:
    els = driver.find_elements(By.ID, element_id)
    return bool(els) and els[0].is_displayed()


def sign_in(driver: webdriver.Chrome, url: str, user: str, password: str) -> None:
    driver.get(url)
    wait(driver, 10, "the sign-in form", lambda d: visible(d, "signin-user"))
    driver.find_element(By.ID, "signin-user").send_keys(user)
    driver.find_element(By.ID, "signin-password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    wait(driver, 10, "signed in", lambda d: not visible(d, "signin") and d.find_element(By.ID, "who").text == user)
    wait(driver, 10, "the live connection", lambda d: js(d, "return window.vigilConsole.connected"))


def open_ids(driver: webdriver.Chrome, kind: str | None = None) -> set[str]:
    return set(js(driver, """
        return Object.values(window.vigilConsole.incidents)
            .filter(i => !arguments[0] || i.kind === arguments[0]).map(i => i.id);""", kind))


# --- The steps -------------------------------------------------------------------------------

def test_sign_in_refuses_a_wrong_password_and_accepts_the_right_one(console, browser):
    browser.get(console.url)
    wait(browser, 10, "the sign-in form", lambda d: visible(d, "signin-user"))
    browser.find_element(By.ID, "signin-user").send_keys(console.user)
    browser.find_element(By.ID, "signin-password").send_keys(console.password + "-wrong")
    browser.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    wait(browser, 5, "a refusal in the form", lambda d: d.find_element(By.ID, "signin-error").text.strip())
    shot(browser, "01-sign-in-refused")
    assert visible(browser, "signin"), "a wrong password must leave the sign-in form up"
    assert not js(browser, "return window.vigilConsole.connected")

    password = browser.find_element(By.ID, "signin-password")
    password.clear()
    password.send_keys(console.password)
    browser.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    wait(browser, 10, "signed in", lambda d: not visible(d, "signin") and d.find_element(By.ID, "who").text == console.user)
    wait(browser, 10, "the live connection", lambda d: js(d, "return window.vigilConsole.connected"))
    assert "Live" in browser.find_element(By.ID, "conn").text
    shot(browser, "02-signed-in")


def test_map_draws_the_border_and_every_camera(console, browser):
    cameras = json.loads(CAMERAS_GEOJSON.read_text())["features"]
    wait(browser, 10, "one wedge per camera",
         lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.vigil-fov")) == len(cameras))
    drawn = set(js(browser, "return [...document.querySelectorAll('path.vigil-fov')].map(p => p.dataset.camera)"))
    assert drawn == {f["properties"]["id"] for f in cameras}
    box = js(browser, "const b = document.querySelector('path.vigil-border').getBoundingClientRect(); return [b.width, b.height]")
    assert box[1] > 300, f"the border should span most of the map's height, is {box}"
    shot(browser, "03-map")


def test_a_crossing_reaches_the_list_and_the_map_within_a_second(console, browser, shared):
    before = open_ids(browser)
    console.send_crossing()
    new = wait(browser, CROSSING_TIMEOUT_S, "a new critical border crossing in the list", lambda d: js(d, """
        const v = window.vigilConsole, before = new Set(arguments[0]);
        const inc = Object.values(v.incidents).find(i => !before.has(i.id) && i.kind === 'border_crossing'
            && i.severity === 'critical');
        const shown = inc && v.criticalShown[inc.id];
        return shown && document.querySelector(`#incidents li[data-incident="${inc.id}"]`)
            ? {id: inc.id, at: shown.at, emitted: shown.emitted_ts} : null;""", list(before)))
    # From the emitted_ts of the message that made the incident critical (its `raised`, or the
    # `updated` that turned an intrusion into a crossing) to the row on screen, both on this host's clock.
    latency = new["at"] - new["emitted"]
    print(f"crossing {new['id']}: alert emitted -> row shown {latency} ms")
    assert latency <= LIVE_LATENCY_MS, f"the row appeared {latency} ms after the alert was emitted"
    assert browser.find_elements(By.CSS_SELECTOR, f'path.vigil-incident[data-incident="{new["id"]}"]'), "no marker"
    row = browser.find_element(By.CSS_SELECTOR, f'#incidents li[data-incident="{new["id"]}"]').text
    assert "CRITICAL" in row and "Border crossing" in row and "NEW" in row
    shared["crossing"] = new["id"]
    shot(browser, "04-crossing")


def test_the_crossing_sounds_and_notifies(console, browser, shared):
    wait(browser, 10, "a sound and a notification", lambda d: js(d, """
        const v = window.vigilConsole; return v.soundsPlayed >= 1 && v.notificationsShown >= 1;"""))
    assert shared["crossing"] in js(browser, "return window.vigilConsole.alarmIds")
    assert visible(browser, "alarm") and "unacknowledged critical" in browser.find_element(By.ID, "alarm").text
    shot(browser, "05-alarm")


def test_an_acknowledgement_reaches_a_colleague_within_a_second_and_stops_the_sound(console, browser, colleague_browser, shared):
    iid = shared["crossing"]
    other = colleague_browser
    sign_in(other, console.url, console.other_user, console.other_password)
    wait(other, 10, "the crossing on the colleague's console, sounding", lambda d: js(d, """
        const v = window.vigilConsole; return v.alarmIds.includes(arguments[0]) && v.sounding;""", iid))

    browser.find_element(By.CSS_SELECTOR, f'#incidents li[data-incident="{iid}"] button.row').click()
    wait(browser, 5, "the actions", lambda d: visible(d, "act-ack"))
    browser.find_element(By.ID, "ack-comment").send_keys("Patrol 4 on its way")
    shot(browser, "06-acknowledging")
    clicked = js(browser, "return Date.now()")
    browser.find_element(By.CSS_SELECTOR, "#act-ack button[type=submit]").click()

    seen = wait(other, 5, "the acknowledgement on the colleague's console",
                lambda d: js(d, "return window.vigilConsole.reviewedAt[arguments[0]]", iid))
    latency = seen - clicked
    print(f"acknowledge click -> colleague's console {latency} ms")
    assert latency <= LIVE_LATENCY_MS, f"the acknowledgement took {latency} ms to reach the colleague"
    row = other.find_element(By.CSS_SELECTOR, f'#incidents li[data-incident="{iid}"]').text
    assert f"Acknowledged by {console.user}" in row
    alarms = js(other, "return window.vigilConsole.alarmIds")
    assert iid not in alarms
    if not alarms:  # nothing else critical is waiting: the colleague's console is quiet now
        assert js(other, "return window.vigilConsole.sounding") is False
        played = js(other, "return window.vigilConsole.soundsPlayed")
        time.sleep(js(other, "return window.vigilConsole.beepEveryMs") / 1000 + 0.3)
        assert js(other, "return window.vigilConsole.soundsPlayed") == played, "the sound went on"
        assert not visible(other, "alarm")
    shot(other, "07-acknowledged-seen-by-colleague")
    wait(browser, 5, "the acknowledgement on the operator's own console", lambda d: f"Acknowledged by {console.user}"
         in d.find_element(By.CSS_SELECTOR, f'#incidents li[data-incident="{iid}"]').text)
    shot(browser, "07-acknowledged")


def test_a_camera_outage_turns_its_wedges_red_and_shows_the_gap(console, browser):
    console.stop_cameras(OUTAGE_CAMERAS)
    offline = wait(browser, OUTAGE_TIMEOUT_S, "a camera_offline incident listing the stopped cameras", lambda d: js(d, """
        const listed = new Set(Object.values(window.vigilConsole.incidents)
            .filter(i => i.kind === 'camera_offline').flatMap(i => i.cameras));
        return arguments[0].every(c => listed.has(c)) ? [...listed] : null;""", OUTAGE_CAMERAS))
    wait(browser, 5, "red wedges", lambda d: js(d, """
        return arguments[0].every(c => document.querySelector(`path.vigil-fov[data-camera="${c}"]`)
            .classList.contains('offline'));""", offline))
    colours = js(browser, """
        const colour = (p) => p && getComputedStyle(p).stroke;
        return {off: arguments[0].map(c => colour(document.querySelector(`path.vigil-fov[data-camera="${c}"]`))),
                on: colour(document.querySelector('path.vigil-fov:not(.offline)'))};""", OUTAGE_CAMERAS)
    assert all(c == "rgb(255, 69, 58)" for c in colours["off"]), colours
    assert colours["on"] in (None, "rgb(48, 209, 88)"), colours

    gap = wait(browser, OUTAGE_TIMEOUT_S, "a red coverage gap on the map", lambda d: js(d, """
        const gap = Object.values(window.vigilConsole.incidents).find(i => i.kind === 'coverage_gap');
        const path = gap && document.querySelector(`path.vigil-gap[data-incident="${gap.id}"]`);
        return path ? {id: gap.id, stroke: getComputedStyle(path).stroke} : null;"""))
    assert gap["stroke"] == "rgb(255, 69, 58)"
    browser.find_element(By.CSS_SELECTOR, f'#incidents li[data-incident="{gap["id"]}"] button.row').click()
    wait(browser, 5, "the map zoomed to the gap", lambda d: js(d, """
        const b = document.querySelector(`path.vigil-gap[data-incident="${arguments[0]}"]`).getBoundingClientRect();
        return Math.max(b.width, b.height) > 50;""", gap["id"]))
    time.sleep(0.8)  # the end of the zoom animation, for the picture
    shot(browser, "08-outage-and-gap")


def test_history_replays_an_incident_and_returns_to_live(console, browser, shared):
    browser.find_element(By.ID, "history-toggle").click()
    wait(browser, 5, "the history panel", lambda d: visible(d, "history-form"))
    field = browser.find_element(By.ID, "h-from")
    field.clear()
    field.send_keys(time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() - 2 * 86400)))
    browser.find_element(By.CSS_SELECTOR, "#history-form button[type=submit]").click()
    wait(browser, 10, "history results", lambda d: d.find_elements(By.CSS_SELECTOR, "#history-results li"))
    shot(browser, "09-history")
    played = shared["crossing"]  # several messages: the marker moves
    browser.find_element(By.CSS_SELECTOR, f'#history-results li[data-incident="{played}"] button.play').click()
    wait(browser, 5, "the replay", lambda d: js(d, "return window.vigilConsole.replaying") and visible(d, "replay"))
    wait(browser, 5, "the replay's time label", lambda d: "Z" in d.find_element(By.ID, "replay-text").text)
    time.sleep(1.2)  # a step or two of the replay, for the picture
    shot(browser, "10-replay")
    wait(browser, 30, "back to live", lambda d: not js(d, "return window.vigilConsole.replaying") and visible(d, "live"))


def test_no_script_errors(browser, colleague_browser):
    for driver in (browser, colleague_browser):
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and e.get("source") == "javascript"]
        assert not errors, errors
