"""The Typer application every command module registers on (thin shells over library functions)."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="storyline",
    help="Multilingual news intelligence: who said what, when, about whom.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
# Error lines name the file and line of a bad item: never hard-wrap them, so they stay greppable.
err_console = Console(stderr=True, soft_wrap=True)

DbOption = typer.Option(
    None,
    "--db",
    envvar="STORYLINE_DB",
    help="SQLite file (default ./storyline.db) or postgresql://user@host:port/dbname URL.",
)


@app.callback()
def _root() -> None:
    """storyline: multilingual news intelligence."""
