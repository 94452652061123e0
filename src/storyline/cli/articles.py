"""Commands over articles: ``ingest``, ``articles``, ``show``, ``export``, ``summary``, ``version``.

Thin shells: each opens the store named by ``--db`` / ``$STORYLINE_DB`` / settings, calls one
library function (:func:`storyline.batch.ingest`, :mod:`storyline.export`,
:meth:`Store.summary`) and renders its plain-data result with Rich. Tables and reports go to
stdout, progress bars and errors to stderr, so ``storyline export > file`` stays clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.columns import Columns
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.cli._app import DbOption, app, console, err_console
from storyline.config import Settings
from storyline.errors import MissingExtra, StoreLocked, StorylineError
from storyline.store import Store, open_store

if TYPE_CHECKING:
    from storyline.engine import DaskEngine, ProcessEngine
    from storyline.pipeline import Pipeline


@contextmanager
def _open_store(db: str | None) -> Iterator[Store]:
    """The store for a command (a SQLite path or a ``postgresql://`` URL, see
    :func:`storyline.store.open_store`); storyline errors become a one-line message and exit
    code 1."""
    try:
        settings = Settings.load(db=db)
        store = open_store(settings.db)
    except StorylineError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    try:
        yield store
    except StorylineError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    finally:
        store.close()


@app.command()
def ingest(
    paths: list[str] = typer.Argument(  # noqa: B008
        ..., help="Files or directories (read recursively); '-' reads stdin."
    ),
    db: str | None = DbOption,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any item failed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    reanalyse: bool = typer.Option(
        False, "--reanalyse", help="Analyse already stored articles among PATHS again."
    ),
    stages: str | None = typer.Option(
        None,
        "--stages",
        help=(
            "Comma-separated subset of stages to run (default all), e.g. language,clean,metadata."
            " Articles then count as analysed: run the other stages later with --reanalyse."
        ),
    ),
    engine: str = typer.Option(
        "local",
        "--engine",
        help=(
            "Where the analysis runs: local (this process) or dask (language, clean, metadata,"
            " NER and embeddings on Dask workers; same result). See docs/scaling.md."
        ),
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="With --engine dask: a local cluster of N worker processes (default: one per core).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="With --engine dask: the scheduler at tcp://HOST:PORT instead of a local cluster.",
    ),
    wait: bool = typer.Option(
        False,
        "--wait",
        help="When another ingest is writing to the store, wait for it to finish (default: exit 1"
        " naming it).",
    ),
) -> None:
    """Read articles (text, HTML, JSONL, RSS/Atom, WARC), analyse them and store them.

    Already stored articles are skipped; articles left unfinished by an interrupted run are
    finished. Exit code 1 if nothing could be read, or with --strict if anything failed.
    """
    from storyline.batch import Phase
    from storyline.batch import ingest as run_ingest
    from storyline.pipeline import Pipeline

    wanted = [name.strip() for name in stages.split(",") if name.strip()] if stages else None
    _check_engine(engine, workers, scheduler)
    with _open_store(db) as store, ExitStack() as cleanup:
        _hold_writer_lock(cleanup, store, wait)
        try:
            pipeline = Pipeline(Settings.load(db=db), store=store, stages=wanted)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--stages") from exc
        progress = Progress(
            TextColumn("{task.description:>9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            disable=quiet,
            transient=False,
        )
        tasks: dict[str, Any] = {}

        def update(phase: Phase, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        try:
            with progress:
                where = (
                    _dask_engine(cleanup, pipeline, workers, scheduler)
                    if engine == "dask"
                    else _local_engine(pipeline)
                )
                report = run_ingest(
                    paths, store, pipeline, progress=update, reanalyse=reanalyse, engine=where
                )
        except KeyboardInterrupt:
            pending = store.count_articles("pending")
            err_console.print(
                f"[yellow]interrupted[/yellow]: everything read is stored; {pending} articles "
                "are pending and the next `storyline ingest` finishes them"
            )
            raise typer.Exit(130) from None
        except Exception as exc:
            if engine != "dask":
                raise
            # A chunk failed past its retries (workers lost, scheduler gone): nothing is lost,
            # the articles read are stored and the next ingest analyses the pending ones.
            pending = store.count_articles("pending")
            message = " ".join(str(exc).split()) or "(no message)"
            err_console.print(
                f"[red]error:[/red] the Dask run stopped: {escape(type(exc).__name__)}: "
                f"{escape(message)}; everything read is stored and {pending} articles are "
                "pending: the next `storyline ingest` finishes them",
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    table = Table(title="ingest", show_header=True)
    for column in ("ingested", "unchanged", "failed"):
        table.add_column(column, justify="right")
    table.add_row(str(report.ingested), str(report.unchanged), str(report.failed))
    console.print(table)
    for failure in report.failures:
        # soft_wrap: one line per failure however long, so it can be grepped and copied.
        console.print(
            f"[red]failed[/red] {escape(failure.item)}: {escape(failure.reason)}", soft_wrap=True
        )
    if report.nothing_read:
        err_console.print("[red]error:[/red] nothing could be read from the given paths")
        raise typer.Exit(1)
    if strict and report.failed:
        raise typer.Exit(1)


def _hold_writer_lock(cleanup: ExitStack, store: Store, wait: bool) -> None:
    """Take the store's writer lock for the whole run, before any model loads: a second ingest
    on the same store is refused at once (StoreLocked names the holder) or, with --wait, says
    whom it waits for and waits."""
    try:
        cleanup.enter_context(store.writer_lock())
    except StoreLocked as exc:
        if not wait:
            raise
        err_console.print(f"[yellow]waiting[/yellow]: {escape(str(exc))}")
        cleanup.enter_context(store.writer_lock(wait=True))


def _check_engine(engine: str, workers: int | None, scheduler: str | None) -> None:
    if engine not in ("local", "dask"):
        raise typer.BadParameter("choose local or dask", param_hint="--engine")
    if engine == "local" and (workers is not None or scheduler is not None):
        raise typer.BadParameter("--workers and --scheduler need --engine dask")
    if workers is not None and scheduler is not None:
        raise typer.BadParameter("give --workers (a local cluster) or --scheduler, not both")


def _local_engine(pipeline: Pipeline) -> ProcessEngine | None:
    """The local run: a :class:`storyline.engine.ProcessEngine` on this machine's cores, or
    None (all in this process) on one core or with ``$STORYLINE_LOCAL_WORKERS`` 0."""
    import os

    from storyline.engine import LOCAL_WORKERS, ProcessEngine

    wanted = int(os.environ.get("STORYLINE_LOCAL_WORKERS") or LOCAL_WORKERS)
    workers = min(wanted, len(os.sched_getaffinity(0)))
    return ProcessEngine(pipeline, workers) if workers >= 2 else None


def _dask_engine(
    cleanup: ExitStack, pipeline: Pipeline, workers: int | None, scheduler: str | None
) -> DaskEngine:
    """A :class:`storyline.engine.DaskEngine` on a local cluster or the given scheduler; a
    scheduler that cannot be reached is a one-line error and exit code 1."""
    from storyline.engine import DaskEngine, dask_client

    try:
        client = cleanup.enter_context(dask_client(workers, scheduler))
    except MissingExtra as exc:  # the dask extra is not installed: say how to install it
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    except (OSError, TimeoutError) as exc:
        err_console.print(f"[red]error:[/red] cannot reach the Dask scheduler: {escape(str(exc))}")
        raise typer.Exit(1) from exc
    # a local cluster sees the input files; a remote one need not: the client reads them then
    return DaskEngine(client, pipeline, read_on_workers=scheduler is None)


@app.command("articles")
def list_articles(
    db: str | None = DbOption,
    limit: int | None = typer.Option(None, "--limit", "-n", help="Show at most N articles."),
    status: str = typer.Option(
        "analysed", "--status", help="analysed, pending, failed or all (failed: with the error)."
    ),
) -> None:
    """List analysed articles: id, date, language, source, title (oldest first)."""
    if status not in ("analysed", "pending", "failed", "all"):
        raise typer.BadParameter("choose analysed, pending, failed or all", param_hint="--status")
    wanted = None if status == "all" else status
    with _open_store(db) as store:
        # expand + ratio: id/date/lang keep their width, the title takes what is left.
        table = Table(show_header=True, header_style="bold", expand=True)
        table.add_column("id", no_wrap=True)
        table.add_column("date", no_wrap=True)
        table.add_column("lang", no_wrap=True)
        table.add_column("source", max_width=18, no_wrap=True, overflow="ellipsis")
        table.add_column("title", no_wrap=True, overflow="ellipsis", ratio=1)
        for count, article in enumerate(store.iter_articles(wanted)):  # type: ignore[arg-type]
            if limit is not None and count >= limit:
                break
            title = article.title or ""
            if status != "analysed" and (error := store.last_error(article.id)):
                title = f"{title} [failed: {error}]"
            table.add_row(
                article.id,
                article.published.isoformat() if article.published else "",
                article.language or "",
                escape(article.source or ""),
                escape(title),
            )
        unreadable = (
            [f for f in store.failures() if f["kind"] == "unreadable"]
            if status in ("failed", "all")
            else []
        )
        if table.row_count:
            console.print(table)
        if unreadable:
            # inputs that never became articles: no id, so listed apart, as `failures` does
            console.print(f"{len(unreadable)} inputs could not be read:")
            _print_failures(unreadable)
        if not table.row_count and not unreadable:
            err_console.print(f"no {status} articles in {store.path}")


@app.command()
def failures(
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="One JSON array of failures."),
) -> None:
    """List every input that could not be read or stored, and every article whose analysis
    failed, with the reason. An item leaves the list once a later ingest reads (or analyses) it
    successfully."""
    import json

    with _open_store(db) as store:
        found = store.failures()
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return
    if not found:
        err_console.print("no failures: every input was read and analysed")
        return
    _print_failures(found)


def _print_failures(found: list[dict[str, Any]]) -> None:
    for failure in found:
        what = "unreadable" if failure["kind"] == "unreadable" else "analysis failed"
        article = f" [{failure['article_id']}]" if failure.get("article_id") else ""
        # soft_wrap: one line per failure however long, as in the ingest report
        console.print(
            f"[red]{what}[/red] {escape(failure['item'])}{article}: {escape(failure['reason'])}",
            soft_wrap=True,
        )


@app.command()
def show(
    article_id: str = typer.Argument(..., metavar="ID", help="Article id or a unique prefix."),
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print the export object instead."),
) -> None:
    """Show one article: metadata, cleaned text, removed lines with their reasons."""
    import json

    with _open_store(db) as store:
        article = store.find_article(article_id)
        if article is None:
            err_console.print(f"[red]error:[/red] no article with id {escape(article_id)!r}")
            raise typer.Exit(1)
        status = store.status(article.id)
        error = store.last_error(article.id)
    if as_json:
        sys.stdout.write(json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return

    meta = Table(show_header=False, box=None, pad_edge=False)
    meta.add_column(style="bold")
    meta.add_column()
    published = article.published.isoformat() if article.published else ""
    if article.published_source:
        published += f" ({article.published_source})"
    language = article.language or ""
    if article.language_score is not None:
        language += f" ({article.language_score:.2f})"
    rows = [
        ("id", article.id),
        ("status", status + (f": {error}" if error else "") if status else ""),
        ("title", article.title),
        ("source", article.source),
        ("author", article.author),
        ("published", published),
        ("language", language),
        ("url", article.url),
        ("input", f"{article.label} ({article.input_format}, {article.encoding or '?'})"),
        ("story", article.story_id),
        ("thread", article.thread_id),
        ("duplicate of", article.duplicate_of),
        ("translation of", article.translation_of),
    ]
    for key, value in rows:
        if value:
            meta.add_row(key, escape(str(value)))
    console.print(meta)
    console.rule("text")
    console.print(escape(article.text or "(not analysed yet)"))
    if article.quotes:
        console.rule(f"quotes ({len(article.quotes)})")
        for quote in article.quotes:
            speaker = quote.speaker or "?"
            console.print(f"[bold]{escape(speaker)}[/bold] ({quote.type}): {escape(quote.text)}")
    if article.claims:
        console.rule(f"claims ({len(article.claims)})")
        for claim in article.claims:
            console.print(f"[bold]{claim.kind}[/bold]: {escape(claim.text)}")
    if article.entities:
        names = sorted({m.canonical or m.text for m in article.entities})
        console.rule(f"entities ({len(names)})")
        console.print(escape(", ".join(names)))
    console.rule(f"removed lines ({len(article.removed)})")
    for removed in article.removed:
        console.print(f"[dim]{escape(removed.reason)}[/dim]  {escape(removed.line)}")


@app.command()
def export(
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or parquet."),
    output: Path | None = typer.Option(  # noqa: B008
        None, "--output", "-o", help="Output file (default stdout; parquet needs a file)."
    ),
    db: str | None = DbOption,
) -> None:
    """Export every analysed article in the export contract (docs/schema.md)."""
    from storyline.export import FORMATS
    from storyline.export import export as run_export

    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if fmt == "parquet" and output is None:
        raise typer.BadParameter("parquet is binary: give an output file", param_hint="-o")
    with _open_store(db) as store:
        articles = store.iter_articles()
        chosen = fmt
        if output is None:
            count = run_export(articles, chosen, out=sys.stdout)
            sys.stdout.flush()
        else:
            count = run_export(articles, chosen, path=output)
    err_console.print(f"exported {count} articles" + (f" to {output}" if output else ""))


@app.command()
def summary(db: str | None = DbOption) -> None:
    """What the store holds: articles per language and source, dates, failures, stories."""
    with _open_store(db) as store:
        data = store.summary()
    status = data["status"]
    console.print(
        f"[bold]{escape(data['database'])}[/bold] (schema {data['schema_version']}): "
        f"{status.get('analysed', 0)} articles analysed",
        soft_wrap=True,
    )
    console.print(
        f"{status.get('pending', 0)} pending, {status.get('failed', 0)} failed "
        f"(retried by the next ingest), {data['unreadable_items']} unreadable inputs"
    )
    if data["published_from"]:
        console.print(
            f"published {data['published_from']} … {data['published_to']} ({data['dated']} dated)"
        )
    tables = []
    for title, counts in (
        ("language", data["languages"]),
        ("source", data["sources"]),
        ("format", data["formats"]),
    ):
        table = Table(title=title, show_header=False, title_justify="left")
        table.add_column()
        table.add_column(justify="right")
        for key, value in counts.items():
            table.add_row(escape(key), str(value))
        tables.append(table)
    console.print(Columns(tables, padding=(0, 4)))
    found = {
        "mentions": data["mentions"],
        "quotes": data["quotes"],
        "claims": data["claims"],
        "stories": data["stories"],
        "duplicates": data["duplicates"],
        "translations": data["translations"],
    }
    console.print(", ".join(f"{value} {key}" for key, value in found.items()))
    if data["tables"]:
        console.print(
            "tables: " + ", ".join(f"{name} {rows}" for name, rows in data["tables"].items())
        )


@app.command()
def version() -> None:
    """Print the storyline version."""
    from storyline import __version__

    console.print(__version__)
