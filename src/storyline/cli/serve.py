"""``storyline serve``: the HTTP API and web UI (:func:`storyline.api.create_app`) with uvicorn."""

from __future__ import annotations

import typer
from rich.markup import escape

from storyline.cli._app import DbOption, app, console, err_console
from storyline.config import Settings
from storyline.errors import StorylineError


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    db: str | None = DbOption,
    workers: int = typer.Option(1, min=1, max=16, help="Server processes."),
) -> None:
    """Serve the web UI at / and the JSON API at /api (OpenAPI at /openapi.json), over a SQLite
    file or a postgresql:// database."""
    import os

    import uvicorn

    # Before anything loads OpenMP (the query embedder): passive waiting keeps a one-query
    # embedding at ~13 ms on a busy machine instead of spinning (see storyline.read.search).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    from storyline.api import create_app
    from storyline.store import open_store

    try:
        settings = Settings.load(db=db)
        store = open_store(settings.db)
    except StorylineError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    if settings.api_token:
        console.print("POST /api/articles is on (token set)")
    console.print(f"storyline on http://{host}:{port}/  (store {escape(store.path)}; Ctrl-C stops)")
    if workers > 1:
        # uvicorn needs an import string to start several processes; each builds its own app.
        os.environ["STORYLINE_DB"] = settings.db
        uvicorn.run(
            "storyline.api:serve_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    uvicorn.run(create_app(store, settings, warm=True), host=host, port=port, log_level="warning")
