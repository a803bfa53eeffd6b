"""Vendor the JavaScript/CSS that geomap inlines into its HTML maps, from the npm registry.

The maps must open with no network, so Leaflet, jQuery (folium's popups need it),
Leaflet.markercluster (folium's cluster plugins), Leaflet.awesome-markers (``folium.Icon``)
and Leaflet.heat (``folium.plugins.HeatMap``, which folium ships in its own wheel) are
copied into ``geomap/assets/`` at pinned versions and inlined at render time. This script
redoes that copy: ``npm pack`` each package in a temporary directory, check the tarball
against the registry's integrity hash, extract only the files listed in PACKAGES (minified
dist files and the licence), copy FOLIUM_FILES from the installed folium, and write
``geomap/assets/manifest.json`` with the sha256 of every file so that tests can prove the
files were not edited by hand. Licences: Leaflet BSD-2-Clause, jQuery MIT,
Leaflet.markercluster MIT, Leaflet.awesome-markers MIT (its package.json says ISC; the
LICENSE file it ships is MIT), Leaflet.heat/simpleheat BSD-2-Clause (see
geomap/assets/leaflet.heat/README.md).

    python scripts/vendor_assets.py           # fetch and (re)write geomap/assets/
    python scripts/vendor_assets.py --check   # only verify the files against the manifest
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "geomap" / "assets"
MANIFEST = ASSETS / "manifest.json"

# package -> (version, {file inside the npm tarball: file under geomap/assets/})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "leaflet": (
        "1.9.4",
        {
            "package/dist/leaflet.js": "leaflet/leaflet.js",
            "package/dist/leaflet.css": "leaflet/leaflet.css",
            "package/dist/images/layers.png": "leaflet/images/layers.png",
            "package/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
            "package/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
            "package/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
            "package/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
            "package/LICENSE": "leaflet/LICENSE",
        },
    ),
    "jquery": (
        "3.7.1",
        {
            "package/dist/jquery.min.js": "jquery/jquery.min.js",
            "package/LICENSE.txt": "jquery/LICENSE.txt",
        },
    ),
    # Not used by geomap's own layers (they cluster in geomap.js); vendored so that folium's
    # MarkerCluster/FastMarkerCluster added to a geomap map (and the scale benchmark) stay offline.
    "leaflet.markercluster": (
        "1.5.3",
        {
            "package/dist/leaflet.markercluster.js": "leaflet.markercluster/leaflet.markercluster.js",
            "package/dist/MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
            "package/dist/MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
            "package/MIT-LICENCE.txt": "leaflet.markercluster/MIT-LICENCE.txt",
        },
    ),
    # folium.Icon draws with L.AwesomeMarkers (folium asks for 2.0.2 on cdnjs; 2.0.5 is on npm).
    "leaflet.awesome-markers": (
        "2.0.5",
        {
            "package/dist/leaflet.awesome-markers.min.js": "leaflet.awesome-markers/leaflet.awesome-markers.min.js",
            "package/dist/leaflet.awesome-markers.css": "leaflet.awesome-markers/leaflet.awesome-markers.css",
            "package/dist/images/markers-soft.png": "leaflet.awesome-markers/images/markers-soft.png",
            "package/dist/images/markers-soft@2x.png": "leaflet.awesome-markers/images/markers-soft@2x.png",
            "package/dist/images/markers-shadow.png": "leaflet.awesome-markers/images/markers-shadow.png",
            "package/dist/images/markers-shadow@2x.png": "leaflet.awesome-markers/images/markers-shadow@2x.png",
            "package/LICENSE": "leaflet.awesome-markers/LICENSE",
        },
    ),
}
# Files folium carries in its wheel (no npm release of the patched copy): folium package
# path -> file under geomap/assets/; the manifest records the folium version they came from.
FOLIUM_FILES: dict[str, str] = {
    "templates/leaflet_heat.min.js": "leaflet.heat/leaflet_heat.min.js",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_integrity(tarball: Path, integrity: str) -> None:
    """Compare the tarball with the registry's Subresource-Integrity string (sha512-...)."""
    algo, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{tarball.name}: {algo} is {digest}, the registry says {expected}")


def fetch() -> dict[str, object]:
    """npm pack every package, copy the wanted files, and return the new manifest."""
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to vendor the assets (apt-get install npm)")
    manifest: dict[str, object] = {"generated_by": "scripts/vendor_assets.py", "packages": {}}
    with tempfile.TemporaryDirectory(prefix="geomap-vendor-") as tmp:
        tmpdir = Path(tmp)
        for name, (version, files) in PACKAGES.items():
            spec = f"{name}@{version}"
            out = subprocess.run(
                ["npm", "pack", spec, "--json", "--silent"],
                cwd=tmpdir,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            info = json.loads(out)[0]
            tarball = tmpdir / info["filename"]
            _check_integrity(tarball, info["integrity"])
            copied: dict[str, str] = {}
            with tarfile.open(tarball, "r:gz") as tar:
                for member, target in files.items():
                    data = tar.extractfile(member)
                    if data is None:
                        raise SystemExit(f"{spec}: {member} is not a file in the tarball")
                    dest = ASSETS / target
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(data.read())
                    copied[target] = sha256(dest)
            manifest["packages"][name] = {  # type: ignore[index]
                "version": version,
                "integrity": info["integrity"],
                "files": copied,
            }
            print(f"vendored {spec}: {len(copied)} files")
    manifest["packages"]["folium"] = _copy_from_folium()  # type: ignore[index]
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _copy_from_folium() -> dict[str, object]:
    """Copy FOLIUM_FILES out of the installed folium package."""
    import folium

    base = Path(folium.__file__).parent
    copied: dict[str, str] = {}
    for member, target in FOLIUM_FILES.items():
        dest = ASSETS / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes((base / member).read_bytes())
        copied[target] = sha256(dest)
    print(f"vendored from folium {folium.__version__}: {len(copied)} files")
    return {"version": folium.__version__, "integrity": "installed wheel", "files": copied}


def check() -> list[str]:
    """Files that are missing or differ from the manifest (empty when all is well)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    bad = []
    for name, pkg in manifest["packages"].items():
        for rel, digest in pkg["files"].items():
            path = ASSETS / rel
            if not path.is_file():
                bad.append(f"{rel} ({name}): missing")
            elif sha256(path) != digest:
                bad.append(f"{rel} ({name}): sha256 differs from the manifest")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the files against the manifest only")
    args = parser.parse_args(argv)
    if not args.check:
        fetch()
    bad = check()
    for line in bad:
        print(line, file=sys.stderr)
    if not bad:
        print(f"{MANIFEST.relative_to(ASSETS.parents[1])}: all files match")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
