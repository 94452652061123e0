"""Shared fixtures: the founding seed articles and the third-party dev data, read from ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The CLI's Rich consoles are created at import; a COLUMNS inherited from the calling shell (CI sets
# one) would freeze their width for every test. Tests that care pass COLUMNS to the runner instead.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: tests read the seeds and dev data from ../shared")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "seeds"


@pytest.fixture(scope="session")
def seed_paths(seeds_dir: Path) -> list[Path]:
    paths = sorted(seeds_dir.glob("*.txt"))
    assert len(paths) == 5
    return paths


@pytest.fixture(scope="session")
def data_dir(shared_dir: Path) -> Path:
    return shared_dir / "data"
