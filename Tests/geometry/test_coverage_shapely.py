"""Camera coverage of the border (`vigil coverage --json`) against Shapely and pyproj (pytest).

Runs the built `vigil coverage --json` (in `$VIGIL_BIN_DIR`, default `.build/debug`) on the default
configuration and computes the same coverage here, without any of Vigil's code or formulas:

* Each camera's sector in an azimuthal equidistant projection centred on the camera (pyproj
  `aeqd`, WGS84), where distances and azimuths from the camera are exactly geodesic: the arc is
  sampled every 0.05 degrees at the range, closed through the camera unless the field of view is
  360 degrees.
* The border line, straight in lon/lat (RFC 7946), segmentized to 0.0005 degrees (about 50 m) in
  lon/lat before it is projected, so that it keeps its shape in the projection; Shapely intersects
  it with the sector.
* Km along the line: the geodesic length (pyproj `Geod`) of the segmentized line up to the point,
  from its first vertex. The covered km intervals of all the cameras are then united.

Tolerance: each end of each stretch (its km and its position) within END_TOL_M = 10 m; lengths
and the total within the sum of their ends' tolerances. The expected disagreement is under a metre:

* the sampled arc (chords every 0.05 degrees) lies inside the true arc by at most
  r (1 - cos(0.025 deg)) = 0.4 mm at 4 km;
* Vigil measures each camera's range and bearings in the tangent plane at the camera (`LocalPlane`),
  the reference geodesically: the two differ by at most 0.4 m at 4 km (and 2.3 m at 10 km); an end
  moves along the line by that over the sine of the angle at which the line crosses the arc or edge;
* Vigil's km (tangent plane at each segment's midpoint) and the geodesic km agree to 1 cm over the
  599 km line; the 50 m chords of the segmentized line are shorter than the line by micrometres.

The largest disagreement measured on the default configuration is 0.7 m. 10 m leaves room for
lines crossing a camera's arc at a grazing angle and for longer ranges, and still catches real
errors: one degree of heading moves an edge's crossing by about 70 m at 4 km.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, Polygon

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "Config" / "vigild.yaml"
ZONES = ROOT / "Config" / "zones.geojson"
CAMERAS = ROOT / "Config" / "cameras.geojson"
GEOD = Geod(ellps="WGS84")
ARC_STEP_DEG = 0.05
SEGMENTIZE_DEG = 0.0005
END_TOL_M = 10.0
# Cameras down for the gap check: two neighbours mid-stretch (a gap), one whose neighbours cover
# for it (none), and the first of a stretch (its outer reach is lost).
DOWN = ["cam-qaim-05", "cam-qaim-06", "cam-rabia-31", "cam-baaj-01"]


# --- running vigil -----------------------------------------------------------------------------


def vigil() -> Path:
    path = Path(os.environ.get("VIGIL_BIN_DIR") or ROOT / ".build" / "debug") / "vigil"
    if not path.exists():
        pytest.fail(f"{path} not found: run `swift build` first, or set VIGIL_BIN_DIR")
    return path


def coverage(*arguments: str) -> subprocess.CompletedProcess:
    r = subprocess.run([str(vigil()), "coverage", "--config", str(CONFIG), *arguments],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr + r.stdout[-2000:]
    return r


# --- the reference ----------------------------------------------------------------------------


class Reference:
    """Each camera's covered km intervals on the border line, computed with Shapely and pyproj."""

    def __init__(self) -> None:
        zones = json.loads(ZONES.read_text(encoding="utf-8"))["features"]
        border = [f for f in zones if f["properties"].get("kind") == "border"]
        assert len(border) == 1, "the default configuration has one border line"
        self.zone = border[0]["properties"].get("id", border[0].get("id"))
        self.line = LineString(border[0]["geometry"]["coordinates"])
        self.dense = np.array(shapely.segmentize(self.line, SEGMENTIZE_DEG).coords)
        d = self.dense
        chords = GEOD.inv(d[:-1, 0], d[:-1, 1], d[1:, 0], d[1:, 1])[2]
        self.cum_m = np.r_[0.0, np.cumsum(chords)]
        self.cum_deg = np.r_[0.0, np.cumsum(np.hypot(d[1:, 0] - d[:-1, 0], d[1:, 1] - d[:-1, 1]))]
        self.cameras = json.loads(CAMERAS.read_text(encoding="utf-8"))["features"]
        # (from m, to m, (lon, lat) at from, (lon, lat) at to, camera id), ascending.
        self.pieces = sorted(p for camera in self.cameras for p in self.camera_pieces(camera))

    @property
    def length_m(self) -> float:
        return float(self.cum_m[-1])

    def along_m(self, lon: float, lat: float) -> float:
        """Geodesic metres along the line from its first vertex to its point (lon, lat)."""
        return float(np.interp(self.line.project(Point(lon, lat)), self.cum_deg, self.cum_m))

    def camera_pieces(self, feature: dict) -> list[tuple]:
        lon, lat = feature["geometry"]["coordinates"]
        p = feature["properties"]
        aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m +no_defs"
        to_plane = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
        to_geo = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
        r, heading, fov = p["range_m"], p["heading_deg"], p["fov_deg"]
        azimuths = np.radians(np.linspace(heading - fov / 2, heading + fov / 2, int(np.ceil(fov / ARC_STEP_DEG)) + 1))
        arc = np.c_[r * np.sin(azimuths), r * np.cos(azimuths)]
        sector = Polygon(arc if fov >= 360 else np.r_[[[0.0, 0.0]], arc])
        x, y = to_plane.transform(self.dense[:, 0], self.dense[:, 1])
        near = np.flatnonzero(np.hypot(x, y) <= r + 100)  # vertices 50 m apart: none of the line is missed
        if len(near) == 0:
            return []
        lo, hi = max(near.min() - 1, 0), min(near.max() + 2, len(x))
        inside = LineString(np.c_[x[lo:hi], y[lo:hi]]).intersection(sector)
        pieces = []
        for g in getattr(inside, "geoms", [inside]):
            if g.is_empty or g.geom_type != "LineString" or g.length < 1e-3:
                continue
            a = to_geo.transform(*g.coords[0])
            b = to_geo.transform(*g.coords[-1])
            (ma, a), (mb, b) = sorted([(self.along_m(*a), a), (self.along_m(*b), b)])
            pieces.append((ma, mb, a, b, p["id"]))
        return pieces

    def covered(self, down: frozenset[str] = frozenset()) -> list[dict]:
        """The union of the live cameras' pieces: stretches with their ends and cameras."""
        merged: list[dict] = []
        for ma, mb, a, b, camera in self.pieces:
            if camera in down:
                continue
            if merged and ma <= merged[-1]["to_m"] + 1e-3:
                last = merged[-1]
                if mb > last["to_m"]:
                    last["to_m"], last["to"] = mb, b
                last["cameras"].add(camera)
            else:
                merged.append({"from_m": ma, "to_m": mb, "from": a, "to": b, "cameras": {camera}})
        return merged

    def gaps(self, down: frozenset[str]) -> list[tuple[float, float, set[str]]]:
        """What all the cameras cover and the live ones do not: (from m, to m, cameras down there)."""
        live = self.covered(down)
        gaps = []
        for stretch in self.covered():
            start = stretch["from_m"]
            for cut in live:
                if cut["to_m"] <= start or cut["from_m"] >= stretch["to_m"]:
                    continue
                if cut["from_m"] > start:
                    gaps.append((start, cut["from_m"]))
                start = max(start, cut["to_m"])
            if stretch["to_m"] > start:
                gaps.append((start, stretch["to_m"]))
        return [(a, b, {c for ma, mb, _, _, c in self.pieces if c in down and min(mb, b) - max(ma, a) > 1})
                for a, b in gaps if b - a > 1e-3]


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference()


