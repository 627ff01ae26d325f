"""Build src/hemicycle/usage/data/world-110m.json, the country shapes of the staff
dashboard's map, from the world-atlas npm package (Natural Earth 1:110m admin 0
countries, public domain; package ISC).

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/build_world_map.py package/countries-110m.json

The TopoJSON arcs are decoded, projected with the Equal Earth projection (equal areas:
shading by country is not distorted by size), cut south of 60°S (Antarctica left out),
rounded to a 1000-unit-wide grid, and written as one SVG path per ISO 3166-1 alpha-2
code (the numeric ids mapped through CLDR regions with ICU). Run once; the output is
committed, so nothing is fetched when Hemicycle is installed or runs.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import icu

OUT = Path(__file__).resolve().parents[1] / "src/hemicycle/usage/data/world-110m.json"
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
WIDTH = 1000.0
NAMED = {"Kosovo": "XK"}  # features without a numeric id that CLDR has a code for


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6
                                                         + 3 * A2 * t2 + A1))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_MAX = equal_earth(180, 0)[0]
Y_TOP, Y_BOTTOM = equal_earth(0, 84)[1], equal_earth(0, -60)[1]
SCALE = WIDTH / (2 * X_MAX)
HEIGHT = round((Y_TOP - Y_BOTTOM) * SCALE)


def point(lon: float, lat: float) -> tuple[int, int]:
    x, y = equal_earth(lon, max(lat, -60.0))
    return round((x + X_MAX) * SCALE), round((Y_TOP - y) * SCALE)


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc[1:] if points else arc)
    return points


def unwrapped(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Russia, Fiji) made continuous past 180°, and
    drawn twice, once shifted a turn west: the frame of the map clips each copy."""
    out, shift, previous = [], 0.0, None
    for lon, lat in points:
        if previous is not None and abs(lon + shift - previous) > 180:
            shift += 360 if previous > lon + shift else -360
        out.append((lon + shift, lat))
        previous = lon + shift
    if all(-180 <= lon <= 180 for lon, _ in out):
        return [out]
    return [out, [(lon - 360 if max(x for x, _ in out) > 180 else lon + 360, lat)
                  for lon, lat in out]]


def path(polygons: list[list[list[int]]], arcs) -> str:
    parts = []
    for polygon in polygons:
        for points in (copy for indexes in polygon for copy in unwrapped(ring(indexes, arcs))):
            projected = []
            for lon, lat in points:
                p = point(lon, lat)
                if not projected or p != projected[-1]:
                    projected.append(p)
            if len(projected) < 3 or all(y >= HEIGHT for _, y in projected):
                continue  # too small at this scale, or wholly south of the cut
            x0, y0 = projected[0]
            steps = [f"{x - px} {y - py}" for (px, py), (x, y) in zip(projected, projected[1:],
                                                                      strict=False)]
            parts.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(parts)


def code(feature: dict) -> str | None:
    if feature.get("id"):
        region = icu.Region.getInstance(int(feature["id"]))
        return region.getRegionCode()
    return NAMED.get(feature.get("properties", {}).get("name", ""))


def main(source: str) -> int:
    topo = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    countries: dict[str, str] = {}
    other: list[str] = []
    for feature in topo["objects"]["countries"]["geometries"]:
        kind = feature.get("type")
        polygons = ([feature["arcs"]] if kind == "Polygon" else feature["arcs"]
                    if kind == "MultiPolygon" else [])
        d = path(polygons, arcs)
        alpha2 = code(feature)
        if not d or alpha2 == "AQ":
            continue
        if alpha2:
            countries[alpha2] = countries.get(alpha2, "") + d
        else:  # a territory with no ISO code (Somaliland, N. Cyprus): land, no data
            other.append(d)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "source": "Natural Earth 1:110m admin 0 countries (public domain), from the "
                  "world-atlas 2.0.2 npm package; Equal Earth projection; "
                  "scripts/build_world_map.py",
        "width": int(WIDTH), "height": HEIGHT, "countries": dict(sorted(countries.items())),
        "other": "".join(other)}, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
