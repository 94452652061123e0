"""Pipeline stages. Each stage is one module; :mod:`storyline.pipeline` lists them in order.

A stage is built once per :class:`~storyline.pipeline.Pipeline` from the shared
:class:`Corpus` (store, config) and then called on each article. Heavy resources (models, indexes)
are loaded lazily on first use, so building a pipeline is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

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
    """One named step. ``requires``/``assigns`` name Article fields, as documentation and checks.

    ``parallel`` says the stage needs nothing beyond the article and its batch (no corpus state:
    no registry, no story index), so it may run on any worker process (:mod:`storyline.engine`).
    """

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    parallel: bool

    def prepare(self, batch: list[Article]) -> None:
        """Look at a whole batch before the per-article calls (e.g. lines recurring per source)."""

    def __call__(self, article: Article) -> Article: ...


@runtime_checkable
class Precomputing(Protocol):
    """A corpus stage whose costly part needs no corpus state (NER, embeddings): ``precompute``
    runs it ahead, possibly on a worker, and leaves the result in ``article.annotations``, where
    the stage's own call picks it up instead of computing it again."""

    def precompute(self, batch: list[Article]) -> None: ...
