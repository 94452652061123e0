"""Titles of plain-text dumps: the masthead/kicker rule of the clean stage, on dev texts.

Run: ``.venv/bin/python eval/titles.py`` (under a minute). Writes the ``titles`` section of
docs/evaluation.md.

A text dump has no title field: the cleaner takes the first headline-like line. Scraped pages
often open with a short outlet name or section label above the headline ("Intervención en
Libia" / "Zapatero anuncia que España se unirá al ataque a Gadafi"); the rule
(:data:`storyline.clean.stage.KICKER_MAX_WORDS`) takes the longer headline after such a line.
The CL-TLS ML-Crisis texts have no gold titles, so every title the rule changes is listed for
reading, and the reading is recorded by hand below the table.
"""

from __future__ import annotations

import lzma
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import DATA, write_section

from storyline.article import Article
from storyline.corpus import clean
from storyline.pipeline import Pipeline

# A person's reading of the list this script printed on 2026-12-01 (read it again when the
# cleaner changes).
READING = (
    "Reading of the 2026-12-01 list: 65 of the 119 changes replace a masthead, kicker or"
    ' interface line with the article\'s headline (34 × "Boutique le Point"; "Intervención en'
    ' Libia" → "Zapatero anuncia que España se unirá al ataque a Gadafi"; "Retrouvez-nous'
    ' sur :"; "Más de 250 muertos" …); 51 swap one interface line for another (both junk:'
    ' "Les sites éditoriaux" → "Les sites du Groupe Figaro", "Mundo / elmundo.es" →'
    ' "Líder mundial en español", login prompts); 3 are judgement calls (a headline broken over'
    ' two lines, "Armées égyptienne et américaine" / "Des amis de trente ans", Il Post\'s'
    ' "La guerra del Cairo"); none is worse. Standfirsts of 18-29 words under a short Il Post'
    " headline are no longer taken (HEADLINE_AFTER_KICKER_MAX_WORDS)."
)


def titles(texts: list[str]) -> list[str | None]:
    pipeline = Pipeline(stages=("language", "clean"))
    return [a.title for a in pipeline.run([Article(raw_text=t) for t in texts])]


def main() -> None:
    paths = sorted((DATA / "cl-tls-ml-crisis").glob("*/*/*/*.txt.xz"))
    texts = [lzma.decompress(p.read_bytes()).decode("utf-8") for p in paths]
    with_rule = titles(texts)
    saved = clean.KICKER_MAX_WORDS
    clean.KICKER_MAX_WORDS = 0
    try:
        without = titles(texts)
    finally:
        clean.KICKER_MAX_WORDS = saved
    changed = [
        (p.relative_to(DATA / "cl-tls-ml-crisis"), old, new)
        for p, old, new in zip(paths, without, with_rule, strict=True)
        if old != new
    ]
    lines = [
        f"CL-TLS ML-Crisis dev texts: {len(texts)}; a title found in {sum(map(bool, with_rule))}; "
        f"the masthead/kicker rule changes {len(changed)} of them:",
        "",
        "| text | first headline-like line (without the rule) | title with the rule |",
        "|---|---|---|",
    ]
    for path, old, new in changed:
        lines.append(
            f"| {str(path).removesuffix('.txt.xz')} | {(old or '')[:60].replace('|', '/')} "
            f"| {(new or '')[:80].replace('|', '/')} |"
        )
    if READING:
        lines += ["", READING]
    body = "\n".join(lines)
    print(body)
    write_section("titles", "Cleaning: titles of text dumps", body)


if __name__ == "__main__":
    main()
