"""The JSON API (storyline.api over storyline.read) over the analysed seeds, on
both stores: every test taking ``client`` (or ``writable``) runs on SQLite and on PostgreSQL, and
:func:`test_sqlite_and_postgresql_give_the_same_answers` compares the two answer for answer."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from _webdb import XSS_TITLE
from storyline.api import CONTENT_SECURITY_POLICY, MAX_UPLOAD_BYTES, create_app
from storyline.config import Settings
from storyline.pipeline import Pipeline
from storyline.read.search import fts_query
from storyline.store import Store, open_store


def _client(db: str, **options: Any) -> Iterator[TestClient]:
    store = open_store(db)
    with TestClient(create_app(store, Settings(db=db), **options)) as client:
        yield client
    store.close()


@pytest.fixture(scope="module")
def client(web_db: str) -> Iterator[TestClient]:
    """The app over the web corpus, on SQLite and on PostgreSQL (``web_db`` is parametrised)."""
    yield from _client(web_db)


def get(client: TestClient, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    return response.json()


def seed_id(client: TestClient, title_start: str) -> str:
    items = get(client, "/api/articles", limit=200)["items"]
    return next(a["id"] for a in items if (a["title"] or "").startswith(title_start))


# -- listings, filters, pagination ------------------------------------------------------------


def test_health_counts_the_store(client: TestClient) -> None:
    health = get(client, "/api/health")
    assert health["status"] == "ok"
    assert health["articles"]["analysed"] == 6
    assert health["keyword_search"] is True


def test_articles_paginate_without_overlap(client: TestClient) -> None:
    seen: list[str] = []
    for offset in (0, 2, 4):
        page = get(client, "/api/articles", limit=2, offset=offset)
        assert page["total"] == 6 and page["limit"] == 2 and page["offset"] == offset
        assert len(page["items"]) == 2
        seen += [a["id"] for a in page["items"]]
    assert len(set(seen)) == 6
    assert get(client, "/api/articles", limit=2, offset=6)["items"] == []


def test_articles_newest_first_and_filters(client: TestClient) -> None:
    items = get(client, "/api/articles")["items"]
    dated = [a["published"] for a in items if a["published"]]
    assert dated == sorted(dated, reverse=True)
    french = get(client, "/api/articles", language="fr")
    assert french["total"] == 1 and french["items"][0]["language"] == "fr"
    recent = get(client, "/api/articles", since="2018-01-01", until="2018-12-31")["items"]
    assert recent and all("2018-01-01" <= a["published"] <= "2018-12-31" for a in recent)
    afp = get(client, "/api/articles", source="AFP")["items"]
    assert [a["source"] for a in afp] == ["AFP"]
    assert get(client, "/api/articles", language="xx")["total"] == 0


def test_filter_by_story_and_entity(client: TestClient) -> None:
    english = seed_id(client, "Russian Ambassador Says")
    story_id = get(client, f"/api/articles/{english}")["story_id"]
    members = get(client, "/api/articles", story=story_id)["items"]
    assert english in [a["id"] for a in members]
    entity = get(client, "/api/entities", limit=1)["items"][0]
    with_entity = get(client, "/api/articles", entity=entity["id"], limit=200)
    assert with_entity["total"] == entity["article_count"]
    for article in with_entity["items"]:
        mentions = get(client, f"/api/articles/{article['id']}")["entities"]
        assert entity["id"] in {m["entity_id"] for m in mentions}


def test_article_detail_carries_the_analysis(client: TestClient) -> None:
    article = get(client, f"/api/articles/{seed_id(client, 'Russian Ambassador Says')}")
    assert article["language"] == "en" and article["status"] == "analysed"
    assert "Kinshak" in article["text"]
    for mention in article["entities"]:
        assert article["text"][mention["start"] : mention["end"]] == mention["text"]


def test_stories_join_the_translation(client: TestClient) -> None:
    english = seed_id(client, "Russian Ambassador Says")
    french = seed_id(client, "Moscou")
    story_id = get(client, f"/api/articles/{english}")["story_id"]
    assert get(client, f"/api/articles/{french}")["story_id"] == story_id
    stories = get(client, "/api/stories", limit=100)
    card = next(s for s in stories["items"] if s["id"] == story_id)
    assert card["article_count"] == 2
    assert {lang for lang, _ in card["languages"]} == {"en", "fr"}
    # two reports of one interview, not a translation (storyline.travel.model)
    assert card["source_count"] == 2
    assert card["title"].startswith("Russian Ambassador Says")  # preferred language: en
    story = get(client, f"/api/stories/{story_id}")
    assert {a["id"] for a in story["articles"]} == {english, french}
    assert {e["name"] for e in story["entities"]} >= {"Syria"}
    assert get(client, "/api/stories", language="fr")["total"] == 1


def test_entities_listing_and_detail(client: TestClient) -> None:
    page = get(client, "/api/entities", limit=5)
    counts = [e["article_count"] for e in page["items"]]
    assert counts == sorted(counts, reverse=True) and page["total"] > 5
    syria = get(client, "/api/entities", name="syri", type="LOC")["items"][0]
    entity = get(client, f"/api/entities/{syria['id']}")
    assert entity["name"] == syria["name"]
    spellings = {(v["spelling"], v["language"]) for v in entity["variants"]}
    assert ("Syria", "en") in spellings
    assert sum(v["count"] for v in entity["variants"]) == entity["mention_count"]
    assert entity["timeline"] and len(entity["articles"]) == entity["article_count"]


def test_quotes_and_claims_listings(client: TestClient) -> None:
    quotes = get(client, "/api/quotes", limit=3)
    assert quotes["limit"] == 3 and len(quotes["items"]) <= 3
    for quote in quotes["items"]:
        article = get(client, f"/api/articles/{quote['article_id']}")
        assert quote["text"] in article["text"]
    claims = get(client, "/api/claims", kind="number")
    assert all(c["kind"] == "number" for c in claims["items"])


@pytest.mark.parametrize(
    "url",
    ["/api/articles/0000000000000000", "/api/stories/nope", "/api/entities/PER-nobody"],
)
def test_unknown_ids_are_404(client: TestClient, url: str) -> None:
    assert "detail" in get(client, url, status=404)


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"until": "2024-13-40"},
        {"limit": 0},
        {"limit": 100_000},
        {"offset": -1},
        {"offset": 10**30},
        {"language": "x" * 100},
    ],
)
def test_bad_query_parameters_are_422(client: TestClient, params: dict[str, Any]) -> None:
    body = get(client, "/api/articles", status=422, **params)
    assert body["detail"][0]["where"].startswith("query.")


# -- search -----------------------------------------------------------------------------------


def test_french_query_finds_the_english_article_of_the_story(client: TestClient) -> None:
    english = seed_id(client, "Russian Ambassador Says")
    results = get(client, "/api/search", q="élimination des terroristes dans le sud syrien")
    ids = [r["id"] for r in results["items"]]
    assert english in ids[:3]
    found = next(r for r in results["items"] if r["id"] == english)
    assert "semantic" in found["via"]  # no French word occurs in the English text


def test_keyword_search_folds_diacritics_and_marks_hits(client: TestClient) -> None:
    results = get(client, "/api/search", q="elimination terroristes", mode="keyword")
    top = results["items"][0]
    assert top["language"] == "fr" and top["via"] == ["keyword"]
    assert any(seg["hit"] for seg in top["snippet"])
    assert get(client, "/api/search", q="Kinshak", mode="keyword")["total"] >= 1


def test_search_applies_filters(client: TestClient) -> None:
    results = get(client, "/api/search", q="Syria terrorists", language="fr")
    assert results["items"] and all(r["language"] == "fr" for r in results["items"])


def test_fts_syntax_in_queries_is_inert(client: TestClient) -> None:
    assert fts_query('NEAR(a b) OR "x*') == '"NEAR" "a" "b" "OR" "x"'
    for q in ['"', "*", "AND OR NOT", "title:foo", "(", "-x", "^"]:
        get(client, "/api/search", q=q, mode="keyword")
    get(client, "/api/search", status=422, q="")
    get(client, "/api/search", status=422, q="x" * 501)
    get(client, "/api/search", status=422, q="x", mode="magic")


# -- the same answers from both stores --------------------------------------------------------

# When each store stamped the article: the only fields that differ between the two builds.
STAMPS = ("ingested_at", "analysed_at")


@pytest.fixture(scope="module")
def both(web_sqlite_db: str, web_pg_db: str) -> Iterator[tuple[TestClient, TestClient]]:
    lite, server = _client(web_sqlite_db), _client(web_pg_db)
    yield next(lite), next(server)
    for clients in (lite, server):
        next(clients, None)


def _same(both: tuple[TestClient, TestClient], url: str, **params: Any) -> Any:
    lite, server = (get(client, url, **params) for client in both)
    if isinstance(lite, dict):
        for name in STAMPS:
            lite.pop(name, None), server.pop(name, None)
    assert server == lite, (url, params)
    return lite


def test_sqlite_and_postgresql_give_the_same_answers(
    both: tuple[TestClient, TestClient],
) -> None:
    """The same corpus analysed into each store: every listing (filters, pages), every detail
    and semantic search answer identically."""
    assert _same(both, "/api/health")["articles"]["analysed"] == 6
    articles = _same(both, "/api/articles", limit=200)["items"]
    for article in articles:
        _same(both, f"/api/articles/{article['id']}")
    stories = _same(both, "/api/stories", limit=200)["items"]
    for story in stories:
        _same(both, f"/api/stories/{story['id']}")
    entities = _same(both, "/api/entities", limit=200)["items"]
    assert len(entities) > 5
    for entity in entities:
        _same(both, f"/api/entities/{entity['id']}")
    two_article_story = next(s["id"] for s in stories if s["article_count"] == 2)
    for filters in (
        {"limit": 2, "offset": 2},
        {"language": "fr"},
        {"source": "AFP"},
        {"since": "2018-01-01", "until": "2018-12-31"},
        {"entity": entities[0]["id"]},
        {"story": two_article_story},
        {"language": "xx"},
    ):
        assert _same(both, "/api/articles", **filters)["limit"]
        _same(both, "/api/stories", **filters)
        _same(both, "/api/quotes", **filters)
        _same(both, "/api/claims", **filters)
    for params in (
        {"name": "syri", "type": "LOC"},
        {"type": "PER", "limit": 3, "offset": 1},
        {"name": "nobody-at-all"},
    ):
        _same(both, "/api/entities", **params)
    quotes = _same(both, "/api/quotes", limit=200)["items"]
    speaker = next(q["speaker"] for q in quotes if q["speaker"])
    assert _same(both, "/api/quotes", speaker=speaker)["total"] >= 1
    _same(both, "/api/quotes", limit=1, offset=1)
    for kind in ("number", "prediction"):
        _same(both, "/api/claims", kind=kind)
    for q in ("élimination des terroristes dans le sud syrien", "Springfield council budget"):
        _same(both, "/api/search", q=q, mode="semantic")
        _same(both, "/api/search", q=q, mode="semantic", language="en")
    # Keyword rankings come from BM25 (FTS5) and ts_rank (PostgreSQL): the same articles, the
    # same best hit (tests/test_store_postgres.py checks it on more queries).
    for q in ("elimination terroristes", "Kinshak", "Syria terrorists", "zzzunknownzzz"):
        lite, server = (get(c, "/api/search", q=q, mode="keyword")["items"] for c in both)
        assert {r["id"] for r in server} == {r["id"] for r in lite}, q
        assert [r["id"] for r in server[:1]] == [r["id"] for r in lite[:1]], q
    for url in ("/", "/articles", "/entities", f"/stories/{two_article_story}"):
        lite_html, server_html = (c.get(url).text for c in both)
        assert server_html == lite_html, url


def test_nul_in_a_parameter_is_422(client: TestClient) -> None:
    """PostgreSQL text holds no NUL: refused up front, alike on both stores."""
    body = get(client, "/api/articles", status=422, source="AFP\x00")
    assert body["detail"] == [{"where": "query.source", "problem": "contains a NUL character"}]
    get(client, "/api/articles/ab%00cd", status=422)
    get(client, "/api/search", status=422, q="Syria\x00")
    response = client.get("/entities", params={"name": "\x00"})
    assert response.status_code == 400 and "NUL" in response.text


def test_postgresql_down_is_503_then_recovers(pg_url: str) -> None:
    """Readers cut off and the database refusing connections: a 503 with Retry-After (JSON for
    the API, a page for the UI), never a 500; once the database is back, answers again."""
    import psycopg

    name = pg_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = pg_url.rsplit("/", 1)[0] + "/postgres"

    def admin(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.encode())

    for client in _client(pg_url, embedder=None):
        assert get(client, "/api/health")["articles"]["analysed"] == 0
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        for url in ("/api/health", "/api/articles", "/api/search?q=x"):
            response = client.get(url)
            assert response.status_code == 503, (url, response.text)
            assert response.headers["retry-after"] and "unavailable" in response.json()["detail"]
        page = client.get("/")
        assert page.status_code == 503 and "Unavailable" in page.text
        admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert get(client, "/api/health")["status"] == "ok"


# -- safety -----------------------------------------------------------------------------------


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in ("/api/health", "/", "/static/style.css", "/api/stories/nope"):
        response = client.get(url)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert client.get("/docs").status_code == 404  # Swagger UI would load code from a CDN
    assert "/api/search" in get(client, "/openapi.json")["paths"]


def test_hostile_article_is_returned_as_data(client: TestClient) -> None:
    items = get(client, "/api/search", q="Springfield council budget", mode="keyword")["items"]
    assert items[0]["title"] == XSS_TITLE  # stored verbatim; escaping is the renderer's job


# -- POST /api/articles -----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def writable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TestClient, Store]]:
    """An empty store with ingest on (token 's3cret'), on each backend; a fast pipeline
    (language, clean, metadata) stands in for the full one, which the shared store above
    already exercised."""
    db = (
        request.getfixturevalue("pg_url")
        if request.param == "postgresql"
        else str(tmp_path / "w.db")
    )
    store = open_store(db)
    settings = Settings(db=db, api_token="s3cret")

    def pipeline() -> Pipeline:
        return Pipeline(settings, store, stages=("language", "clean", "metadata"))

    app = create_app(store, settings, embedder=None, pipeline_factory=pipeline)
    with TestClient(app) as client:
        yield client, store
    store.close()


AUTH = {"Authorization": "Bearer s3cret"}
ARTICLE = {
    "title": "Harbour reopens after storm",
    "text": "The harbour of Portwick reopened on Monday after a storm closed it for a week.\n\n"
    "Officials said that ferries would run on the normal timetable from Tuesday onwards.",
    "source": "Portwick Herald",
    "published": "2024-02-12",
    "language": "en",
}


def test_ingest_is_off_without_a_token(client: TestClient) -> None:
    response = client.post("/api/articles", json=ARTICLE)
    assert response.status_code == 403
    assert "STORYLINE_API_TOKEN" in response.json()["detail"]


def test_ingest_json_article(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    response = client.post("/api/articles", json=ARTICLE, headers=AUTH)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ingested"] == 1 and body["failures"] == []
    article = get(client, body["articles"][0])
    assert article["title"] == ARTICLE["title"] and article["published"] == "2024-02-12"
    assert article["source"] == "Portwick Herald"
    # Searchable at once (the FTS triggers follow the store's writes).
    assert get(client, "/api/search", q="Portwick ferries")["items"][0]["id"] == article["id"]
    # The same article again: nothing new.
    again = client.post("/api/articles", json=ARTICLE, headers=AUTH)
    assert again.status_code == 200 and store.count_articles() == 1
    assert again.json()["unchanged"] == 1 and again.json()["ingested"] == 0


def test_ingest_analyses_only_what_it_was_sent(
    writable: tuple[TestClient, Store], seed_paths: list[Path]
) -> None:
    """An article another run left pending stays pending: the request analyses its own."""
    from storyline.ingest import read_paths

    client, store = writable
    left = next(a for a in read_paths([str(seed_paths[0])]) if not isinstance(a, Exception))
    store.add_raw(left)
    response = client.post("/api/articles", json=ARTICLE, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["ingested"] == 1 and len(response.json()["ids"]) == 1
    assert store.status(left.id) == "pending"
    assert store.count_articles("analysed") == 1


def test_ingest_upload_limit_is_a_413_naming_it(writable: tuple[TestClient, Store]) -> None:
    client, _ = writable
    big = b"x" * (MAX_UPLOAD_BYTES + 1)
    for kwargs in (
        {"content": big, "headers": {**AUTH, "Content-Type": "application/json"}},
        {"files": {"file": ("big.txt", big, "text/plain")}, "headers": AUTH},
    ):
        response = client.post("/api/articles", **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 413
        body = response.json()
        assert body["limit_bytes"] == MAX_UPLOAD_BYTES and str(MAX_UPLOAD_BYTES) in body["detail"]
    documented = client.get("/openapi.json").json()["paths"]["/api/articles"]["post"]
    assert str(MAX_UPLOAD_BYTES) in documented["responses"]["413"]["description"]


def test_ingest_empty_or_unreadable_upload_is_reported(writable: tuple[TestClient, Store]) -> None:
    """Nothing new stored: a 200 report naming each item that failed, not a 4xx (the request
    itself was valid)."""
    client, store = writable
    for name, data in (("empty.txt", b""), ("broken.jsonl", b"{broken\n")):
        response = client.post(
            "/api/articles", files={"file": (name, data, "text/plain")}, headers=AUTH
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["ingested"] == 0 and name in body["failures"][0]["item"]
    assert store.count_articles() == 0


def test_ingest_uploaded_file(writable: tuple[TestClient, Store], seed_paths: list[Path]) -> None:
    client, _ = writable
    data = seed_paths[4].read_bytes()
    response = client.post(
        "/api/articles", files={"file": ("seed.txt", io.BytesIO(data), "text/plain")}, headers=AUTH
    )
    assert response.status_code == 201, response.text
    article = get(client, response.json()["articles"][0])
    assert article["language"] == "fr" and article["source_path"] == "upload:seed.txt"


@pytest.mark.parametrize(
    ("headers", "kwargs", "status"),
    [
        ({}, {"json": ARTICLE}, 401),
        ({"Authorization": "Bearer wrong"}, {"json": ARTICLE}, 401),
        ({"Authorization": "Basic s3cret"}, {"json": ARTICLE}, 401),
        (
            {**AUTH, "Content-Type": "application/json"},
            {"content": b"{not json"},
            400,
        ),
        (AUTH, {"json": [ARTICLE]}, 422),
        (AUTH, {"json": {"title": "no body"}}, 422),
        (AUTH, {"json": {"text": "   "}}, 422),
        (AUTH, {"json": {**ARTICLE, "published": "soon"}}, 422),
        (AUTH, {"json": {**ARTICLE, "text": 42}}, 422),
        ({**AUTH, "Content-Type": "text/plain"}, {"content": b"hello"}, 415),
        (
            {**AUTH, "Content-Type": "application/json"},
            {"content": b" " * (MAX_UPLOAD_BYTES + 1)},
            413,
        ),
        (AUTH, {"files": {"file": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")}}, 413),
        (AUTH, {"files": {"other": ("a.txt", b"text", "text/plain")}}, 422),
    ],
)
def test_ingest_rejects_bad_input_with_4xx(
    writable: tuple[TestClient, Store],
    headers: dict[str, str],
    kwargs: dict[str, Any],
    status: int,
) -> None:
    client, store = writable
    response = client.post("/api/articles", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert store.count_articles() == 0


def test_ingest_reports_unreadable_items(writable: tuple[TestClient, Store]) -> None:
    client, _ = writable
    lines = json.dumps(ARTICLE) + "\n{broken\n"
    response = client.post(
        "/api/articles",
        files={"file": ("batch.jsonl", lines.encode(), "application/x-ndjson")},
        headers=AUTH,
    )
    body = response.json()
    assert response.status_code == 201 and body["ingested"] == 1
    assert len(body["failures"]) == 1 and "batch.jsonl" in body["failures"][0]["item"]


def test_ingest_while_another_ingest_writes_is_503_naming_it(
    writable: tuple[TestClient, Store],
) -> None:
    client, store = writable
    with open_store(store.path) as other, other.writer_lock():  # type: ignore[attr-defined]
        response = client.post("/api/articles", json=ARTICLE, headers=AUTH)
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"]
    assert f"pid {os.getpid()}" in response.json()["detail"]
    assert store.count_articles() == 0
    assert client.post("/api/articles", json=ARTICLE, headers=AUTH).status_code == 201


# -- schemathesis: no 5xx anywhere in the described API ----------------------------------------


@pytest.fixture(scope="module")
def api_schema(web_db: str) -> Iterator[Any]:
    store = open_store(web_db)
    app = create_app(store, Settings(db=web_db))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


def test_openapi_no_server_errors(api_schema: Any) -> None:
    """Schemathesis generates valid and invalid (negative mode) requests for every operation in
    /openapi.json but the ingest (see below), on both backends; none may get a 5xx.

    Driven by hand rather than by ``schemathesis.pytest.from_fixture``, which fails to collect
    under this pytest version."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /api/search", "POST /api/articles"}
    # POST /api/articles is fuzzed by test_openapi_contract_holds (the CLI run); here hypothesis
    # cannot build the negative case of its 1M-character, must-have-a-non-space text field.
    operations = [op for op in operations if op.label != "POST /api/articles"]
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        strategy = hypothesis.strategies.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @hypothesis.given(case=strategy)
        @hypothesis.settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            derandomize=True,
            database=None,
        )
        def no_server_error(case: Any) -> None:
            response = case.call()
            statuses.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()
    assert set(statuses) == {op.label for op in operations}
    assert 200 in statuses["GET /api/articles"] and 422 in statuses["GET /api/articles"]


