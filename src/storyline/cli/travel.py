"""``storyline travel STORY``: how a story travelled (a thin shell over
:func:`storyline.read.travel.get_travel`, the function the API and the story page call)."""

from __future__ import annotations

import json
import sys

import typer

from storyline.cli._app import DbOption, app, console, err_console


@app.command("travel")
def travel_cmd(
    story_id: str = typer.Argument(..., help="Story id (s-…) or a unique prefix."),
    as_json: bool = typer.Option(False, "--json", help="Print the travel view as JSON."),
    db: str | None = DbOption,
) -> None:
    """Who had a story first, who copied, translated or re-ran a wire; quotations and their
    wordings across languages; figures that changed."""
    from storyline.cli.stories import _open
    from storyline.read.travel import get_travel
    from storyline.store.readers import readers

    store = _open(db)
    try:
        ids = readers(store.conn).story_ids("story_id", story_id)
        if len(ids) > 1:
            err_console.print(f"id prefix {story_id!r} is ambiguous: {', '.join(ids[:5])}")
            raise typer.Exit(2)
        travel = get_travel(store.conn, ids[0]) if ids else None
    finally:
        store.close()
    if travel is None:
        err_console.print(f"no story {story_id!r}", markup=False)
        raise typer.Exit(1)
    data = travel.to_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out = console.print
    out(
        f"{data['story_id']}: {len(data['nodes'])} articles, "
        f"{data['independent_source_count']} independent sources "
        f"({', '.join(data['independent_sources'])})",
        markup=False,
    )
    by_id = {n["id"]: n for n in data["nodes"]}
    for node in data["nodes"]:
        mark = "ORIGIN " if node["origin"] else ""
        repeats = f" of {node['repeats'][:8]}" if node["repeats"] else ""
        credit = "".join(f" [{c['agency']}]" for c in node["credits"])
        out(
            f"{node['published'] or '????-??-??'}  {node['id'][:8]} [{node['language'] or '?'}] "
            f"{node['outlet'] or '-'}: {mark}{node['role']}{repeats}{credit}"
            f" — {node['title'] or ''}",
            markup=False,
        )
    for edge in data["edges"]:
        if edge["kind"] in ("copy-of", "translation-of", "cites"):
            target = edge["to"] if edge["to"] not in by_id else edge["to"][:8]
            out(f"  {edge['from'][:8]} {edge['kind']} {target}  {edge['evidence']}", markup=False)
    shared = [g for g in data["quote_groups"] if g["articles"] > 1]
    if shared:
        out(f"\nQuotations carried by several articles: {len(shared)}")
    for group in shared:
        out(
            f"  {group['id']} — {group['speaker'] or '?'} ({', '.join(group['languages'])})",
            markup=False,
        )
        for w in group["wordings"]:
            flags = f"  [{', '.join(w['changes'])}]" if w["changes"] else ""
            out(
                f"    {w['published'] or '?'} {w['article_id'][:8]} [{w['language']}] "
                f"“{w['text'][:100]}”{flags}",
                markup=False,
            )
    for drift in data["claim_drift"]:
        values = "; ".join(
            f"{v['value']:g} ("
            + ", ".join(r["outlet"] or r["article_id"][:8] for r in v["reported_by"])
            + ")"
            for v in drift["values"]
        )
        out(f"\nClaim drift: {drift['counted'] or drift['unit']}: {values}", markup=False)
