"""Server-rendered web UI: stories, entities, articles and search, in HTML that works without
JavaScript.

Templates (Jinja2, autoescaping on: article text is untrusted and is only ever inserted as text)
and static files live beside this module and are served by the app itself, no CDN. Nothing inline
is needed — no inline script, no style attribute — so :mod:`storyline.api` can send a strict
Content-Security-Policy. The pages are thin shells over the read model, :mod:`storyline.read`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from storyline import read
from storyline.read import search as search_module
from storyline.read.travel import find_quote_group, get_travel
from storyline.store import SQLConnection
from storyline.web.charts import stacked_bars, travel_chart
from storyline.web.highlight import segments

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.autoescape = True  # every template, whatever its file name


def _date_provenance(
    published: str | None, source: str | None, confidence: float | None, modified: str | None
) -> str:
    """The hover text of a publication date: which signal gave it, how sure, and the update.

    "2020-02-05 from the time element (right 90% of the time on the dev pages); modified
    2020-02-12".
    """
    if not published:
        return ""
    text = f"{published} from the {source}" if source else published
    if confidence is not None:
        text += f" (right {confidence:.0%} of the time on the dev data)"
    if modified:
        text += f"; modified {modified}"
    return text


def _lang_class(value: str | None) -> str:
    """A language code reduced to a safe CSS class fragment."""
    return "".join(c for c in (value or "unknown").lower() if c.isalnum())[:8] or "unknown"


def _with_offset(params: Any, offset: int) -> str:
    values = dict(params) if params else {}
    values["offset"] = max(0, int(offset))
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _is_web_url(value: str | None) -> bool:
    """Only http(s) URLs become links: a stored ``javascript:`` URL is shown as text."""
    return bool(value) and urlsplit(str(value)).scheme.lower() in ("http", "https")


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@jinja2.pass_context
def _path_for(context: Any, name: str, /, **params: Any) -> str:
    """Like ``url_for`` but the path only: links do not echo the request's Host header (which a
    client controls) and keep working behind a reverse proxy."""
    return str(context["request"].url_for(name, **params).path)


templates.env.globals["path_for"] = _path_for
templates.env.filters["lang_class"] = _lang_class
templates.env.filters["date_provenance"] = _date_provenance
templates.env.filters["with_offset"] = _with_offset
templates.env.filters["is_web_url"] = _is_web_url
templates.env.filters["num"] = _num
templates.env.tests["length_over_one"] = lambda value: len(value) > 1

router = APIRouter(include_in_schema=False)


def _conn(request: Request) -> Any:
    """A read connection for this request (see :class:`storyline.api.Connections`)."""
    with request.app.state.storyline.connections.read() as conn:
        yield conn


Conn = Annotated[SQLConnection, Depends(_conn)]
PageLimit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Lang = Annotated[str | None, Query(max_length=16)]
Text = Annotated[str | None, Query(max_length=200)]
# Dates as strings: an HTML form submits an empty field as "", which means "no filter" here.
Day = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")]


def _day(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def render(request: Request, conn: SQLConnection, name: str, **context: Any) -> HTMLResponse:
    from storyline import __version__

    context.setdefault("version", __version__)
    return templates.TemplateResponse(request, name, context)


def _filters(
    language: str | None = None,
    source: str | None = None,
    since: Day = None,
    until: Day = None,
    entity: str | None = None,
    story: str | None = None,
) -> read.Filters:
    return read.Filters(
        language=language or None,
        source=source or None,
        since=_day("since", since),
        until=_day("until", until),
        entity=entity or None,
        story=story or None,
    )


def _preferred(request: Request) -> list[str]:
    return list(request.app.state.storyline.settings.preferred_languages)


@router.get("/", response_class=HTMLResponse, name="home")
def home(
    request: Request,
    conn: Conn,
    language: Lang = None,
    since: Day = None,
    until: Day = None,
    limit: PageLimit = 20,
    offset: Offset = 0,
) -> HTMLResponse:
    filters = _filters(language=language, since=since, until=until)
    stories = read.list_stories(conn, filters, limit, offset, _preferred(request))
    return render(request, conn, "home.html", stories=stories, filters=filters.as_params())


@router.get("/stories/{story_id}", response_class=HTMLResponse, name="story_page")
def story_page(request: Request, conn: Conn, story_id: str) -> HTMLResponse:
    story = read.get_story(conn, story_id, _preferred(request))
    if story is None:
        raise HTTPException(404, f"No story with id {story_id!r}.")
    story["timeline"] = stacked_bars(story["timeline"])
    found = get_travel(conn, story_id)
    travel = found.to_dict() if found is not None else {"nodes": [], "edges": []}
    titles = {n["id"]: n["outlet"] or n["title"] or n["id"][:8] for n in travel["nodes"]}
    evidence: dict[str, list[str]] = {}
    for edge in travel.get("edges", []):
        if edge["kind"] in ("copy-of", "translation-of"):
            facts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in edge["evidence"].items())
            evidence.setdefault(edge["from"], []).append(f"{edge['kind']}: {facts}")
    roles = {n["id"]: n["role"] for n in travel["nodes"]}
    travel.update(titles=titles, edge_evidence=evidence, roles=roles)
    story["travel"] = travel
    story["travel_chart"] = travel_chart(travel)
    return render(request, conn, "story.html", story=story)


@router.get("/stories/{story_id}/quotes/{group_id}", response_class=HTMLResponse, name="quote_page")
def quote_page(request: Request, conn: Conn, story_id: str, group_id: str) -> HTMLResponse:
    """Every wording of one quotation of a story, earliest first, with what changed."""
    found = find_quote_group(conn, story_id, group_id)
    if found is None:
        raise HTTPException(404, f"No quotation {group_id!r} in story {story_id!r}.")
    travel, group = found
    origin = next((n for n in travel.nodes if n["origin"]), None)
    return render(
        request,
        conn,
        "quote.html",
        story_id=story_id,
        story_title=origin["title"] if origin else None,
        group=group,
    )


@router.get("/entities", response_class=HTMLResponse, name="entities_page")
def entities_page(
    request: Request,
    conn: Conn,
    name: Text = None,
    type: Annotated[str | None, Query(pattern="^(PER|ORG|LOC|MISC)?$")] = None,
    limit: PageLimit = 50,
    offset: Offset = 0,
) -> HTMLResponse:
    entities = read.list_entities(conn, name or None, type or None, limit, offset)
    filters = {k: v for k, v in {"name": name, "type": type}.items() if v}
    return render(request, conn, "entities.html", entities=entities, filters=filters)


@router.get("/entities/{entity_id}", response_class=HTMLResponse, name="entity_page")
def entity_page(request: Request, conn: Conn, entity_id: str) -> Response:
    current = read.resolve_entity_id(conn, entity_id)
    if current != entity_id:  # merged into another entity by the registry
        return RedirectResponse(str(request.url_for("entity_page", entity_id=current).path), 301)
    entity = read.get_entity(conn, entity_id)
    if entity is None:
        raise HTTPException(404, f"No entity with id {entity_id!r}.")
    entity["timeline"] = stacked_bars(entity["timeline"])
    return render(request, conn, "entity.html", entity=entity)


@router.get("/articles", response_class=HTMLResponse, name="articles_page")
def articles_page(
    request: Request,
    conn: Conn,
    language: Lang = None,
    source: Text = None,
    since: Day = None,
    until: Day = None,
    limit: PageLimit = 50,
    offset: Offset = 0,
) -> HTMLResponse:
    filters = _filters(language=language, source=source, since=since, until=until)
    articles = read.list_articles(conn, filters, limit, offset)
    return render(request, conn, "articles.html", articles=articles, filters=filters.as_params())


@router.get("/articles/{article_id}", response_class=HTMLResponse, name="article_page")
def article_page(request: Request, conn: Conn, article_id: str) -> HTMLResponse:
    article = read.get_article(conn, article_id)
    if article is None:
        raise HTTPException(404, f"No article with id {article_id!r}.")
    paragraphs = segments(article["text"] or "", article["entities"], article["quotes"])
    story_title = None
    if article.get("story_id"):
        story = read.list_stories(
            conn, read.Filters(story=article["story_id"]), 1, 0, _preferred(request), False
        )
        story_title = story.items[0]["title"] if story.items else None
    return render(
        request,
        conn,
        "article.html",
        article=article,
        paragraphs=paragraphs,
        story_title=story_title,
    )


@router.get("/search", response_class=HTMLResponse, name="search_page")
def search_page(
    request: Request,
    conn: Conn,
    q: Annotated[str, Query(max_length=search_module.MAX_QUERY_CHARS)] = "",
    language: Lang = None,
    source: Text = None,
    since: Day = None,
    until: Day = None,
    mode: Annotated[str, Query(pattern="^(hybrid|keyword|semantic)$")] = "hybrid",
    limit: PageLimit = 20,
    offset: Offset = 0,
) -> HTMLResponse:
    filters = _filters(language=language, source=source, since=since, until=until)
    state = request.app.state.storyline
    results = read.Page([], 0, limit, offset)
    notice = None
    if q.strip():
        results = search_module.search(
            conn,
            q,
            filters,
            mode=mode,  # type: ignore[arg-type]
            embedder=state.embedder,
            index=state.vectors,
            limit=limit,
            offset=offset,
        )
        notice = results.extra.get("notice")
    params = {**filters.as_params(), "q": q, "mode": mode}
    return render(
        request,
        conn,
        "search.html",
        q=q,
        mode=mode,
        results=results,
        notice=notice,
        filters=filters.as_params(),
        params=params,
    )
