"""Commands over quotes and claims: ``storyline quotes`` and ``storyline claims``.

Thin shells over :func:`find_quotes` / :func:`find_claims`, which read analysed articles from the
store and return plain dicts (also used by the HTTP API).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import jellyfish
import typer
from rich.markup import escape

from storyline.article import Article
from storyline.claims.stage import link_contradictions
from storyline.cli._app import DbOption, app, console

# A --speaker/--holder name matches a stored name when any of its words is this close (Jaro-Winkler)
# to a word of the stored name: "Kinshak" finds "Alexander Kinshchak" (0.956).
NAME_MATCH = 0.92


def _matches(query: str | None, *names: str | None) -> bool:
    if not query:
        return True
    q_words = [w.casefold() for w in query.split()]
    for name in names:
        words = [w.casefold() for w in (name or "").replace("-", " ").split()]
        if all(
            any(jellyfish.jaro_winkler_similarity(q, w) >= NAME_MATCH for w in words)
            for q in q_words
        ):
            return True
    return False


def find_quotes(
    articles: Iterable[Article],
    speaker: str | None = None,
    lang: str | None = None,
    story: str | None = None,
) -> list[dict[str, Any]]:
    """Quotes of ``articles`` filtered by speaker name (fuzzy), language and story id."""
    out = []
    for art in articles:
        if story and art.story_id != story:
            continue
        for q in art.quotes:
            if lang and (q.language or art.language) != lang:
                continue
            if not _matches(speaker, q.speaker, q.speaker_mention):
                continue
            out.append({**q.to_dict(), "article_id": art.id, "title": art.title})
    return out


def find_claims(articles: Iterable[Article], holder: str | None = None) -> list[dict[str, Any]]:
    """Claims of ``articles`` (contradictions linked across all of them), filtered by holder."""
    arts = list(articles)
    link_contradictions([c for a in arts for c in a.claims], arts)
    by_id = {c.id: c for a in arts for c in a.claims}
    out = []
    for art in arts:
        for c in art.claims:
            if not _matches(holder, c.holder):
                continue
            row = {**c.to_dict(), "article_id": art.id}
            row["contradicting"] = [
                {"id": i, "text": by_id[i].text, "speaker": by_id[i].speaker}
                for i in c.contradicts
                if i in by_id
            ]
            out.append(row)
    return out


def _articles(db: str | None) -> list[Article]:
    from storyline.store import open_store

    store = open_store(db)
    try:
        return list(store.iter_articles())
    finally:
        store.close()


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
    for row in find_quotes(_articles(db), speaker, lang, story):
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
    for row in find_claims(_articles(db), holder):
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
