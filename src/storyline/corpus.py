"""What stages share beyond one article: the :class:`Corpus`, the :class:`Stage` protocol, and the
:class:`Change` an article's analysis makes to corpus state.

A stage is built once per :class:`~storyline.pipeline.Pipeline` from the shared :class:`Corpus`
(store, settings, corpus state) and then called on each article. Heavy resources (models,
indexes) are loaded lazily on first use, so building a pipeline is cheap.

**Corpus state is committed with the article it comes from.** A corpus stage (entities,
stories) updates the in-memory state (the entity registry, the story index) and records what
that article changed as :class:`Change` objects (:meth:`Corpus.record`); the ingest runner takes
them (:meth:`Corpus.take`) and writes them in the same transaction as the analysed article
(:meth:`storyline.store.Store.save_article`). So after a kill the store holds exactly the state
of the articles it holds, and a rerun continues from there. When an article fails half-way, the
in-memory state may hold part of its changes: :meth:`Corpus.reset` drops it, and it is loaded
again from the store on next use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from storyline.article import Article
from storyline.config import Settings

if TYPE_CHECKING:
    from storyline.entities.registry import EntityRegistry
    from storyline.store import SQLConnection, Store


class Change(Protocol):
    """One article's change to corpus state, written inside that article's transaction."""

    def write(self, conn: SQLConnection) -> None: ...


@dataclass
class Corpus:
    """The store (None for one-off analysis), the settings, and the corpus state stages share.

    ``registry`` is the corpus entity registry (loaded from the store on first use); the
    entities stage resolves mentions into it, quotes and claims read it (roles, titles).
    """

    settings: Settings = field(default_factory=Settings)
    store: Store | None = None
    _registry: EntityRegistry | None = field(default=None, repr=False)
    _changes: dict[str, list[Change]] = field(default_factory=dict, repr=False)
    _resets: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def registry(self) -> EntityRegistry:
        """The corpus entity registry: the alias tables plus what the store holds."""
        if self._registry is None:
            from storyline.entities.registry import new_registry
            from storyline.store.registry import load_registry_state

            registry = new_registry(self.settings.aliases_file, self.settings.preferred_languages)
            if self.store is not None:
                load_registry_state(self.store.conn, registry)
            self._registry = registry
        return self._registry

    def use_registry(self, registry: EntityRegistry) -> None:
        """Use a given registry (tests, ``storyline resolve``) instead of the stored one."""
        self._registry = registry

    def record(self, article_id: str, change: Change) -> None:
        """Remember a change of ``article_id`` until the runner commits it with the article."""
        self._changes.setdefault(article_id, []).append(change)

    def take(self, article_id: str) -> list[Change]:
        """The changes recorded for ``article_id`` (and forget them)."""
        return self._changes.pop(article_id, [])

    def on_reset(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` on :meth:`reset` (a stage dropping its own loaded state)."""
        self._resets.append(callback)

    def reset(self) -> None:
        """Drop the loaded corpus state and every uncommitted change: the next use reloads
        from the store (after an article failed half-way through the corpus stages)."""
        self._changes.clear()
        if self.store is not None:
            self._registry = None
        for callback in self._resets:
            callback()


class Stage(Protocol):
    """One named step. ``requires``/``assigns`` name Article fields; :class:`Pipeline` checks
    that every required field is assigned by ingest or an earlier stage.

    ``parallel`` says the stage needs nothing beyond the article and its batch (no corpus state:
    no registry, no story index), so it may run on any worker process (:mod:`storyline.engine`).
    """

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    parallel: bool

    def prepare(self, batch: list[Article]) -> None:
        """Look at a whole chunk before the per-article calls (lines recurring per outlet,
        batched model calls). For the parallel stages the chunk also holds its articles that an
        earlier run analysed already, as context, so that a rerun after a kill sees what an
        uninterrupted run saw (:meth:`storyline.pipeline.Pipeline.analyse_parallel`)."""

    def __call__(self, article: Article) -> Article: ...


@runtime_checkable
class Precomputing(Protocol):
    """A corpus stage whose costly part needs no corpus state (NER, embeddings): ``precompute``
    runs it ahead, possibly on a worker, and leaves the result in ``article.annotations``, where
    the stage's own call picks it up instead of computing it again."""

    def precompute(self, batch: list[Article]) -> None: ...
