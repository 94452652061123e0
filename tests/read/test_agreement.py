"""One read model: the CLI's JSON and the HTTP API's JSON agree on every figure of every story,
entity, quote and claim of the web corpus (the seeds and a hostile article, analysed by every
stage), on SQLite and on PostgreSQL (``web_db`` is parametrised)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline.api import create_app
from storyline.cli import app
from storyline.config import Settings
from storyline.store import open_store


@pytest.fixture(scope="module")
def client(web_db: str) -> Iterator[TestClient]:
    store = open_store(web_db)
    with TestClient(create_app(store, Settings(db=web_db), embedder=None)) as client:
        yield client
    store.close()


def api(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def api_all(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of a paged listing."""
    items: list[dict[str, Any]] = []
    while True:
        page = api(client, url, limit=200, offset=len(items))
        items += page["items"]
        if len(items) >= page["total"] or not page["items"]:
            return items


def cli(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.stdout


def json_stream(text: str) -> list[Any]:
    """The JSON values printed one after another (one a line, or indented)."""
    decoder = json.JSONDecoder()
    values, at = [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return values
        value, at = decoder.raw_decode(text, at)
        values.append(value)


def test_stories_agree(client: TestClient, web_db: str) -> None:
    rows = json_stream(cli(web_db, "stories", "--json", "--limit", "1000"))
    cards = api_all(client, "/api/stories")
    assert rows and [r["id"] for r in rows] == [c["id"] for c in cards]
    for row, card in zip(rows, cards, strict=True):
        assert row["headline"] == (card["title"] or ""), row["id"]
        assert row["articles"] == card["article_count"], row["id"]
        assert row["independent_sources"] == card["source_count"], row["id"]
        assert row["languages"] == sorted(lang for lang, _ in card["languages"] if lang)
        assert (row["first"], row["last"]) == (card["first"], card["last"])
        names = [e["name"] for e in card["entities"]]
        assert row["top_entities"][: len(names)] == names, row["id"]


def test_every_story_agrees(client: TestClient, web_db: str) -> None:
    rows = json_stream(cli(web_db, "stories", "--json", "--limit", "1000"))
    contradictions = 0
    for row in rows:
        story = json_stream(cli(web_db, "story", row["id"], "--json"))[0]
        detail = api(client, f"/api/stories/{row['id']}")
        assert story["headline"] == (detail["title"] or "")
        assert story["headline_article"] in {a["id"] for a in detail["articles"]}
        assert story["articles"] == detail["article_count"] == len(story["timeline"])
        assert story["independent_sources"] == detail["source_count"]
        assert [e["article_id"] for e in story["timeline"]] == [a["id"] for a in detail["articles"]]
        names = [e["name"] for e in detail["entities"]]
        assert story["top_entities"] == names[: len(story["top_entities"])]
        cli_claims = {c["id"]: c["contradicts"] for e in story["timeline"] for c in e["claims"]}
        assert cli_claims == {c["id"]: c["contradicts"] for c in detail["claims"]}
        pairs = {frozenset((a["id"], b["id"])) for a, b in detail["contradictions"]}
        linked = {
            frozenset((claim_id, other))
            for claim_id, others in cli_claims.items()
            for other in others
            if other in cli_claims
        }
        assert pairs == linked
        contradictions += len(pairs)
        quotes = [(q["article_id"], q["text"]) for q in story["quotes"]]
        assert (
            quotes
            == [(e["article_id"], q["text"]) for e in story["timeline"] for q in e["quotes"]][
                : len(quotes)
            ]
        )


def test_travel_agrees(client: TestClient, web_db: str) -> None:
    """``storyline travel ID --json`` and ``/api/stories/{id}/travel`` are the same object."""
    rows = json_stream(cli(web_db, "stories", "--json", "--limit", "1000"))
    shared = 0
    for row in rows:
        from_cli = json_stream(cli(web_db, "travel", row["id"], "--json"))[0]
        from_api = api(client, f"/api/stories/{row['id']}/travel")
        assert from_cli == from_api, row["id"]
        assert from_api["independent_source_count"] == row["independent_sources"], row["id"]
        shared += sum(g["articles"] > 1 for g in from_api["quote_groups"])
    assert shared  # the seeds' two reports of one interview share quotations


def test_entities_agree(client: TestClient, web_db: str) -> None:
    rows = json_stream(cli(web_db, "entities", "--json", "--limit", "100000"))
    items = api_all(client, "/api/entities")
    assert rows and [r["id"] for r in rows] == [i["id"] for i in items]
    for row, item in zip(rows, items, strict=True):
        assert (row["canonical"], row["type"]) == (item["name"], item["type"])
        assert row["articles"] == item["article_count"]


def test_every_entity_agrees(client: TestClient, web_db: str) -> None:
    for row in json_stream(cli(web_db, "entities", "--json", "--limit", "100000")):
        entity = json_stream(cli(web_db, "entity", row["id"], "--json"))[0]
        detail = api(client, f"/api/entities/{row['id']}")
        assert entity["id"] == detail["id"] == row["id"]
        assert (entity["canonical"], entity["type"]) == (detail["name"], detail["type"])
        assert len(entity["articles"]) == detail["article_count"] == row["articles"]
        assert set(entity["articles"]) >= {a["id"] for a in detail["articles"]}
        assert [(v["form"], v["language"], v["count"]) for v in entity["variants"]] == [
            (v["spelling"], v["language"], v["count"]) for v in detail["variants"]
        ]
        assert sum(v["count"] for v in entity["variants"]) == detail["mention_count"]
        assert len({v["form"] for v in entity["variants"]}) == row["variants"]
        for key, api_key in (("quotes", "quotes_by"), ("quotes_about", "quotes_about")):
            assert [(q["article"], q["text"]) for q in entity[key]][:100] == [
                (q["article_id"], q["text"]) for q in detail[api_key]
            ]
        days = [t["day"] for t in detail["timeline"]]
        assert (entity["first_seen"], entity["last_seen"]) == (
            (min(days), max(days)) if days else (None, None)
        )


def test_quotes_and_claims_agree(client: TestClient, web_db: str) -> None:
    quotes = json_stream(cli(web_db, "quotes", "--json"))
    listed = api_all(client, "/api/quotes")
    assert quotes
    assert [(q["article_id"], q["text"], q["speaker"], q["language"]) for q in quotes] == [
        (q["article_id"], q["text"], q["speaker"], q["language"]) for q in listed
    ]
    claims = json_stream(cli(web_db, "claims", "--json"))
    items = api_all(client, "/api/claims")
    assert claims
    assert [(c["id"], c["article_id"], c["contradicts"]) for c in claims] == [
        (c["id"], c["article_id"], c["contradicts"]) for c in items
    ]
    by_id = {c["id"]: c for c in claims}
    for claim in claims:
        assert [o["id"] for o in claim["contradicting"]] == claim["contradicts"]
        for other in claim["contradicts"]:
            assert claim["id"] in by_id[other]["contradicts"]  # linked both ways


def test_speaker_filter_agrees(client: TestClient, web_db: str) -> None:
    quotes = json_stream(cli(web_db, "quotes", "--json", "--speaker", "Kinshak"))
    assert quotes
    listed = api(client, "/api/quotes", speaker="Kinshak", limit=200)["items"]
    assert [(q["article_id"], q["text"]) for q in quotes] == [
        (q["article_id"], q["text"]) for q in listed
    ]
