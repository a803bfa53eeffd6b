"""Shared fixtures: where the material beside the project lives, and the example files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GEOMAP_SHARED", ROOT.parent / "shared"))
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (or $GEOMAP_SHARED); tests that need it skip with the reason when it is absent."""
    if not (SHARED / "seed").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared material beside the project, looked in {SHARED}")
        pytest.skip(f"shared material not found at {SHARED} (set GEOMAP_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def seed_article(shared_dir: Path) -> Path:
    return shared_dir / "seed" / "nk-troops-kursk.id.txt"


@pytest.fixture(scope="session")
def seed_gold(shared_dir: Path) -> Path:
    return shared_dir / "seed" / "nk-troops-kursk.gold.json"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's chromium; CI installs it, so there its absence is a failure, not a skip."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path
