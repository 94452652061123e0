"""Commands over articles: ingest, articles, show, export, summary.

PLACEHOLDER until the store and CLI are built.
"""

from __future__ import annotations

from storyline.cli._app import app, console


@app.command()
def version() -> None:
    """Print the storyline version."""
    from storyline import __version__

    console.print(__version__)
