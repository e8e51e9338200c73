#!/usr/bin/env python3
"""Build Vigil's default zones and cameras from the real Iraq-Syria border data.

Usage (from anywhere; paths are resolved from this file's location, not the cwd):

    python3 Config/tools/make_config.py           # write Config/zones.geojson and Config/cameras.geojson
    python3 Config/tools/make_config.py --check   # regenerate in memory; exit 1 if the files differ

Inputs (read only): Config/data/iraq-syria/iraq-syria-border.geojson (the 133-vertex border line,
ordered S->N, and the `iq` and `sy` country polygons; DCW-GMT 2.1.1, LGPL-3.0-or-later) and
Config/data/iraq-syria/places.geojson (GeoNames, CC BY 4.0, plus three approximate places).
Python 3.11, standard library only. Output is deterministic: coordinates rounded to 6 decimals
(about 0.1 m), fixed feature order, fixed key order, UTF-8, one trailing newline.

Method (metres, not degrees)
----------------------------
* Plane geometry (nearest point on the line, offsets, normals) is done in one transverse Mercator
  projection on WGS84, central meridian 40.6 E, scale 1 on the central meridian, written here from
  Krueger's n-series to third order (Karney 2011, eq. 35-36; the series used for UTM). The series
  itself is exact to well under a millimetre this close to the central meridian. The point scale
  factor k is at most 1.0004 in the border's extent (the line spans 38.80-42.39 E); offsets are
  multiplied by k, so the 1,200 m camera setback is a true 1,200 m.
* Segments of the border are taken as straight lines in that projection. The data's own segments
  are straight in lon/lat (RFC 7946); the two differ by at most 2.9 m (measured) on the longest
  (14 km) segment, against a data accuracy of 0.5-2 km (1:1,000,000 source, see PROVENANCE.md).
* Distance along the border ("km", chainage from the Jordan tripoint) is the sum of the geodesic
  (Vincenty, WGS84) lengths of the segments up to a vertex, plus the projected fraction of the
  current segment times that segment's geodesic length. The total, 598.95 km, matches PROVENANCE.md
  (pyproj.Geod) to a few metres; the script asserts it.
* Everything that is checked on the outputs (the camera's distance to its nearest point on the line,
  its heading, and the coverage of the line by the cameras) uses Vincenty's inverse formula on the
  rounded coordinates as written to the files, i.e. true geodesic distances and compass azimuths,
  independent of the projection. Vincenty is accurate to about 0.5 mm.
* Side tests (is a point in Iraq or Syria) are point-in-polygon tests by ray casting in lon/lat
  against the `iq` and `sy` polygons of the data. Within 1-2 km of the line the data cannot decide
  which side a real point is on (PROVENANCE.md, Caveats); we use it only for points built to be
  clearly on one side.

Zones: the border line (priority 100), the 1 km strip on both sides (60), the 5 km Iraqi buffer (40),
the border guards' patrol road (a band of 50 m around the line's offset curve 250 m inside Iraq; kind
buffer, 30; ILLUSTRATIVE) and a circle around every place within 15 km of the line (20). Walking the line from its first
vertex (Jordan end) to its last (Turkey end), Syria is on the left and Iraq on the right; this is
asserted against the polygons.

Masks (90) and one restricted area (80) are ILLUSTRATIVE, NOT SURVEYED: three plausible static heat
sources (a flare near Al-Qaim, a generator house in the Sinjar stretch, a pump station near Rabia),
as a Point with radius_m, a Polygon and a MultiPolygon, each asserted to lie at least 300 m from the
line and wholly inside the view of at least two cameras; and the area within 4.5 km of the line
around the Rabia / Al-Yarubiyah crossing (km 549.5-557.5), a Polygon whose hole is the union of the
two town discs, with loitering_s. Rings are wound as RFC 7946 says (exterior counter-clockwise,
holes clockwise) and asserted simple; the hole is asserted to contain both town discs.

Cameras: masts on the Iraqi side, 1,200 m from the line, about 1.15 km apart along the line,
fov 90 deg, range 4,000 m, heading = azimuth from the camera to its nearest point on the line.
Sector = floor(km / 50) + 1 (S01..S12), km taken at that nearest point. Every 50 m of the line in each
stretch (less 1.5 km at each end) is asserted to be seen (inside range and field of view) by at least
two cameras.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE.parent
DATA = CONFIG / "data" / "iraq-syria"
BORDER_FILE = DATA / "iraq-syria-border.geojson"
PLACES_FILE = DATA / "places.geojson"
ZONES_FILE = CONFIG / "zones.geojson"
CAMERAS_FILE = CONFIG / "cameras.geojson"

# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------

LEFT, RIGHT = "SY", "IQ"          # walking the line S->N (asserted below)
PRIORITY = {"border": 100, "mask": 90, "restricted": 80, "strip": 60, "buffer": 40, "town": 20}
STRIP_BAND_M = 1000
BUFFER_BAND_M = 5000
TOWN_MAX_DIST_M = 15000
TOWN_RADIUS_M = {"abu-kamal": 3000, "al-qaim": 2500, "fishkhabur": 1500}
TOWN_RADIUS_DEFAULT_M = 2000

SETBACK_M = 1200.0                # camera distance from the line, Iraqi side
TARGET_SPACING_M = 1150.0         # spacing along the line is the largest <= this that fits the stretch
FOV_DEG = 90
RANGE_M = 4000
SECTOR_KM = 50
MIN_SEPARATION = 0.5              # skip a camera a bend puts closer than this x spacing to another
SAMPLE_STEP_M = 50.0              # coverage check: sample step along the line
SAMPLE_MARGIN_M = 1500.0          # coverage check: skip this much at each end of a stretch
MIN_COVERAGE = 2
SETBACK_TOL_M = 2.0               # allowed |distance(camera, line) - SETBACK_M| on the written coordinates

# name, first km, last km (km along the border from the Jordan tripoint), south to north
STRETCHES = [
    ("qaim", 215.0, 245.0),       # Al-Qaim / Husaybah / Abu Kamal crossing
    ("baaj", 400.0, 425.0),       # nearest Al-Baaj
    ("sinjar", 500.0, 525.0),     # nearest Sinjar
    ("rabia", 540.0, 575.0),      # Rabia / Al-Yarubiyah crossing
]

# Masks: plausible static heat sources the cameras see, ILLUSTRATIVE, NOT SURVEYED. Each is placed by
# km along the border and a signed offset from the line (+ Iraqi side, right; - Syrian side, left).
# Shapes: ("circle", radius_m) or ("boxes", [(along_m, across_m, length_m, width_m), ...]) of boxes
# aligned with the line, relative to the placement point (one box: Polygon; several: MultiPolygon).
MASK_NOTE = ("illustrative, not surveyed: a plausible static heat source placed to exercise masks; "
             "no real site is known to be here")
MASKS = [
    ("mask-qaim-flare", "Oil-field gas flare near Al-Qaim (illustrative)", 220.0, 450.0, ("circle", 80)),
    ("mask-sinjar-generator", "Village generator house, Syrian side of the Sinjar stretch (illustrative)", 512.0, -1500.0,
     ("boxes", [(0.0, 0.0, 120.0, 80.0)])),
    ("mask-rabia-pumps", "Pump station near Rabia, two engine houses (illustrative)", 566.55, 450.0,
     ("boxes", [(-75.0, 0.0, 50.0, 50.0), (75.0, 0.0, 50.0, 50.0)])),
]
MASK_MIN_LINE_M = 300.0           # every point of a mask at least this far from the line
MASK_MIN_CAMERAS = 2              # every mask wholly inside the view of at least this many cameras
CIRCLE_SAMPLES = 36               # boundary samples of a circle for the distance and view checks

# A restricted area around the Rabia / Al-Yarubiyah crossing (km 553-554), ILLUSTRATIVE: the
# rectangle from km RESTRICTED_KM[0] to km RESTRICTED_KM[1] (along the chord of the line between
# them), RESTRICTED_HALF_WIDTH_M either side, with one hole: the towns of Rabia and Al-Yarubiyah
# (the union of their two town discs, grown by RESTRICTED_HOLE_MARGIN_M), where people are expected.
RESTRICTED_ID = "restricted-rabia-crossing"
RESTRICTED_KM = (549.5, 557.5)    # ends 0.5 km short of the rabia-lone-crossing scenario (km 558)
RESTRICTED_HALF_WIDTH_M = 4500.0
RESTRICTED_HOLE_TOWNS = ("town-rabia", "town-al-yarubiyah")
RESTRICTED_HOLE_MARGIN_M = 10.0
RESTRICTED_HOLE_SIDES = 72        # vertices of each disc's circumscribed polygon
RESTRICTED_LOITERING_S = 120

# The border guards' patrol road, ILLUSTRATIVE: a track PATROL_ROAD_OFFSET_M inside Iraq along the
# whole line (the offset curve of the line on the Iraqi side: every point of the road centre line is
# that far from the nearest point of the border), and its zone, the band within PATROL_ROAD_BAND_M
# of the centre line. Its kind is `buffer` (the engine's kinds are fixed; no default rule names a
# buffer) with a low priority, so alerts keep naming the strip; rules.yaml's `patrol-road` rule
# names it by id to silence patrol vehicles' presence there (never a crossing).
PATROL_ROAD_ID = "iq-patrol-road"
PATROL_ROAD_OFFSET_M = 250.0
PATROL_ROAD_BAND_M = 50.0
PATROL_ROAD_PRIORITY = 30
PATROL_ROAD_SAMPLE_M = 50.0       # candidate points along each offset segment
PATROL_ROAD_ARC_DEG = 5.0         # candidate points around the outside of a bend
PATROL_ROAD_SIMPLIFY_M = 1.0      # Douglas-Peucker tolerance of the written centre line
PATROL_ROAD_TOL_M = 3.0           # the written centre line stays within this of the offset, checked every 20 m
PATROL_ROAD_MASK_CLEARANCE_M = 50.0  # no mask within this of the road's band

# Reference crossing points printed for scenario writers: (label, km)
REFERENCE_POINTS = [("lone person near Rabia", 553.0), ("vehicle near Al-Qaim", 232.0)]
REFERENCE_OFFSET_M = 500.0

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# ---------------------------------------------------------------------------------------------
# WGS84, transverse Mercator (Krueger series, 3rd order in n) and Vincenty's inverse
# ---------------------------------------------------------------------------------------------

WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_B = WGS84_A * (1 - WGS84_F)
TM_LON0 = 40.6

_N = WGS84_F / (2 - WGS84_F)
_A_RECT = WGS84_A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)
_ALPHA = (_N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16, 13 * _N**2 / 48 - 3 * _N**3 / 5, 61 * _N**3 / 240)
_BETA = (_N / 2 - 2 * _N**2 / 3 + 37 * _N**3 / 96, _N**2 / 48 + _N**3 / 15, 17 * _N**3 / 480)
_DELTA = (2 * _N - 2 * _N**2 / 3 - 2 * _N**3, 7 * _N**2 / 3 - 8 * _N**3 / 5, 56 * _N**3 / 15)
_C = 2 * math.sqrt(_N) / (1 + _N)


def tm_forward(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 lon/lat (degrees) -> transverse Mercator x (east), y (north) in metres."""
    phi = math.radians(lat)
    dl = math.radians(lon - TM_LON0)
    sphi = math.sin(phi)
    t = math.sinh(math.atanh(sphi) - _C * math.atanh(_C * sphi))
    xi_p = math.atan2(t, math.cos(dl))
    eta_p = math.atanh(math.sin(dl) / math.sqrt(1 + t * t))
    xi, eta = xi_p, eta_p
    for j, a in enumerate(_ALPHA, start=1):
        xi += a * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p)
        eta += a * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p)
    return _A_RECT * eta, _A_RECT * xi


