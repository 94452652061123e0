"""Numeric claims and predictions, with holder, speaker and time; contradictions across articles.

Reads ``text``, ``language``, ``entities``, ``quotes`` (and the shared spaCy Doc); assigns
``claims`` (:class:`~storyline.article.Claim`, offsets into ``article.text``, ids
``f"{article.id}:c{n}"``).

- **Numbers** in any grouping (10,000 / 10 000 / 10.000 / 10-12 / 60.4 thousand), fraction words
  ("a quarter", « un quart », "четверть") as percentages, and emphatic zeros ("not a single
  village"). Each claim gets its unit (%, km2, or the counted noun, with "/day" for rates), what
  is counted ("of the Syrian territory"), the holder (the subject of the clause, or "under the
  control of X"), the time reference of its sentence, and the speaker of the quote or attribution
  it sits in. Years, dates and times are not claims.
- **Predictions**: sentences with a time horizon from :data:`storyline.text.cues.HORIZONS` ("a
  matter
  of weeks or even days"); ``time_ref`` holds the horizon.
- **Contradictions** (:func:`link_contradictions`): claims about the same holder and the same
  measure from different speakers whose values disagree are linked both ways in ``contradicts``.
  The stage links within each batch in :meth:`ClaimStage.prepare`; the CLI calls the same function
  over the store. Holders match by entity id, by name, or by an alias the article itself gives
  ("Daesh (ISIS/ISIL)", "ISIL [Daesh]").

Limits: spelled-out numbers other than fractions ("seven years") are not read; the holder of a
claim without a parse (ru, de) is the nearest name before the number.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from storyline.article import Article, Claim, Mention, Quote
from storyline.corpus import Corpus
from storyline.nlp import parse
from storyline.text import cues
from storyline.text.spans import SpanIndex

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Two values disagree when their ranges are further apart than this share of the larger value.
# 0.25 keeps rounding ("about 8 per cent" vs "8.5 per cent") together and separates 0 from 8 %
# and 10-12 % from 35 %; set on the seeds' territory claims.
CONTRADICTION_TOLERANCE = 0.25
# How far (characters) after a number a rate word ("daily") still applies: "100 sorties and
# staging up to 250 strikes daily" needs 50.
PER_DAY_WINDOW = 50
# Claims of articles published further apart than this are about different moments of a story
# and never contradict ("one fifth of Syria" in Feb 2017 vs "not a single village" in Dec 2017).
CONTRADICTION_MAX_DAYS = 31
# How far (characters) after "according to" its source may start; a name further on belongs to
# the content. Two or three words of title ("according to the head of the Syrian Observatory").
SOURCE_WINDOW = 60
# "it" in "it still holds around 8 per cent" looks back this far for its organisation: the
# antecedent is in the same or the previous sentence in the seeds (<= 250 characters).
PRONOUN_HOLDER_WINDOW = 400

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|janvier|février|mars|avril|mai|juin|juillet|"
    "août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|octubre|noviembre|diciembre|januar|februar|märz|juni|juli|oktober|dezember|"
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
# A number: digits grouped in thousands (10,000 / 10 000 / 10.000) or plain (10000, 10.5).
_AMOUNT = (
    r"\d{1,3}(?:(?:[ \u00a0\u202f]|,(?=\d{3}\b)|\.(?=\d{3}\b))\d{3})+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<num>{_AMOUNT})"
    rf"(?:\s*(?:-|–|—|to|à|до|bis|a)\s*(?P<num2>{_AMOUNT}))?(?![\w])"
)
_TIME_REF = re.compile(
    rf"\b(?:(?:in|by|since|until|from|last|this|next|en|depuis|à|в|с|до|im|seit|desde|hasta)\s+)?"
    rf"(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}},?)?(?:\s+(?:19|20)\d\d)?|(?:19|20)\d\d)"
    r"\b|\b(?:at the moment|currently|now|today|this year|last year|last month|last week|"
    r"actuellement|aujourd'hui|en ce moment|сейчас|в настоящее время|derzeit|zurzeit|"
    r"actualmente|ahora)\b",
    re.IGNORECASE,
)
# A sentence ends at . ! ? … (and a closing quote) before an upper-case letter or the line end, so
# "30.11 sq. mi" and "Sept. 11" do not split.
_SENTENCE = re.compile(
    r"[^\n]+?(?:[.!?…]+[\"”»’']?(?=\s+[A-ZА-ЯЁÀ-Ý\"“«„‘(]|\s*$)|$)", re.MULTILINE
)


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len)[::-1])


_MODIFIER = re.compile(rf"(?:{_alternation(cues.NUMBER_MODIFIERS)})\s+$", re.IGNORECASE)
_SCALE = re.compile(rf"\s*({_alternation(list(cues.SCALES))})(?![\w])", re.IGNORECASE)
_PERCENT = re.compile(rf"\s*(?:{_alternation(cues.PERCENT_WORDS)})(?![\w])", re.IGNORECASE)
_AREA = re.compile(rf"\s*(?:{_alternation(cues.AREA_WORDS)})", re.IGNORECASE)
_PER_DAY = re.compile(rf"(?<![\w])(?:{_alternation(cues.PER_DAY_WORDS)})(?![\w])", re.IGNORECASE)
_FRACTION = re.compile(rf"(?<![\w])(?:{_alternation(list(cues.FRACTIONS))})(?![\w])", re.I)
_ZERO = re.compile(rf"(?<![\w])(?:{_alternation(cues.ZERO_MARKERS)})\s+(?P<noun>[\w-]+)", re.I)
_CONTROL = re.compile(rf"(?<![\w])(?:{_alternation(cues.CONTROL_WORDS)})(?![\w])", re.I)
_OF_PHRASE = re.compile(
    r"\s*(?:of|de|du|des|de la|d'|d’|из|von|der|del)\s+((?:[\w’'\-\[\]]+\s*){1,6}?)"
    r"(?=[,.;:!?)\]]|\s+(?:in|to|from|by|and|which|that|while|for|is|was|en|et|qui|y|und)\b|$)",
    re.IGNORECASE,
)
_CONTROL_OF = re.compile(
    r"(?:under the control of|under|control of|controlled by|sous le contrôle d[eu']|"
    r"под контролем|unter (?:der )?Kontrolle (?:von|der|des)|bajo (?:el )?control de)\s+"
    r"(?:the\s+|l[ea]\s+|l['’]|el\s+)?(?P<name>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*)*)"
)
_ALIAS = re.compile(
    r"(?P<name>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*(?:[ \-][A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*)*)\s*[(\[]"
    r"(?P<aliases>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\- ]*(?:/[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\- ]*)*)[)\]]"
    r"|(?P<name2>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*(?:[ \-][A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*)*),?\s+"
    r"(?:also known as|known as|connu sous le nom d[e']|также известн\w+ как|auch bekannt als)\s+"
    r"(?:the\s+)?(?P<alias2>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*(?:[ \-][A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]*)*)"
)
_STOP_COUNTED = frozenset(
    [
        "of",
        "the",
        "a",
        "an",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "was",
        "were",
        "is",
        "are",
        "have",
        "has",
        "had",
        "be",
        "been",
        "that",
        "which",
        "who",
        "while",
        "de",
        "la",
        "le",
        "les",
        "des",
        "et",
        "en",
        "à",
        "dans",
        "du",
        "и",
        "в",
        "на",
        "с",
        "по",
        "из",
        "что",
        "der",
        "die",
        "das",
        "und",
        "im",
        "mit",
        "von",
        "y",
        "el",
        "los",
        "las",
        "que",
        "con",
    ]
)
_RELATIVES = frozenset(
    ["which", "who", "that", "what", "qui", "que", "que", "который", "которые", "der", "die", "das"]
)
_PRONOUN_HOLDERS = frozenset(
    [
        "it",
        "its",
        "they",
        "their",
        "il",
        "elle",
        "ils",
        "elles",
        "он",
        "она",
        "оно",
        "они",
        "es",
        "sie",
        "ello",
    ]
)


class ClaimStage:
    """Extracts each article's claims; contradictions are linked at read time over the store."""

    name = "claims"
    requires: tuple[str, ...] = ("text", "language", "entities", "quotes")
    assigns: tuple[str, ...] = ("claims",)
    parallel = False

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def prepare(self, batch: list[Article]) -> None:
        pass

    def __call__(self, article: Article) -> Article:
        # Contradictions are linked at read time over the whole store (link_contradictions),
        # not per chunk here: what an article's claims contradict changes with later articles.
        article.claims = extract_claims(article) if article.text else []
        return article


