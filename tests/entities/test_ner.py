"""NER routing and the correction layer over model spans (storyline.entities.ner)."""

from __future__ import annotations

import pytest

from storyline.article import Article, Mention
from storyline.entities.lexicon_ner import LexiconNer
from storyline.entities.ner import (
    NatashaNer,
    PatternNer,
    SpacyNer,
    backend_for,
    clean_span,
    split_title,
    title_after,
    title_before,
    type_cue,
)


def span_text(text: str, start: int, end: int) -> str:
    span = clean_span(text, start, end)
    assert span is not None
    return text[span[0] : span[1]]


def test_backend_is_routed_by_language_never_across() -> None:
    assert isinstance(backend_for("en"), SpacyNer)
    assert isinstance(backend_for("fr"), SpacyNer)
    assert isinstance(backend_for("es"), SpacyNer)
    assert isinstance(backend_for("ru"), NatashaNer)
    assert isinstance(backend_for("de"), LexiconNer)
    assert backend_for("pl").language == "pl"  # type: ignore[attr-defined]
    assert isinstance(backend_for(None), LexiconNer)


def test_clean_span_trims_model_spans() -> None:
    text = "the Syrian Army and Russian Air Force\nPalmyra and Syria’s war and “Daesh” of l’Ukraine"
    assert span_text(text, 0, 15) == "Syrian Army"
    start = text.index("Russian")
    assert span_text(text, start, text.index("Palmyra") + 7) == "Russian Air Force"
    start = text.index("Syria’s")
    assert span_text(text, start, start + 7) == "Syria"
    start = text.index("“Daesh”")
    assert span_text(text, start, start + 7) == "Daesh"
    start = text.index("l’Ukraine")
    assert span_text(text, start, start + 9) == "Ukraine"
    assert span_text("the U.S. said", 4, 8) == "U.S."
    assert clean_span("a “ b", 2, 3) is None


def test_split_title_keeps_the_trailing_name() -> None:
    text = "entre le ministre russe de la Défense Sergueï Choïgou et"
    start = text.index("ministre")
    end = text.index(" et")
    new_start, title = split_title(text, start, end)
    assert text[new_start:end] == "Sergueï Choïgou"
    assert title == "ministre russe de la Défense"
    text = "Colonel General Sergey Rudskoy said"
    new_start, title = split_title(text, 0, text.index(" said"))
    assert text[new_start : text.index(" said")] == "Sergey Rudskoy"
    assert title == "Colonel General"
    assert split_title("Bashar al-Assad", 0, 15) == (0, None)


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        (
            "Russia’s ambassador to Syria, Aleksandr Kinshak, has",
            "Aleksandr",
            "Russia’s ambassador to Syria",
        ),
        (
            "said Russian Ambassador to Syria Alexander Kinshchak told",
            "Alexander",
            "Russian Ambassador to Syria",
        ),
        (
            "a déclaré l’ambassadeur russe en Syrie Alexandre Kinchak.",
            "Alexandre",
            "ambassadeur russe en Syrie",
        ),
        ("Senior military officer Sergei Rudskoi said", "Sergei", "Senior military officer"),
        ("The UN’s Syria envoy Staffan de Mistura said", "Staffan", "UN’s Syria envoy"),
        ("The diplomat also said that Russia", "Russia", None),
        ("the head of UN operations", "UN", None),
        ("Kinshak said", "Kinshak", None),
    ],
)
def test_title_before(text: str, name: str, title: str | None) -> None:
    assert title_before(text, text.index(name)) == title


def test_title_after_finds_an_appositive_role() -> None:
    text = (
        "Colonel General Sergey Rudskoy, the head of operations of the Russian General Staff, said"
    )
    end = text.index(",")
    assert title_after(text, end) == "the head of operations of the Russian General Staff"
    text = "Sergey Rudskoy, the man who came, said"
    assert title_after(text, text.index(",")) is None


def test_type_cues() -> None:
    text = "the final pocket in Quneitra was overrun; Rossiya 24 reported"
    quneitra = Mention("Quneitra", text.index("Quneitra"), text.index("Quneitra") + 8, "PER")
    rossiya = Mention("Rossiya 24", text.index("Rossiya"), text.index("Rossiya") + 10, "PER")
    assert type_cue(text, quneitra, None) == "LOC"
    assert type_cue(text, rossiya, None) == "ORG"
    assert type_cue(text, quneitra, "the general") == "PER"
    # a title before an acronym names the office's body, not its holder
    text = "сказав міністр МОЗ"
    moz = Mention("МОЗ", text.index("МОЗ"), len(text), "ORG")
    assert type_cue(text, moz, "міністр") is None