def tm_inverse(x: float, y: float) -> tuple[float, float]:
    """Transverse Mercator x, y (metres) -> WGS84 lon, lat (degrees)."""
    xi = y / _A_RECT
    eta = x / _A_RECT
    xi_p, eta_p = xi, eta
    for j, b in enumerate(_BETA, start=1):
        xi_p -= b * math.sin(2 * j * xi) * math.cosh(2 * j * eta)
        eta_p -= b * math.cos(2 * j * xi) * math.sinh(2 * j * eta)
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    phi = chi
    for j, d in enumerate(_DELTA, start=1):
        phi += d * math.sin(2 * j * chi)
    lam = math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return TM_LON0 + math.degrees(lam), math.degrees(phi)


def tm_scale(x: float, y: float) -> float:
    """Point scale factor k of the projection at (x, y), numerically (ratio over a 100 m step)."""
    lon, lat = tm_inverse(x, y)
    lon2, lat2 = tm_inverse(x + 100.0, y)
    return 100.0 / vincenty(lon, lat, lon2, lat2)[0]


def vincenty(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, float]:
    """Geodesic distance (m) and initial azimuth (deg, 0 = north, clockwise) from point 1 to point 2.

    Vincenty's inverse formula on WGS84 (converges for all the short distances used here).
    """
    if lon1 == lon2 and lat1 == lat2:
        return 0.0, 0.0
    a, b, f = WGS84_A, WGS84_B, WGS84_F
    L = math.radians(lon2 - lon1)
    U1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    U2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    sU1, cU1, sU2, cU2 = math.sin(U1), math.cos(U1), math.sin(U2), math.cos(U2)
    lam = L
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        s_sig = math.hypot(cU2 * sl, cU1 * sU2 - sU1 * cU2 * cl)
        c_sig = sU1 * sU2 + cU1 * cU2 * cl
        sig = math.atan2(s_sig, c_sig)
        s_alpha = cU1 * cU2 * sl / s_sig
        c2_alpha = 1 - s_alpha**2
        c2sm = c_sig - 2 * sU1 * sU2 / c2_alpha if c2_alpha else 0.0
        C = f / 16 * c2_alpha * (4 + f * (4 - 3 * c2_alpha))
        lam_prev = lam
        lam = L + (1 - C) * f * s_alpha * (sig + C * s_sig * (c2sm + C * c_sig * (-1 + 2 * c2sm**2)))
        if abs(lam - lam_prev) < 1e-13:
            break
    else:
        raise ArithmeticError("Vincenty inverse did not converge")
    u2 = c2_alpha * (a * a - b * b) / (b * b)
    A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
    B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
    d_sig = B * s_sig * (c2sm + B / 4 * (c_sig * (-1 + 2 * c2sm**2)
                                         - B / 6 * c2sm * (-3 + 4 * s_sig**2) * (-3 + 4 * c2sm**2)))
    dist = b * A * (sig - d_sig)
    az = math.degrees(math.atan2(cU2 * math.sin(lam), cU1 * sU2 - sU1 * cU2 * math.cos(lam)))
    return dist, az % 360.0


