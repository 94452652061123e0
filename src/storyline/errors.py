"""One exception tree for storyline.

StorylineError
├── InputError        an input item could not be read (names the item and the reason)
├── StoreError        the database could not be opened, migrated or written
│   ├── StoreUnavailable  the database server cannot be reached (down, refusing connections)
│   └── StoreLocked   another ingest holds the store's writer lock (names the holder)
└── ConfigError       a configuration file or value is invalid
"""

from __future__ import annotations

import re

# How the ingest readers name a record inside a file (storyline.ingest: "path:line 3").
_RECORD_SUFFIX = re.compile(r":(?:line|entry|record|item) \d+$")


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class InputError(StorylineError):
    """An input item (file, JSON line, feed entry, WARC record) could not be read.

    ``item`` names it as the user would find it: ``path`` or ``path:record``; ``source`` is the
    input it belongs to (``path``: the record suffix ``:line N``, ``:entry N``, ``:record N`` or
    ``:item N`` taken off unless given).
    """

    def __init__(self, item: str, reason: str, source: str | None = None) -> None:
        super().__init__(f"{item}: {reason}")
        self.item = item
        self.reason = reason
        self.source = source if source is not None else _RECORD_SUFFIX.sub("", item)

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str]]:
        # picklable (a Dask worker reading inputs sends these back): rebuilt from its fields
        return (InputError, (self.item, self.reason, self.source))


class StoreError(StorylineError):
    """The store could not be opened, migrated or written."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached right now (down, restarting, refusing
    connections): a retry later may succeed, unlike a schema or permission problem."""


class StoreLocked(StoreError):
    """Another process holds the store's writer lock (:mod:`storyline.store.lock`); ``holder``
    says who (pid, host, start time)."""

    def __init__(self, message: str, holder: object) -> None:
        super().__init__(message)
        self.holder = holder


class ConfigError(StorylineError):
    """A configuration file or value is invalid."""