@dataclass
class _Context:
    """One article's analysis state, with the position indexes that keep the per-claim lookups
    (quote around a number, mention at a holder, tokens before a pronoun) O(log n), not a pass
    over every quote, mention or token (issue 12)."""

    article: Article
    doc: Doc | None
    aliases: dict[str, str]
    quotes: SpanIndex[Quote] = field(init=False)
    with_id: SpanIndex[Mention] = field(init=False)
    mentions: SpanIndex[Mention] = field(init=False)
    orgs_by_end: list[tuple[int, int, Mention]] = field(init=False)
    id_by_name: dict[str, str] = field(init=False)
    _token_starts: list[int] | None = None
    _ent_starts: list[int] | None = None

    def __post_init__(self) -> None:
        a = self.article
        self.quotes = SpanIndex((q.start, q.end, q) for q in a.quotes if q.speaker)
        self.with_id = SpanIndex((m.start, m.end, m) for m in a.entities if m.entity_id)
        self.mentions = SpanIndex((m.start, m.end, m) for m in a.entities)
        # ORG/MISC mentions by end (then by entities order)
        self.orgs_by_end = sorted(
            (m.end, k, m) for k, m in enumerate(a.entities) if m.type in ("ORG", "MISC")
        )
        self.id_by_name = {}
        for m in a.entities:
            if m.entity_id:
                self.id_by_name.setdefault(m.text, m.entity_id)
                if m.canonical:
                    self.id_by_name.setdefault(m.canonical, m.entity_id)

    def token_range(self, lo: int, hi: int) -> range:
        """Indexes of the Doc's tokens starting in [lo, hi)."""
        assert self.doc is not None
        if self._token_starts is None:
            self._token_starts = [t.idx for t in self.doc]
        return range(bisect_left(self._token_starts, lo), bisect_left(self._token_starts, hi))

    def entity_of(self, i: int) -> Span | None:
        """The Doc entity that covers token ``i``."""
        assert self.doc is not None
        ents = self.doc.ents
        if self._ent_starts is None:
            self._ent_starts = [en.start for en in ents]
        k = bisect_right(self._ent_starts, i) - 1
        return ents[k] if k >= 0 and i < ents[k].end else None


