"""Command line: ``storyline ingest|articles|show|export|...``. Each module registers its commands."""

from __future__ import annotations

from storyline.cli import articles as articles  # noqa: F401  (registers commands)
from storyline.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
