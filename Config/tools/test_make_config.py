"""Tests of Config/zones.geojson and Config/cameras.geojson (pytest; stdlib + pytest only).

Run: python3 -m pytest -q Config/tools

The geometry here is written independently of make_config.py (its own point-in-polygon and a local
equirectangular projection on WGS84 radii of curvature), so the tests check the files, not the
script against itself.
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONFIG = HERE.parent
DATA = CONFIG / "data" / "iraq-syria"

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CAM_ID_RE = re.compile(r"^cam-(qaim|baaj|sinjar|rabia)-[0-9]{2}$")
STRETCHES = {"qaim": (215, 245), "baaj": (400, 425), "sinjar": (500, 525), "rabia": (540, 575)}

A, F = 6378137.0, 1 / 298.257223563
E2 = F * (2 - F)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def data():
    border_fc = load(DATA / "iraq-syria-border.geojson")
    by_id = {f["properties"]["id"]: f for f in border_fc["features"]}
    return {
        "line": by_id["iq-sy-border"]["geometry"]["coordinates"],
        "iq": by_id["iq"]["geometry"]["coordinates"],
        "sy": by_id["sy"]["geometry"]["coordinates"],
        "places": load(DATA / "places.geojson"),
        "zones": load(CONFIG / "zones.geojson"),
        "cameras": load(CONFIG / "cameras.geojson"),
    }


# --- hand-written geometry -------------------------------------------------------------------


def in_polygon(lon, lat, rings):
    """Even-odd ray casting on the exterior ring, minus holes."""
    def in_ring(ring):
        inside = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside
    return in_ring(rings[0]) and not any(in_ring(h) for h in rings[1:])


def radii(lat):
    """Metres per radian north (meridional M) and east (N cos lat) at latitude lat (deg)."""
    s = math.sin(math.radians(lat))
    w = math.sqrt(1 - E2 * s * s)
    return A * (1 - E2) / w**3, A / w * math.cos(math.radians(lat))


def to_local(lon, lat, lon0, lat0):
    m, n = radii(lat0)
    return math.radians(lon - lon0) * n, math.radians(lat - lat0) * m


def from_local(x, y, lon0, lat0):
    m, n = radii(lat0)
    return lon0 + math.degrees(x / n), lat0 + math.degrees(y / m)


def chainage(line):
    cum = [0.0]
    for (lon1, lat1), (lon2, lat2) in zip(line, line[1:]):
        x, y = to_local(lon2, lat2, lon1, (lat1 + lat2) / 2)
        x0, y0 = to_local(lon1, lat1, lon1, (lat1 + lat2) / 2)
        cum.append(cum[-1] + math.hypot(x - x0, y - y0))
    return cum


def nearest_on_line(lon, lat, line, cum):
    """(distance m, chainage m, nearest lon/lat), in a projection centred on the point."""
    best = None
    for i, ((lon1, lat1), (lon2, lat2)) in enumerate(zip(line, line[1:])):
        x1, y1 = to_local(lon1, lat1, lon, lat)
        x2, y2 = to_local(lon2, lat2, lon, lat)
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, -(x1 * dx + y1 * dy) / (dx * dx + dy * dy)))
        px, py = x1 + t * dx, y1 + t * dy
        d = math.hypot(px, py)
        if best is None or d < best[0]:
            best = (d, cum[i] + t * (cum[i + 1] - cum[i]), from_local(px, py, lon, lat))
    return best


def positions(geometry):
    """Every position of a Point, LineString, Polygon or MultiPolygon."""
    c = geometry["coordinates"]
    depth = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiPolygon": 3}[geometry["type"]]
    items = [c]
    for _ in range(depth):
        items = [x for item in items for x in item]
    return items


def area2(ring):
    """Twice the signed area of a closed ring in lon/lat (positive: counter-clockwise)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))


