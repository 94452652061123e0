"""The web UI in a real browser: Playwright driving Debian's Chromium against a live server on
loopback, over the analysed seeds and a hostile article (what a person would see and do).

Chromium comes from Debian (``make install`` installs it); Playwright's own browser download does
not work offline. Without /usr/bin/chromium these tests skip, except under CI where they fail.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from _webdb import XSS_MARKER, build_store
from storyline.api import create_app
from storyline.config import Settings
from storyline.store.sqlite import SQLiteStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ENGLISH_TITLE = "Russian Ambassador Says Terrorists in South Syria Facing Final Days"
FRENCH_TITLE = "Moscou: l’élimination des terroristes dans le sud syrien est une question de jours"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing: `make install` installs it", pytrace=False)
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]) -> Iterator[str]:
    db = build_store(tmp_path_factory.mktemp("web"), seed_paths)
    store = SQLiteStore(db)
    port = _free_port()
    config = uvicorn.Config(
        create_app(store, Settings(db=str(db))), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def test_home_then_story(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "Latest stories"
    card = page.locator("li.story-card", has_text=ENGLISH_TITLE)
    assert card.locator(".badge").all_inner_texts()[:2] in (["EN", "FR"], ["FR", "EN"])
    # two reports of one interview in two languages (not a translation: storyline.travel.model)
    assert "2 independent sources" in card.inner_text()
    card.get_by_role("link", name=ENGLISH_TITLE).click()
    page.wait_for_url("**/stories/**")
    assert page.locator("h1").inner_text() == ENGLISH_TITLE
    rows = page.locator("#articles tbody tr").all_inner_texts()
    assert len(rows) == 2 and any(FRENCH_TITLE in row and "FR" in row for row in rows)
    assert page.locator("#entities a.chip").count() > 3


def test_how_it_travelled_and_a_quote_page(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("li.story-card", has_text=ENGLISH_TITLE).get_by_role(
        "link", name=ENGLISH_TITLE
    ).click()
    page.wait_for_url("**/stories/**")
    section = page.locator("#travel")
    assert section.locator("h2").inner_text() == "How it travelled"
    # one dot per article, coloured by language, in a server-rendered SVG
    assert section.locator("svg.travel-svg circle.dot").count() == 2
    assert section.locator("figcaption .key").filter(has_text="fr").count() == 1
    assert "Rossiya 24" in section.locator("p.cited").inner_text()
    groups = section.locator("ul.quote-groups li")
    assert groups.count() >= 2  # the ambassador's quotes, in English and in French
    groups.first.get_by_role("link").click()
    page.wait_for_url("**/quotes/**")
    wordings = page.locator("ol.wordings blockquote")
    assert wordings.count() >= 2
    assert {wordings.nth(i).get_attribute("lang") for i in range(wordings.count())} == {"en", "fr"}
    assert "Kinshak" in page.locator("h1").inner_text()


def test_entity_page_from_a_story(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name=ENGLISH_TITLE).click()
    page.locator("#entities a.chip", has_text="Syria").first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith("Syria")
    variants = page.locator("table.variants tbody tr").all_inner_texts()
    spellings = {tuple(row.split("\t")[:2]) for row in variants}
    assert ("Syria", "EN") in spellings and ("Syrie", "FR") in spellings
    assert page.locator("#mentions svg rect.bar").count() >= 1
    assert page.locator("#entity-articles li").count() >= 4


def test_french_search_finds_the_english_story(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    box = page.get_by_role("searchbox", name="Search")
    box.fill("élimination des terroristes dans le sud syrien")
    box.press("Enter")
    page.wait_for_url("**/search?**")
    titles = page.locator("li.result h2").all_inner_texts()
    assert ENGLISH_TITLE in titles[:3]
    english = page.locator("li.result", has_text=ENGLISH_TITLE)
    assert "semantic" in english.locator(".via").inner_text()
    english.get_by_role("link", name=ENGLISH_TITLE).click()
    page.wait_for_url("**/articles/**")
    assert "Kinshak" in page.locator("div.text").inner_text()


def test_hostile_article_never_runs(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search?q=Springfield+budget&mode=keyword")
    page.locator("li.result h2 a").first.click()
    page.wait_for_url("**/articles/**")
    page.wait_for_load_state("networkidle")
    # What a reader sees: the markup as text.
    assert page.locator("h1").inner_text().startswith("Hostile <script>")
    body = page.locator("div.text").inner_text()
    assert "<script>" in body and "onerror=" in body and "javascript:" in body
    # What must not have happened.
    assert page.evaluate(f"window.{XSS_MARKER}") is None
    assert page.title() != "pwned" and page.dialogs == []
    assert (
        page.locator("div.text img, div.text script, div.text a[href^='javascript']").count() == 0
    )
    assert page.locator("a[href^='javascript']").count() == 0
    # The home page lists the hostile headline too, still inert.
    page.goto(base_url + "/")
    assert page.locator("li.story-card", has_text="Hostile <script>").count() == 1
    assert page.evaluate(f"window.{XSS_MARKER}") is None


def test_shipped_script_runs_under_the_csp(page: Any, base_url: str) -> None:
    page.goto(base_url + "/stories/nope")  # a 404 page: the layout and its script still load
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement && document.activeElement.name") == "q"


def test_search_works_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/search")
    page.locator("form.search-form input[name=q]").fill("Kinshak")
    page.locator("form.search-form select[name=mode]").select_option("keyword")
    page.locator("form.search-form button").click()
    page.wait_for_url("**/search?**")
    assert page.locator("li.result").count() >= 1
    context.close()