def extract_claims(article: Article) -> list[Claim]:
    """Numeric claims and predictions of ``article`` in text order, ids ``{id}:c{n}``."""
    text = article.text
    if not text.strip():
        return []
    ctx = _Context(article, parse(article), find_aliases(text))
    claims: list[Claim] = []
    lang = (article.language or "").split("-")[0].lower()
    horizons = [re.compile(h, re.IGNORECASE) for h in cues.HORIZONS.get(lang, ())]
    for sm in _SENTENCE.finditer(text):
        s, e = sm.start(), sm.end()
        sentence = text[s:e]
        if len(sentence.split()) < 4 or _title_case(sentence):
            continue
        claims.extend(_numbers(ctx, s, e))
        for rx in horizons:
            hm = rx.search(sentence)
            if hm:
                a, b = _trim(text, s, e)
                claim = Claim(
                    text=text[a:b], start=a, end=b, kind="prediction", time_ref=hm.group(0)
                )
                claims.append(
                    _with_speaker(ctx, claim, s + hm.start(), s + hm.end(), sentence=(s, e))
                )
                break
    claims.sort(key=lambda c: (c.start, c.kind))
    for n, claim in enumerate(claims, 1):
        claim.id = f"{article.id}:c{n}"
        key = _holder_key(claim.holder, ctx.aliases)
        if key:
            claim.holder_entity_id = claim.holder_entity_id or _entity_id(ctx, claim)
            ctx.article.annotations.setdefault("claim_holder_keys", {})[claim.id] = key
    return claims