def rings_cross(rings):
    """True if two edges of the rings cross or touch (other than consecutive edges of one ring)."""
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    edges = [(r, i, len(ring) - 1, ring[i], ring[i + 1]) for r, ring in enumerate(rings) for i in range(len(ring) - 1)]
    for x, (r1, i1, n1, a, b) in enumerate(edges):
        for r2, i2, _, c, d in edges[x + 1:]:
            if r1 == r2 and (i2 == i1 + 1 or (i1 == 0 and i2 == n1 - 1)):
                continue
            if orient(a, b, c) * orient(a, b, d) <= 0 and orient(c, d, a) * orient(c, d, b) <= 0 \
                    and max(a[0], b[0]) >= min(c[0], d[0]) and max(c[0], d[0]) >= min(a[0], b[0]) \
                    and max(a[1], b[1]) >= min(c[1], d[1]) and max(c[1], d[1]) >= min(a[1], b[1]):
                return True
    return False


def sees(cam, lon, lat):
    """Camera sees the point: in range and within heading +- fov/2 (flat model, 2 m / 0.2 deg margin
    against the geodesic model the script uses, taken conservatively)."""
    clon, clat = cam["geometry"]["coordinates"]
    p = cam["properties"]
    x, y = to_local(lon, lat, clon, clat)
    diff = (math.degrees(math.atan2(x, y)) - p["heading_deg"] + 180) % 360 - 180
    return math.hypot(x, y) <= p["range_m"] - 2 and abs(diff) <= p["fov_deg"] / 2 - 0.2


def bearing(lon1, lat1, lon2, lat2):
    x, y = to_local(lon2, lat2, lon1, lat1)
    return math.degrees(math.atan2(x, y)) % 360


# --- tests -----------------------------------------------------------------------------------


