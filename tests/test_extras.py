"""The optional extras (storyline.extras): without psycopg or dask installed, storyline imports
and runs on SQLite in one process, and asking for PostgreSQL or Dask is a clear error naming the
pip extra. "Not installed" is simulated by a ``None`` entry in ``sys.modules``, which makes
``import`` raise ImportError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.errors import MissingExtra, StorylineError
from storyline.extras import require

# Modules of the extras and everything under them; the cached storyline modules that imported
# them are dropped too, so the next import runs as on a machine without the extra.
_PG = ("psycopg", "psycopg_binary", "storyline.store.postgres")
_DASK = ("dask", "distributed")


def _uninstall(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> None:
    for name in list(sys.modules):
        if name in names or name.startswith(tuple(f"{n}." for n in names)):
            monkeypatch.delitem(sys.modules, name)
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_missing_psycopg_names_the_postgres_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, _PG)
    from storyline.store import open_store

    with pytest.raises(MissingExtra) as caught:
        open_store("postgresql://nobody@127.0.0.1:1/none")
    message = str(caught.value)
    assert "pip install 'storyline[postgres]'" in message and "psycopg" in message
    assert isinstance(caught.value, StorylineError) and isinstance(caught.value, ImportError)


def test_missing_dask_names_the_dask_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, _DASK)
    from storyline.engine import dask_client

    with pytest.raises(MissingExtra, match=r"pip install 'storyline\[dask\]'"):
        dask_client(workers=1).__enter__()


def test_cli_prints_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_paths: list[Path]
) -> None:
    from storyline.cli import app

    _uninstall(monkeypatch, _PG + _DASK)
    runner = CliRunner()
    pg = runner.invoke(app, ["summary", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert pg.exit_code == 1
    assert "pip install 'storyline[postgres]'" in " ".join(pg.output.split())
    db = str(tmp_path / "s.db")
    dask = runner.invoke(
        app, ["ingest", str(seed_paths[0]), "--db", db, "--engine", "dask", "--workers", "1"]
    )
    assert dask.exit_code == 1
    assert "pip install 'storyline[dask]'" in " ".join(dask.output.split())


def test_require_returns_an_installed_module() -> None:
    assert require("psycopg").__name__ == "psycopg"


def test_storyline_imports_and_runs_without_the_extras(tmp_path: Path) -> None:
    """A fresh interpreter where psycopg, dask and distributed cannot be imported: every
    storyline module but the PostgreSQL store itself imports, the API app builds, and a SQLite
    store takes an article."""
    script = f"""
import importlib, pkgutil, sys
for name in ("psycopg", "psycopg_binary", "dask", "distributed"):
    sys.modules[name] = None
import storyline
skip = {{"storyline.store.postgres"}}
for info in pkgutil.walk_packages(storyline.__path__, "storyline."):
    if info.name not in skip:
        importlib.import_module(info.name)
from storyline.api import create_app
from storyline.article import Article
from storyline.config import Settings
from storyline.store import open_store
db = {str(tmp_path / "x.db")!r}
store = open_store(db)
create_app(store, Settings(db=db), embedder=None)
article = Article(raw_text="Hello.")
store.add_raw(article)
assert store.status(article.id) == "pending"
assert "psycopg" not in [m for m in sys.modules if sys.modules[m] is not None]
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