def _title_case(sentence: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", sentence)]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _parse_number(raw: str, lang: str) -> float | None:
    """'10,000' / '10 000' / '10.000' (de, es, fr, ru…) / '60.4' / '60,4' -> float."""
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[ ]\d{3})+(?:[.,]\d+)?", s):
        s = s.replace(" ", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _numbers(ctx: _Context, s: int, e: int) -> list[Claim]:
    text = ctx.article.text
    lang = (ctx.article.language or "").split("-")[0].lower()
    out: list[Claim] = []
    for m in _NUMBER.finditer(text, s, e):
        raw, raw2 = m.group("num"), m.group("num2")
        after = text[m.end() : e]
        before = text[s : m.start()]
        if _is_date_or_year(raw, raw2, before, after) or re.match(r"\s*\w+\s+ago\b", after):
            continue
        value = _parse_number(raw, lang)
        value_max = _parse_number(raw2, lang) if raw2 else None
        if value is None:
            continue
        end = m.end()
        scale = _SCALE.match(text, end, e)
        if scale:
            factor = cues.SCALES.get(scale.group(1).lower(), 1.0)
            value *= factor
            value_max = value_max * factor if value_max is not None else None
            end = scale.end()
        unit, counted, end = _unit(text, end, e, ctx.doc, lang)
        if unit is None and value < 2 and not scale:
            continue  # bare "1" is usually an ordinal, a list marker or a page count
        if unit is None and re.search(r"[A-ZА-ЯЁ][\w-]*\s*$", before):
            continue  # part of a name: "Rossiya 24", "Boeing 737"
        start = m.start()
        mod = _MODIFIER.search(before)
        if mod:
            start = s + mod.start()
        out.append(_claim(ctx, start, end, s, e, value, value_max, unit, counted))
    for m in _FRACTION.finditer(text, s, e):
        unit, end = "%", m.end()
        of = _OF_PHRASE.match(text, end, e)
        if not of:
            continue  # "a year and a half": a fraction is a claim only as "a quarter of X"
        counted, end = of.group(1).strip(), of.end(1)
        value = cues.FRACTIONS[re.sub(r"\s+", " ", m.group(0).lower())]
        start = m.start()
        mod = _MODIFIER.search(text[s:start])
        if mod:
            start = s + mod.start()
        out.append(_claim(ctx, start, end, s, e, round(value, 2), None, unit, counted))
    for m in _ZERO.finditer(text, s, e):
        noun = m.group("noun")
        out.append(_claim(ctx, m.start(), m.end(), s, e, 0.0, None, noun.lower(), noun))
    return out


def _is_date_or_year(raw: str, raw2: str | None, before: str, after: str) -> bool:
    if re.fullmatch(r"(?:19|20)\d\d", raw) and not _PERCENT.match(after) and not raw2:
        return True
    if re.match(r"\s*[:/]\d", after) or re.search(r"[:/]$", before):
        return True  # 14:54, 2/3
    if re.search(rf"(?:{_MONTHS})\.?\s*$", before, re.IGNORECASE):
        return True  # March 2, Dec 08
    return bool(re.match(rf"\s*(?:{_MONTHS})\b", after, re.IGNORECASE))


def _unit(
    text: str, end: int, e: int, doc: Doc | None = None, lang: str = ""
) -> tuple[str | None, str | None, int]:
    """Unit and counted thing after a number; returns the new end of the claim span."""
    pm = _PERCENT.match(text, end, e)
    if pm:
        end = pm.end()
        of = _OF_PHRASE.match(text, end, e)
        if of:
            return "%", of.group(1).strip(), of.end(1)
        return "%", None, end
    am = _AREA.match(text, end, e)
    if am:
        unit = "mi2" if re.search(r"mi|miles", am.group(0), re.IGNORECASE) else "km2"
        return unit, None, am.end()
    words = re.finditer(r"[^\W\d_][\w’'\-]*", text[end:e])  # lazy: it stops early
    counted_words: list[re.Match[str]] = []
    for w in words:
        gap = text[end + (counted_words[-1].end() if counted_words else 0) : end + w.start()]
        word = w.group(0).lower()
        if gap.strip() or word in _STOP_COUNTED or word in cues.PER_DAY_WORDS:
            break
        if len(counted_words) >= 3:
            break
        if counted_words and not (
            _noun_phrase_continues(doc, end + counted_words[-1].start())
            or _german_attributive(lang, counted_words[-1].group(0), w.group(0))
        ):
            break  # without a parse the counted thing is the one word after the number
        counted_words.append(w)
    if not counted_words:
        return None, None, end
    counted = text[end + counted_words[0].start() : end + counted_words[-1].end()]
    unit = counted_words[-1].group(0).lower()
    new_end = end + counted_words[-1].end()
    if _PER_DAY.search(text, new_end, min(e, new_end + PER_DAY_WINDOW)):
        unit += "/day"
    return unit, counted, new_end


def _german_attributive(lang: str, word: str, following: str) -> bool:
    """German capitalises nouns: a lower-case word before a capitalised one is an attributive
    adjective of it ("650 amerikanische Fallschirmjäger"), which no parse is needed to see (there
    is no German spaCy model offline)."""
    return lang == "de" and word[:1].islower() and following[:1].isupper()


def _noun_phrase_continues(doc: Doc | None, pos: int) -> bool:
    """True when the word at ``pos`` is a modifier of the next one ("armored vehicles")."""
    if doc is None:
        return False
    span = doc.char_span(pos, pos + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span[0]
    return tok.pos_ in ("ADJ", "NOUN", "PROPN") and tok.head.i > tok.i and tok.dep_ != "nsubj"


def _claim(
    ctx: _Context,
    start: int,
    end: int,
    s: int,
    e: int,
    value: float,
    value_max: float | None,
    unit: str | None,
    counted: str | None,
) -> Claim:
    text = ctx.article.text
    holder, holder_pos = _holder(ctx, start, s, e)
    sentence = text[s:e]
    time = _time_ref(sentence, start - s)
    claim = Claim(
        text=text[start:end],
        start=start,
        end=end,
        kind="number",
        value=value,
        value_max=value_max,
        unit=unit,
        counted=counted,
        holder=holder,
        time_ref=time,
    )
    if holder_pos is not None:
        claim.holder_entity_id = _mention_id(ctx, *holder_pos)
    # Territory claims compare across speakers ("not a single village" vs "8 per cent").
    words = {w.lower() for w in re.findall(r"[\w-]+", (counted or "") + " " + (unit or ""))}
    # The control word must be near the number ("maintains control over just 10-12 percent"),
    # not anywhere in a sentence that also says what was lost; an emphatic zero reads the whole
    # sentence ("not a single village … under the control of ISIL").
    near = sentence if value == 0 else text[max(s, start - 40) : min(e, start + 45)]
    if (unit in ("%", "km2") or words & cues.TERRITORY_WORDS) and _CONTROL.search(near):
        ctx.article.annotations.setdefault("claim_measures", {})[start] = "territory"
    return _with_speaker(ctx, claim, sentence=(s, e))


def _time_ref(sentence: str, pos: int) -> str | None:
    refs = list(_TIME_REF.finditer(sentence))
    if not refs:
        return None
    best = min(refs, key=lambda r: abs(r.start() - pos))
    return best.group(0).strip()


def _holder(ctx: _Context, pos: int, s: int, e: int) -> tuple[str | None, tuple[int, int] | None]:
    """Who holds/has the quantity: "under the control of X", else the clause subject."""
    text = ctx.article.text
    cm = _CONTROL_OF.search(text, s, e)
    if cm:
        return cm.group("name"), (cm.start("name"), cm.end("name"))
    if ctx.doc is not None:
        span = ctx.doc.char_span(pos, min(e, pos + 1), alignment_mode="expand")
        if span is not None and len(span):
            tok: Token = span[0]
            seen = 0
            while seen < 12:
                subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "nsubj:pass")]
                if subj:
                    head = subj[0]
                    core = [
                        t
                        for t in head.subtree
                        if t.dep_ in ("compound", "flat", "flat:name", "amod", "det", "poss")
                        or t.i == head.i
                    ]
                    core = [t for t in core if abs(t.i - head.i) <= 4]
                    a = min(t.idx for t in core)
                    b = max(t.idx + len(t) for t in core)
                    name = text[a:b]
                    if "\n" in name:
                        return None, None
                    if head.lower_ in _RELATIVES or (a < pos + 1 and b > pos):
                        return None, None
                    if head.lower_ in _PRONOUN_HOLDERS:
                        prev = _previous_subject(ctx, a)
                        if prev is not None:
                            return prev
                    return name, (a, b)
                if tok.head.i == tok.i:
                    break
                tok = tok.head
                seen += 1
        return None, None
    names = list(
        re.finditer(r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]+(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w’'\-]+)*", text[s:pos])
    )
    names = [n for n in names if n.start() > 0]
    if names:
        n = names[-1]
        return n.group(0), (s + n.start(), s + n.end())
    return None, None


def _previous_subject(ctx: _Context, pos: int) -> tuple[str, tuple[int, int]] | None:
    """What "it" stands for: the nearest organisation mention before ``pos`` when the entities
    stage ran, else the latest non-person entity that is (part of) a subject ("it" -> Daesh)."""
    rows = ctx.orgs_by_end
    lo = bisect_left(rows, (pos - PRONOUN_HOLDER_WINDOW,))
    hi = bisect_left(rows, (pos + 1,))
    if hi > lo:
        last_end = rows[hi - 1][0]
        m = rows[bisect_left(rows, (last_end,), lo, hi)][2]  # the first of those ending last
        return m.canonical or m.text, (m.start, m.end)
    if ctx.doc is None:
        return None
    best: tuple[str, tuple[int, int]] | None = None
    for i in ctx.token_range(pos - 600, pos):
        tok = ctx.doc[i]
        if tok.dep_ not in ("nsubj", "nsubjpass", "nsubj:pass") or tok.lower_ in _PRONOUN_HOLDERS:
            continue
        for t in [*tok.lefts, tok]:
            if t.lower_ in ctx.aliases or (t.pos_ == "PROPN" and t.dep_ in ("nsubj", "compound")):
                best = (t.text, (t.idx, t.idx + len(t)))
                break
            if t.ent_type_ and t.ent_type_ not in ("PERSON", "PER", "DATE", "CARDINAL", "PERCENT"):
                ent = ctx.entity_of(t.i)
                assert ent is not None  # t has an entity type
                best = (ent.text, (ent.start_char, ent.end_char))
                break
    return best


def _with_speaker(
    ctx: _Context,
    claim: Claim,
    a: int | None = None,
    b: int | None = None,
    sentence: tuple[int, int] | None = None,
) -> Claim:
    """Who holds the claim: the speaker of the quote the claim (or its anchor [a, b), e.g. a
    horizon) sits in; else the source its sentence names ("…, according to X"). The speaker of a
    reported clause elsewhere in the sentence is not taken: in "X noted that Daesh had lost a
    quarter: the area has diminished from 78,000 km2 to 60,400" it would make the past value a
    claim of X's that contradicts today's figures."""
    a = claim.start if a is None else a
    b = claim.end if b is None else b
    quote = _quote_around(ctx, a, b)
    if quote is not None:
        claim.speaker = quote.speaker
        claim.speaker_entity_id = quote.speaker_entity_id
    elif sentence is not None:
        source = _named_source(ctx, *sentence)
        if source is not None:
            claim.speaker, claim.speaker_entity_id = source
    return claim


_SOURCE_WORDS = re.compile(r"\s+((?:the\s+)?(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]*\s*){1,4})")


def _named_source(ctx: _Context, s: int, e: int) -> tuple[str, str | None] | None:
    """The source an "according to" marker of the sentence [s, e) names: the first entity
    mention after the marker, else the capitalised words right after it."""
    article = ctx.article
    lang = (article.language or "").split("-")[0].lower()
    rx = cues.according_regex(lang)
    if rx is None:
        return None
    m = rx.search(article.text, s, e)
    if m is None:
        return None
    after = [x for _, _, x in ctx.mentions.starting_in(m.end(), min(e, m.end() + SOURCE_WINDOW))]
    if after:
        first = min(after, key=lambda x: x.start)
        return first.canonical or first.text, first.entity_id
    words = re.match(
        r"\s+((?:the\s+)?(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]*\s*){1,4})", article.text[m.end() : e]
    )
    return (words.group(1).strip(), None) if words else None


def _quote_around(ctx: _Context, a: int, b: int) -> Quote | None:
    inside = [q for _, _, q in ctx.quotes.containing(a, b)]
    return min(inside, key=lambda q: q.end - q.start) if inside else None


def _mention_id(ctx: _Context, a: int, b: int) -> str | None:
    hits = ctx.with_id.overlapping(a, b)
    return hits[0][2].entity_id if hits else None


def _entity_id(ctx: _Context, claim: Claim) -> str | None:
    return ctx.id_by_name.get(claim.holder) if claim.holder else None


def find_aliases(text: str) -> dict[str, str]:
    """Aliases the article gives itself: "Daesh (ISIS/ISIL)", "ISIL [Daesh]", "X, also known as
    Y" -> {"isis": "daesh", "isil": "daesh", ...} (casefolded alias -> casefolded main name).
    Hand-written: entity registries link aliases across articles, this only reads the text."""
    groups: list[set[str]] = []
    for m in _ALIAS.finditer(text):
        name = (m.group("name") or m.group("name2") or "").strip()
        alias_text = m.group("aliases") or m.group("alias2") or ""
        names = {name.casefold(), *(a.strip().casefold() for a in alias_text.split("/"))}
        names = {n for n in names if n and len(n) > 1}
        merged = [g for g in groups if g & names]
        for g in merged:
            names |= g
            groups.remove(g)
        groups.append(names)
    out: dict[str, str] = {}
    for g in groups:
        main = min(g)
        for n in g:
            out[n] = main
    return out


def _holder_key(holder: str | None, aliases: dict[str, str]) -> str | None:
    if not holder:
        return None
    name = holder.casefold().strip()
    name = re.sub(r"^(?:the|le|la|les|el|der|die|das)\s+", "", name)
    name = re.sub(r"[’']s$", "", name)
    if name in aliases:
        return aliases[name]
    for word in name.split():  # "Daesh fighters" -> "daesh"
        if word in aliases:
            return aliases[word]
    return name


def _measure(claim: Claim, article: Article | None) -> str:
    if article is not None and article.annotations.get("claim_measures", {}).get(claim.start):
        return "territory"
    last = (claim.counted or "").split()[-1:]
    return f"{claim.unit}:{last[0].lower() if last else ''}"


def _disagree(a: Claim, b: Claim) -> bool:
    if a.value is None or b.value is None:
        return False
    lo1, hi1 = a.value, a.value_max if a.value_max is not None else a.value
    lo2, hi2 = b.value, b.value_max if b.value_max is not None else b.value
    if (hi1 == 0) != (hi2 == 0):
        return True
    gap = max(lo1, lo2) - min(hi1, hi2)
    return gap > CONTRADICTION_TOLERANCE * max(hi1, hi2, 1e-9)


@dataclass(frozen=True)
class ClaimKey:
    """What a claim is about, for comparing like with like: the holder (entity id or normalised
    name), the measure (unit and counted noun, or "territory"), the place its counted phrase
    names (capitalised words: "of the Syrian territory" -> "syrian"; empty when none) and the
    years its time reference names."""

    holder: str
    measure: str
    place: frozenset[str]
    years: frozenset[str]


def claim_key(claim: Claim, article: Article | None = None) -> ClaimKey | None:
    """The comparison key of a numeric claim with a speaker and a holder, else None. With the
    claim's article (same run) the holder's aliases and measure come from its annotations;
    without it (claims read from the store) from the claim's own fields."""
    if claim.kind != "number" or not claim.speaker or claim.id is None:
        return None
    holder = claim.holder_entity_id or _holder_key(
        claim.holder, find_aliases(article.text) if article else {}
    )
    if not holder:
        return None
    if article is not None:
        measure = _measure(claim, article)
    elif claim.unit in ("%", "km2") or (claim.unit or "") in cues.TERRITORY_WORDS:
        measure = "territory"
    else:
        measure = _measure(claim, None)
    place = frozenset(w.casefold() for w in _PLACE_WORD.findall(claim.counted or ""))
    years = frozenset(re.findall(r"(?:19|20)\d\d", claim.time_ref or ""))
    return ClaimKey(holder, measure, place, years)


_PLACE_WORD = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-ÞА-ЯЁ][\w-]+")


