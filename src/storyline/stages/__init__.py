"""Pipeline stages. Each stage is one module; :mod:`storyline.pipeline` lists them in order.

A stage is built once per :class:`~storyline.pipeline.Pipeline` from the shared
:class:`Corpus` (store, config) and then called on each article. Heavy resources (models, indexes)
are loaded lazily on first use, so building a pipeline is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from storyline.article import Article
from storyline.config import Settings

if TYPE_CHECKING:
    from storyline.store import Store


@dataclass
class Corpus:
    """What stages share beyond one article: the store (may be None for one-off analysis),
    settings, and per-batch statistics that a stage may precompute in :meth:`Stage.prepare`."""

    settings: Settings = field(default_factory=Settings)
    store: Store | None = None


class Stage(Protocol):
    """One named step. ``requires``/``assigns`` name Article fields, as documentation and checks."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def prepare(self, batch: list[Article]) -> None:
        """Look at a whole batch before the per-article calls (e.g. lines recurring per source)."""

    def __call__(self, article: Article) -> Article: ...
