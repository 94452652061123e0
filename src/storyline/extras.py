"""Optional features and the pip extras that install them (``pyproject.toml``):

- ``storyline[postgres]`` — the PostgreSQL store (``postgresql://`` URLs): psycopg;
- ``storyline[dask]`` — ``storyline ingest --engine dask``: dask.distributed.

Code that needs one calls :func:`require` where the feature starts (opening a PostgreSQL store,
starting a Dask client), never at module level, so ``import storyline`` and the SQLite,
single-process path work without them; a missing one is a :class:`~storyline.errors.MissingExtra`
naming the install command, as httpx does for its ``http2`` and ``cli`` extras.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from storyline.errors import MissingExtra

# module → (pip extra, what needs it: the start of the error message)
EXTRAS = {
    "psycopg": ("postgres", "The PostgreSQL store (a postgresql:// database)"),
    "distributed": ("dask", "The Dask engine (--engine dask)"),
}


def require(module: str) -> ModuleType:
    """Import ``module`` (a key of :data:`EXTRAS`), or raise :class:`MissingExtra` saying which
    extra to install."""
    extra, feature = EXTRAS[module]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(feature, module, extra) from exc


def loaded(module: str) -> ModuleType | None:
    """``module`` if something already imported it, else None — for code that only has to
    handle a backend's exceptions: without its module loaded, none of them can be raised."""
    return sys.modules.get(module)
