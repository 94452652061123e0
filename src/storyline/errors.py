"""One exception tree for storyline.

StorylineError
├── InputError        an input item could not be read (names the item and the reason)
├── StoreError        the database could not be opened, migrated or written
│   └── StoreUnavailable  the database server cannot be reached (down, refusing connections)
├── ConfigError       a configuration file or value is invalid
└── MissingExtra      an optional feature's package is not installed (names the pip extra)
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


class MissingExtra(StorylineError, ImportError):
    """An optional feature needs a package that is not installed: the message names the extra
    that installs it (``pip install 'storyline[postgres]'``). Also an :class:`ImportError`, so
    code that guards an import the usual way still catches it."""

    def __init__(self, feature: str, module: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the {module!r} package, which is not installed:"
            f" pip install 'storyline[{extra}]'"
        )
        self.feature = feature
        self.module = module
        self.extra = extra

    def __reduce__(self) -> tuple[type[MissingExtra], tuple[str, str, str]]:
        return (MissingExtra, (self.feature, self.module, self.extra))
