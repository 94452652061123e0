"""storyline.nlp: lemmas computed on demand are the ones the pipeline's lemmatizer sets."""

from __future__ import annotations

import pytest

from storyline import nlp

SENTENCES = {
    "en": "The ambassador said the talks had stalled, and the ministers were warning of delays.",
    "fr": "Le diplomate a souligné que les négociations avaient échoué, a-t-il déclaré hier.",
    "es": "El ministro afirmó que las conversaciones seguían, según declararon los portavoces.",
}


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_lazy_lemma_equals_the_lemmatizer(language: str) -> None:
    model = nlp.spacy_for(language)
    assert model is not None
    assert "lemmatizer" not in model.pipe_names  # switched off: lemmas come on demand
    lazy = model(SENTENCES[language])
    model.enable_pipe("lemmatizer")
    try:
        full = model(SENTENCES[language])
    finally:
        model.disable_pipe("lemmatizer")
    expected = [t.lemma_ for t in full]
    assert [nlp.lemma(t) for t in lazy] == expected
    assert any(a != t.text for a, t in zip(expected, full, strict=True))  # real lemmas


def test_lemma_of_a_parse_read_from_bytes_needs_no_model() -> None:
    """A parse made in a worker and read here over a blank vocabulary (storyline.engine) gets
    the same lemmas from the lemmatizer read alone from the model package."""
    from storyline.engine import doc_from_bytes, doc_to_bytes

    model = nlp.spacy_for("fr")
    assert model is not None
    text = SENTENCES["fr"]
    model.enable_pipe("lemmatizer")
    try:
        expected = [t.lemma_ for t in model(text)]
    finally:
        model.disable_pipe("lemmatizer")
    read = doc_from_bytes(doc_to_bytes(model(text)), "fr")
    nlp._lemmatizer.cache_clear()
    loaded = nlp._LOADED.pop("fr")
    try:
        assert [nlp.lemma(t) for t in read] == expected
        assert nlp._lemmatizer("fr") is not loaded.get_pipe("lemmatizer")  # the lone one
    finally:
        nlp._LOADED["fr"] = loaded
        nlp._lemmatizer.cache_clear()


def test_doc_text_is_the_docs_text_and_is_not_sent_with_the_parse() -> None:
    from storyline.engine import doc_from_bytes, doc_to_bytes

    doc = nlp.blank("en")("The  ambassador said so.\n")
    assert nlp.doc_text(doc) == doc.text == "The  ambassador said so.\n"
    assert nlp.doc_text(doc) == doc.text  # the kept copy
    again = doc_from_bytes(doc_to_bytes(doc), "en")
    assert not again.user_data  # the kept text stays in this process
    assert nlp.doc_text(again) == doc.text


@pytest.mark.parametrize(
    "text",
    [
        "“Nobody has challenged a word I said.”\n\nDespite attacking the party leader, Smith "
        "said if elected he could work with the leadership.",
        "Mayor quits after audit\nA report released on Monday said the mayor had misled the "
        "council.",
    ],
)
def test_a_line_break_ends_a_sentence(text: str) -> None:
    # Both texts are parsed as one sentence by the English model without the component.
    from storyline.article import Article

    doc = nlp.parse(Article(raw_text=text, text=text, language="en"))
    assert doc is not None
    assert not any("\n" in sent.text.strip() for sent in doc.sents)