def test_pattern_ner_finds_capitalised_names_and_uses_the_gazetteer() -> None:
    text = "Gestern traf Angela Merkel in Berlin den Präsidenten. Berlin bleibt ruhig."
    known = {"Berlin": "LOC"}
    ner = PatternNer(lambda name: known.get(name))  # type: ignore[arg-type,return-value]
    found = {(m.text, m.type) for m in ner(Article(raw_text=text, text=text, language="de"))}
    assert ("Angela Merkel", "PER") in found
    assert ("Berlin", "LOC") in found
    assert all(text[m.start : m.end] == m.text for m in ner(Article(raw_text=text, text=text)))
    assert not any(name == "Gestern" for name, _ in found)  # sentence-initial, unknown


@pytest.fixture(scope="module")
def natasha() -> NatashaNer:
    return NatashaNer()


def test_natasha_lemmatises_russian_names(natasha: NatashaNer) -> None:
    text = "Министр обороны Сергей Шойгу встретился с Джеймсом Мэттисом в Вашингтоне."
    mentions = natasha(Article(raw_text=text, text=text, language="ru"))
    by_text = {m.text: m for m in mentions}
    assert by_text["Джеймсом Мэттисом"].lemma == "Джеймс Мэттис"
    assert by_text["Джеймсом Мэттисом"].type == "PER"
    assert by_text["Вашингтоне"].lemma == "Вашингтон"
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_texts_over_spacys_limit_parse_in_pieces_with_exact_offsets() -> None:
    """A 1.2 MB page (over spaCy's 1,000,000-character limit) parses; offsets index the text."""
    import spacy

    from storyline.nlp import PARSE_PIECE_CHARS, pipe_texts, spacy_for, text_pieces

    paragraph = "Le président Emmanuel Macron a parlé à Paris avec des journalistes.\n"
    text = paragraph * (1_200_000 // len(paragraph))
    pieces = text_pieces(text)
    assert "".join(pieces) == text and max(map(len, pieces)) <= PARSE_PIECE_CHARS
    assert all(p.endswith("\n") for p in pieces[:-1])
    blank = spacy.blank("fr")  # same length limit as the models, tokenizer only (fast)
    with pytest.raises(ValueError, match="E088"):
        blank(text)
    assert next(pipe_texts(blank, [text])).text == text
    # pieces joined: entities of every piece, offsets into the whole text
    nlp = spacy_for("fr")
    assert nlp is not None
    small = paragraph * 40
    short, long = pipe_texts(nlp, ["Bonjour Paris.", small], piece_chars=500)
    assert short.text == "Bonjour Paris." and long.text == small
    ends = [e for e in long.ents if e.text == "Paris"]
    assert len(ends) == 40
    assert all(small[e.start_char : e.end_char] == "Paris" for e in ends)


def test_one_long_line_is_cut_at_a_space() -> None:
    from storyline.nlp import text_pieces

    text = "mot " * 60_000
    pieces = text_pieces(text, size=1000)
    assert "".join(pieces) == text and all(p.endswith(" ") for p in pieces)
    assert text_pieces("x" * 2500, size=1000) == ["x" * 1000, "x" * 1000, "x" * 500]


def _repaired(text: str, surface: str, type_: str, language: str) -> Mention | None:
    from storyline.entities.ner import repair_model_mention

    start = text.index(surface)
    mention = Mention(surface, start, start + len(surface), type_)  # type: ignore[arg-type]
    return repair_model_mention(text, mention, language, frozenset())


def test_model_repairs_drop_non_names_and_fix_types() -> None:
    assert _repaired("El ministro aseguró que sí.", "aseguró", "ORG", "es") is None
    assert _repaired("Según el informe, todo va bien.", "Según", "PER", "es") is None
    fixed = _repaired("La delegación de Perú llegó.", "Perú", "PER", "es")
    assert fixed is not None and fixed.type == "LOC"
    fixed = _repaired("Lo dijo el Gobierno ayer.", "Gobierno", "LOC", "es")
    assert fixed is not None and fixed.type == "ORG"
    fixed = _repaired("Ganó Alejandro Toledo en las urnas.", "Alejandro Toledo", "LOC", "es")
    assert fixed is not None and fixed.type == "PER"
    fixed = _repaired("Lo dijo el banco BNP ayer.", "BNP", "LOC", "es")
    assert fixed is not None and fixed.type == "ORG"
    kept = _repaired("Moscou a répondu.", "Moscou", "LOC", "fr")
    assert kept is not None and kept.type == "LOC"  # a known place opening a sentence stays
