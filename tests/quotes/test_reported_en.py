"""English reported speech beyond "said that": subjectless cues, to-infinitives, objects, cue
nouns, "according to" any source, colon paragraphs, and what must not be taken as reported
speech (passives, cues inside an open quotation, cue words inside names)."""

from __future__ import annotations

from storyline.article import Article, Quote
from storyline.quotes.stage import extract_quotes


def _indirect(text: str) -> list[Quote]:
    art = Article(raw_text=text, text=text, language="en")
    return [q for q in extract_quotes(art) if q.type == "indirect"]


def _one(text: str, start: str) -> Quote:
    hits = [q for q in _indirect(text) if q.text.startswith(start)]
    assert hits, f"no reported clause starting {start!r} in {[q.text for q in _indirect(text)]}"
    return hits[0]


def test_conjoined_cue_takes_the_first_verbs_subject() -> None:
    q = _one(
        "Police announced the arrest of a man on Friday and said a curfew would continue "
        "through the weekend.\n",
        "a curfew would continue",
    )
    assert q.speaker_mention == "Police"


def test_gerund_cue_takes_the_main_verbs_subject() -> None:
    q = _one(
        "Senator Mary Jones criticized the budget on Tuesday, saying the cuts would hurt "
        "rural hospitals.\n",
        "the cuts would hurt rural hospitals",
    )
    assert q.speaker is not None and "Jones" in q.speaker


def test_to_infinitive_of_a_cue_or_intention_verb() -> None:
    q = _one(
        "Governor Tom Baker vowed to veto the bill passed by the legislature.\n", "to veto the bill"
    )
    assert q.speaker is not None and "Baker" in q.speaker
    _one("Governor Tom Baker wants to repeal the new tax on fuel.\n", "to repeal the new tax")


def test_passive_cue_has_no_to_infinitive_content() -> None:
    assert not _indirect("The convention is expected to bring millions of dollars to the city.\n")


def test_object_of_a_speech_act_is_its_content() -> None:
    q = _one(
        "Senator Mary Jones stressed her support for the raid that killed the militant leader.\n",
        "her support for the raid",
    )
    assert q.speaker is not None and "Jones" in q.speaker


def test_object_of_an_evidence_verb_is_not_content() -> None:
    assert not _indirect("The senator showed signs of fatigue after the long debate.\n")


def test_cue_noun_with_that_clause() -> None:
    q = _one(
        "Senator Mary Jones made the claim that the election had been rigged from the start.\n",
        "the election had been rigged",
    )
    assert q.cue == "claim"


def test_according_to_any_noun_phrase() -> None:
    q = _one(
        "Clinton leads Trump by four points in Ohio, according to the latest poll.\n",
        "Clinton leads Trump",
    )
    assert q.speaker_mention is not None and "poll" in q.speaker_mention


def test_colon_paragraph_is_the_cues_content() -> None:
    q = _one(
        "The radio host Rush Limbaugh added:\n\nThe left is wrong about this case again, and "
        "it will lose.\n",
        "The left is wrong",
    )
    assert q.speaker is not None and "Limbaugh" in q.speaker


def test_no_reported_speech_inside_an_unclosed_quotation() -> None:
    text = (
        'Mr. Brown spoke at length. "I think that most voters will not be satisfied with '
        "slogans about the economy.\n"
    )
    assert not [q for q in _indirect(text) if q.text.startswith("most voters")]


def test_cue_word_inside_a_place_name_is_no_cue() -> None:
    text = (
        "Clinton urged new policies on race in the United States, saying that \u201crace "
        "still determines too much\u201d in America.\n"
    )
    art = Article(raw_text=text, text=text, language="en")
    partial = [q for q in extract_quotes(art) if q.text.startswith("race still")]
    assert partial and partial[0].cue != "States"


def test_object_of_a_cue_preposition() -> None:
    q = _one(
        "Senator Mary Jones called for a ban on assault weapons after the shooting.\n",
        "a ban on assault weapons",
    )
    assert q.speaker is not None and "Jones" in q.speaker


def test_partial_quote_in_a_reported_clause_takes_its_speaker() -> None:
    text = (
        "Senator Mary Jones worried that the program was becoming \u201ca hammock that lulls "
        "people into dependency\u201d for years.\n"
    )
    art = Article(raw_text=text, text=text, language="en")
    partial = [q for q in extract_quotes(art) if q.text.startswith("a hammock")]
    assert partial and partial[0].speaker is not None and "Jones" in partial[0].speaker


