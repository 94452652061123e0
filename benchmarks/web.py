"""Web UI and API speed on a large synthetic store: page latency and concurrent clients.

1. Builds (once, reused) a synthetic SQLite store of ``--articles`` analysed articles (default
   100,000): 6 languages, 300 outlets, stories of 1–12 articles, ~12 entity mentions, 2 quotes and
   1 claim per article, a 384-d vector per article for semantic search, and the entity registry
   tables. Rows are generated and
   inserted directly (the FTS5 triggers of migration 0005 index them as the store would).
2. The travel view of one 500-article story added to the store (copies, wire credits, one
   speaker's quotes in six languages): p50/p95 of ``read.travel.get_travel`` on a new connection,
   of ``/api/stories/{id}/travel`` and of the story page (issue 14: p95 ≤ 200 ms).
3. p50/p95 of the story page and the search page (hybrid: FTS5 + semantic) in process
   (FastAPI TestClient, no network), after one warm-up request each.
4. ``--clients`` concurrent clients (default 50) against ``storyline serve`` on 127.0.0.1 for
   ``--duration`` seconds (default 60), mixing home, story, article, entity and search pages:
   requests/s, errors, p50/p95/p99. Loopback only; the run stops by itself.

Prints figures; asserts nothing. ``--quick`` for a 10k-article, 10-second smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from storyline.store.sqlite import SQLiteStore

LANGUAGES = ["en", "fr", "de", "es", "ru", "ar"]
# A Zipf-distributed vocabulary of pseudo-words, so keyword queries match few or many articles as
# real words do (a small fixed word list would make every query match every article).
VOCABULARY_SIZE = 30_000
_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
_vocab_rng = random.Random(11)
VOCABULARY = sorted(
    {"".join(_vocab_rng.choices(_SYLLABLES, k=_vocab_rng.randint(2, 4))) for _ in range(40_000)}
)[:VOCABULARY_SIZE]
_vocab_rng.shuffle(VOCABULARY)
_CUMULATIVE = list(np.cumsum([1.0 / (rank + 1) for rank in range(len(VOCABULARY))]))


def words(rng: random.Random, k: int) -> list[str]:
    return rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=k)


def query_words(rng: random.Random) -> str:
    """Two words of middling frequency (ranks 50-5,000), as a person would search."""
    return f"{VOCABULARY[rng.randrange(50, 5000)]} {VOCABULARY[rng.randrange(50, 5000)]}"


DIM = 384


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _time_requests(
    client: Any, name: str, urls: list[str], before_each: Callable[[], None] | None = None
) -> None:
    """GET each of ``urls`` in turn (``before_each`` first) and print a row: name, requests,
    p50 / p95 / max ms."""
    times = []
    for url in urls:
        if before_each is not None:
            before_each()
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            print(f"  {url}: HTTP {response.status_code}")
    print(
        f"| {name} | {len(times)} | {statistics.median(times):.1f} | "
        f"{_percentile(times, 0.95):.1f} | {max(times):.1f} |"
    )


def fill_registry(path: Path) -> None:
    """The entity registry tables (migration 0002) for the synthetic mentions, as the entities
    stage keeps them: canonical entities, spelling variants per language, articles per entity."""
    with SQLiteStore(path) as store:
        if store.conn.execute("SELECT 1 FROM entity_articles LIMIT 1").fetchone():
            return
        start = time.perf_counter()
        names: dict[str, tuple[str, str]] = {}
        variants: dict[tuple[str, str, str], int] = {}
        links: set[tuple[str, str]] = set()
        for article_id, language, blob in store.conn.execute(
            "SELECT id, language, entities FROM articles"
        ):
            for m in json.loads(blob):
                names[m["entity_id"]] = (m["canonical"], m["type"])
                key = (m["entity_id"], m["text"], language)
                variants[key] = variants.get(key, 0) + 1
                links.add((m["entity_id"], article_id))
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO entities (id, canonical, type) VALUES (?, ?, ?)",
                [(i, n, t) for i, (n, t) in names.items()],
            )
            conn.executemany(
                "INSERT INTO entity_variants (entity_id, form, language, count) VALUES (?,?,?,?)",
                [(*k, n) for k, n in variants.items()],
            )
            conn.executemany("INSERT INTO entity_articles VALUES (?, ?)", sorted(links))
        print(
            f"  registry: {len(names):,} entities, {len(links):,} entity-article links "
            f"in {time.perf_counter() - start:.0f} s"
        )


def build(path: Path, n_articles: int, seed: int = 7) -> None:
    """Fill ``path`` with ``n_articles`` synthetic analysed articles (skipped if already there)."""
    if path.exists():
        with SQLiteStore(path) as store:
            if store.count_articles() >= n_articles:
                fill_registry(path)
                return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    vectors = np.random.default_rng(seed)
    store = SQLiteStore(path)
    from storyline.store import stories as story_store

    story_store.ensure_schema(store.conn)
    entities = [(f"PER-person-{i}", f"Person {i}", "PER") for i in range(3000)]
    entities += [(f"ORG-org-{i}", f"Organisation {i}", "ORG") for i in range(1000)]
    entities += [(f"LOC-place-{i}", f"Place {i}", "LOC") for i in range(1000)]
    outlets = [f"Outlet {i}" for i in range(300)]
    start = time.perf_counter()
    done, story_no, seq = 0, 0, 0
    batch: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    now = "2026-01-01T00:00:00+00:00"
    while done < n_articles:
        story_no += 1
        size = min(rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 8, 12]), n_articles - done)
        day0 = 18000 + rng.randrange(1100)
        cast = rng.sample(entities, 6)
        for _ in range(size):
            done += 1
            article_id = f"{done:016x}"
            language = rng.choice(LANGUAGES)
            day = np.datetime64(day0 + rng.randrange(5), "D").astype(str)
            paragraphs, mentions, quotes = [], [], []
            text = ""
            for _p in range(6):
                drawn = words(rng, 40)
                entity = rng.choice(cast)
                sentence = " ".join(drawn[:20]) + f" {entity[1]} " + " ".join(drawn[20:]) + "."
                begin = len(text) + sentence.index(entity[1])
                mentions.append(
                    {
                        "text": entity[1],
                        "start": begin,
                        "end": begin + len(entity[1]),
                        "type": entity[2],
                        "entity_id": entity[0],
                        "canonical": entity[1],
                    }
                )
                paragraphs.append(sentence)
                text = "\n\n".join(paragraphs)
            speaker = cast[0]
            quote_text = " ".join(words(rng, 12))
            quote_at = len(text) + 3
            text += f'\n\n"{quote_text}," said {speaker[1]}.'
            quotes.append(
                {
                    "text": quote_text,
                    "start": quote_at,
                    "end": quote_at + len(quote_text),
                    "type": "direct",
                    "speaker": speaker[1],
                    "speaker_entity_id": speaker[0],
                    "cue": "said",
                    "language": language,
                }
            )
            claims = [
                {
                    "text": f"{rng.randrange(10, 5000)} people",
                    "start": 0,
                    "end": 5,
                    "kind": "number",
                    "value": float(rng.randrange(10, 5000)),
                    "unit": None,
                    "counted": "people",
                    "contradicts": [],
                    "id": None,
                }
            ]
            title = " ".join(words(rng, 8)).capitalize()
            batch.append(
                (
                    article_id,
                    "analysed",
                    "text",
                    text,
                    "{}",
                    title,
                    language,
                    rng.choice(outlets),
                    day,
                    text,
                    json.dumps(mentions),
                    json.dumps(quotes),
                    json.dumps(claims),
                    f"s-{story_no:08d}",
                    now,
                    now,
                    now,
                )
            )
            vector = vectors.standard_normal(DIM).astype(np.float32)
            vector /= np.linalg.norm(vector)
            members.append(
                (
                    article_id,
                    f"s-{story_no:08d}",
                    f"t-{story_no:08d}",
                    seq,
                    day,
                    language,
                    vector.tobytes(),
                )
            )
            seq += 1
        if len(batch) >= 2000 or done >= n_articles:
            with store.transaction() as conn:
                conn.executemany(
                    "INSERT INTO articles (id, status, input_format, raw_text, input_meta, title,"
                    " language, source, published, text, entities, quotes, claims, story_id,"
                    " ingested_at, analysed_at, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    batch,
                )
                conn.executemany(
                    "INSERT INTO story_members (article_id, story_id, thread_id, seq, published,"
                    " language, vector, keys, numbers, score)"
                    " VALUES (?,?,?,?,?,?,?,'[]','[]',1.0)",
                    members,
                )
            batch, members = [], []
            print(
                f"  built {done:,}/{n_articles:,} articles ({time.perf_counter() - start:.0f} s)",
                end="\r",
                flush=True,
            )
    store.conn.execute("ANALYZE")
    store.close()
    size = sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )
    print(
        f"\n  built {n_articles:,} articles, {story_no:,} stories, {size / 2**20:,.0f} MiB "
        f"in {time.perf_counter() - start:.0f} s"
    )


BIG_STORY = "s-travel-500"
BIG_STORY_SIZE = 500


def add_big_story(path: Path, size: int = BIG_STORY_SIZE, seed: int = 5) -> None:
    """One story of ``size`` articles (skipped if there): 6 languages, 40 outlets, a third of the
    articles copies of an earlier one (a cut ending, another headline), a quarter crediting a
    wire agency, every article quoting one speaker with one of 30 statements (each with an e5-like
    vector, plus noise per wording), and the story stage's rows (vector, MinHash sketch)."""
    from storyline.stories.dedup import CopyIndex, minhash
    from storyline.travel import evidence
    from storyline.travel.stage import text_hash

    with SQLiteStore(path) as store:
        if store.conn.execute("SELECT 1 FROM articles WHERE story_id = ?", (BIG_STORY,)).fetchone():
            return
        rng = random.Random(seed)
        vectors = np.random.default_rng(seed)
        statements = [" ".join(words(rng, 14)) for _ in range(30)]
        statement_vectors = vectors.standard_normal((30, DIM)).astype(np.float32)
        outlets = [f"Big outlet {i}" for i in range(40)]
        texts: list[str] = []
        rows, members, quote_rows, evidence_rows = [], [], [], []
        seq = int(
            store.conn.execute("SELECT coalesce(max(seq), 0) FROM story_members").fetchone()[0]
        )
        now = "2026-01-01T00:00:00+00:00"
        for k in range(size):
            article_id = f"b{k:015x}"
            language = rng.choice(LANGUAGES)
            if texts and rng.random() < 0.33:
                source = rng.choice(texts)
                text = source[: int(len(source) * rng.uniform(0.7, 1.0))]
            else:
                text = "\n\n".join(" ".join(words(rng, 60)) for _ in range(5))
                if rng.random() < 0.25:
                    text = f"PARIS ({rng.choice(['AFP', 'Reuters', 'EFE', 'dpa'])}) - " + text
            texts.append(text)
            which = rng.randrange(30)
            quote = statements[which]
            at = len(text) + 3
            text_full = f'{text}\n\n"{quote}," said Person 1.'
            quotes = [
                {
                    "text": quote,
                    "start": at,
                    "end": at + len(quote),
                    "type": "direct",
                    "speaker": "Person 1",
                    "speaker_entity_id": "PER-person-1",
                    "cue": "said",
                    "language": language,
                }
            ]
            claims = [
                {
                    "text": "x",
                    "start": 0,
                    "end": 1,
                    "kind": "number",
                    "value": float(rng.choice([150, 160])),
                    "unit": None,
                    "counted": "captives",
                    "contradicts": [],
                    "id": None,
                }
            ]
            day = np.datetime64(19000 + k // 50, "D").astype(str)
            rows.append(
                (
                    article_id,
                    "analysed",
                    "text",
                    text_full,
                    "{}",
                    " ".join(words(rng, 8)).capitalize(),
                    language,
                    rng.choice(outlets),
                    day,
                    text_full,
                    "[]",
                    json.dumps(quotes),
                    json.dumps(claims),
                    BIG_STORY,
                    now,
                    now,
                    now,
                )
            )
            vector = vectors.standard_normal(DIM).astype(np.float32)
            vector /= np.linalg.norm(vector)
            sketch = minhash(text_full)
            seq += 1
            members.append(
                (
                    article_id,
                    BIG_STORY,
                    "t-travel-500",
                    seq,
                    day,
                    language,
                    vector.tobytes(),
                    CopyIndex.to_bytes(sketch) if sketch else None,
                )
            )
            noisy = statement_vectors[which] + 0.3 * vectors.standard_normal(DIM).astype(np.float32)
            noisy /= np.linalg.norm(noisy)
            quote_rows.append((article_id, 0, text_hash(quote), noisy.astype(np.float32).tobytes()))
            # the travel stage's evidence row (storyline.travel.evidence), as ingest stores it
            found = evidence.for_article(text_full, None, language, quotes)
            evidence_rows.append(
                (article_id, evidence.source_hash(text_full, None), *evidence.to_row(found))
            )
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO articles (id, status, input_format, raw_text, input_meta, title,"
                " language, source, published, text, entities, quotes, claims, story_id,"
                " ingested_at, analysed_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            conn.executemany(
                "INSERT INTO story_members (article_id, story_id, thread_id, seq, published,"
                " language, vector, keys, numbers, minhash, score)"
                " VALUES (?,?,?,?,?,?,?,'[]','[]',?,1.0)",
                members,
            )
            conn.executemany(
                "INSERT INTO quote_vectors (article_id, quote_index, text_hash, vector)"
                " VALUES (?,?,?,?)",
                quote_rows,
            )
            conn.executemany(
                "INSERT INTO travel_evidence (article_id, source_hash, credits, cites, shingles)"
                " VALUES (?,?,?,?,?)",
                evidence_rows,
            )
        print(f"  added the {size}-article story {BIG_STORY}")


def travel_latency(path: Path, requests: int) -> None:
    """The travel view of the 500-article story: the read model alone (cold: a new connection
    each time, as a CLI command) and the API and story page in process."""
    from fastapi.testclient import TestClient

    from storyline.api import create_app
    from storyline.config import Settings
    from storyline.read import travel as travel_module

    print(
        f"\n## travel view of a {BIG_STORY_SIZE}-article story (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        "| what | requests | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |\n"
        "|---|---|---|---|---|---|---|"
    )
    travel = None
    with SQLiteStore(path) as store:
        for label, cold in (
            ("built (cache emptied before each)", True),
            ("served again (story unchanged)", False),
        ):
            times, cpu = [], []
            for _ in range(min(requests, 30)):
                if cold:
                    travel_module._cache.clear()
                t, c = time.perf_counter(), time.process_time()
                travel = travel_module.get_travel(store.conn, BIG_STORY)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)  # every thread of the process
            print(
                f"| read.travel.get_travel, {label} | {len(times)} | "
                f"{statistics.median(times):.1f} | {_percentile(times, 0.95):.1f} | "
                f"{max(times):.1f} | {statistics.median(cpu):.1f} | {_percentile(cpu, 0.95):.1f} |"
            )
    assert travel is not None
    store = SQLiteStore(path)
    client = TestClient(create_app(store, Settings(db=str(path))))
    for name, url in (
        ("GET /api/stories/{id}/travel", f"/api/stories/{BIG_STORY}/travel"),
        ("story page (with the travel section)", f"/stories/{BIG_STORY}"),
    ):
        client.get(url)
        # building the view each time
        _time_requests(client, name, [url] * min(requests, 30), travel_module._cache.clear)
    edges = {}
    for edge in travel.edges:
        edges[edge.kind] = edges.get(edge.kind, 0) + 1
    print(
        f"(edges: {edges}; quote groups {len(travel.quote_groups)}; independent sources "
        f"{len(travel.independent_sources)})"
    )
    store.close()