def contradiction_pairs(
    claims: Iterable[Claim],
    articles: Iterable[Article] | None = None,
    published: Mapping[str, date] | None = None,
) -> list[tuple[str, str]]:
    """Pairs of claim ids that contradict each other, over any set of claims (one batch or the
    whole store): same holder and measure, places and years that do not differ, different
    speakers, the same unit (an emphatic zero, "not a single village", compares with any unit of
    its measure), values further apart than :data:`CONTRADICTION_TOLERANCE`, articles published
    within :data:`CONTRADICTION_MAX_DAYS`. A pure function: the claims are not changed.

    ``articles`` (the claims' articles, when at hand) supply aliases, measures and publication
    dates; ``published`` maps claim ids to publication dates otherwise. Claims are grouped by
    holder and measure first and compared only across speakers, so the cost is the number of
    cross-speaker pairs within a group."""
    by_id: dict[str, Article] = {}
    dates: dict[str, date] = dict(published or {})
    for art in articles or []:
        for c in art.claims:
            if c.id:
                by_id[c.id] = art
                if art.published:
                    dates.setdefault(c.id, art.published)
    groups: dict[tuple[str, str], list[tuple[Claim, ClaimKey]]] = {}
    for c in claims:
        key = claim_key(c, by_id.get(c.id or ""))
        if key is not None:
            groups.setdefault((key.holder, key.measure), []).append((c, key))
    pairs: list[tuple[str, str]] = []
    for members in groups.values():
        for i, j in _cross_speaker_pairs(members):
            (a, ka), (b, kb) = members[i], members[j]
            if a.unit != b.unit and a.value != 0 and b.value != 0:
                continue  # 8 % and 78,000 km2 of territory: not like with like (a zero is)
            if ka.place and kb.place and not ka.place & kb.place:
                continue  # "of the Syrian territory" vs "of the Iraqi territory"
            if ka.years and kb.years and not ka.years & kb.years:
                continue
            if not _disagree(a, b):
                continue
            da, db = dates.get(a.id or ""), dates.get(b.id or "")
            if da and db and abs((da - db).days) > CONTRADICTION_MAX_DAYS:
                continue
            assert a.id is not None and b.id is not None
            pairs.append((a.id, b.id))
    return pairs