# ---------------------------------------------------------------------------------------------
# Point in polygon (lon/lat, ray casting; GeoJSON polygon = exterior ring + holes)
# ---------------------------------------------------------------------------------------------


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    n = len(ring)
    for i in range(n - 1):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i + 1][0], ring[i + 1][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def point_in_polygon(lon: float, lat: float, rings: list[list[list[float]]]) -> bool:
    if not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


# ---------------------------------------------------------------------------------------------
# The border line in the projection, with chainage
# ---------------------------------------------------------------------------------------------


class Border:
    """The border polyline: lon/lat vertices, projected vertices, and chainage (metres from the S end)."""

    def __init__(self, coords: list[list[float]]):
        self.lonlat = [(c[0], c[1]) for c in coords]
        self.xy = [tm_forward(lon, lat) for lon, lat in self.lonlat]
        self.seg_len = [vincenty(*self.lonlat[i], *self.lonlat[i + 1])[0] for i in range(len(coords) - 1)]
        self.cum = [0.0]
        for length in self.seg_len:
            self.cum.append(self.cum[-1] + length)
        self.length = self.cum[-1]

    def point_at(self, s: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """Projected point at chainage s (m), and the unit direction (S->N) of its segment."""
        s = min(max(s, 0.0), self.length)
        i = 0
        while i < len(self.seg_len) - 1 and self.cum[i + 1] < s:
            i += 1
        t = (s - self.cum[i]) / self.seg_len[i]
        (x1, y1), (x2, y2) = self.xy[i], self.xy[i + 1]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        return (x1 + t * dx, y1 + t * dy), (dx / norm, dy / norm)

    def lonlat_at(self, s: float) -> tuple[float, float]:
        return tm_inverse(*self.point_at(s)[0])

    def nearest(self, x: float, y: float) -> tuple[float, float, tuple[float, float]]:
        """Nearest point on the line to projected (x, y): (projected distance, chainage, point)."""
        best = (math.inf, 0.0, (0.0, 0.0))
        for i in range(len(self.xy) - 1):
            (x1, y1), (x2, y2) = self.xy[i], self.xy[i + 1]
            dx, dy = x2 - x1, y2 - y1
            t = ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)
            t = min(max(t, 0.0), 1.0)
            px, py = x1 + t * dx, y1 + t * dy
            d = math.hypot(x - px, y - py)
            if d < best[0]:
                best = (d, self.cum[i] + t * self.seg_len[i], (px, py))
        return best

    def nearest_lonlat(self, lon: float, lat: float) -> tuple[float, float, tuple[float, float]]:
        """Nearest point to lon/lat: (geodesic distance m, chainage m, nearest point lon/lat)."""
        _, s, q = self.nearest(*tm_forward(lon, lat))
        qlon, qlat = tm_inverse(*q)
        return vincenty(lon, lat, qlon, qlat)[0], s, (qlon, qlat)


def offset_point(border: Border, s: float, metres: float) -> tuple[float, float]:
    """Lon/lat of the point `metres` to the right (negative: left) of the line at chainage s."""
    (px, py), (ux, uy) = border.point_at(s)
    k = tm_scale(px, py)
    return tm_inverse(px + uy * metres * k, py - ux * metres * k)


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def r6(v: float) -> float:
    return round(v, 6)


def sector_of(km: float) -> str:
    return "S%02d" % (int(math.floor(km / SECTOR_KM)) + 1)


def load_inputs() -> tuple[dict, dict]:
    with open(BORDER_FILE, encoding="utf-8") as f:
        border_fc = json.load(f)
    with open(PLACES_FILE, encoding="utf-8") as f:
        places_fc = json.load(f)
    return border_fc, places_fc


def features_by_id(fc: dict) -> dict[str, dict]:
    return {feat["properties"]["id"]: feat for feat in fc["features"]}


def verify_sides(border: Border, iq: list, sy: list, log: list[str]) -> None:
    """Assert that SY is on the left and IQ on the right of the line walked S->N."""
    mid = border.length / 2
    for dist in (2000.0, 3000.0, 5000.0):
        llon, llat = offset_point(border, mid, -dist)
        rlon, rlat = offset_point(border, mid, dist)
        assert point_in_polygon(llon, llat, sy) and not point_in_polygon(llon, llat, iq), \
            f"point {dist:.0f} m left of the midpoint ({llon:.5f}, {llat:.5f}) is not in the sy polygon"
        assert point_in_polygon(rlon, rlat, iq) and not point_in_polygon(rlon, rlat, sy), \
            f"point {dist:.0f} m right of the midpoint ({rlon:.5f}, {rlat:.5f}) is not in the iq polygon"
    # The same along the whole line, every km, 3 km out (corners may fool single points).
    good = total = 0
    s = 1000.0
    while s < border.length - 1000.0:
        total += 1
        llon, llat = offset_point(border, s, -3000.0)
        rlon, rlat = offset_point(border, s, 3000.0)
        if point_in_polygon(llon, llat, sy) and point_in_polygon(rlon, rlat, iq):
            good += 1
        s += 1000.0
    assert good >= 0.95 * total, f"left=SY/right=IQ holds at only {good}/{total} km marks"
    log.append(f"sides: left of the line is SY, right is IQ (midpoint at km {mid / 1000:.1f}, 2/3/5 km out; "
               f"{good}/{total} km marks 3 km out agree)")


def build_zones(border_fc: dict, places_fc: dict, border: Border, log: list[str]) -> dict:
    feats = features_by_id(border_fc)
    line = feats["iq-sy-border"]
    coords = line["geometry"]["coordinates"]
    assert [[r6(c[0]), r6(c[1])] for c in coords] == coords, "border coordinates are not 6-decimal"
    src, lic = line["properties"]["source"], line["properties"]["license"]
    geom = {"type": "LineString", "coordinates": [[c[0], c[1]] for c in coords]}

    def feature(fid: str, geometry: dict, props: dict) -> dict:
        return {"type": "Feature", "id": fid, "geometry": geometry, "properties": {"id": fid, **props}}

    zones = [
        feature("iq-sy-border", geom, {
            "name": "Iraq–Syria border", "kind": "border", "priority": PRIORITY["border"],
            "left": LEFT, "right": RIGHT, "source": src, "license": lic}),
        feature("iq-sy-strip", geom, {
            "name": "Border strip (1 km either side)", "kind": "strip", "priority": PRIORITY["strip"],
            "band_m": STRIP_BAND_M, "side": "both", "left": LEFT, "right": RIGHT,
            "source": "within band_m of the iq-sy-border line; " + src, "license": lic}),
        feature("iq-buffer", geom, {
            "name": "Iraqi buffer (5 km, Iraqi side)", "kind": "buffer", "priority": PRIORITY["buffer"],
            "band_m": BUFFER_BAND_M, "side": RIGHT, "left": LEFT, "right": RIGHT,
            "source": "Iraqi side of the iq-sy-border line, within band_m; " + src, "license": lic}),
    ]

    attribution = places_fc.get("attribution", "")
    towns = []
    for place in places_fc["features"]:
        p = place["properties"]
        lon, lat = place["geometry"]["coordinates"]
        dist, s, _ = border.nearest_lonlat(lon, lat)
        side = "IQ" if point_in_polygon(lon, lat, feats["iq"]["geometry"]["coordinates"]) else (
            "SY" if point_in_polygon(lon, lat, feats["sy"]["geometry"]["coordinates"]) else "outside")
        note = "" if side.lower() == p["country"] else f"  (!) country {p['country'].upper()} but lies on the {side} side of the line"
        log.append(f"place {p['id']:13s} {dist / 1000:6.2f} km from the line at km {s / 1000:6.1f}"
                   f"{'  -> town zone' if dist <= TOWN_MAX_DIST_M else ''}{note}")
        if dist > TOWN_MAX_DIST_M:
            continue
        geonames = p["source"].startswith("GeoNames")
        fid = "town-" + p["id"]
        towns.append(feature(fid, {"type": "Point", "coordinates": [r6(lon), r6(lat)]}, {
            "name": p["name"], "kind": "town", "priority": PRIORITY["town"],
            "radius_m": TOWN_RADIUS_M.get(p["id"], TOWN_RADIUS_DEFAULT_M),
            "country": p["country"].upper(),
            "source": p["source"],
            "license": "CC BY 4.0 (GeoNames, geonames.org)" if geonames
            else "none claimed: approximate / public-reference coordinate, not GeoNames data",
            "attribution": attribution,
        }))
    towns.sort(key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": zones + towns}


# ---------------------------------------------------------------------------------------------
# Masks and the restricted area (planar geometry in lon/lat for rings, as RFC 7946 defines them)
# ---------------------------------------------------------------------------------------------


def ring_area2(ring: list[list[float]]) -> float:
    """Twice the signed area of a closed ring in lon/lat (positive: counter-clockwise)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def closed(points: list[tuple[float, float]], ccw: bool) -> list[list[float]]:
    """Rounded, closed ring of lon/lat points, wound counter-clockwise (exterior) or clockwise (hole)."""
    ring = [[r6(lon), r6(lat)] for lon, lat in points]
    ring.append(list(ring[0]))
    if (ring_area2(ring) > 0) != ccw:
        ring.reverse()
    return ring


def _orient(p, q, r) -> float:
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])


def assert_simple(rings: list[list[list[float]]], what: str) -> None:
    """Assert that no two edges of the rings cross or touch, except consecutive edges of one ring
    at their shared vertex (O(n^2); the rings here are small)."""
    def on(p, q, r) -> bool:
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    edges = []
    for r, ring in enumerate(rings):
        n = len(ring) - 1
        for i in range(n):
            edges.append((r, i, n, ring[i], ring[i + 1]))
    for x in range(len(edges)):
        r1, i1, n1, a, b = edges[x]
        for y in range(x + 1, len(edges)):
            r2, i2, _, c, d = edges[y]
            if r1 == r2 and (i2 == i1 + 1 or (i1 == 0 and i2 == n1 - 1)):
                continue
            d1, d2, d3, d4 = _orient(c, d, a), _orient(c, d, b), _orient(a, b, c), _orient(a, b, d)
            crossing = d1 * d2 < 0 and d3 * d4 < 0
            touching = (d1 == 0 and on(c, d, a)) or (d2 == 0 and on(c, d, b)) or (d3 == 0 and on(a, b, c)) \
                or (d4 == 0 and on(a, b, d))
            assert not (crossing or touching), f"{what}: edge {i1} of ring {r1} and edge {i2} of ring {r2} meet"


def local_point(border: Border, s: float, along: float, across: float) -> tuple[float, float]:
    """Lon/lat of the point `along` metres along the line's direction at chainage s and `across`
    metres to its right (negative: left), in the projection with the point scale factor applied."""
    (px, py), (ux, uy) = border.point_at(s)
    k = tm_scale(px, py)
    return tm_inverse(px + (ux * along + uy * across) * k, py + (uy * along - ux * across) * k)


def circle_points(center: tuple[float, float], radius: float, n: int) -> list[tuple[float, float]]:
    """n lon/lat points at `radius` metres (projection, scale-corrected) around a lon/lat center."""
    cx, cy = tm_forward(*center)
    k = tm_scale(cx, cy)
    return [tm_inverse(cx + radius * k * math.cos(2 * math.pi * i / n), cy + radius * k * math.sin(2 * math.pi * i / n))
            for i in range(n)]


def _seg_cross(p, q, a, b):
    """Intersection point of segments p-q and a-b (planar), or None."""
    d = (q[0] - p[0]) * (b[1] - a[1]) - (q[1] - p[1]) * (b[0] - a[0])
    if d == 0:
        return None
    t = ((a[0] - p[0]) * (b[1] - a[1]) - (a[1] - p[1]) * (b[0] - a[0])) / d
    u = ((a[0] - p[0]) * (q[1] - p[1]) - (a[1] - p[1]) * (q[0] - p[0])) / d
    if 0 < t < 1 and 0 < u < 1:
        return t, (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
    return None


def union_of_two_convex(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Boundary (counter-clockwise, open) of the union of two overlapping convex polygons given
    counter-clockwise and open, in the plane: walk a, switch to b where a's boundary enters b,
    switch back where b's boundary enters a."""
    def inside(p, poly):
        return all(_orient(poly[i], poly[(i + 1) % len(poly)], p) > 0 for i in range(len(poly)))
    start = next(i for i, p in enumerate(a) if not inside(p, b))
    out: list[tuple[float, float]] = []
    polys, cur, i = (a, b), 0, start
    steps = 0
    while True:
        poly, other = polys[cur], polys[1 - cur]
        p, q = poly[i], poly[(i + 1) % len(poly)]
        out.append(p)
        hits = [(h[0], h[1], j) for j in range(len(other))
                if (h := _seg_cross(p, q, other[j], other[(j + 1) % len(other)])) is not None]
        if hits:
            _, x, j = min(hits)
            out.append(x)
            cur, i = 1 - cur, (j + 1) % len(other)
        else:
            i = (i + 1) % len(poly)
        steps += 1
        assert steps < 4 * (len(a) + len(b)), "union walk did not close"
        if cur == 0 and i == start:
            return out


def mask_feature(border: Border, mid: str, name: str, km: float, offset: float, shape: tuple) -> tuple[dict, list]:
    """The mask feature and the lon/lat points that must be seen and kept away from the line."""
    s = km * 1000.0
    props = {"id": mid, "name": name, "kind": "mask", "priority": PRIORITY["mask"]}
    if shape[0] == "circle":
        center = local_point(border, s, 0.0, offset)
        center = (r6(center[0]), r6(center[1]))
        radius = shape[1]
        geometry = {"type": "Point", "coordinates": [center[0], center[1]]}
        props["radius_m"] = radius
        samples = [center] + circle_points(center, radius, CIRCLE_SAMPLES)
    else:
        polygons = []
        for along, across, length, width in shape[1]:
            corners = [local_point(border, s, along + da * length / 2, offset + across + dc * width / 2)
                       for da, dc in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
            polygons.append([closed(corners, ccw=True)])
        if len(polygons) == 1:
            geometry = {"type": "Polygon", "coordinates": polygons[0]}
        else:
            geometry = {"type": "MultiPolygon", "coordinates": polygons}
        for rings in polygons:
            assert_simple(rings, mid)
        samples = [tuple(p) for rings in polygons for p in rings[0][:-1]]
        samples.append(local_point(border, s, 0.0, offset))
    props.update({"country": RIGHT if offset > 0 else LEFT, "km": round(km, 2), "note": MASK_NOTE})
    return {"type": "Feature", "id": mid, "geometry": geometry, "properties": props}, samples


class SegmentGrid:
    """The border's projected segments in a grid of square cells, for distances of points near the
    line: `distance` is exact for points within `reach` metres of it (infinity further away)."""

    CELL_M = 2000.0

    def __init__(self, border: Border, reach: float):
        self.xy = border.xy
        self.cells: dict[tuple[int, int], list[int]] = {}
        c = self.CELL_M
        for i in range(len(self.xy) - 1):
            (x1, y1), (x2, y2) = self.xy[i], self.xy[i + 1]
            for cx in range(math.floor((min(x1, x2) - reach) / c), math.floor((max(x1, x2) + reach) / c) + 1):
                for cy in range(math.floor((min(y1, y2) - reach) / c), math.floor((max(y1, y2) + reach) / c) + 1):
                    self.cells.setdefault((cx, cy), []).append(i)

    def nearest(self, x: float, y: float) -> tuple[float, int, float]:
        """(distance, segment, signed offset: > 0 right of the segment) of the nearest segment."""
        best = (math.inf, -1, 0.0)
        for i in self.cells.get((math.floor(x / self.CELL_M), math.floor(y / self.CELL_M)), ()):
            (x1, y1), (x2, y2) = self.xy[i], self.xy[i + 1]
            dx, dy = x2 - x1, y2 - y1
            t = min(max(((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy), 0.0), 1.0)
            d = math.hypot(x - x1 - t * dx, y - y1 - t * dy)
            if d < best[0]:
                best = (d, i, (dx * (y - y1) - dy * (x - x1)) / -math.hypot(dx, dy))
        return best


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points of the polyline to keep so that none left out is further than
    `tolerance` from the simplified line (planar)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, at = -1.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            d = abs(dx * (y - y1) - dy * (x - x1)) / length if length else math.hypot(x - x1, y - y1)
            if d > worst:
                worst, at = d, i
        if worst > tolerance:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep) if k]


def build_patrol_road(border: Border, areas: list[dict], log: list[str]) -> dict:
    """The patrol road's zone: a band of PATROL_ROAD_BAND_M around the line's offset curve at
    PATROL_ROAD_OFFSET_M on the Iraqi (right) side.

    The offset curve is built in the projection: each segment of the line moved to its right, arcs
    around the outside of bends, the corner where two moved segments meet inside a bend; candidate
    points closer than the offset to any part of the line (inside bends, or where the line comes
    back on itself) are dropped; the rest is simplified. Asserted: every 20 m of the written centre
    line is within PATROL_ROAD_TOL_M of the offset and on the Iraqi side, and no mask comes within
    PATROL_ROAD_MASK_CLEARANCE_M of the band.
    """
    d = PATROL_ROAD_OFFSET_M
    xy = border.xy
    grid = SegmentGrid(border, d + 200.0)
    units = []
    for i in range(len(xy) - 1):
        (x1, y1), (x2, y2) = xy[i], xy[i + 1]
        n = math.hypot(x2 - x1, y2 - y1)
        units.append(((x2 - x1) / n, (y2 - y1) / n))
    scale = [tm_scale(x, y) for x, y in xy]

    def right(p: tuple[float, float], u: tuple[float, float], k: float) -> tuple[float, float]:
        return p[0] + u[1] * d * k, p[1] - u[0] * d * k

    candidates: list[tuple[float, float]] = []
    for i in range(len(xy) - 1):
        a, b = right(xy[i], units[i], scale[i]), right(xy[i + 1], units[i], scale[i + 1])
        steps = max(1, math.ceil(math.hypot(b[0] - a[0], b[1] - a[1]) / PATROL_ROAD_SAMPLE_M))
        candidates += [(a[0] + (b[0] - a[0]) * j / steps, a[1] + (b[1] - a[1]) * j / steps) for j in range(steps + 1)]
        if i + 1 < len(xy) - 1:
            u, v = units[i], units[i + 1]
            turn = u[0] * v[1] - u[1] * v[0]          # > 0: the line turns left, the right side is outside
            start, end = math.atan2(-u[0], u[1]), math.atan2(-v[0], v[1])   # the right normals' angles
            if turn > 0:
                sweep = (end - start) % (2 * math.pi)
                steps = max(1, math.ceil(math.degrees(sweep) / PATROL_ROAD_ARC_DEG))
                (vx, vy), k = xy[i + 1], scale[i + 1]
                candidates += [(vx + d * k * math.cos(start + sweep * j / steps), vy + d * k * math.sin(start + sweep * j / steps))
                               for j in range(1, steps)]
            elif turn < 0:
                # Inside the bend the two moved segments cross: that corner is on the road.
                p, q = right(xy[i], u, scale[i]), right(xy[i + 1], u, scale[i + 1])
                r, s = right(xy[i + 1], v, scale[i + 1]), right(xy[i + 2], v, scale[i + 2])
                hit = _seg_cross(p, q, r, s)
                if hit is not None:
                    candidates.append(hit[1])
    kept = []
    for x, y in candidates:
        dist, _, side = grid.nearest(x, y)
        if dist >= d * min(scale) - 0.5 and side > 0:
            kept.append((x, y))
    road = simplify(kept, PATROL_ROAD_SIMPLIFY_M)
    coords = [[r6(lon), r6(lat)] for lon, lat in (tm_inverse(x, y) for x, y in road)]
    # Checks on the written coordinates, every 20 m.
    worst = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coords, coords[1:]):
        (x1, y1), (x2, y2) = tm_forward(lon1, lat1), tm_forward(lon2, lat2)
        steps = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / 20.0))
        for j in range(steps + 1):
            x, y = x1 + (x2 - x1) * j / steps, y1 + (y2 - y1) * j / steps
            dist, _, side = grid.nearest(x, y)
            dist /= tm_scale(x, y)
            assert side > 0, f"{PATROL_ROAD_ID}: a point of the road at {tm_inverse(x, y)} is on the Syrian side"
            worst = max(worst, abs(dist - d))
    assert worst <= PATROL_ROAD_TOL_M, f"{PATROL_ROAD_ID}: the road strays {worst:.1f} m from its {d:g} m offset"
    road_line = [tm_forward(lon, lat) for lon, lat in coords]
    for mask in (f for f in areas if f["properties"]["kind"] == "mask"):
        g = mask["geometry"]
        points = [g["coordinates"]] if g["type"] == "Point" else \
            [p for rings in ([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]) for p in rings[0]]
        radius = mask["properties"].get("radius_m", 0.0)
        for lon, lat in points:
            x, y = tm_forward(lon, lat)
            gap = min(_point_segment_distance(x, y, a, b) for a, b in zip(road_line, road_line[1:])) - radius
            assert gap >= PATROL_ROAD_BAND_M + PATROL_ROAD_MASK_CLEARANCE_M, \
                f"{PATROL_ROAD_ID}: mask {mask['id']} is {gap:.0f} m from the road's centre line"
    length = sum(vincenty(*a, *b)[0] for a, b in zip(coords, coords[1:]))
    log.append(f"patrol road {PATROL_ROAD_ID}: LineString of {len(coords)} vertices, {length / 1000:.1f} km, "
               f"{d:g} m inside Iraq (within {worst:.2f} m every 20 m), band {PATROL_ROAD_BAND_M:g} m either side")
    return {"type": "Feature", "id": PATROL_ROAD_ID, "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {"id": PATROL_ROAD_ID, "name": "Border guards' patrol road (illustrative)", "kind": "buffer",
                           "priority": PATROL_ROAD_PRIORITY, "band_m": PATROL_ROAD_BAND_M, "side": "both",
                           "offset_m": PATROL_ROAD_OFFSET_M,
                           "note": ("illustrative, not surveyed: the track the border guards patrol, %g m inside Iraq "
                                    "along the whole line (the offset curve of iq-sy-border), within the strip; "
                                    "rules.yaml silences patrol vehicles' presence on it (rule patrol-road)" % d)}}


