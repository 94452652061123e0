from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from storyline.article import Mention
from storyline.stories.embed import HashingEmbedder
from storyline.stories.similarity import (
    SAME_STORY_THRESHOLD,
    DocumentFrequencies,
    Evidence,
    name_key,
    name_keys,
    numbers,
    pair_score,
    score_pairs,
    time_factor,
    weighted_overlap,
)


def test_name_keys_meet_across_spellings_and_scripts() -> None:
    # English, French and Russian renderings of one surname; Syria in English and French.
    assert name_key("Kinshak") == name_key("Kinchak") == name_key("Киншак")
    assert name_key("Syria") == name_key("Syrie")
    assert name_key("Moscow") == name_key("Moscou")
    assert name_key("Kinshak") != name_key("Rudskoy")


def test_name_keys_take_canonical_entities_and_capitalised_words() -> None:
    text = "The ambassador Aleksandr Kinshak spoke to Rossiya 24 about the UN."
    mention = Mention("Kinshak", 27, 34, "PER", entity_id="Q123", canonical="Aleksandr Kinshak")
    keys = name_keys(text, [mention])
    assert "E:Q123" in keys
    assert f"N:{name_key('Kinshak')}" in keys
    assert f"N:{name_key('UN')}" in keys
    assert f"N:{name_key('ambassador')}" not in keys  # lower-case words are not names


def test_numbers_are_normalised_across_conventions() -> None:
    assert numbers("1,834 views; 1 834; 3,5 %; 10-12 percent") >= {"1834", "3.5", "10", "12"}
    # A plain space separates two numbers ("2 1,834" is a share count and a view count).
    assert numbers("2 1,834") == {"2", "1834"}
    assert numbers("1.234.567 people") == {"1234567"}


def test_weighted_overlap_discounts_common_keys() -> None:
    idf = DocumentFrequencies()
    for _ in range(50):
        idf.add({"N:SR"})  # a key every article carries
    idf.add({"N:KNXK"})
    rare = weighted_overlap(frozenset({"N:KNXK", "N:A"}), frozenset({"N:KNXK", "N:B"}), idf)
    common = weighted_overlap(frozenset({"N:SR", "N:A"}), frozenset({"N:SR", "N:B"}), idf)
    assert rare > common > 0
    assert weighted_overlap(frozenset(), frozenset({"N:SR"}), idf) == 0.0


def test_time_factor_decays_with_the_gap_but_not_without_dates() -> None:
    day = date(2018, 7, 20)
    assert time_factor(day, date(2018, 7, 22)) == 1.0
    assert time_factor(day, None) == 1.0
    assert 0 < time_factor(day, date(2018, 8, 2)) < 0.5
    assert time_factor(day, date(2017, 7, 20)) < 1e-10


def test_pair_score_is_lowered_by_a_year_gap() -> None:
    vector = np.ones(4, dtype=np.float32) / 2
    a = Evidence("a", vector, frozenset({"N:X"}), frozenset({"12"}), date(2018, 7, 20), "en")
    b = Evidence("b", vector, frozenset({"N:X"}), frozenset({"12"}), date(2018, 7, 21), "fr")
    c = Evidence("c", vector, frozenset({"N:X"}), frozenset({"12"}), date(2017, 7, 21), "fr")
    idf = DocumentFrequencies()
    for item in (a, b, c):
        idf.add(item.keys | item.numbers)
    assert pair_score(a, b, idf) >= SAME_STORY_THRESHOLD
    assert pair_score(a, c, idf) < 0.01


def test_score_pairs_rejects_rows_without_text() -> None:
    with pytest.raises(ValueError, match=r"row 1 .*'b'"):
        score_pairs([{"id": "x", "a": {"text": "hello"}, "b": {}}], HashingEmbedder())


def test_score_pairs_returns_one_row_per_pair() -> None:
    text = "Five surfers died off the Dutch coast near Scheveningen on Monday, police said."
    rows = [
        {"id": "same", "a": {"title": "Surfers die", "text": text}, "b": {"text": text}},
        {
            "id": "other",
            "a": {"text": text},
            "b": {"text": "Apple unveiled a new iPhone in Cupertino on Tuesday.", "language": "en"},
        },
    ]
    out = score_pairs(rows, HashingEmbedder())
    assert [row["id"] for row in out] == ["same", "other"]
    assert all(0.0 <= row["score"] <= 1.0 for row in out)
    assert out[0]["score"] > out[1]["score"]
    assert out[1]["same_story"] is False
