"""Commands over entities: ``entities``, ``entity NAME_OR_ID``, ``resolve --mentions FILE|-``.

Thin shells over :mod:`storyline.entities.registry`
(:func:`~storyline.entities.registry.entity_rows`,
:meth:`~storyline.entities.registry.EntityRegistry.find`,
:func:`~storyline.entities.registry.resolve_rows`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from storyline.cli._app import DbOption, app, console, err_console


def _registry(db: str | None) -> Any:
    from storyline.config import Settings
    from storyline.entities.registry import load_registry
    from storyline.store import open_store

    settings = Settings.load()
    store = open_store(db)
    conn = getattr(store, "conn", None)
    try:
        return load_registry(conn, settings.aliases_file, settings.preferred_languages), store
    except Exception:
        store.close()
        raise


@app.command("entities")
def entities_cmd(
    type_: str | None = typer.Option(None, "--type", help="Only PER, ORG, LOC or MISC."),
    lang: str | None = typer.Option(None, "--lang", help="Only entities seen in LANG."),
    limit: int = typer.Option(50, "--limit", help="At most this many entities."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    db: str | None = DbOption,
) -> None:
    """List canonical entities, most reported first: type, #variants, #articles."""
    from storyline.entities.registry import entity_rows

    registry, store = _registry(db)
    store.close()
    try:
        rows = entity_rows(registry, type_, lang)[:limit]
    except ValueError as exc:
        err_console.print(f"--type: {exc}", markup=False)
        raise typer.Exit(2) from None
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    table = Table("id", "canonical", "type", "variants", "articles", "languages")
    for row in rows:
        table.add_row(
            row["id"],
            escape(row["canonical"]),
            row["type"],
            str(row["variants"]),
            str(row["articles"]),
            ",".join(row["languages"]),
        )
    console.print(table)


def _quotes(
    store: Any, entity_ids: set[str], article_ids: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Quotes by the entity (it is the speaker) and about it (a mention of it inside the quote),
    from the stored articles, in every language."""
    by, about = [], []
    for article_id in sorted(article_ids):
        article = store.get_article(article_id)
        if article is None:
            continue
        starts = [m.start for m in article.entities if m.entity_id in entity_ids]
        for quote in article.quotes:
            item = {
                "article": article_id,
                "text": quote.text,
                "cue": quote.cue,
                "language": quote.language or article.language,
                "speaker": quote.speaker,
            }
            if quote.speaker_entity_id in entity_ids:
                by.append(item)
            elif any(quote.start <= s < quote.end for s in starts):
                about.append(item)
    return by, about


@app.command("entity")
def entity_cmd(
    name_or_id: str = typer.Argument(..., help="An entity id or any of its names."),
    as_json: bool = typer.Option(False, "--json", help="Print the entity as JSON."),
    db: str | None = DbOption,
) -> None:
    """One entity: variants with languages, titles/roles, articles, quotes."""
    registry, store = _registry(db)
    try:
        entity = registry.find(name_or_id)
        if entity is None:
            err_console.print(
                f"{name_or_id!r}: no such entity (try `storyline entities`)", markup=False
            )
            raise typer.Exit(1)
        ids = {entity.id} | {old for old, new in registry.merged.items() if new == entity.id}
        detail = entity.to_dict()
        detail["quotes"], detail["quotes_about"] = _quotes(store, ids, entity.articles)
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(detail, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    console.print(f"[bold]{escape(detail['canonical'])}[/bold] ({detail['type']}, {detail['id']})")
    console.print(f"seen {detail['first_seen'] or '?'} … {detail['last_seen'] or '?'}")
    variants = Table("variant", "language", "mentions")
    for v in detail["variants"]:
        variants.add_row(escape(v["form"]), v["language"] or "-", str(v["count"]))
    console.print(variants)
    if detail["titles"]:
        titles = Table("title / role", "language", "times")
        for t in detail["titles"]:
            titles.add_row(escape(t["title"]), t["language"] or "-", str(t["count"]))
        console.print(titles)
    console.print(f"articles ({len(detail['articles'])}): {', '.join(detail['articles'])}")
    for heading, key in (("quotes by", "quotes"), ("quotes about", "quotes_about")):
        if detail[key]:
            console.print(f"[bold]{heading}[/bold] ({len(detail[key])})")
        for quote in detail[key]:
            who = "" if key == "quotes" else f" — {quote['speaker'] or '?'}"
            line = f"  [{quote['language'] or '?'}] “{quote['text']}”{who} ({quote['article']})"
            console.print(line, markup=False)


def _read_rows(path: str) -> Iterator[dict[str, Any]]:
    stream = sys.stdin if path == "-" else Path(path).open(encoding="utf-8")  # noqa: SIM115
    try:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{n}: expected a JSON object per line")
            yield row
    finally:
        if stream is not sys.stdin:
            stream.close()


@app.command("resolve")
def resolve_cmd(
    mentions: str = typer.Option(
        ...,
        "--mentions",
        help='JSONL rows {"id","doc_id","language","text","type","lemma"?}; - = stdin.',
    ),
    aliases: str | None = typer.Option(None, "--aliases", help="Extra alias table (YAML)."),
) -> None:
    """Resolve mentions (no NER) to entity ids: the same rows plus "entity_id", same order."""
    from storyline.config import Settings
    from storyline.entities.registry import new_registry, resolve_rows

    settings = Settings.load()
    try:
        registry = new_registry(aliases or settings.aliases_file, settings.preferred_languages)
        for row in resolve_rows(_read_rows(mentions), registry):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    except (OSError, ValueError) as exc:
        err_console.print(str(exc), markup=False)
        raise typer.Exit(2) from None