def _cross_speaker_pairs(members: list[tuple[Claim, ClaimKey]]) -> list[tuple[int, int]]:
    """Index pairs ``i < j`` of ``members`` whose speakers differ (casefolded), in the order of
    the nested loop over ``i`` then ``j``: claims of one speaker never contradict each other, so
    a story told by one voice costs nothing (a long article repeating its own figures made this
    quadratic)."""
    by_speaker: dict[str, list[int]] = {}
    for k, (claim, _) in enumerate(members):
        by_speaker.setdefault((claim.speaker or "").casefold(), []).append(k)
    if len(by_speaker) < 2:
        return []
    voices = list(by_speaker.values())
    pairs = [
        (min(i, j), max(i, j))
        for v, first in enumerate(voices)
        for second in voices[v + 1 :]
        for i in first
        for j in second
    ]
    pairs.sort()
    return pairs


def link_contradictions(claims: list[Claim], articles: list[Article] | None = None) -> int:
    """Link the :func:`contradiction_pairs` of ``claims`` both ways in ``contradicts``; returns
    the number of pairs newly linked."""
    by_id = {c.id: c for c in claims if c.id}
    linked = 0
    for a_id, b_id in contradiction_pairs(claims, articles):
        a, b = by_id[a_id], by_id[b_id]
        if b_id not in a.contradicts:
            a.contradicts.append(b_id)
            b.contradicts.append(a_id)
            linked += 1
    return linked


__all__ = [
    "ClaimKey",
    "ClaimStage",
    "claim_key",
    "contradiction_pairs",
    "extract_claims",
    "find_aliases",
    "link_contradictions",
]
