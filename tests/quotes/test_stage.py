"""Quotes stage on the seeds and on short articles written for these tests (fr, ru, es, de)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.article import Article, Quote
from storyline.pipeline import Pipeline
from storyline.quotes.stage import extract_quotes, pair_quotation_marks


@pytest.fixture(scope="module")
def seeds(seed_paths: list[Path]) -> dict[str, Article]:
    arts = {}
    for p in seed_paths:
        text = p.read_text(encoding="utf-8")
        lang = "fr" if p.name.startswith("004") else "en"
        arts[p.name[:3]] = Article(raw_text=text, text=text, language=lang)
    Pipeline(stages=("quotes",)).run(list(arts.values()))
    return arts


def quote_starting(article: Article, prefix: str) -> Quote:
    """The quote that starts with ``prefix``, or whose second part does (a quote split by its
    attribution, “…,” X said. “…”, is one quote: SPLIT_AS_ONE)."""
    hits = [
        q
        for q in article.quotes
        if q.text.startswith(prefix)
        or (q.type == "direct" and any(f"{mark}{prefix}" in q.text for mark in '“"«'))
    ]
    assert hits, f"no quote starting {prefix!r}"
    return hits[0]


def test_offsets_exact(seeds: dict[str, Article]) -> None:
    for art in seeds.values():
        assert art.quotes
        for q in art.quotes:
            assert art.text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("seed", "prefix", "surname"),
    [
        ("001", "I think this is promising", "Assad"),
        ("001", "As practice showed", "Kinshchak"),
        ("001", "So, we cannot tell", "Assad"),
        ("001", "It is encouraging", "Kinshchak"),  # "the diplomat noted"
        ("001", "There is no certainty", "Kinshchak"),  # "the diplomat remarked"
        ("001", "Time will tell", "Kinshchak"),  # "he said"
        ("001", "I believe it could be compared", "Kinshchak"),  # split quote
        ("000", "This [return to peace]", "Kinshak"),  # "the ambassador said"
        ("000", "The anti-terrorist operation", "Kinshak"),  # "said Kinshak"
        ("002", "The militants were offered", "Rudskoy"),
        ("002", "An overwhelming majority", "Rudskoy"),  # carried over in the paragraph
        ("002", "Of special concern", "Rudskoy"),  # "he said"
        ("003", "There is not a single village", "Rudskoi"),
        ("003", "Its biggest presence", "Rahman"),
        ("003", "To win territorially", "Mistura"),
        ("004", "Lancée au début", "Kinchak"),  # "a déclaré le diplomate"
        ("004", "Cela [le retour", "Kinchak"),  # "a-t-il souligné"
    ],
)
def test_seed_speakers(seeds: dict[str, Article], seed: str, prefix: str, surname: str) -> None:
    q = quote_starting(seeds[seed], prefix)
    assert q.speaker is not None and surname in q.speaker
    assert q.type == "direct"


def test_role_nominal_resolves_to_full_name(seeds: dict[str, Article]) -> None:
    q = quote_starting(seeds["001"], "It is encouraging")
    assert q.speaker_mention == "the diplomat"
    assert q.speaker == "Alexander Kinshchak"


def test_partial_and_indirect(seeds: dict[str, Article]) -> None:
    art = seeds["003"]
    goal = quote_starting(art, "goal to defeat armed groups")
    assert goal.type == "partial" and goal.speaker and "Rudskoi" in goal.speaker
    indirect = [q for q in art.quotes if q.type == "indirect"]
    held = [q for q in indirect if "8 per cent" in q.text]
    assert held and "Observatory" in (held[0].speaker or "")


def test_organisation_speaks(seeds: dict[str, Article]) -> None:
    speakers = {q.speaker for q in seeds["003"].quotes}
    assert "Russia" in speakers
    assert any(s and "Syrian government" in s for s in speakers)


def test_headline_is_not_attribution(seeds: dict[str, Article]) -> None:
    first_line_end = seeds["000"].text.index("\n")
    assert all(q.start > first_line_end for q in seeds["000"].quotes)


def test_quote_mark_pairing_nested_and_apostrophes() -> None:
    text = 'He said: "It is obvious: Syria\'s "irreconcilable" opposition is armed," he said.'
    pairs = pair_quotation_marks(text)
    outer = [(o, c) for o, c, d in pairs if d == 0]
    assert len(outer) == 1
    assert text[outer[0][0] + 1 : outer[0][1]].endswith("is armed,")
    assert any(text[o + 1 : c] == "irreconcilable" for o, c, d in pairs if d == 1)


def test_quote_spanning_paragraphs() -> None:
    text = (
        "The minister Anna Berg spoke at length.\n"
        "“We will build the bridge next year. It is funded.\n"
        "“The money is there and the work starts in spring,” Berg said."
    )
    qs = extract_quotes(Article(raw_text=text, text=text, language="en"))
    direct = [q for q in qs if q.type == "direct"]
    assert len(direct) == 1
    assert direct[0].text.startswith("We will build") and direct[0].text.endswith("in spring,")
    assert direct[0].speaker == "Anna Berg"


def _run(text: str, lang: str) -> list[Quote]:
    art = Article(raw_text=text, text=text, language=lang)
    return extract_quotes(art)


def test_french_inversion_and_indirect() -> None:
    text = (
        "Le ministre de la Défense, Jean Dupont, a visité la base lundi.\n"
        "« La situation est sous contrôle et nous restons vigilants », a-t-il souligné.\n"
        "Selon Marie Curie, la mission durera encore deux mois."
    )
    qs = _run(text, "fr")
    direct = [q for q in qs if q.type == "direct"]
    assert direct and direct[0].text.startswith("La situation est sous contrôle")
    assert direct[0].speaker == "Jean Dupont"
    according = [q for q in qs if q.cue and q.cue.lower() == "selon"]
    assert according and according[0].text.startswith("la mission durera")
    assert according[0].speaker == "Marie Curie"


def test_russian_patterns() -> None:
    text = (
        "Посол России в Сирии Александр Кинщак дал интервью.\n"
        "«Операция идёт успешно и близка к завершению», — заявил он.\n"
        "Дипломат также сказал, что Россия и США могут сотрудничать в Сирии."
    )
    qs = _run(text, "ru")
    direct = [q for q in qs if q.type == "direct"]
    assert direct and direct[0].text.startswith("Операция идёт успешно")
    assert direct[0].speaker == "Александр Кинщак"
    indirect = [q for q in qs if q.type == "indirect"]
    assert indirect and indirect[0].text.startswith("Россия и США могут сотрудничать")
    assert indirect[0].speaker == "Александр Кинщак"


def test_spanish_quote() -> None:
    text = (
        "El presidente del Gobierno, Pedro Sánchez, visitó Valencia el martes.\n"
        "“Vamos a reconstruir todas las carreteras dañadas”, dijo Sánchez ante la prensa."
    )
    qs = _run(text, "es")
    direct = [q for q in qs if q.type == "direct"]
    assert direct and direct[0].speaker == "Pedro Sánchez"
    assert direct[0].cue == "dijo"


def test_german_quote_and_dass() -> None:
    text = (
        "Bundeskanzler Olaf Scholz besuchte am Montag die Ukraine.\n"
        "„Wir werden die Hilfe fortsetzen, solange es nötig ist“, sagte er in Kiew.\n"
        "Scholz betonte, dass die Lieferungen weitergehen."
    )
    qs = _run(text, "de")
    direct = [q for q in qs if q.type == "direct"]
    assert direct and direct[0].text.startswith("Wir werden die Hilfe")
    assert direct[0].speaker == "Olaf Scholz"
    indirect = [q for q in qs if q.type == "indirect"]
    assert indirect and indirect[0].text == "die Lieferungen weitergehen"


def test_german_laut_inside_the_clause_keeps_the_whole_statement() -> None:
    text = (
        "Bei einem Unglück an der Küste sind fünf Surfer ums Leben gekommen. Sie wurden laut "
        "Polizei am Montag vor einem Strand bei starkem Wind weggerissen. Die Regeln sollen "
        "der Ministerin zufolge im Juni kommen."
    )
    article = Article(raw_text=text, text=text, language="de")
    quotes = [q for q in extract_quotes(article) if q.cue and q.cue.lower() == "laut"]
    assert len(quotes) == 1
    quote = quotes[0]
    assert quote.text.startswith("Sie wurden laut Polizei") and quote.text.endswith("weggerissen")
    assert quote.speaker == "Polizei" and text[quote.start : quote.end] == quote.text


@pytest.mark.parametrize(
    ("lang", "text", "speaker", "indirect"),
    [
        (
            "it",
            "Il presidente Sergio Mattarella ha parlato a Roma.\n\n«La situazione resta molto "
            "difficile per tutti», ha detto Mattarella. Ha aggiunto che il governo lavora a una "
            "soluzione politica.",
            "Sergio Mattarella",
            "il governo lavora a una soluzione politica",
        ),
        (
            "pt",
            'O presidente Marcelo Rebelo de Sousa falou em Lisboa.\n\n"O país precisa de '
            'estabilidade política agora", disse Rebelo de Sousa. Ele afirmou que o governo vai '
            "continuar.",
            "Marcelo Rebelo de Sousa",
            "o governo vai continuar",
        ),
        (
            "nl",
            'Premier Mark Rutte sprak in Den Haag met journalisten.\n\n"We moeten nu snel een '
            'besluit nemen over de steun", zei Rutte. Hij zei dat het kabinet volgende week een '
            "voorstel doet.",
            "Mark Rutte",
            "het kabinet volgende week een voorstel doet",
        ),
        (
            "pl",
            "Premier Mateusz Morawiecki spotkał się w Warszawie z dziennikarzami.\n\n„Polska nie "
            "zgodzi się na takie rozwiązanie w Unii” – powiedział Morawiecki. Dodał, że rząd "
            "przygotuje nowy projekt ustawy.",
            "Mateusz Morawiecki",
            "rząd przygotuje nowy projekt ustawy",
        ),
        (
            "uk",
            "Президент Володимир Зеленський виступив у Києві.\n\n«Ми не віддамо жодного "
            "сантиметра нашої землі», – заявив Зеленський. Він наголосив, що армія готова до "
            "нових атак.",
            "Володимир Зеленський",
            "армія готова до нових атак",
        ),
    ],
)
def test_new_languages_direct_and_indirect(
    lang: str, text: str, speaker: str, indirect: str
) -> None:
    """it, pt, nl, pl, uk come from their lexicon files alone (no parser): a direct quote with its
    speaker, and a reported clause whose speaker is a pronoun or a dropped subject."""
    quotes = extract_quotes(Article(raw_text=text, text=text, language=lang))
    direct = [q for q in quotes if q.type == "direct"]
    assert direct and direct[0].speaker == speaker
    reported = [q for q in quotes if q.type == "indirect"]
    assert reported and reported[0].text == indirect and reported[0].speaker == speaker


def test_lexicons_load_for_every_language() -> None:
    from storyline.text import cues

    for lang in ("en", "fr", "es", "ru", "de", "it", "pt", "nl", "pl", "uk"):
        lex = cues.lexicon(lang)
        assert lex["cue_forms"] and lex["pronouns"] and lex["that"], lang
        assert cues.cue_regex(lang) is not None and cues.according_regex(lang) is not None
    assert cues.lexicon("xx") == {} and cues.cue_regex("xx") is None
    # French inversion comes from the file's cue_prefix / cue_suffix.
    rx = cues.cue_regex("fr")
    assert rx is not None and rx.search("», a-t-il souligné.")


def test_doubled_apostrophes_are_quotation_marks() -> None:
    text = "''We are not done yet,'' said Mr. Holtz-Eakin, an economist. He left."
    quotes = extract_quotes(Article(raw_text=text, text=text, language="en"))
    assert quotes and quotes[0].type == "direct" and quotes[0].text == "We are not done yet,"
    assert quotes[0].speaker == "Holtz-Eakin"


def test_parenthetical_cue_and_mixed_quote() -> None:
    text = (
        "Acts of protest, Mr. Obama said, are acts of patriotism in a free country.\n\n"
        'Senator Jane Miller said she hopes the vote sends a message that "communities are '
        'standing up for their schools."'
    )
    quotes = extract_quotes(Article(raw_text=text, text=text, language="en"))
    reported = {q.text: q.speaker for q in quotes if q.type == "indirect"}
    assert any(t.startswith("Acts of protest") and "patriotism" in t for t in reported)
    mixed = [t for t in reported if t.startswith("she hopes")]
    assert mixed and reported[mixed[0]] == "Jane Miller"


def test_post_quoted_as_handle_paragraph_is_direct_with_the_handle_as_speaker() -> None:
    text = (
        "La giornalista ha scritto su Twitter:\n\n"
        "@exampleuser: La piazza è piena di gente che chiede elezioni libere http://t.co/abc\n\n"
        "Poi la polizia è arrivata."
    )
    quotes = extract_quotes(Article(raw_text=text, text=text, language="it"))
    assert len(quotes) == 1
    q = quotes[0]
    assert q.type == "direct"
    assert q.text == "La piazza è piena di gente che chiede elezioni libere"
    assert q.speaker == "@exampleuser"


def test_german_reported_mood_after_cue_and_comma_and_after_a_quote() -> None:
    text = (
        "Der Minister Hans Berger hat erklärt, er gehe davon aus, dass die Preise sinken werden. "
        "„Wir sind auf einem guten Weg“, sagte Berger am Montag. "
        "Die Regierung habe alle nötigen Schritte eingeleitet."
    )
    quotes = extract_quotes(Article(raw_text=text, text=text, language="de"))
    texts = {q.text: q for q in quotes}
    clause = "er gehe davon aus, dass die Preise sinken werden"
    assert clause in texts and texts[clause].type == "indirect"
    assert "Berger" in (texts[clause].speaker or "")
    follow = "Die Regierung habe alle nötigen Schritte eingeleitet"
    assert follow in texts and texts[follow].type == "indirect"
    assert "Berger" in (texts[follow].speaker or "")


def test_italian_complementiser_is_a_whole_word() -> None:
    # "anche" holds "che": the reported clause starts after the real complementiser only.
    text = "Marco Rossi ha detto che la polizia ha usato anche gas lacrimogeni contro la folla."
    quotes = extract_quotes(Article(raw_text=text, text=text, language="it"))
    assert [q.text for q in quotes if q.type == "indirect"] == [
        "la polizia ha usato anche gas lacrimogeni contro la folla"
    ]


def test_pronoun_agrees_in_gender_german() -> None:
    # "Sie" is the woman (Anna Keller), not the man quoted last (Peter Braun).
    text = (
        "Minister Peter Braun sagte: „Wir haben die Zahlen geprüft und sind zufrieden.“\n"
        "Die Ärztin Anna Keller arbeitet seit Jahren im Krankenhaus der Stadt.\n"
        "Sie sagte: „Das Geld reicht für die Patienten schon lange nicht mehr aus.“"
    )
    qs = [q for q in _run(text, "de") if q.type == "direct"]
    last = max(qs, key=lambda q: q.start)
    assert last.text.startswith("Das Geld reicht")
    assert last.speaker is not None and last.speaker.endswith("Anna Keller")


def test_dropped_subject_agrees_with_polish_past_tense() -> None:
    # "– dodała" (feminine) skips the man quoted last for the woman named before him.
    text = (
        "Minister zdrowia Anna Nowak spotkała się w poniedziałek z lekarzami w Warszawie.\n"
        "– Sytuacja w szpitalach jest bardzo trudna – powiedział Piotr Kowalski.\n"
        "– Musimy zwiększyć nakłady na ochronę zdrowia w całym kraju – dodała."
    )
    qs = [q for q in _run(text, "pl") if q.text.startswith("Musimy")]
    assert qs and qs[0].speaker == "Anna Nowak"


def test_given_name_genders() -> None:
    from storyline.quotes.stage import given_name_genders

    genders = given_name_genders()
    assert genders.get("daniela") == "f" and genders.get("jens") == "m"
    assert "andrea" not in genders  # listed for both genders


def test_cue_subject_not_next_to_the_cue_without_parser() -> None:
    # Italian has no parser here: the subject is the first role of the cue's sentence, and a cue
    # with only an adverbial before it speaks for the previous speaker (a dropped subject).
    text = (
        "Ieri un generale in pensione ha confermato che l'esercito non cambierà idea. "
        "Con forza afferma che si tratta soltanto di una facciata."
    )
    quotes = [q for q in _run(text, "it") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "l'esercito non cambierà idea",
        "si tratta soltanto di una facciata",
    ]
    assert all("generale" in (q.speaker or "") for q in quotes)


def test_unmarked_clause_before_its_attribution() -> None:
    # German has no parser here: the reported clause before ", teilte X mit." is indirect, and
    # a cue that goes on to a clause of its own ("sagte er, dass …") is not a postposed one.
    text = (
        "Die ersten zwanzig Patienten seien bereits eingeliefert worden, teilte die "
        "Stadtverwaltung am Dienstag mit. Am Abend kam der Bus, sagte er, dass alles gut sei."
    )
    quotes = [q for q in _run(text, "de") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "Die ersten zwanzig Patienten seien bereits eingeliefert worden",
        "alles gut sei",
    ]
    assert "Stadtverwaltung" in (quotes[0].speaker or "")


def test_as_clause_attributions_without_parser() -> None:
    # "Jak mówił, X." speaks for the previous speaker (a dropped subject); "…, jak podkreślił
    # minister." attributes the clause before it.
    text = (
        "Minister zdrowia Adam Nowak powiedział, że szczepienia ruszą w piątek. "
        "Jak mówił, kontrola ma ruszyć w poniedziałek rano. "
        "Wyjątki od zasady zostały bardzo dokładnie opisane, jak podkreślił minister."
    )
    quotes = [q for q in _run(text, "pl") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "szczepienia ruszą w piątek",
        "kontrola ma ruszyć w poniedziałek rano",
        "Wyjątki od zasady zostały bardzo dokładnie opisane",
    ]
    assert all("Nowak" in (q.speaker or "") for q in quotes)


def test_polish_according_to_without_comma() -> None:
    # "Zdaniem X" takes no comma in Polish; "Jej zdaniem" names the source by a pronoun.
    text = (
        "Rzeczniczka Departamentu Stanu Heather Nauert mówiła o gazociągu. "
        "Zdaniem Nauert zaangażowanie firm europejskich jest formą wsparcia Rosji. "
        "Jej zdaniem USA nie powinny działać w tej sprawie samotnie."
    )
    quotes = [q for q in _run(text, "pl") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "zaangażowanie firm europejskich jest formą wsparcia Rosji",
        "USA nie powinny działać w tej sprawie samotnie",
    ]
    assert all("Nauert" in (q.speaker or "") for q in quotes)


def test_italian_infinitive_clause_after_a_cue() -> None:
    # "ha proposto di …" reports a proposal; "di" before a noun is no clause.
    text = (
        "Ayman Nour ha proposto di diffondere la voce di un attacco aereo contro la diga. "
        "Il ministro ha parlato di una crisi molto grave per tutto il paese."
    )
    quotes = [q for q in _run(text, "it") if q.type == "indirect"]
    assert [q.text for q in quotes] == ["diffondere la voce di un attacco aereo contro la diga"]
    assert quotes[0].speaker == "Ayman Nour"


def test_german_so_and_impersonal_attribution() -> None:
    text = (
        "Das entscheidende Wort gehöre den Palästinensern und Israelis selbst, so Sacharowa. "
        "Für die Mitarbeiter wurden auf dem Gelände auch Unterkünfte gebaut, hieß es. "
        "Der Zug kam spät, so dass niemand mehr wartete."
    )
    quotes = [q for q in _run(text, "de") if q.type == "indirect"]
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Das entscheidende Wort gehöre den Palästinensern und Israelis selbst", "Sacharowa"),
        ("Für die Mitarbeiter wurden auf dem Gelände auch Unterkünfte gebaut", None),
    ]


def test_polish_as_clause_with_a_phrase_source() -> None:
    text = "Jak twierdzą komentatorzy, wyborcy tracą zaufanie do szefowej rządu w tej sprawie."
    quotes = [q for q in _run(text, "pl") if q.type == "indirect"]
    assert [(q.text, q.speaker) for q in quotes] == [
        ("wyborcy tracą zaufanie do szefowej rządu w tej sprawie", "komentatorzy")
    ]


def test_capitalised_function_word_is_no_speaker() -> None:
    # "Jak" opens the sentence; with no name after it, the dropped subject is the previous speaker.
    text = (
        "Minister Adam Nowak powiedział, że szczepienia ruszą w piątek. "
        "Jak dodał, kontrola ma ruszyć w poniedziałek rano."
    )
    quotes = _run(text, "pl")
    assert [q.speaker for q in quotes] == ["Adam Nowak", "Adam Nowak"]


def test_italian_secondo_as_an_ordinal_is_no_marker() -> None:
    text = (
        "Il video mostra qualche secondo di un raduno a Sitra, con molte persone in strada. "
        "Secondo il ministro, la situazione resta molto tesa in tutto il paese."
    )
    quotes = _run(text, "it")
    assert [q.text for q in quotes if q.type == "indirect"] == [
        "la situazione resta molto tesa in tutto il paese"
    ]


def test_german_demnach_attributes_its_sentence() -> None:
    text = (
        "Die Stadtverwaltung teilte mit, dass die Klinik am Stadtrand fertig sei. "
        "Bis zu 800 Menschen können demnach in der Klinik behandelt werden."
    )
    quotes = [q for q in _run(text, "de") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "die Klinik am Stadtrand fertig sei",
        "Bis zu 800 Menschen können demnach in der Klinik behandelt werden",
    ]
    assert quotes[1].speaker == quotes[0].speaker


def test_inserted_cue_between_commas() -> None:
    # ", afferma, " is an inserted attribution (a dropped subject): the clause goes on after it
    # as a second part, and a capitalised word after the second comma is not the speaker; words
    # after the second comma holding a cue of their own are a new report, not the same clause.
    text = (
        "La deputata Marianne Kamal ha detto che il voto si terrà in aprile. "
        "Scegliere di andare alle elezioni come previsto, afferma, è vitale per Roma. "
        "Il governo vuole tutto questo, dice, e poi Rossi ha smentito la notizia."
    )
    quotes = [q for q in _run(text, "it") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "il voto si terrà in aprile",
        "Scegliere di andare alle elezioni come previsto",
        "è vitale per Roma",
    ]
    assert all("Kamal" in (q.speaker or "") for q in quotes)


def test_italian_che_after_a_comma_is_relative() -> None:
    # "…, che" after a cue's object is a relative clause; "ha detto che" is the cue's content.
    text = (
        "Lo ha annunciato la televisione di stato libica, che trasmette le immagini della piazza. "
        "Il ministro Franco Rossi ha detto che la missione durerà ancora due mesi."
    )
    quotes = [q for q in _run(text, "it") if q.type == "indirect"]
    assert [q.text for q in quotes] == ["la missione durerà ancora due mesi"]


def test_italian_bare_participle_with_agent_is_no_attribution() -> None:
    # ", sostenuto dal movimento" modifies the name before it; ", ha sostenuto il ministro" and
    # ", sostiene il ministro" attribute the clause before them.
    text = (
        "Le proteste hanno portato alla caduta di Morsi, sostenuto dai Fratelli Musulmani. "
        "La crisi durerà ancora per molti mesi, ha sostenuto il ministro Franco Rossi."
    )
    quotes = [q for q in _run(text, "it") if q.type == "indirect"]
    assert [q.text for q in quotes] == ["La crisi durerà ancora per molti mesi"]


def test_according_to_a_phrase_source_without_parser() -> None:
    # "Secondo i militari, …": a short phrase before the comma is the source; "Secondo me" is
    # the writer's view, and a marker inside its sentence leaves the content's start unknown.
    text = (
        "Secondo i militari, la scelta di emendare la Costituzione era necessaria. "
        "Secondo me, il governo sbaglia tutto quanto da mesi. "
        "Nel paese il potere, secondo il dittatore, è esercitato dal popolo."
    )
    quotes = [q for q in _run(text, "it") if q.type == "indirect"]
    assert [(q.text, q.speaker) for q in quotes] == [
        ("la scelta di emendare la Costituzione era necessaria", "i militari")
    ]


def test_polish_according_to_a_pronoun() -> None:
    text = (
        "Minister David Davis powiedział, że rozmowy ruszą w poniedziałek. "
        "Według niego, w okresie przejściowym powinny być utrzymane obecne zasady handlu."
    )
    quotes = [q for q in _run(text, "pl") if q.type == "indirect"]
    assert [q.text for q in quotes][-1].startswith("w okresie przejściowym")
    assert all("Davis" in (q.speaker or "") for q in quotes)


def test_polish_nominal_after_a_dropped_subject_cue() -> None:
    # "– …– dodał polityk.": the nominal is the speaker's mention, the speaker the previous one;
    # "dodał w poniedziałek" has no nominal (a preposition follows the cue).
    text = (
        "Minister Paweł Kowal mówił w radiu o wojnie.\n"
        "– Ukraińcy wygrają tę wojnę, ale nie wiadomo kiedy – dodał polityk.\n"
        "– Potrzebna jest amunicja i to bardzo szybko – dodał w poniedziałek."
    )
    quotes = [q for q in _run(text, "pl") if q.type == "direct"]
    assert [(q.speaker, q.speaker_mention) for q in quotes] == [
        ("Paweł Kowal", "polityk"),
        ("Paweł Kowal", "dodał"),
    ]


def test_title_between_cue_and_name_without_parser() -> None:
    # "sagte Analyst Thomas Altmann": the title does not hide the name after the cue.
    text = (
        "Die Börse schloss am Abend deutlich im Minus.\n"
        '"Entscheidend wird sein, wie schnell sich die Indizes erholen", sagte Analyst Thomas '
        "Altmann."
    )
    quotes = _run(text, "de")
    assert [(q.type, q.speaker) for q in quotes] == [("direct", "Thomas Altmann")]


def test_italian_colon_paragraph_is_a_block_quote() -> None:
    # "Michelle Gonzalez ha scritto:" introduces the next paragraph as her words; a paragraph
    # ending in a colon without a cue introduces none.
    text = (
        "In un suo post, la blogger Michelle Gonzalez ha scritto:\n"
        "Chiunque può essere oggetto di violenza, non importa il genere o la religione.\n"
        "Ecco i dati del ministero:\n"
        "Sono stati arrestati venti manifestanti nella notte di sabato in piazza."
    )
    quotes = _run(text, "it")
    assert [(q.type, q.text[:8], q.speaker) for q in quotes] == [
        ("direct", "Chiunque", "Michelle Gonzalez")
    ]


def test_handle_spelling_a_named_persons_name() -> None:
    # "@HalaGorani" is Hala Gorani's handle; "@Feb17Libya" names no person of the text.
    text = (
        "La portavoce Hala Gorani e il gruppo Youth of Libya commentano su Twitter.\n"
        "@HalaGorani: Gheddafi è stato catturato ferito ma vivo e poi giustiziato?\n"
        "@Feb17Libya: Quando Gheddafi ci ha chiamati ratti, gli abbiamo dimostrato il contrario."
    )
    quotes = _run(text, "it")
    assert [(q.speaker, q.speaker_mention) for q in quotes] == [
        ("Hala Gorani", "@HalaGorani"),
        ("@Feb17Libya", "@Feb17Libya"),
    ]


def test_polish_postposed_attribution_after_a_dash() -> None:
    # "… – oświadczyła rzeczniczka ministerstwa." attributes the sentence before the dash; a
    # dash before a word that is no cue attributes nothing.
    text = (
        "Rząd Niemiec dostał od USA gwarancje rezygnacji z sankcji na gazociąg - oświadczyła "
        "rzeczniczka ministerstwa gospodarki.\n"
        "Budowa gazociągu potrwa jeszcze co najmniej dwa lata - to pewne."
    )
    quotes = [q for q in _run(text, "pl") if q.type == "indirect"]
    assert [q.text for q in quotes] == [
        "Rząd Niemiec dostał od USA gwarancje rezygnacji z sankcji na gazociąg"
    ]


def test_colon_speaker_before_a_parenthesis() -> None:
    # "Manconi (Ass. Nobilita): '…'": the name before the parenthesis; a parenthesis holding no
    # name before it gives no speaker.
    text = (
        "Notizie del giorno.\n"
        "Dazi, Manconi (Ass. Nobilita): 'Bene segnali distensivi tra Usa e Cina'\n"
        "Roma, 30 agosto 2019. Dopo un lungo periodo di tensione.\n"
        "Le previsioni (aggiornate): 'Pioggia su tutto il paese per tre giorni'"
    )
    quotes = _run(text, "it")
    assert [(q.text[:4], q.speaker) for q in quotes] == [("Bene", "Manconi"), ("Piog", None)]


def test_postposed_speaker_named_in_marks() -> None:
    # "– informuje „Guardian”": marks round a publication's name do not end the attribution.
    text = (
        "Stanie się tak, jeżeli nie dojdzie do zawarcia ogólnounijnej umowy - informuje "
        "„Guardian”. Firma ma w Europie około stu kanałów."
    )
    quotes = [q for q in _run(text, "pl") if q.type == "indirect"]
    assert [(q.text[:6], q.speaker) for q in quotes] == [("Stanie", "Guardian")]
