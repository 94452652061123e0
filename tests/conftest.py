"""Shared fixtures: the founding seed articles and the third-party dev data, read from ../shared;
a throw-away PostgreSQL cluster for the PostgreSQL store's tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.store.pg_cluster import PostgresUnavailable, ThrowawayCluster

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


# -- PostgreSQL: one throw-away cluster per test process (pytest-xdist worker), a database per test


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    """A PostgreSQL cluster on a free loopback port for this test process, removed at the end.

    Fails (never skips) without the server binaries: CI must run the PostgreSQL tests, and
    ``make install`` installs Debian's postgresql package."""
    try:
        cluster = ThrowawayCluster().start()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL tests cannot run: {exc}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: ThrowawayCluster) -> Iterator[str]:
    """The URL of an empty database of its own for one test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = pg_cluster.create_database(name)
    yield url
    pg_cluster.drop_database(name)


# -- the analysed web corpus (tests/_webdb.py) on both backends, for the API and web tests


@pytest.fixture(scope="session")
def web_corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the web corpus's input files and SQLite file live (shared by both backends, so
    ``source_path`` is the same in both stores)."""
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="session")
def web_sqlite_db(web_corpus_dir: Path, seed_paths: list[Path]) -> str:
    from _webdb import build_store

    return str(build_store(web_corpus_dir, seed_paths))


@pytest.fixture(scope="session")
def web_pg_db(
    pg_cluster: ThrowawayCluster, web_corpus_dir: Path, seed_paths: list[Path]
) -> Iterator[str]:
    from _webdb import build_pg_store

    name = f"web_{uuid.uuid4().hex[:16]}"
    url = build_pg_store(pg_cluster.create_database(name), web_corpus_dir, seed_paths)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def web_db(request: pytest.FixtureRequest) -> str:
    """The web corpus's store on each backend: a SQLite path, then a postgresql:// URL."""
    return str(
        request.getfixturevalue(f"web_{'pg' if request.param == 'postgresql' else 'sqlite'}_db")
    )
