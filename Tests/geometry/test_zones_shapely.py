"""Differential test of Vigil's zone geometry against independent implementations (pytest).

Runs the built `vigil zones classify` (in `$VIGIL_BIN_DIR`, default `.build/debug`) and compares
every answer with a reference computed here, without any of Vigil's code or formulas:

* Polygons and MultiPolygons (with holes): Shapely (GEOS), planar in lon/lat, which is how
  RFC 7946 defines a polygon's edges.
* Circles (`radius_m`): geodesic distance from the centre on WGS84 (pyproj `Geod`, Karney).
* Bands (`band_m`, `side`): geodesic distance to the line, whose segments are straight in lon/lat.
  Candidates come from Shapely in a transverse Mercator projection (pyproj); wherever that estimate
  (good to 5 m: scale error <= 0.04 % and the bulge of a lon/lat-straight 14 km segment in the
  projection <= 3 m) is within 25 m of a decision, the exact geodesic distance to each candidate
  segment is found by golden-section search with `Geod.inv`. The side is that of the nearest
  segment (sign of the cross product in lon/lat; a point whose nearest point is a vertex gets the
  same sign from both segments that meet there).
* Border crossings of a segment: Shapely's intersection of the segment with the line (both straight
  in lon/lat): crossed if the number of intersection points is odd, from the side of the start
  point relative to the first border segment crossed.

Tolerance. Points too close to an edge for the two computations to be expected to agree are
excluded from the comparison, counted and the first few listed:

* polygons: within 1e-9 degrees (0.1 mm) of the boundary (edge cases of the point-on-edge rule and
  of floating point);
* circles and bands: within tol(d) of the radius or band width d, where
  tol(d) = d^2 * tan(lat) / (4 R) + 0.05 m, R = 6,371 km. Vigil measures in a local tangent plane
  (`LocalPlane`), whose error against the geodesic grows with the square of the distance through
  the change of the parallel's radius (d^2 tan(lat) / (4 R) bounds it: 0.03 m at 1 km, 0.27 m at
  3 km, 0.75 m at 5 km at 37.5 N; measured worst case 77 % of that); 5 cm covers the reference's
  own arithmetic;
* one-sided bands: points within 1 mm of the line, and points whose nearest segments on the two
  sides are equally near within 2 tol(d) + 1 mm;
* segments: an end within 1e-9 degrees of the line, an intersection within 1e-9 degrees of a
  vertex of the line (touching rules), or a segment collinear with the line.

Every other point and segment must agree: zero disagreements.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
ZONES = ROOT / "Config" / "zones.geojson"
GEOD = Geod(ellps="WGS84")
TM = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lon_0=40.6 +k=1 +ellps=WGS84 +units=m +no_defs", always_xy=True)
TM_INV = Transformer.from_crs("+proj=tmerc +lon_0=40.6 +k=1 +ellps=WGS84 +units=m +no_defs", "EPSG:4326", always_xy=True)
R_EARTH = 6_371_000.0
POLYGON_EPS_DEG = 1e-9
SIDE_EPS_M = 1e-3
REFINE_M = 25.0
DEFAULT_PRIORITY = {"border": 100, "mask": 90, "restricted": 80, "strip": 60, "buffer": 40, "town": 20}
LISTED = 5


# --- running vigil -----------------------------------------------------------------------------


def vigil() -> Path:
    path = Path(os.environ.get("VIGIL_BIN_DIR") or ROOT / ".build" / "debug") / "vigil"
    if not path.exists():
        pytest.fail(f"{path} not found: run `swift build` first, or set VIGIL_BIN_DIR")
    return path


def classify(zones: Path, lines: list[str]) -> list[str]:
    r = subprocess.run([str(vigil()), "zones", "classify", "--zones", str(zones)], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, (r.stderr + r.stdout[-2000:])
    return r.stdout.splitlines()


def tol(d, lat):
    """Distance tolerance (m) for a metric edge at distance d (m) at latitude lat (deg); see the docstring."""
    return np.asarray(d) ** 2 * np.tan(np.radians(np.abs(lat))) / (4 * R_EARTH) + 0.05


# --- the reference ----------------------------------------------------------------------------


class Exclusions:
    """Points or segments left out of the comparison, by reason, with the first few listed."""

    def __init__(self) -> None:
        self.mask: np.ndarray | None = None
        self.by_reason: dict[str, int] = {}
        self.examples: list[str] = []

    def add(self, where: np.ndarray, reason: str, describe) -> None:
        where = np.asarray(where, dtype=bool)
        new = where & ~self.mask
        self.mask |= where
        n = int(new.sum())
        if n:
            self.by_reason[reason] = self.by_reason.get(reason, 0) + n
            for i in np.flatnonzero(new)[:LISTED]:
                if sum(1 for e in self.examples if e.startswith(reason)) < LISTED:
                    self.examples.append(f"{reason}: {describe(i)}")

    @property
    def count(self) -> int:
        return int(self.mask.sum())


def geodesic_to_segments(plon, plat, alon, alat, blon, blat, iterations=60):
    """Geodesic distance (m) from each point to its segment a-b, straight in lon/lat (golden section on t)."""
    def f(t):
        return GEOD.inv(plon, plat, alon + t * (blon - alon), alat + t * (blat - alat))[2]
    g = (math.sqrt(5) - 1) / 2
    lo, hi = np.zeros(len(plon)), np.ones(len(plon))
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        left = fc < fd                       # the minimum is in [lo, d]
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new = np.where(left, hi - g * (hi - lo), lo + g * (hi - lo))
        fnew = f(new)
        c, d, fc, fd = (np.where(left, new, d), np.where(left, c, new),
                        np.where(left, fnew, fd), np.where(left, fc, fnew))
    return np.minimum.reduce([f((lo + hi) / 2), f(np.zeros(len(plon))), f(np.ones(len(plon)))])


class LineReference:
    """Distance (m) and side of points relative to a polyline straight in lon/lat."""

    def __init__(self, coords: list[list[float]]):
        self.v = np.array(coords, dtype=float)
        x, y = TM.transform(self.v[:, 0], self.v[:, 1])
        self.segments_tm = shapely.linestrings(np.stack([np.stack([x[:-1], y[:-1]], 1), np.stack([x[1:], y[1:]], 1)], 1))
        self.tree = shapely.STRtree(self.segments_tm)

    def measure(self, lon: np.ndarray, lat: np.ndarray, widths: list[float], max_distance: float):
        """For each point: distance (m; inf beyond max_distance), side (+1 left, -1 right, 0 on the
        line), whether the side is ambiguous, and whether the distance is exact (geodesic)."""
        n = len(lon)
        dist = np.full(n, np.inf)
        side = np.zeros(n, dtype=int)
        side_tie = np.zeros(n, dtype=bool)
        exact = np.zeros(n, dtype=bool)
        x, y = TM.transform(lon, lat)
        pts = shapely.points(x, y)
        (pi, _), dmin = self.tree.query_nearest(pts, max_distance=max_distance + 2 * REFINE_M, return_distance=True)
        near = np.zeros(n, dtype=bool)
        near[pi] = True
        dmin_all = np.full(n, np.inf)
        dmin_all[pi] = dmin
        idx = np.flatnonzero(near)
        pairs = self.tree.query(pts[idx], predicate="dwithin", distance=dmin_all[idx] + 2 * REFINE_M)
        p, s = idx[pairs[0]], pairs[1]
        d_tm = shapely.distance(pts[p], self.segments_tm[s])
        a, b = self.v[s], self.v[s + 1]
        cross = (b[:, 0] - a[:, 0]) * (lat[p] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (lon[p] - a[:, 0])
        sgn = np.sign(cross).astype(int)
        # Points where the projected estimate decides nothing close: nearest pair in the projection.
        order = np.lexsort((d_tm, p))
        first = order[np.r_[True, p[order][1:] != p[order][:-1]]]
        dist[p[first]] = d_tm[first]
        side[p[first]] = sgn[first]
        # Refine where a width, the line itself or the other side is within REFINE_M.
        refine = np.zeros(n, dtype=bool)
        for w in widths:
            refine |= np.abs(dist - w) < REFINE_M
        refine |= dist < REFINE_M
        other = sgn != side[p]
        close_other = other & (d_tm < dist[p] + REFINE_M)
        refine[p[close_other]] = True
        sel = refine[p] & (d_tm < dist[p] + REFINE_M)
        rp, rs, rsgn = p[sel], s[sel], sgn[sel]
        if len(rp):
            d_geo = geodesic_to_segments(lon[rp], lat[rp], self.v[rs, 0], self.v[rs, 1], self.v[rs + 1, 0], self.v[rs + 1, 1])
            order = np.lexsort((d_geo, rp))
            first = order[np.r_[True, rp[order][1:] != rp[order][:-1]]]
            best = np.full(n, np.inf)
            best[rp[first]] = d_geo[first]
            dist[rp[first]] = d_geo[first]
            side[rp[first]] = rsgn[first]
            exact[rp[first]] = True
            # A segment on the other side nearly as near: the side is a tie within the tolerance.
            tie = (rsgn != side[rp]) & (d_geo - best[rp] <= 2 * tol(best[rp], lat[rp]) + SIDE_EPS_M)
            side_tie[rp[tie]] = True
        side_tie |= exact & (dist < SIDE_EPS_M)
        side_tie |= (side == 0) & np.isfinite(dist)
        dist[dist > max_distance + REFINE_M] = np.inf
        return dist, side, side_tie, exact


class ZonesReference:
    """The zones of a GeoJSON file, classified independently of Vigil."""

    def __init__(self, fc: dict):
        self.zones = []
        lines: dict[str, LineReference] = {}
        for index, f in enumerate(fc["features"]):
            p, g = f["properties"], f["geometry"]
            z = {"id": p["id"], "kind": p["kind"], "priority": p.get("priority", DEFAULT_PRIORITY[p["kind"]]),
                 "index": index, "type": g["type"]}
            if p["kind"] == "border":
                z["shape"] = "line"
                z["names"] = (p["left"], p["right"])
                z["coords"] = g["coordinates"]
            elif g["type"] == "LineString":
                key = json.dumps(g["coordinates"])
                lines.setdefault(key, LineReference(g["coordinates"]))
                side = p.get("side", "both")
                z.update(shape="band", line=key, width=float(p["band_m"]),
                         side=None if side == "both" else (1 if side in ("left", p.get("left")) else -1))
            elif g["type"] in ("Polygon", "MultiPolygon"):
                geom = shape(g)
                assert geom.is_valid, p["id"]
                shapely.prepare(geom)
                z.update(shape="polygon", geom=geom, boundary=geom.boundary)
            else:
                z.update(shape="circle", center=g["coordinates"], radius=float(p["radius_m"]))
            self.zones.append(z)
        self.lines = lines
        self.areas = sorted((z for z in self.zones if z["shape"] != "line"), key=lambda z: (-z["priority"], z["index"]))

    def points(self, lat: np.ndarray, lon: np.ndarray, excluded: Exclusions) -> list[str]:
        """The expected `P ...` answer of each point; near-edge points are added to `excluded`."""
        n = len(lat)
        excluded.mask = np.zeros(n, dtype=bool)
        where = lambda i: f"P {float(lat[i])!r} {float(lon[i])!r}"  # noqa: E731
        inside = {}
        pts = shapely.points(lon, lat)
        measured = {}
        for key, line in self.lines.items():
            widths = [z["width"] for z in self.zones if z["shape"] == "band" and z["line"] == key]
            measured[key] = line.measure(lon, lat, widths, max(widths))
        for z in self.areas:
            if z["shape"] == "polygon":
                inside[z["id"]] = shapely.contains_xy(z["geom"], lon, lat)
                near = shapely.dwithin(z["boundary"], pts, POLYGON_EPS_DEG)
                excluded.add(near, "polygon edge", lambda i, z=z: f"{where(i)}: within 1e-9 deg of {z['id']}")
            elif z["shape"] == "circle":
                (clon, clat), r = z["center"], z["radius"]
                cand = (np.abs(lat - clat) < (r + 500) / 100_000) & (np.abs(lon - clon) < (r + 500) / 80_000)
                d = np.full(n, np.inf)
                idx = np.flatnonzero(cand)
                d[idx] = GEOD.inv(np.full(len(idx), clon), np.full(len(idx), clat), lon[idx], lat[idx])[2]
                inside[z["id"]] = d <= r
                excluded.add(np.abs(d - r) <= tol(r, clat), "circle edge",
                             lambda i, d=d, r=r, z=z: f"{where(i)}: {d[i] - r:+.3f} m from the edge of {z['id']}")
            else:
                dist, side, tie, _ = measured[z["line"]]
                w = z["width"]
                ok = dist <= w
                if z["side"] is not None:
                    ok &= side == z["side"]
                inside[z["id"]] = ok
                excluded.add(np.abs(dist - w) <= tol(w, lat), "band edge",
                             lambda i, dist=dist, w=w, z=z: f"{where(i)}: {dist[i] - w:+.3f} m from the edge of {z['id']}")
                if z["side"] is not None:
                    excluded.add(tie & (dist <= w + tol(w, lat)), "band side at the line",
                                 lambda i, dist=dist, z=z: f"{where(i)}: {dist[i]:.4f} m from the line of {z['id']}")
        names = [("mask:" if z["kind"] == "mask" else "") + z["id"] for z in self.areas]
        matrix = np.stack([inside[z["id"]] for z in self.areas], 1)
        codes = np.packbits(matrix, axis=1, bitorder="little")
        cache: dict[bytes, str] = {}
        out = []
        for i in range(n):
            key = codes[i].tobytes()
            text = cache.get(key)
            if text is None:
                ids = [names[k] for k in np.flatnonzero(matrix[i])]
                text = cache[key] = "P " + (",".join(ids) if ids else "-")
            out.append(text)
        return out

    def segments(self, lat1, lon1, lat2, lon2, excluded: Exclusions) -> list[list[str]]:
        """The expected `S ...` answers (one per border) of each segment."""
        n = len(lat1)
        excluded.mask = np.zeros(n, dtype=bool)
        answers = [[] for _ in range(n)]
        where = lambda i: f"S {float(lat1[i])!r} {float(lon1[i])!r} {float(lat2[i])!r} {float(lon2[i])!r}"  # noqa: E731
        starts, ends = shapely.points(lon1, lat1), shapely.points(lon2, lat2)
        segs = shapely.linestrings(np.stack([np.stack([lon1, lat1], 1), np.stack([lon2, lat2], 1)], 1))
        for z in (z for z in self.zones if z["shape"] == "line"):
            line = shapely.LineString(z["coords"])
            vertices = shapely.MultiPoint(z["coords"])
            v = np.array(z["coords"])
            seg_tree = shapely.STRtree(shapely.linestrings(np.stack([v[:-1], v[1:]], 1)))
            inter = shapely.intersection(segs, line)
            types = shapely.get_type_id(inter)
            collinear = np.isin(types, [1, 5, 7]) & ~shapely.is_empty(inter)
            excluded.add(collinear, f"collinear with {z['id']}", where)
            excluded.add(shapely.dwithin(line, starts, POLYGON_EPS_DEG) | shapely.dwithin(line, ends, POLYGON_EPS_DEG),
                         f"end on {z['id']}", where)
            excluded.add(shapely.dwithin(vertices, inter, POLYGON_EPS_DEG) & ~shapely.is_empty(inter),
                         f"through a vertex of {z['id']}", where)
            count = np.where(shapely.is_empty(inter), 0, shapely.get_num_geometries(inter))
            odd = (count % 2 == 1) & ~collinear
            parts, owner = shapely.get_parts(inter[odd], return_index=True)
            owner = np.flatnonzero(odd)[owner]
            dist = shapely.distance(starts[owner], parts)
            order = np.lexsort((dist, owner))
            first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]] if len(order) else order
            crossed = seg_tree.query_nearest(parts[first], all_matches=False)[1]
            a, b = v[crossed], v[crossed + 1]
            o = owner[first]
            cross = (b[:, 0] - a[:, 0]) * (lat1[o] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (lon1[o] - a[:, 0])
            direction = {}
            left, right = z["names"]
            for k, c in zip(o, cross):
                direction[k] = f"{left}->{right}" if c > 0 else f"{right}->{left}"
            for i in range(n):
                answers[i].append(f"S {z['id']} {direction.get(i, 'none')}")
        return answers


# --- inputs -----------------------------------------------------------------------------------


def offset_points(rng, coords, count, offsets):
    """Points at metric `offsets` (m, + right) from random points of the line (projection)."""
    v = np.array(coords, dtype=float)
    x, y = TM.transform(v[:, 0], v[:, 1])
    seg = np.hypot(np.diff(x), np.diff(y))
    i = rng.choice(len(seg), size=count, p=seg / seg.sum())
    t = rng.random(count)
    px, py = x[i] + t * (x[i + 1] - x[i]), y[i] + t * (y[i + 1] - y[i])
    ux, uy = (x[i + 1] - x[i]) / seg[i], (y[i + 1] - y[i]) / seg[i]
    lon, lat = TM_INV.transform(px + uy * offsets, py - ux * offsets)
    return lat, lon


def metric_jitter(rng, lat, lon, sigma_m):
    x, y = TM.transform(lon, lat)
    lon2, lat2 = TM_INV.transform(x + rng.normal(0, sigma_m, len(x)), y + rng.normal(0, sigma_m, len(x)))
    return lat2, lon2


def near_rings(rng, rings, count):
    """Points near the edges of rings (perpendicular offsets of 1e-8 to 1e-3 degrees) and around
    their vertices; 2 % exactly at a vertex and 2 % on an edge (excluded: on the boundary)."""
    edges = np.concatenate([np.stack([np.array(r)[:-1], np.array(r)[1:]], 1) for r in rings])
    k = rng.integers(0, len(edges), count)
    a, b = edges[k, 0], edges[k, 1]
    t = rng.random(count)
    t[: count // 5] = rng.choice([0.0, 1.0], count // 5)          # a fifth at the vertices
    d = b - a
    normal = np.stack([-d[:, 1], d[:, 0]], 1) / np.hypot(d[:, 0], d[:, 1])[:, None]
    off = (10 ** rng.uniform(-8, -3, count)) * rng.choice([-1.0, 1.0], count)
    off[: count // 50] = 0.0                                       # exactly at a vertex
    off[count // 5: count // 5 + count // 50] = 0.0                # exactly on an edge (to rounding)
    p = a + t[:, None] * d + normal * off[:, None]
    p[count // 50: count // 5] += rng.uniform(-1e-5, 1e-5, (count // 5 - count // 50, 2))
    return p[:, 1], p[:, 0]


def rings_of(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [r for poly in geometry["coordinates"] for r in poly]


def compare(kind, inputs, expected, got, excluded, report):
    assert len(got) == len(expected), f"{kind}: {len(got)} answers for {len(expected)} queries"
    bad = [i for i in range(len(expected)) if not excluded.mask[i] and expected[i] != got[i]]
    report.append(f"{kind}: {len(expected)} compared, {excluded.count} excluded near an edge "
                  f"({', '.join(f'{r}: {c}' for r, c in sorted(excluded.by_reason.items())) or 'none'}), "
                  f"{len(bad)} disagreements")
    report.extend("  excluded " + e for e in excluded.examples)
    report.extend(f"  DISAGREE {inputs[i]}: expected {expected[i]!r}, vigil {got[i]!r}" for i in bad[:20])
    return bad


# --- tests ------------------------------------------------------------------------------------


def test_default_zones_agree_with_shapely_and_geodesics(capsys):
    started = time.monotonic()
    rng = np.random.default_rng(20250607)
    fc = json.loads(ZONES.read_text(encoding="utf-8"))
    ref = ZonesReference(fc)
    border = next(z for z in ref.zones if z["shape"] == "line")["coords"]

    # 200,000 points: uniform in the extent, dense near the line, its band edges and vertices, and
    # around every circle and polygon.
    lats, lons = [], []

    def add(lat, lon):
        lats.append(np.asarray(lat, dtype=float))
        lons.append(np.asarray(lon, dtype=float))
    add(rng.uniform(33.2, 37.25, 40_000), rng.uniform(38.6, 42.5, 40_000))
    add(*offset_points(rng, border, 20_000, rng.uniform(-6_000, 6_000, 20_000)))
    add(*offset_points(rng, border, 15_000, rng.choice([-1_000.0, 1_000.0], 15_000) + rng.normal(0, 10, 15_000)))
    add(*offset_points(rng, border, 15_000, rng.choice([-5_000.0, 5_000.0], 15_000) + rng.normal(0, 10, 15_000)))
    add(*offset_points(rng, border, 15_000, rng.normal(0, 3, 15_000)))
    add(*offset_points(rng, border, 5_000, rng.uniform(-100, 100, 5_000)))
    v = np.array(border)
    k = rng.integers(0, len(v), 10_000)
    add(*metric_jitter(rng, v[k, 1], v[k, 0], 300.0))
    areas = [f for f in fc["features"] if f["geometry"]["type"] != "LineString"]
    per_area = 80_000 // len(areas)
    for f in areas:
        g = f["geometry"]
        if g["type"] == "Point":
            clon, clat = g["coordinates"]
            r = f["properties"]["radius_m"]
            theta = rng.uniform(0, 2 * np.pi, per_area)
            rho = np.where(rng.random(per_area) < 0.6, r + rng.normal(0, 5.0, per_area), r * 1.5 * np.sqrt(rng.random(per_area)))
            cx, cy = TM.transform(clon, clat)
            lon, lat = TM_INV.transform(cx + rho * np.cos(theta), cy + rho * np.sin(theta))
            add(lat, lon)
        else:
            add(*near_rings(rng, rings_of(g), per_area * 3 // 4))
            b = shape(g).bounds
            m = per_area - per_area * 3 // 4
            add(rng.uniform(b[1] - 0.01, b[3] + 0.01, m), rng.uniform(b[0] - 0.01, b[2] + 0.01, m))
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    assert len(lat) >= 200_000

    # 23,400 segments: 20,000 of 1-500 m (log-uniform) starting at most their length from the line,
    # 2,000 of 1-500 m starting around its vertices, 1,000 of 1-60 km starting within 30 km.
    n_short, n_vertex, n_long = 20_000, 2_000, 1_000
    short = 10 ** rng.uniform(0, math.log10(500), n_short + n_vertex)
    s_lat, s_lon = offset_points(rng, border, n_short, rng.uniform(-1, 1, n_short) * short[:n_short])
    k = rng.integers(0, len(v), n_vertex)
    vx_lat, vx_lon = metric_jitter(rng, v[k, 1], v[k, 0], 100.0)
    l_lat, l_lon = offset_points(rng, border, n_long, rng.uniform(-30_000, 30_000, n_long))
    lat1, lon1 = np.concatenate([s_lat, vx_lat, l_lat]), np.concatenate([s_lon, vx_lon, l_lon])
    length = np.concatenate([short, rng.uniform(1_000, 60_000, n_long)])
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(0, 360, len(lat1)), length)
    # 200 starting exactly at a vertex of the line and 200 through a vertex (both excluded: touching rules).
    k = rng.integers(1, len(v) - 1, 400)
    d_lon, d_lat = rng.uniform(-0.002, 0.002, 400), rng.uniform(-0.002, 0.002, 400)
    lat1 = np.concatenate([lat1, v[k, 1] + np.r_[np.zeros(200), d_lat[200:]]])
    lon1 = np.concatenate([lon1, v[k, 0] + np.r_[np.zeros(200), d_lon[200:]]])
    lat2 = np.concatenate([lat2, v[k, 1] - d_lat])
    lon2 = np.concatenate([lon2, v[k, 0] - d_lon])

    p_lines = [f"P {a!r} {b!r}" for a, b in zip(lat.tolist(), lon.tolist())]
    s_lines = [f"S {a!r} {b!r} {c!r} {d!r}" for a, b, c, d in zip(lat1.tolist(), lon1.tolist(), lat2.tolist(), lon2.tolist())]
    t0 = time.monotonic()
    out = classify(ZONES, p_lines + s_lines)
    vigil_s = time.monotonic() - t0
    borders = sum(1 for z in ref.zones if z["shape"] == "line")
    got_p = out[: len(p_lines)]
    got_s = [out[len(p_lines) + i * borders: len(p_lines) + (i + 1) * borders] for i in range(len(s_lines))]
    assert len(out) == len(p_lines) + borders * len(s_lines)

    p_excluded, s_excluded = Exclusions(), Exclusions()
    want_p = ref.points(lat, lon, p_excluded)
    want_s = ref.segments(lat1, lon1, lat2, lon2, s_excluded)
    report = [f"vigil zones classify: {len(p_lines):,} points and {len(s_lines):,} segments in {vigil_s:.1f} s"]
    bad_p = compare("points (default zones)", p_lines, want_p, got_p, p_excluded, report)
    bad_s = compare("segments (iq-sy-border)", s_lines, want_s, got_s, s_excluded, report)
    crossings = sum(1 for s in want_s if s[0].split()[-1] != "none")
    inside = sum(1 for p in want_p if p != "P -")
    report.append(f"  {inside:,} points in at least one zone; {crossings:,} segments cross the border; "
                  f"total {time.monotonic() - started:.1f} s")
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert not bad_p and not bad_s, "\n".join(report)
    assert p_excluded.count < len(p_lines) * 0.02 and s_excluded.count < len(s_lines) * 0.02, "too many exclusions"


def star(rng, cx, cy, r_max, n):
    """A star-shaped simple polygon around (cx, cy): the radius of its inscribed disc, and the ring (CCW, closed)."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = r_max * rng.uniform(0.5, 1.0, n)
    ring = [[cx + r * math.cos(a), cy + r * math.sin(a)] for a, r in zip(angles, radii)]
    gaps = np.diff(np.r_[angles, angles[0] + 2 * np.pi])
    inscribed = 0.5 * r_max * math.cos(min(gaps.max(), 3.0) / 2) if gaps.max() < 3.0 else 0.0
    return inscribed, ring + [ring[0]]