def page_latency(path: Path, requests: int) -> None:
    from fastapi.testclient import TestClient

    from storyline.api import create_app
    from storyline.config import Settings

    store = SQLiteStore(path)
    client = TestClient(create_app(store, Settings(db=str(path))))
    rng = random.Random(1)
    story_ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT story_id FROM articles ORDER BY random() LIMIT ?", (requests,)
        )
    ]
    entity_ids = sorted(
        {
            m["entity_id"]
            for (blob,) in store.conn.execute(
                "SELECT entities FROM articles ORDER BY random() LIMIT 10"
            )
            for m in json.loads(blob)
        }
    )[:20]
    article_ids = [
        r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY random() LIMIT 50")
    ]
    queries = [query_words(rng) for _ in range(requests)]
    cases = {
        "story page": [f"/stories/{s}" for s in story_ids],
        "search page (hybrid)": [f"/search?q={q}" for q in queries],
        "search page (keyword)": [f"/search?q={q}&mode=keyword" for q in queries],
        "home page": ["/"] * min(requests, 50),
        "article page": [f"/articles/{a}" for a in article_ids],
        "entity page": [f"/entities/{e}" for e in entity_ids],
    }
    print(f"\n## page latency in process ({store.count_articles():,} articles)")
    print("| page | requests | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for name, urls in cases.items():
        client.get(urls[0])  # warm-up: loads the vector matrix, the query embedder, caches
        _time_requests(client, name, urls)
    t = time.perf_counter()
    client.get("/search?q=a+query+never+seen+before+to+embed")
    print(
        f"(a search whose query embedding is not cached: {(time.perf_counter() - t) * 1000:.0f} ms)"
    )
    store.close()


def concurrent(path: Path, clients: int, duration: float, workers: int) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("storyline")),
            "serve",
            "--db",
            str(path),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        with SQLiteStore(path) as store:
            story_ids = [
                r[0]
                for r in store.conn.execute(
                    "SELECT DISTINCT story_id FROM articles ORDER BY random() LIMIT 500"
                )
            ]
            entity_ids = sorted(
                {
                    m["entity_id"]
                    for (blob,) in store.conn.execute(
                        "SELECT entities FROM articles ORDER BY random() LIMIT 10"
                    )
                    for m in json.loads(blob)
                }
            )
        rng = random.Random(3)
        urls = ["/"]
        urls += [f"/stories/{s}" for s in story_ids[:200]]
        urls += [f"/search?q={query_words(rng)}" for _ in range(50)]
        urls += [f"/api/articles?limit=20&offset={rng.randrange(1000)}" for _ in range(50)]
        urls += [f"/entities/{entity_id}" for entity_id in entity_ids[:20]]
        # Each worker warms its query embedder and vector matrix at start (storyline.api
        # serve_app); give them the time, then touch the pages once per worker.
        time.sleep(10)
        for i in range(2 * workers):
            httpx.get(base + f"/search?q=warm+up+{i}", timeout=300)
            httpx.get(base + f"/entities/{entity_ids[i % len(entity_ids)]}", timeout=300)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + duration

        def run(worker: int) -> None:
            local_rng = random.Random(worker)
            with httpx.Client(base_url=base, timeout=30) as http:
                while time.monotonic() < stop_at:
                    url = local_rng.choice(urls)
                    t = time.perf_counter()
                    try:
                        status = http.get(url).status_code
                        problem = None if status == 200 else f"HTTP {status} {url}"
                    except httpx.HTTPError as exc:
                        problem = f"{type(exc).__name__} {url}"
                    elapsed = (time.perf_counter() - t) * 1000
                    with lock:
                        latencies.append(elapsed)
                        if problem:
                            errors.append(problem)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        print(
            f"\n## {clients} concurrent clients for {duration:.0f} s on loopback "
            f"({workers} uvicorn worker(s); 2 cores shared with the clients)"
        )
        print(
            f"requests {len(latencies):,} ({len(latencies) / wall:.0f}/s), errors {len(errors)}, "
            f"p50 {statistics.median(latencies):.0f} ms, "
            f"p95 {_percentile(latencies, 0.95):.0f} ms, p99 {_percentile(latencies, 0.99):.0f} ms"
        )
        for problem in sorted(set(errors))[:5]:
            print(f"  e.g. {problem}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="server processes (2 cores)")
    parser.add_argument("--db", default="/tmp/storyline-bench/web.db")
    parser.add_argument("--quick", action="store_true", help="10k articles, 10 s of clients")
    parser.add_argument("--travel-only", action="store_true", help="only the travel view")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.duration, args.requests = 10_000, 10.0, 50
        args.db = args.db.replace(".db", "-quick.db")
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"# storyline web benchmark: {args.articles:,} synthetic articles at {path}")
    build(path, args.articles)
    fill_registry(path)
    add_big_story(path)
    travel_latency(path, args.requests)
    if args.travel_only:
        return
    page_latency(path, args.requests)
    concurrent(path, args.clients, args.duration, args.workers)


if __name__ == "__main__":
    main()
