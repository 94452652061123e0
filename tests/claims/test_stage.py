"""Claims stage on the seeds (numbers, predictions, contradictions) and on fr/ru/es/de sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.article import Article, Claim
from storyline.claims.stage import _parse_number, extract_claims, find_aliases
from storyline.pipeline import Pipeline


@pytest.fixture(scope="module")
def seeds(seed_paths: list[Path]) -> dict[str, Article]:
    arts = {}
    for p in seed_paths:
        text = p.read_text(encoding="utf-8")
        lang = "fr" if p.name.startswith("004") else "en"
        arts[p.name[:3]] = Article(raw_text=text, text=text, language=lang)
    Pipeline(stages=("quotes", "claims")).run(list(arts.values()))
    return arts


def claim_with(article: Article, fragment: str) -> Claim:
    hits = [c for c in article.claims if fragment in c.text]
    assert hits, f"no claim with {fragment!r}: {[c.text for c in article.claims]}"
    return hits[0]


def test_offsets_and_ids(seeds: dict[str, Article]) -> None:
    for art in seeds.values():
        assert art.claims
        ids = [c.id for c in art.claims]
        assert len(set(ids)) == len(ids)
        for c in art.claims:
            assert art.text[c.start : c.end] == c.text
            assert c.id and c.id.startswith(f"{art.id}:c")


def test_numbers_in_all_formats(seeds: dict[str, Article]) -> None:
    nusra = claim_with(seeds["001"], "10-12 percent of")
    assert (nusra.value, nusra.value_max, nusra.unit) == (10.0, 12.0, "%")
    assert nusra.holder and "Nusra" in nusra.holder
    assert nusra.speaker == "Alexander Kinshchak"
    quarter = claim_with(seeds["001"], "a quarter of")
    assert (quarter.value, quarter.unit) == (25, "%")
    area = claim_with(seeds["001"], "60.4 thousand sq. km")
    assert (area.value, area.unit) == (60400.0, "km2")
    killed = claim_with(seeds["003"], "More than 340,000 people")
    assert (killed.value, killed.unit) == (340000.0, "people")
    assert killed.time_ref and "2011" in killed.time_ref
    people = claim_with(seeds["002"], "10,000 people")
    assert people.value == 10000.0 and people.speaker == "Sergey Rudskoy"
    tanks = claim_with(seeds["002"], "39 tanks")
    assert (tanks.value, tanks.unit) == (39.0, "tanks")
    sorties = claim_with(seeds["003"], "100 sorties")
    assert sorties.unit == "sorties/day"


def test_no_claims_from_dates_and_names(seeds: dict[str, Article]) -> None:
    texts = [c.text for a in seeds.values() for c in a.claims if c.kind == "number"]
    assert not any(t in ("2015", "2016", "2017", "24", "08", "2") for t in texts)


def test_predictions_with_horizon(seeds: dict[str, Article]) -> None:
    en = [c for c in seeds["000"].claims if c.kind == "prediction"]
    assert any(c.time_ref == "a matter of weeks or even days" for c in en)
    assert any(c.speaker == "Aleksandr Kinshak" for c in en)
    fr = [c for c in seeds["004"].claims if c.kind == "prediction"]
    assert any(c.time_ref == "dans quelques semaines ou même quelques jours" for c in fr)
    assert any(c.speaker == "Alexandre Kinchak" for c in fr)


def test_contradiction_linked(seeds: dict[str, Article]) -> None:
    art = seeds["003"]
    zero = claim_with(art, "not a single village")
    assert zero.value == 0 and zero.speaker and "Rudskoi" in zero.speaker
    held = claim_with(art, "around 8 per cent")
    assert held.value == 8.0 and held.holder == "Daesh"
    assert held.id in zero.contradicts and zero.id in held.contradicts
    # Same speaker, or agreeing values, are never contradictions.
    nusra = [c for c in seeds["001"].claims if "10-12" in c.text]
    assert all(not c.contradicts for c in nusra)


def test_aliases_from_text() -> None:
    aliases = find_aliases("Daesh (ISIS/ISIL) lost ground. Armed groups of the ISIL [Daesh] fled.")
    assert aliases["isil"] == aliases["daesh"] == aliases["isis"]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("10,000", 10000.0), ("10 000", 10000.0), ("10.000", 10000.0), ("60.4", 60.4), ("60,4", 60.4)],
)
def test_parse_number(raw: str, value: float) -> None:
    assert _parse_number(raw, "en") == value


@pytest.mark.parametrize(
    ("lang", "text", "value", "unit"),
    [
        (
            "fr",
            "Selon l'armée, plus de 10 000 personnes ont quitté la ville depuis lundi.",
            10000.0,
            "personnes",
        ),
        ("es", "El gobierno controla casi el 35 por ciento del territorio del país.", 35.0, "%"),
        ("de", "Die Armee kontrolliert etwa 8 Prozent der Provinz, sagte der Sprecher.", 8.0, "%"),
        ("ru", "По данным министерства, более 4 300 боевиков сложили оружие.", 4300.0, "боевиков"),
    ],
)
def test_numbers_other_languages(lang: str, text: str, value: float, unit: str) -> None:
    claims = extract_claims(Article(raw_text=text, text=text, language=lang))
    numbers = [c for c in claims if c.kind == "number"]
    assert numbers and numbers[0].value == value and numbers[0].unit == unit


@pytest.mark.parametrize(
    ("lang", "text", "value", "value_max", "counted"),
    [
        ("de", "Künftig sind 5000 bis 10 000 Fans pro Spiel erlaubt.", 5000.0, 10000.0, "Fans"),
        (
            "en",
            "Officials said 1,200 to 1,500 fighters remained in the city.",
            1200.0,
            1500.0,
            None,
        ),
        (
            "fr",
            "Entre 2 000 et 3 000 soldats, soit 1 500 à 2 500 hommes de plus.",
            1500.0,
            2500.0,
            None,
        ),
        (
            "de",
            "Mehr als 650 amerikanische Fallschirmjäger flogen am Mittwoch los.",
            650.0,
            None,
            "amerikanische Fallschirmjäger",
        ),
    ],
)
def test_ranges_with_grouped_thousands_and_german_noun_phrases(
    lang: str, text: str, value: float, value_max: float | None, counted: str | None
) -> None:
    claims = extract_claims(Article(raw_text=text, text=text, language=lang))
    found = [c for c in claims if c.value == value]
    assert len(found) == 1 and found[0].value_max == value_max
    assert counted is None or found[0].counted == counted
    assert text[found[0].start : found[0].end] == found[0].text


def test_prediction_russian_and_german() -> None:
    ru = "Министр заявил, что операция завершится в ближайшие недели, если ничего не изменится."
    de = "Der Botschafter erwartet, dass die Kämpfe in den nächsten Tagen enden werden."
    for text, lang in ((ru, "ru"), (de, "de")):
        claims = extract_claims(Article(raw_text=text, text=text, language=lang))
        assert [c.kind for c in claims] == ["prediction"]


@pytest.fixture(scope="module")
def pipeline_seeds(seed_paths: list[Path]) -> list[Article]:
    """The seeds through ingest, language, clean, metadata, entities, quotes and claims."""
    from storyline.ingest import read_one

    arts = [read_one(p) for p in seed_paths]
    stages = ("language", "clean", "metadata", "entities", "quotes", "claims")
    return Pipeline(stages=stages).run(arts)


def test_full_pipeline_speakers_and_contradictions(pipeline_seeds: list[Article]) -> None:
    by_prefix = {a.text[:20]: a for a in pipeline_seeds}
    assert len(by_prefix) == 5
    quotes = [q for a in pipeline_seeds for q in a.quotes]
    assad = [q for q in quotes if q.text.startswith("I think this is promising")]
    assert assad and assad[0].speaker == "Bashar al-Assad" and assad[0].speaker_entity_id
    practice = [q for q in quotes if q.text.startswith("As practice showed")]
    assert practice and "Kinshchak" in (practice[0].speaker or "")
    linked = [c for a in pipeline_seeds for c in a.claims if c.contradicts]
    # Only Rudskoi's "not a single village" against the Observatory's "8 per cent" claims.
    zero = [c for c in linked if c.value == 0]
    assert len(zero) == 1 and zero[0].speaker and "Rudsk" in zero[0].speaker
    others = [c for c in linked if c.value != 0]
    assert others and all(c.value == 8.0 and c.contradicts == [zero[0].id] for c in others)
    assert sorted(zero[0].contradicts) == sorted(c.id for c in others)
