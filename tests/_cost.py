"""Cost against length without timing: Python lines executed by a call, on texts of two lengths.

A step that scans every quote, mention or paragraph for each quote makes the count grow with the
square of the text's length; the tests built on this assert the count of a text four times longer
is less than five times as high (``LINEAR_SLACK``). Compiled code (regexes, spaCy) is not traced:
the parse is made before counting, and a regex call counts as the one line that calls it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from storyline.article import Article, Mention

# Ratio of counts allowed for a text 4x longer: linear gives ~4, quadratic ~16.
LINEAR_SLACK = 5.0

PARAGRAPHS = {
    "en": (
        "The Syrian Observatory said that Daesh controls about 8 per cent of the territory. "
        "“We will retake the city within weeks,” the ambassador Alexander Kinshak said. "
        "According to the ministry, 10,000 fighters left the region last year, the diplomat "
        "added."
    ),
    "de": (
        "Die Beobachtungsstelle erklärte, dass Daesh etwa 8 Prozent des Gebiets kontrolliert. "
        "„Wir werden die Stadt in wenigen Wochen zurückerobern“, sagte Botschafter Alexander "
        "Kinshak. Laut dem Ministerium haben 10.000 Kämpfer die Region im vergangenen Jahr "
        "verlassen, fügte der Diplomat hinzu."
    ),
}


def long_article(repeats: int, language: str = "en", one_paragraph: bool = False) -> Article:
    """The paragraph of ``language`` above ``repeats`` times, with entity mentions as the
    entities stage gives them (a person with an id, an organisation), so that the mention
    lookups run too."""
    text = (" " if one_paragraph else "\n").join([PARAGRAPHS[language]] * repeats)
    mentions = []
    for name, type_, eid in (("Alexander Kinshak", "PER", "Q1"), ("Daesh", "ORG", "Q2")):
        start = text.find(name)
        while start >= 0:
            mentions.append(Mention(name, start, start + len(name), type_, eid, name))  # type: ignore[arg-type]
            start = text.find(name, start + 1)
    mentions.sort(key=lambda m: m.start)
    return Article(raw_text=text, text=text, language=language, entities=mentions)


def lines_executed(call: Callable[[], Any]) -> int:
    """How many Python lines ``call()`` executes (sys.settrace)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return count
