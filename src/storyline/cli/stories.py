"""Commands over stories: ``stories``, ``story ID``, ``pairs FILE.jsonl|-``.

Thin shells over the read model (:mod:`storyline.read.stories`) and
:func:`storyline.stories.similarity.score_pairs`.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from storyline.cli._app import DbOption, app, console, err_console


def _open(db: str | None) -> Any:
    from storyline.store import open_store

    store = open_store(db)
    if not hasattr(store, "conn"):
        err_console.print("this store has no SQL connection: stories need the SQLite store")
        raise typer.Exit(2)
    return store


@app.command("stories")
def stories_cmd(
    lang: str | None = typer.Option(None, "--lang", help="Only stories with an article in LANG."),
    since: str | None = typer.Option(
        None, "--since", help="Only stories with an article since YYYY-MM-DD."
    ),
    limit: int = typer.Option(50, "--limit", help="At most this many stories."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    db: str | None = DbOption,
) -> None:
    """List stories, most recent first: headline, languages, articles, independent sources."""
    from storyline.config import Settings
    from storyline.read import Filters, story_summaries

    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        err_console.print(f"--since {since!r}: expected a date as YYYY-MM-DD")
        raise typer.Exit(2) from None
    settings = Settings.load()
    store = _open(db)
    try:
        summaries, _ = story_summaries(
            store.conn,
            Filters(language=lang or None, since=since_date),
            limit,
            0,
            settings.preferred_languages,
        )
    finally:
        store.close()
    rows = [s.cli() for s in summaries]
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    table = Table()
    for column, width in (("story", 18), ("first", 10), ("last", 10)):
        table.add_column(column, no_wrap=True, min_width=width)
    for column in ("langs", "arts", "indep."):
        table.add_column(column, no_wrap=True, min_width=len(column))
    # The headline takes what the fixed columns (~80 characters with borders) leave.
    headline_width = max(20, console.width - 80)
    table.add_column("headline", no_wrap=True, overflow="ellipsis", max_width=headline_width)
    for row in rows:
        table.add_row(
            row["id"],
            row["first"] or "?",
            row["last"] or "?",
            ",".join(row["languages"]),
            str(row["articles"]),
            str(row["independent_sources"]),
            escape(row["headline"][:80]),
        )
    console.print(table)


@app.command("story")
def story_cmd(
    story_id: str = typer.Argument(..., help="Story id (s-…) or thread id (t-…), or a prefix."),
    entity: bool = typer.Option(
        False, "--entity", help="ID is an entity (canonical name or id): its timeline."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the timeline as JSON."),
    db: str | None = DbOption,
) -> None:
    """A story's (or thread's, or entity's) timeline: articles with language and source, quotes,
    claims."""
    from storyline.config import Settings
    from storyline.read import entity_timeline, find_story
    from storyline.read.travel import source_roles
    from storyline.store.readers import readers

    store = _open(db)
    try:
        found: dict[str, Any] | None
        if entity:
            events = entity_timeline(store.conn, story_id)
            reader = readers(store.conn)
            members = reader.articles([e["article_id"] for e in events])
            found = (
                {
                    "id": story_id,
                    "thread_id": "-",
                    "headline": story_id,
                    "articles": len(events),
                    "independent_sources": len(source_roles(reader, members)[1]),
                    "languages": sorted({e["language"] for e in events if e["language"]}),
                    "timeline": events,
                }
                if events
                else None
            )
        else:
            story = find_story(store.conn, story_id, Settings.load().preferred_languages)
            found = story[0].cli(thread=story[1]) if story is not None else None
    except ValueError as exc:
        err_console.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    finally:
        store.close()
    if found is None:
        err_console.print(
            f"no {'entity' if entity else 'story or thread'} {story_id!r}", markup=False
        )
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return
    headline = escape(found["headline"])
    console.print(f"[bold]{headline}[/bold]  ({found['id']}, thread {found['thread_id']})")
    console.print(
        f"{found['articles']} articles, {found['independent_sources']} independent sources, "
        f"languages {', '.join(found['languages']) or '?'}"
    )
    for event in found["timeline"]:
        note = ""
        if event["duplicate_of"]:
            note = f" (copy of {event['duplicate_of'][:8]})"
        elif event["translation_of"]:
            note = f" (translation of {event['translation_of'][:8]})"
        console.print(
            f"{event['date'] or '????-??-??'}  [{event['language'] or '?'}] "
            f"{event['source'] or '-'}: {event['title']}{note}",
            markup=False,
        )
        for quote in event["quotes"]:
            console.print(f"    “{quote['text']}” — {quote.get('speaker') or '?'}", markup=False)
        for claim in event["claims"]:
            console.print(f"    claim: {claim['text']}", markup=False)


@app.command("pairs")
def pairs_cmd(
    path: str = typer.Argument(..., help='JSONL file of {"id","a":{...},"b":{...}}, or - (stdin).'),
) -> None:
    """Score article pairs: one {"id","score","same_story"} per line (the clustering's model)."""
    from storyline.stories.embed import E5Embedder
    from storyline.stories.similarity import score_pairs

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"{path}: cannot read: {exc}", markup=False)
        raise typer.Exit(2) from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            err_console.print(f"{path}:{number}: not JSON: {exc}", markup=False)
            raise typer.Exit(2) from None
        if not isinstance(row, dict):
            err_console.print(f"{path}:{number}: expected an object with 'a' and 'b'", markup=False)
            raise typer.Exit(2)
        rows.append(row)
    try:
        results = score_pairs(rows, E5Embedder())
    except ValueError as exc:
        err_console.print(f"{path}: {exc}", markup=False)
        raise typer.Exit(2) from None
    for result in results:
        sys.stdout.write(json.dumps(result) + "\n")