def test_statement_saying_takes_the_issuers_name() -> None:
    q = _one(
        "On Saturday, Senator Mary Jones issued a statement saying the judge was a brilliant "
        "jurist.\n",
        "the judge was a brilliant jurist",
    )
    assert q.speaker is not None and "Jones" in q.speaker


def _parsed(words: list[str], heads: list[int], deps: str, tags: str) -> Article:
    """An English article with the given parse (a misparse the model makes in context, so the
    test does not depend on the model); POS from the Penn tags, lemmas of the verbs set."""
    from spacy.tokens import Doc

    from storyline.nlp import spacy_for

    nlp = spacy_for("en")
    assert nlp is not None
    tag_list = tags.split()
    pos = [
        "VERB" if t.startswith("VB") else {"NNP": "PROPN", ",": "PUNCT", ".": "PUNCT"}.get(t, "X")
        for t in tag_list
    ]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps.split(), tags=tag_list, pos=pos)
    lemmas = {"said": "say", "sits": "sit", "speaks": "speak", "close": "close"}
    for tok in doc:
        tok.lemma_ = lemmas.get(tok.text, tok.text.lower())
    art = Article(raw_text=doc.text, text=doc.text, language="en")
    art.annotations["doc"] = doc
    return art


def test_a_bare_verb_conjoined_to_the_cue_continues_the_clause() -> None:
    # "reopen" misattached to "said" as its conjunct: a bare form is no predicate of "Officials"
    sentence = "Officials said the bridge would close in May and reopen in autumn ."
    words = sentence.split(" ")
    heads = [1, 1, 3, 5, 5, 1, 5, 6, 1, 1, 9, 10, 1]
    deps = "nsubj ROOT det nsubj aux ccomp prep pobj cc conj prep pobj punct"
    tags = "NNS VBD DT NN MD VB IN NNP CC VB IN NN ."
    reported = [
        q for q in extract_quotes(_parsed(words, heads, deps, tags)) if q.type == "indirect"
    ]
    assert [q.text for q in reported] == ["the bridge would close in May and reopen in autumn"]
    # a finite verb conjoined to the cue is the speaker's next act, not what was said
    words[9] = "left"
    tags = tags.replace("CC VB", "CC VBD")
    reported = [
        q for q in extract_quotes(_parsed(words, heads, deps, tags)) if q.type == "indirect"
    ]
    assert [q.text for q in reported] == ["the bridge would close in May"]


def test_one_word_before_according_to_is_no_content() -> None:
    q = _one(
        "But, according to the survey, most voters remain undecided about it.\n", "most voters"
    )
    assert q.speaker_mention == "the survey"


def test_a_relative_clause_before_the_cue_is_not_reported() -> None:
    # The relative clause before "said" parsed as a complement of the cue.
    sentence = "Warren , who sits at zero endorsements , said the fact speaks volumes ."
    heads = [8, 8, 3, 8, 3, 6, 4, 8, 8, 10, 11, 8, 11, 8]
    deps = "nsubj punct nsubj ccomp prep nummod pobj punct ROOT det nsubj ccomp dobj punct"
    tags = "NNP , WP VBZ IN CD NNS , VBD DT NN VBZ NNS ."
    art = _parsed(sentence.split(" "), heads, deps, tags)
    reported = [q for q in extract_quotes(art) if q.type == "indirect"]
    assert [q.text for q in reported] == ["the fact speaks volumes"]
    assert reported[0].speaker == "Warren"


def test_an_as_clause_cue_reports_the_clause_it_modifies() -> None:
    q = _one(
        "As The Washington Post reported, even if the senator split the delegates, he would then "
        "need to win most of the remaining ones.\n",
        "even if the senator",
    )
    assert "Washington Post" not in q.text and "Washington Post" in (q.speaker or "")


def test_a_naming_verb_reports_its_object_and_complement() -> None:
    q = _one("He called him a pathological liar for repeating the story.\n", "him a pathological")
    assert q.text.startswith("him a pathological liar")
    # parsed as one clause: "calling [Trump a fascist]"
    assert _one("The senator attacked him, calling Trump a fascist.\n", "Trump a fascist")
    assert not [q for q in _indirect("The resort, now called Palm Court, is closed.\n")]


def test_an_object_control_infinitive_starts_at_the_one_asked() -> None:
    q = _one("McConnell asked him to condemn violence at the rallies.\n", "him to condemn")
    assert q.speaker is not None and "McConnell" in q.speaker