def polygon_with_holes(rng, cx, cy, r_max):
    inscribed, exterior = star(rng, cx, cy, r_max, int(rng.integers(5, 40)))
    rings = [exterior]
    if inscribed > 0:
        placed = []
        for _ in range(int(rng.integers(0, 4))):
            hr = inscribed * rng.uniform(0.1, 0.35)
            ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(0, inscribed - hr)
            hx, hy = cx + dist * math.cos(ang), cy + dist * math.sin(ang)
            if all(math.hypot(hx - px, hy - py) > hr + pr for px, py, pr in placed):
                placed.append((hx, hy, hr))
                rings.append(star(rng, hx, hy, hr, int(rng.integers(3, 12)))[1][::-1])   # holes clockwise
    return rings


def test_random_polygons_with_holes_agree_with_shapely(tmp_path, capsys):
    rng = np.random.default_rng(7)
    features = []
    region = (40.0, 34.0, 41.5, 35.5)
    kinds = ["restricted", "mask", "town", "strip", "buffer"]
    for i in range(60):
        cx, cy = rng.uniform(region[0] + 0.1, region[2] - 0.1), rng.uniform(region[1] + 0.1, region[3] - 0.1)
        if i % 4 == 3:      # a MultiPolygon: 2-3 parts far enough apart, one maybe an island in a hole
            parts = []
            for j in range(int(rng.integers(2, 4))):
                px, py = cx + 0.25 * j, cy + (0.2 if j % 2 else 0.0)
                parts.append(polygon_with_holes(rng, px, py, 0.09))
            if len(parts[0]) > 1 and rng.random() < 0.5:     # an island inside the first hole
                hole = np.array(parts[0][1][:-1])
                hx, hy = hole.mean(0)
                hr = np.min(np.hypot(hole[:, 0] - hx, hole[:, 1] - hy)) * 0.3
                if hr > 0 and shapely.Polygon(parts[0][1]).contains(shapely.Point(hx, hy).buffer(hr)):
                    parts.append([star(rng, hx, hy, hr, 6)[1]])
            geometry = {"type": "MultiPolygon", "coordinates": parts}
        else:
            geometry = {"type": "Polygon", "coordinates": polygon_with_holes(rng, cx, cy, rng.uniform(0.02, 0.15))}
        if not shape(geometry).is_valid:
            continue
        if i % 5 == 4:       # wound against RFC 7946: accepted with a warning, must classify the same
            rings = geometry["coordinates"] if geometry["type"] == "Polygon" else [r for p in geometry["coordinates"] for r in p]
            for r in rings:
                r.reverse()
        kind = kinds[i % len(kinds)] if i % 3 else "restricted"
        props = {"id": f"poly-{i:02d}", "kind": kind, "priority": int(rng.choice([10, 20, 30]))}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    assert len(features) >= 50
    path = tmp_path / "random-zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    check = subprocess.run([str(vigil()), "zones", "check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "error:" not in check.stdout

    lats, lons = [rng.uniform(region[1], region[3], 20_000)], [rng.uniform(region[0], region[2], 20_000)]
    for f in features:
        lat, lon = near_rings(rng, rings_of(f["geometry"]), 700)
        lats.append(lat)
        lons.append(lon)
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    lines = [f"P {a!r} {b!r}" for a, b in zip(lat.tolist(), lon.tolist())]
    got = classify(path, lines)
    ref = ZonesReference({"type": "FeatureCollection", "features": features})
    excluded = Exclusions()
    want = ref.points(lat, lon, excluded)
    report = []
    multi = sum(1 for f in features if f["geometry"]["type"] == "MultiPolygon")
    holes = sum(len(rings_of(f["geometry"])) for f in features) - sum(
        len(f["geometry"]["coordinates"]) if f["geometry"]["type"] == "MultiPolygon" else 1 for f in features)
    bad = compare(f"points (random zones: {len(features)} polygons, {multi} MultiPolygons, {holes} holes)",
                  lines, want, got, excluded, report)
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert not bad, "\n".join(report)