def _point_segment_distance(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = min(max(((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy), 0.0), 1.0) if dx or dy else 0.0
    return math.hypot(x - a[0] - t * dx, y - a[1] - t * dy)


def build_areas(border: Border, zones: dict, cameras: dict, log: list[str]) -> list[dict]:
    """The masks and the restricted area; asserts their distances, views and validity."""
    cams = cameras["features"]
    feats = []
    for mid, name, km, offset, shape in MASKS:
        feat, samples = mask_feature(border, mid, name, km, offset, shape)
        dists = [border.nearest_lonlat(lon, lat)[0] for lon, lat in samples]
        assert min(dists) >= MASK_MIN_LINE_M, f"{mid}: {min(dists):.0f} m from the line"
        seen_all = [c["id"] for c in cams if all(sees(c, lon, lat) for lon, lat in samples)]
        seen_any = [c["id"] for c in cams if any(sees(c, lon, lat) for lon, lat in samples) and c["id"] not in seen_all]
        assert len(seen_all) >= MASK_MIN_CAMERAS, f"{mid}: only {len(seen_all)} camera(s) see the whole mask"
        coords = feat["geometry"]["coordinates"]
        where = coords if feat["geometry"]["type"] == "Point" else samples[-1]
        log.append(f"mask {mid}: {feat['geometry']['type']} at km {km:g}, {abs(offset):.0f} m on the "
                   f"{feat['properties']['country']} side (lat {where[1]:.6f} lon {where[0]:.6f}), "
                   f"{min(dists):.0f}-{max(dists):.0f} m from the line; seen whole by {', '.join(seen_all)}"
                   + (f"; in part by {', '.join(seen_any)}" if seen_any else ""))
        feats.append(feat)

    # The restricted area: a rectangle along the chord from km0 to km1, minus the two towns.
    s0, s1 = RESTRICTED_KM[0] * 1000.0, RESTRICTED_KM[1] * 1000.0
    (x0, y0), _ = border.point_at(s0)
    (x1, y1), _ = border.point_at(s1)
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    k = tm_scale((x0 + x1) / 2, (y0 + y1) / 2)
    w = RESTRICTED_HALF_WIDTH_M * k
    corners = [tm_inverse(x + uy * w * side, y - ux * w * side) for (x, y), side in
               (((x0, y0), 1), ((x1, y1), 1), ((x1, y1), -1), ((x0, y0), -1))]
    exterior = closed(corners, ccw=True)
    towns = {f["id"]: f for f in zones["features"] if f["properties"]["kind"] == "town"}
    discs = []
    for tid in RESTRICTED_HOLE_TOWNS:
        t = towns[tid]
        cx, cy = tm_forward(*t["geometry"]["coordinates"])
        kk = tm_scale(cx, cy)
        r = (t["properties"]["radius_m"] + RESTRICTED_HOLE_MARGIN_M) * kk / math.cos(math.pi / RESTRICTED_HOLE_SIDES)
        n = RESTRICTED_HOLE_SIDES
        discs.append([(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n)])
    union = union_of_two_convex(discs[0], discs[1])
    hole = closed([tm_inverse(x, y) for x, y in union], ccw=False)
    assert_simple([exterior, hole], RESTRICTED_ID)
    assert all(point_in_polygon(lon, lat, [exterior]) for lon, lat in hole), "the hole is not inside the exterior"
    for tid in RESTRICTED_HOLE_TOWNS:   # each town disc lies in the hole: its boundary, sampled every degree
        t = towns[tid]
        for lon, lat in circle_points(tuple(t["geometry"]["coordinates"]), t["properties"]["radius_m"], 360) + [tuple(t["geometry"]["coordinates"])]:
            assert point_in_polygon(lon, lat, [hole]), f"{tid} is not inside the restricted area's hole"
    for lon, lat in (border.lonlat_at(558000.0), border.lonlat_at(225500.0), border.lonlat_at(227500.0)):
        assert not point_in_polygon(lon, lat, [exterior, hole]), "the restricted area covers a scenario's crossing point"
    feats.append({"type": "Feature", "id": RESTRICTED_ID,
                  "geometry": {"type": "Polygon", "coordinates": [exterior, hole]},
                  "properties": {"id": RESTRICTED_ID, "name": "Rabia–Al-Yarubiyah crossing area (illustrative)",
                                 "kind": "restricted", "priority": PRIORITY["restricted"],
                                 "loitering_s": RESTRICTED_LOITERING_S,
                                 "km_from": RESTRICTED_KM[0], "km_to": RESTRICTED_KM[1],
                                 "note": ("illustrative, not surveyed: within %.1f km either side of the line between km %g "
                                          "and km %g (a rectangle along the chord), except the towns of Rabia and "
                                          "Al-Yarubiyah (the hole: their two town discs, grown by %g m)"
                                          % (RESTRICTED_HALF_WIDTH_M / 1000, RESTRICTED_KM[0], RESTRICTED_KM[1],
                                             RESTRICTED_HOLE_MARGIN_M))}})
    log.append(f"restricted {RESTRICTED_ID}: Polygon, exterior {len(exterior) - 1} vertices "
               f"(km {RESTRICTED_KM[0]:g}-{RESTRICTED_KM[1]:g}, {RESTRICTED_HALF_WIDTH_M / 1000:g} km either side), "
               f"hole {len(hole) - 1} vertices (the union of {' and '.join(RESTRICTED_HOLE_TOWNS)}), "
               f"loitering_s {RESTRICTED_LOITERING_S}")
    return feats


def place_camera(border: Border, s: float, iq: list, sy: list) -> tuple[tuple[float, float], str] | None:
    """Camera position (lon/lat) SETBACK_M to the right (Iraqi side) of chainage s, or None.

    The camera is put on the normal of its segment; if a bend brings another part of the line closer
    than the setback, it is pushed away from its nearest point until the distance to the whole line is
    the setback. Returns None (skip) when that fails or the result is not inside the iq polygon.
    """
    (px, py), (ux, uy) = border.point_at(s)
    k = tm_scale(px, py)
    off = SETBACK_M * k
    cx, cy = px + uy * off, py - ux * off
    note = ""
    for it in range(100):
        d, _, (qx, qy) = border.nearest(cx, cy)
        if abs(d - off) < 0.01:
            break
        cx, cy = qx + (cx - qx) * off / d, qy + (cy - qy) * off / d
        note = "nudged"
    else:
        return None
    lon, lat = tm_inverse(cx, cy)
    if not point_in_polygon(lon, lat, iq) or point_in_polygon(lon, lat, sy):
        return None
    return (r6(lon), r6(lat)), note


def build_cameras(border: Border, iq: list, sy: list, log: list[str]) -> dict:
    feats = []
    for name, km0, km1 in STRETCHES:
        span = (km1 - km0) * 1000.0
        n = math.ceil(span / TARGET_SPACING_M) + 1
        spacing = span / (n - 1)
        placed = []
        for i in range(n):
            s = km0 * 1000.0 + i * spacing
            res = place_camera(border, s, iq, sy)
            if res is None:
                log.append(f"camera {name} at km {s / 1000:.2f}: skipped (no valid position on the IQ side)")
                continue
            (lon, lat), note = res
            dist, s_near, (qlon, qlat) = border.nearest_lonlat(lon, lat)
            close = [p for p in placed if vincenty(p[1], p[2], lon, lat)[0] < MIN_SEPARATION * spacing]
            if close:
                log.append(f"camera {name} at km {s / 1000:.2f}: skipped ({note or 'placed'} within "
                           f"{vincenty(close[0][1], close[0][2], lon, lat)[0]:.0f} m of the camera at km {close[0][4]:.1f})")
                continue
            if note or abs(s_near - s) > 100.0:
                log.append(f"camera {name} at km {s / 1000:.2f}: {note or 'moved'}; nearest point now km {s_near / 1000:.2f}")
            assert abs(dist - SETBACK_M) <= SETBACK_TOL_M, f"camera {name} km {s / 1000:.2f}: {dist:.1f} m from the line"
            heading = round(vincenty(lon, lat, qlon, qlat)[1], 1) % 360.0
            km = round(s_near / 1000.0, 1)
            placed.append((s_near, lon, lat, heading, km))
        placed.sort()
        for j, (_, lon, lat, heading, km) in enumerate(placed, start=1):
            cid = f"cam-{name}-{j:02d}"
            assert ID_RE.match(cid)
            feats.append({"type": "Feature", "id": cid,
                          "geometry": {"type": "Point", "coordinates": [lon, lat]},
                          "properties": {"id": cid, "sector": sector_of(km), "heading_deg": heading,
                                         "fov_deg": FOV_DEG, "range_m": RANGE_M, "km": km, "stretch": name}})
        log.append(f"stretch {name}: km {km0:g}-{km1:g}, {len(placed)} cameras, spacing {spacing:.0f} m, "
                   f"sectors {', '.join(sorted({sector_of(p[4]) for p in placed}))}")
    return {"type": "FeatureCollection", "features": feats}


def sees(cam: dict, lon: float, lat: float) -> bool:
    """True if the camera sees the point: within range and within heading +- fov/2 (geodesic)."""
    clon, clat = cam["geometry"]["coordinates"]
    p = cam["properties"]
    if abs(lat - clat) * 111000 > p["range_m"] + 100:   # cheap reject before Vincenty
        return False
    dist, az = vincenty(clon, clat, lon, lat)
    if dist > p["range_m"]:
        return False
    diff = (az - p["heading_deg"] + 180.0) % 360.0 - 180.0
    return abs(diff) <= p["fov_deg"] / 2


def coverage(border: Border, cameras: dict, km0: float, km1: float) -> list[int]:
    """Multiplicity (number of cameras that see it) of each 50 m sample of the line in [km0, km1]
    less SAMPLE_MARGIN_M at each end."""
    cams = cameras["features"]
    out = []
    s = km0 * 1000.0 + SAMPLE_MARGIN_M
    end = km1 * 1000.0 - SAMPLE_MARGIN_M
    while s <= end + 1e-6:
        lon, lat = border.lonlat_at(s)
        out.append(sum(1 for c in cams if sees(c, lon, lat)))
        s += SAMPLE_STEP_M
    return out


def verify_coverage(border: Border, cameras: dict, log: list[str]) -> None:
    for name, km0, km1 in STRETCHES:
        mult = coverage(border, cameras, km0, km1)
        worst = min(mult)
        log.append(f"coverage {name}: {len(mult)} samples every {SAMPLE_STEP_M:g} m (km {km0 + 1.5:g}-{km1 - 1.5:g}); "
                   f"multiplicity min {worst}, median {statistics.median(mult):g}, max {max(mult)}")
        assert worst >= MIN_COVERAGE, f"stretch {name}: some of the line is seen by only {worst} camera(s)"


def reference_points(border: Border, cameras: dict, log: list[str]) -> None:
    cams = cameras["features"]
    for label, km in REFERENCE_POINTS:
        s = km * 1000.0
        lon, lat = border.lonlat_at(s)
        sylon, sylat = offset_point(border, s, -REFERENCE_OFFSET_M)
        iqlon, iqlat = offset_point(border, s, REFERENCE_OFFSET_M)
        seen = [c["id"] for c in cams if sees(c, lon, lat)]
        near = sorted(cams, key=lambda c: vincenty(*c["geometry"]["coordinates"], lon, lat)[0])[:3]
        near_s = ", ".join(f"{c['id']} ({vincenty(*c['geometry']['coordinates'], lon, lat)[0]:.0f} m)" for c in near)
        log.append(f"reference {label}, km {km:g}: line at lat {lat:.6f} lon {lon:.6f}; "
                   f"{REFERENCE_OFFSET_M:g} m into SY lat {sylat:.6f} lon {sylon:.6f}; "
                   f"{REFERENCE_OFFSET_M:g} m into IQ lat {iqlat:.6f} lon {iqlon:.6f}; "
                   f"{sector_of(km)}; seen by {', '.join(seen)}; nearest {near_s}")


def dumps(obj: dict) -> str:
    """Deterministic JSON: indent 1, [lon, lat] pairs on one line, UTF-8, trailing newline."""
    text = json.dumps(obj, indent=1, ensure_ascii=False)
    text = re.sub(r"\[\s+(-?[0-9.eE+-]+),\s+(-?[0-9.eE+-]+)\s+\]", r"[\1, \2]", text)
    return text + "\n"


def build() -> tuple[dict[Path, str], list[str]]:
    """Build both files in memory. Returns {path: text} and the report lines. Raises AssertionError
    if a check fails."""
    log: list[str] = []
    border_fc, places_fc = load_inputs()
    feats = features_by_id(border_fc)
    coords = feats["iq-sy-border"]["geometry"]["coordinates"]
    iq = feats["iq"]["geometry"]["coordinates"]
    sy = feats["sy"]["geometry"]["coordinates"]
    assert len(coords) == 133, f"expected 133 border vertices, found {len(coords)}"
    assert coords[0][1] < coords[-1][1], "border is not ordered S->N"
    border = Border(coords)
    assert abs(border.length - 598950.0) < 50.0, f"border length {border.length:.0f} m, PROVENANCE.md says 598.95 km"
    log.append(f"border: {len(coords)} vertices, geodesic length {border.length / 1000:.3f} km")
    assert SECTOR_KM * 12 >= border.length / 1000 > SECTOR_KM * 11

    verify_sides(border, iq, sy, log)
    zones = build_zones(border_fc, places_fc, border, log)
    cameras = build_cameras(border, iq, sy, log)
    areas = build_areas(border, zones, cameras, log)
    road = build_patrol_road(border, areas, log)
    zones["features"] = zones["features"][:3] + [road] + [f for f in areas if f["properties"]["kind"] == "restricted"] \
        + [f for f in areas if f["properties"]["kind"] == "mask"] + zones["features"][3:]
    ids = [f["id"] for f in zones["features"] + cameras["features"]]
    assert len(ids) == len(set(ids)) and all(ID_RE.match(i) for i in ids), "ids are not unique and valid"
    verify_coverage(border, cameras, log)
    reference_points(border, cameras, log)
    log.append(f"zones: {len(zones['features'])} features; cameras: {len(cameras['features'])}")
    return {ZONES_FILE: dumps(zones), CAMERAS_FILE: dumps(cameras)}, log


def _show(path: Path) -> str:
    """Path as shown in messages: relative to the repository root when it is inside it."""
    try:
        return str(path.relative_to(CONFIG.parent))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory and exit 1 if Config/zones.geojson or Config/cameras.geojson differ")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print the report")
    args = ap.parse_args(argv)
    try:
        outputs, log = build()
    except AssertionError as e:
        print(f"make_config: check failed: {e}", file=sys.stderr)
        return 2
    if not args.quiet and not args.check:
        print("\n".join(log))
    if args.check:
        stale = []
        for path, text in outputs.items():
            if not path.exists() or path.read_bytes() != text.encode("utf-8"):
                stale.append(_show(path))
        if stale:
            print("make_config: out of date: " + ", ".join(map(str, stale))
                  + "; run: python3 Config/tools/make_config.py", file=sys.stderr)
            return 1
        print("make_config: Config/zones.geojson and Config/cameras.geojson are up to date")
        return 0
    for path, text in outputs.items():
        path.write_bytes(text.encode("utf-8"))
        print(f"wrote {_show(path)} ({len(text.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
