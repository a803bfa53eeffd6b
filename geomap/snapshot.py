"""A map as a picture for publication: PNG or PDF through headless Chromium.

Journalists need an image for their article, not a web page. The map's own HTML is drawn by
the browser it was made for, so the picture is exactly what a reader sees, less the controls:
zoom buttons, the layer switcher and the time slider are hidden; title, legend, sources,
scale and attribution stay. Chromium is run as a program (``--screenshot`` /
``--print-to-pdf``) with a fresh profile and no network activity of its own, so nothing else
is needed; ``$GEOMAP_CHROMIUM`` names another binary. Map pages make no request (their assets
are inlined), so the picture needs no network either, unless the map was made with ``cdn``
or online tiles.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from geomap.files import temp_path
from geomap.model import ArgumentError, GeomapError

__all__ = ["save_image", "find_chromium", "parse_size", "IMAGE_SUFFIXES", "DEFAULT_SIZE", "CHROMIUM_ENV"]

IMAGE_SUFFIXES = (".png", ".pdf")
DEFAULT_SIZE = (1600, 1000)
CHROMIUM_ENV = "GEOMAP_CHROMIUM"
MAX_SIDE = 8000  # Chromium's own limit on a screenshot is about 16k; 8k keeps memory sane
SETTLE_MS = 4000  # virtual time the page gets to draw (fit bounds, labels, canvas) before the shot

# What a picture leaves out: the controls one can only use in a browser.
_PRINT_CSS = """
<style id="geomap-print">
.leaflet-control-zoom, .leaflet-control-layers, .geomap-time, .geomap-time-play { display: none !important; }
html, body { margin: 0; }
@page { size: %(w)dpx %(h)dpx; margin: 0; }
</style>
"""

_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # as root in containers; the page is our own file
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--mute-audio",
)


def find_chromium() -> str:
    """The Chromium (or Chrome) binary to draw with; GeomapError saying how to get one."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        if Path(named).is_file() and os.access(named, os.X_OK):
            return named
        raise GeomapError(f"${CHROMIUM_ENV}={named!r} is not an executable file")
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise GeomapError(
        "a PNG or PDF map is drawn by headless Chromium, which is not installed: install it "
        f"(Debian/Ubuntu: apt-get install chromium) or set ${CHROMIUM_ENV} to its path; "
        "an .html map needs no browser to write"
    )


def parse_size(text: str | tuple[int, int]) -> tuple[int, int]:
    """'1600x1000' → (1600, 1000); ArgumentError for anything else or a side out of range."""
    if isinstance(text, tuple):
        width, height = text
    else:
        parts = str(text).lower().replace("×", "x").split("x")
        try:
            width, height = (int(p) for p in parts)
        except ValueError:
            raise ArgumentError("size", f"WIDTHxHEIGHT in pixels is needed, e.g. 1600x1000, not {text!r}") from None
    if not (200 <= width <= MAX_SIDE and 200 <= height <= MAX_SIDE):
        raise ArgumentError("size", f"each side must be 200 to {MAX_SIDE} pixels, not {width}x{height}")
    return width, height


def save_image(
    html: str,
    path: str | Path,
    size: str | tuple[int, int] = DEFAULT_SIZE,
    chromium: str | None = None,
    timeout: float = 120.0,
) -> Path:
    """Draw a map page (``GeoMap.to_html()``) to ``path``: PNG or PDF by its suffix.

    The file appears whole or not at all (written beside, then renamed).
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise ArgumentError("path", f"a picture is .png or .pdf, not {out.name!r}")
    width, height = parse_size(size)
    binary = chromium or find_chromium()
    page = _printable(html, width, height)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Chromium writes beside the output under a temporary name; the rename makes it appear whole.
    drawn = temp_path(out)
    with tempfile.TemporaryDirectory(prefix="geomap-snapshot-") as tmp:
        work = Path(tmp)
        (work / "map.html").write_text(page, encoding="utf-8")
        action = f"--screenshot={drawn}" if suffix == ".png" else f"--print-to-pdf={drawn}"
        command = [
            binary,
            *_CHROMIUM_FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--window-size={width},{height}",
            f"--virtual-time-budget={SETTLE_MS}",
            *(["--no-pdf-header-footer"] if suffix == ".pdf" else []),
            action,
            (work / "map.html").as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
            if result.returncode != 0 or not drawn.exists() or drawn.stat().st_size == 0:
                tail = " ".join(result.stderr.strip().splitlines()[-2:])[:300]
                raise GeomapError(f"Chromium could not draw {out.name} (exit {result.returncode}): {tail}")
            os.chmod(drawn, 0o666 & ~_umask())
            os.replace(drawn, out)
        except subprocess.TimeoutExpired:
            raise GeomapError(f"Chromium did not finish drawing {out.name} within {timeout:g} s") from None
        except OSError as exc:
            raise GeomapError(f"cannot draw {out.name} with Chromium ({binary}): {exc}") from None
        finally:
            drawn.unlink(missing_ok=True)
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _printable(html: str, width: int, height: int) -> str:
    """The page with the controls hidden and the print page sized to the picture."""
    style = _PRINT_CSS % {"w": width, "h": height}
    head_end = html.find("</head>")
    if head_end < 0:
        return style + html
    return html[:head_end] + style + html[head_end:]