def distance_m(position: dict, lonlat: tuple[float, float]) -> float:
    return GEOD.inv(position["lon"], position["lat"], lonlat[0], lonlat[1])[2]


# --- the tests ---------------------------------------------------------------------------------


def test_default_coverage_agrees_with_shapely(reference: Reference, capsys):
    got = json.loads(coverage("--json").stdout)
    assert [b["zone"] for b in got["borders"]] == [reference.zone]
    border = got["borders"][0]
    assert abs(border["length_km"] * 1000 - reference.length_m) < END_TOL_M
    want = reference.covered()
    assert len(border["covered"]) == len(want), (border["covered"], want)
    report, worst = [], 0.0
    for stretch, ref in zip(border["covered"], want):
        ends = [stretch["from_km"] * 1000 - ref["from_m"], stretch["to_km"] * 1000 - ref["to_m"],
                distance_m(stretch["from"], ref["from"]), distance_m(stretch["to"], ref["to"])]
        worst = max(worst, *map(abs, ends))
        report.append(f"  km {stretch['from_km']:8.3f} - {stretch['to_km']:8.3f}: ends differ by "
                      f"{ends[0]:+.2f} m, {ends[1]:+.2f} m (positions {ends[2]:.2f} m, {ends[3]:.2f} m), "
                      f"{len(stretch['cameras'])} cameras")
        assert all(abs(e) <= END_TOL_M for e in ends), report[-1]
        assert abs(stretch["length_km"] * 1000 - (ref["to_m"] - ref["from_m"])) <= 2 * END_TOL_M
        assert set(stretch["cameras"]) == ref["cameras"], report[-1]
    total = sum(r["to_m"] - r["from_m"] for r in want)
    assert abs(got["covered_km"] * 1000 - total) <= 2 * END_TOL_M * len(want)
    assert abs(border["covered_km"] * 1000 - total) <= 2 * END_TOL_M * len(want)
    # The uncovered stretches are the rest of the line.
    uncovered = sum(s["length_km"] for s in border["uncovered"])
    assert abs(uncovered + border["covered_km"] - border["length_km"]) < 1e-5
    with capsys.disabled():
        print(f"\nvigil coverage: {got['covered_km']:.3f} km covered, Shapely {total / 1000:.3f} km; "
              f"worst end {worst:.2f} m\n" + "\n".join(report))


def test_gaps_with_cameras_down_agree_with_shapely(reference: Reference):
    args = [a for camera in DOWN for a in ("--down", camera)]
    got = json.loads(coverage("--json", *args).stdout)
    gaps = got["borders"][0]["gaps"]
    want = reference.gaps(frozenset(DOWN))
    assert len(gaps) == len(want) == 2, (gaps, want)
    for gap, (a, b, cameras) in zip(gaps, want):
        assert abs(gap["from_km"] * 1000 - a) <= END_TOL_M and abs(gap["to_km"] * 1000 - b) <= END_TOL_M, (gap, a, b)
        assert set(gap["cameras"]) == cameras
    live = sum(r["to_m"] - r["from_m"] for r in reference.covered(frozenset(DOWN)))
    assert abs(got["live_covered_km"] * 1000 - live) <= 2 * END_TOL_M * len(reference.covered())
    # The tables say the same.
    text = coverage(*args).stdout
    assert f"with {', '.join(got['down'])} down" in text and "2 gaps" in text