# The bounded contract run: schemathesis's coverage, fuzzing and stateful phases with every check
# (schema conformance of each response, documented status codes, valid input accepted and invalid
# input rejected, auth enforced), deterministic generation, a fixed number of examples: 15 per
# operation run in ~35 s on 2 busy cores. No --max-time: with one, fuzzing and stateful testing
# repeat until it is spent, so the cases would depend on the machine's speed.
CONTRACT_EXAMPLES = 15


@pytest.fixture
def live_writable(tmp_path: Path, web_sqlite_db: str) -> Iterator[str]:
    """A live server (uvicorn on loopback) over a copy of the web corpus, ingest on (token
    's3cret') with the fast pipeline: schemathesis drives it over HTTP like any client."""
    import shutil
    import socket
    import threading
    import time

    import uvicorn

    db = str(tmp_path / "contract.db")
    shutil.copy(web_sqlite_db, db)
    store = open_store(db)
    settings = Settings(db=db, api_token="s3cret")

    def pipeline() -> Pipeline:
        return Pipeline(settings, store, stages=("language", "clean", "metadata"))

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(store, settings, pipeline_factory=pipeline)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


def test_openapi_contract_holds(live_writable: str, tmp_path: Path) -> None:
    """/openapi.json is true: schemathesis (every check, coverage + fuzzing + stateful phases,
    POST /api/articles switched on) finds 0 failures and 0 errors."""
    import subprocess
    import sys

    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_writable}/openapi.json",
        "--phases=coverage,fuzzing,stateful",
        "--checks=all",
        f"--max-examples={CONTRACT_EXAMPLES}",
        "--generation-deterministic",
        "--request-timeout=60",
        "--workers=1",
        "--no-color",
        "--header=Authorization: Bearer s3cret",
        "--report=ndjson",
        f"--report-dir={tmp_path}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    summary = done.stdout[done.stdout.rfind("SUMMARY") :]
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Failures:" not in summary and "Errors:" not in summary, summary
    assert "Tested: 12" in summary, summary


def test_serve_command_is_registered() -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--db" in result.output
    bad = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert bad.exit_code != 0  # refused before anything starts