def test_files_up_to_date():
    r = subprocess.run([sys.executable, str(HERE / "make_config.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_detects_a_stale_file(tmp_path, monkeypatch):
    sys.path.insert(0, str(HERE))
    try:
        import make_config
    finally:
        sys.path.remove(str(HERE))
    stale = tmp_path / "zones.geojson"
    stale.write_text((CONFIG / "zones.geojson").read_text(encoding="utf-8") + " ", encoding="utf-8")
    monkeypatch.setattr(make_config, "ZONES_FILE", stale)
    assert make_config.main(["--check"]) == 1
    stale.unlink()
    assert make_config.main(["--check"]) == 1  # a missing file is stale too


def test_ids_unique_and_valid(data):
    feats = data["zones"]["features"] + data["cameras"]["features"]
    ids = [f["id"] for f in feats]
    assert len(ids) == len(set(ids))
    for f in feats:
        assert ID_RE.match(f["id"]), f["id"]
        assert f["id"] == f["properties"]["id"]
    for f in data["cameras"]["features"]:
        assert CAM_ID_RE.match(f["id"]), f["id"]
        assert f["id"].split("-")[1] == f["properties"]["stretch"]


def test_geojson_shape(data):
    for fc in (data["zones"], data["cameras"]):
        assert fc["type"] == "FeatureCollection"
        for f in fc["features"]:
            assert f["type"] == "Feature"
            g = f["geometry"]
            for lon, lat in positions(g):
                assert 38.5 <= lon <= 42.6 and 33.2 <= lat <= 37.4
                assert round(lon, 6) == lon and round(lat, 6) == lat


def test_border_zones(data):
    z = {f["id"]: f for f in data["zones"]["features"]}
    line = data["line"]
    assert len(line) == 133
    prio = {"border": 100, "mask": 90, "restricted": 80, "strip": 60, "buffer": 40, "town": 20}
    for zid in ("iq-sy-border", "iq-sy-strip", "iq-buffer"):
        f = z[zid]
        assert f["geometry"] == {"type": "LineString", "coordinates": line}
        assert (f["properties"]["left"], f["properties"]["right"]) == ("SY", "IQ")
        assert f["properties"]["priority"] == prio[f["properties"]["kind"]]
        assert "LGPL-3.0-or-later" in f["properties"]["license"]
    assert z["iq-sy-strip"]["properties"]["band_m"] == 1000 and z["iq-sy-strip"]["properties"]["side"] == "both"
    b = z["iq-buffer"]["properties"]
    assert b["band_m"] == 5000 and b["side"] == "IQ" and b["side"] in (b["left"], b["right"])
    assert not any(f["properties"]["kind"] not in prio for f in data["zones"]["features"])


def test_border_left_is_syria_right_is_iraq(data):
    line, iq, sy = data["line"], data["iq"], data["sy"]
    cum = chainage(line)
    assert abs(cum[-1] - 598950) < 500
    for frac in (0.25, 0.5, 0.75):
        s = frac * cum[-1]
        i = max(j for j in range(len(cum) - 1) if cum[j] <= s)
        (lon1, lat1), (lon2, lat2) = line[i], line[i + 1]
        t = (s - cum[i]) / (cum[i + 1] - cum[i])
        lon0, lat0 = lon1 + t * (lon2 - lon1), lat1 + t * (lat2 - lat1)
        dx, dy = to_local(lon2, lat2, lon0, lat0)
        ux, uy = dx / math.hypot(dx, dy), dy / math.hypot(dx, dy)
        left = from_local(-uy * 3000, ux * 3000, lon0, lat0)
        right = from_local(uy * 3000, -ux * 3000, lon0, lat0)
        assert in_polygon(*left, sy) and not in_polygon(*left, iq)
        assert in_polygon(*right, iq) and not in_polygon(*right, sy)


def test_towns(data):
    towns = {f["id"]: f for f in data["zones"]["features"] if f["properties"]["kind"] == "town"}
    for pid in ("rabia", "al-yarubiyah", "al-qaim", "husaybah", "abu-kamal", "fishkhabur"):
        assert "town-" + pid in towns
    assert towns["town-abu-kamal"]["properties"]["radius_m"] == 3000
    places = {p["id"]: p for p in data["places"]["features"]}
    cum = chainage(data["line"])
    for tid, t in towns.items():
        p = t["properties"]
        assert t["geometry"]["type"] == "Point" and p["priority"] == 20
        assert 1500 <= p["radius_m"] <= 3000
        place = places[tid[len("town-"):]]
        assert t["geometry"]["coordinates"] == place["geometry"]["coordinates"]
        assert p["source"] == place["properties"]["source"]
        assert "geonames.org" in p["attribution"]
        assert nearest_on_line(*t["geometry"]["coordinates"], data["line"], cum)[0] <= 15000
    for pid, place in places.items():  # and nothing within 15 km is missing
        if nearest_on_line(*place["geometry"]["coordinates"], data["line"], cum)[0] <= 15000:
            assert "town-" + pid in towns


def test_cameras_on_iraqi_side_at_setback(data):
    line, iq, sy = data["line"], data["iq"], data["sy"]
    cum = chainage(line)
    for c in data["cameras"]["features"]:
        lon, lat = c["geometry"]["coordinates"]
        assert in_polygon(lon, lat, iq), c["id"]
        assert not in_polygon(lon, lat, sy), c["id"]
        d, s, (qlon, qlat) = nearest_on_line(lon, lat, line, cum)
        assert abs(d - 1200) < 5, (c["id"], d)
        p = c["properties"]
        assert abs(p["km"] - s / 1000) <= 0.1, (c["id"], p["km"], s)
        diff = (p["heading_deg"] - bearing(lon, lat, qlon, qlat) + 180) % 360 - 180
        assert abs(diff) < 1.0, (c["id"], p["heading_deg"])
        assert p["fov_deg"] == 90 and p["range_m"] == 4000


def test_sectors_consistent_with_km(data):
    per_stretch = {}
    for c in data["cameras"]["features"]:
        p = c["properties"]
        assert p["sector"] == "S%02d" % (math.floor(p["km"] / 50) + 1), c["id"]
        assert re.match(r"^S(0[1-9]|1[0-2])$", p["sector"])
        lo, hi = STRETCHES[p["stretch"]]
        assert lo - 1 <= p["km"] <= hi + 1, c["id"]
        per_stretch.setdefault(p["stretch"], []).append((int(c["id"][-2:]), p["km"]))
    for name, cams in per_stretch.items():
        cams.sort()
        assert [n for n, _ in cams] == list(range(1, len(cams) + 1)), name
        assert [km for _, km in cams] == sorted(km for _, km in cams), name  # numbered S -> N
        assert len(cams) >= (STRETCHES[name][1] - STRETCHES[name][0]) / 1.2


def test_coverage_at_least_two_cameras(data):
    """Every 100 m of each stretch (less 1.5 km at each end) is in range and fov of >= 2 cameras."""
    line, cams = data["line"], data["cameras"]["features"]
    cum = chainage(line)
    for name, (lo, hi) in STRETCHES.items():
        s = lo * 1000 + 1500
        while s <= hi * 1000 - 1500:
            i = max(j for j in range(len(cum) - 1) if cum[j] <= s)
            t = (s - cum[i]) / (cum[i + 1] - cum[i])
            lon = line[i][0] + t * (line[i + 1][0] - line[i][0])
            lat = line[i][1] + t * (line[i + 1][1] - line[i][1])
            n = 0
            for c in cams:
                clon, clat = c["geometry"]["coordinates"]
                x, y = to_local(lon, lat, clon, clat)
                diff = (math.degrees(math.atan2(x, y)) - c["properties"]["heading_deg"] + 180) % 360 - 180
                # 2 m / 0.2 deg tolerance for the difference between this flat model and geodesics
                if math.hypot(x, y) <= c["properties"]["range_m"] and abs(diff) <= c["properties"]["fov_deg"] / 2 + 0.2:
                    n += 1
            assert n >= 2, (name, s)
            s += 100


def test_masks_are_away_from_the_line_and_seen(data):
    """Masks: illustrative static heat sources, >= 300 m from the line, wholly seen by >= 2 cameras."""
    line, cams = data["line"], data["cameras"]["features"]
    cum = chainage(line)
    masks = [f for f in data["zones"]["features"] if f["properties"]["kind"] == "mask"]
    assert len(masks) >= 3
    assert {f["geometry"]["type"] for f in masks} == {"Point", "Polygon", "MultiPolygon"}
    for f in masks:
        p = f["properties"]
        assert p["priority"] == 90 and p["name"] and "illustrative, not surveyed" in p["note"], f["id"]
        g = f["geometry"]
        if g["type"] == "Point":
            lon0, lat0 = g["coordinates"]
            assert 10 <= p["radius_m"] <= 500
            pts = [from_local(p["radius_m"] * math.cos(a * math.pi / 18), p["radius_m"] * math.sin(a * math.pi / 18), lon0, lat0)
                   for a in range(36)] + [(lon0, lat0)]
        else:
            pts = [tuple(q) for q in positions(g)]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            for rings in polys:
                assert len(rings) == 1 and area2(rings[0]) > 0 and not rings_cross(rings), f["id"]
        dists = [nearest_on_line(lon, lat, line, cum)[0] for lon, lat in pts]
        assert min(dists) >= 300, (f["id"], min(dists))
        side = data["iq"] if p["country"] == "IQ" else data["sy"]
        assert all(in_polygon(lon, lat, side) for lon, lat in pts), f["id"]
        seen = [c["id"] for c in cams if all(sees(c, lon, lat) for lon, lat in pts)]
        assert len(seen) >= 2, (f["id"], seen)


def test_restricted_area_is_a_polygon_with_a_hole_around_the_towns(data):
    zones = {f["id"]: f for f in data["zones"]["features"]}
    restricted = [f for f in zones.values() if f["properties"]["kind"] == "restricted"]
    assert len(restricted) == 1
    f = restricted[0]
    p = f["properties"]
    assert p["priority"] == 80 and p["loitering_s"] == 120 and "illustrative" in p["note"]
    assert f["geometry"]["type"] == "Polygon"
    exterior, *holes = f["geometry"]["coordinates"]
    assert len(holes) == 1
    hole = holes[0]
    assert exterior[0] == exterior[-1] and hole[0] == hole[-1]
    assert area2(exterior) > 0 > area2(hole), "RFC 7946: exterior counter-clockwise, hole clockwise"
    assert not rings_cross([exterior, hole])
    assert all(in_polygon(lon, lat, [exterior]) for lon, lat in hole)
    for tid in ("town-rabia", "town-al-yarubiyah"):     # the town discs are in the hole, not in the area
        lon0, lat0 = zones[tid]["geometry"]["coordinates"]
        r = zones[tid]["properties"]["radius_m"]
        for a in range(0, 360, 2):
            lon, lat = from_local(r * math.cos(math.radians(a)), r * math.sin(math.radians(a)), lon0, lat0)
            assert in_polygon(lon, lat, [hole]) and not in_polygon(lon, lat, [exterior, hole]), (tid, a)
    # The line near the Rabia crossing (km 553) is restricted; the scenarios' crossings are not.
    line = data["line"]
    cum = chainage(line)

    def at_km(km):
        s = km * 1000
        i = max(j for j in range(len(cum) - 1) if cum[j] <= s)
        t = (s - cum[i]) / (cum[i + 1] - cum[i])
        return line[i][0] + t * (line[i + 1][0] - line[i][0]), line[i][1] + t * (line[i + 1][1] - line[i][1])
    assert in_polygon(*at_km(550.0), [exterior, hole])
    for km in (225.5, 227.5, 558.0):
        assert not in_polygon(*at_km(km), [exterior, hole]), km


def test_patrol_road_runs_inside_iraq_within_the_strip(data):
    """The border guards' patrol road (illustrative): a band of 50 m either side of a centre line
    250 m inside Iraq along the whole line, in the strip, clear of the masks and the cameras."""
    zones = {f["id"]: f for f in data["zones"]["features"]}
    road = zones["iq-patrol-road"]
    p = road["properties"]
    assert road["geometry"]["type"] == "LineString"
    assert p["kind"] == "buffer" and p["priority"] < zones["iq-buffer"]["properties"]["priority"] < 60
    assert p["band_m"] == 50 and p["side"] == "both" and p["offset_m"] == 250 and "illustrative" in p["note"]
    assert p["offset_m"] + p["band_m"] < zones["iq-sy-strip"]["properties"]["band_m"]
    line, cum = data["line"], chainage(data["line"])
    coords = road["geometry"]["coordinates"]
    samples = []
    for (lon1, lat1), (lon2, lat2) in zip(coords, coords[1:]):
        x, y = to_local(lon2, lat2, lon1, lat1)
        n = max(1, math.ceil(math.hypot(x, y) / 250))
        samples += [from_local(x * j / n, y * j / n, lon1, lat1) for j in range(n)]
    samples.append(tuple(coords[-1]))
    chainages = []
    for lon, lat in samples:
        d, s, (qlon, qlat) = nearest_on_line(lon, lat, line, cum)
        assert abs(d - 250) <= 5, (lon, lat, d)
        # On the right of the line walked S->N (Iraq): the line's direction at its nearest point,
        # crossed with the way to the road, points down.
        i = max(j for j in range(len(cum) - 1) if cum[j] <= min(s, cum[-1] - 1e-6))
        ux, uy = to_local(line[i + 1][0], line[i + 1][1], line[i][0], line[i][1])
        vx, vy = to_local(lon, lat, qlon, qlat)
        assert ux * vy - uy * vx < 0, (lon, lat)
        chainages.append(s)
    assert min(chainages) < 1000 and max(chainages) > cum[-1] - 1000, "the road runs along the whole line"
    for mask in (f for f in zones.values() if f["properties"]["kind"] == "mask"):
        g = mask["geometry"]
        pts = [tuple(g["coordinates"])] if g["type"] == "Point" else [tuple(q) for q in positions(g)]
        radius = mask["properties"].get("radius_m", 0)
        for lon, lat in pts:
            gap = min(math.hypot(*to_local(rlon, rlat, lon, lat)) for rlon, rlat in samples) - radius
            assert gap >= p["band_m"] + 50, (mask["id"], gap)
    for cam in data["cameras"]["features"]:
        lon, lat = cam["geometry"]["coordinates"]
        assert min(math.hypot(*to_local(rlon, rlat, lon, lat)) for rlon, rlat in samples) > 900, cam["id"]
