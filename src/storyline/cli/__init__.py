"""Command line: ``storyline ingest|articles|show|export|...``; each module registers commands."""

from __future__ import annotations

from storyline.cli import articles as articles  # registers its commands
from storyline.cli import entities as entities  # registers its commands
from storyline.cli import quotes as quotes  # registers its commands
from storyline.cli import serve as serve  # registers its commands
from storyline.cli import stories as stories  # registers its commands
from storyline.cli import travel as travel  # registers its commands
from storyline.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
