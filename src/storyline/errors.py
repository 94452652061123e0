"""One exception tree for storyline.

StorylineError
├── InputError        an input item could not be read (names the item and the reason)
├── StoreError        the database could not be opened, migrated or written
│   └── StoreUnavailable  the database server cannot be reached (down, refusing connections)
└── ConfigError       a configuration file or value is invalid
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class InputError(StorylineError):
    """An input item (file, JSON line, feed entry, WARC record) could not be read.

    ``item`` names it as the user would find it: ``path`` or ``path:record``.
    """

    def __init__(self, item: str, reason: str) -> None:
        super().__init__(f"{item}: {reason}")
        self.item = item
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # picklable (a Dask worker reading inputs sends these back): rebuilt from both fields
        return (InputError, (self.item, self.reason))


class StoreError(StorylineError):
    """The store could not be opened, migrated or written."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached right now (down, restarting, refusing
    connections): a retry later may succeed, unlike a schema or permission problem."""


class ConfigError(StorylineError):
    """A configuration file or value is invalid."""
