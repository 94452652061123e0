"""Commands over quotes and claims: ``storyline quotes`` and ``storyline claims``.

Thin shells over the read model (:func:`storyline.read.iter_quotes`,
:func:`storyline.read.iter_claims`), which the HTTP API shares: the same quotes, the same claims
and the same contradictions (linked over the whole store at read time).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import typer
from rich.markup import escape

from storyline.cli._app import DbOption, app, console

# What ``quotes --json`` prints of a quote record (its article's outlet and date are the API's).
_QUOTE_KEYS = (
    "text",
    "start",
    "end",
    "type",
    "speaker",
    "speaker_entity_id",
    "speaker_mention",
    "cue",
    "language",
    "article_id",
    "title",
)


def _quotes(
    db: str | None, speaker: str | None, lang: str | None, story: str | None
) -> Iterator[dict[str, Any]]:
    from storyline.read import Filters, iter_quotes
    from storyline.store import open_store

    store = open_store(db)
    try:
        filters = Filters(language=lang or None, story=story or None)
        for record in iter_quotes(store.conn, filters, speaker or None):
            yield {k: record[k] for k in _QUOTE_KEYS}
    finally:
        store.close()


def _claims(db: str | None, holder: str | None) -> list[dict[str, Any]]:
    from storyline.read import iter_claims
    from storyline.read.claims import name_matches
    from storyline.store import open_store

    store = open_store(db)
    try:
        every = list(iter_claims(store.conn))
    finally:
        store.close()
    by_id = {r["id"]: r for r in every if r.get("id")}
    records = [r for r in every if name_matches(holder or None, r.get("holder"))]
    rows = []
    for record in records:
        row = {k: v for k, v in record.items() if k not in ("source", "language", "published")}
        row["contradicting"] = [
            {"id": i, "text": by_id[i]["text"], "speaker": by_id[i]["speaker"]}
            for i in record["contradicts"]
            if i in by_id
        ]
        rows.append(row)
    return rows


@app.command("quotes")
def quotes_cmd(
    speaker: str = typer.Option(
        None, "--speaker", help="Speaker name (fuzzy: surnames, variants)."
    ),
    lang: str = typer.Option(None, "--lang", help="Language code, e.g. en, fr."),
    story: str = typer.Option(None, "--story", help="Story id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
    db: str = DbOption,
) -> None:
    """List quotes (who said what) from the store."""
    for row in _quotes(db, speaker, lang, story):
        if as_json:
            console.print_json(json.dumps(row, ensure_ascii=False))
        else:
            console.print(
                f"[bold]{escape(row['speaker'] or '?')}[/] ({row['type']}, {row['language']}): "
                f"{escape(row['text'])}",
                highlight=False,
            )


@app.command("claims")
def claims_cmd(
    holder: str = typer.Option(None, "--holder", help="Holder name (fuzzy)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
    db: str = DbOption,
) -> None:
    """List numeric claims and predictions, with contradictions side by side."""
    for row in _claims(db, holder):
        if as_json:
            console.print_json(json.dumps(row, ensure_ascii=False))
            continue
        value = row["value"] if row["value_max"] is None else f"{row['value']}-{row['value_max']}"
        console.print(
            f"[bold]{escape(row['holder'] or '?')}[/] {value} {row['unit'] or ''} "
            f"({escape(row['speaker'] or 'unattributed')}; {row['time_ref'] or 'no date'}): "
            f"{escape(row['text'])}",
            highlight=False,
        )
        for other in row["contradicting"]:
            console.print(
                f"    [red]contradicted by[/] {escape(str(other['speaker']))}: "
                f"{escape(other['text'])}"
            )
