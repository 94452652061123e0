"""Wire credits (byline, dateline, credit lines) against cites (a name in running text)."""

from __future__ import annotations

from storyline.travel.wire import agency_of, cites, credits


def agencies(text: str, author: str | None = None) -> list[str]:
    return [c.agency for c in credits(text, author)]


def test_datelines_in_several_languages() -> None:
    assert agencies("PARIS (AFP) - Le gouvernement a annoncé mardi ...") == ["AFP"]
    assert agencies("MADRID, 3 feb (EFE).- El Gobierno aprobó ...") == ["EFE"]
    assert agencies("(Reuters) - Shares fell on Monday ...") == ["Reuters"]
    assert agencies("à Le Caire (AFP)\n\nDes dizaines de milliers d'Egyptiens ...") == ["AFP"]
    assert agencies("МОСКВА, 5 марта (ТАСС) - Правительство ...") == ["TASS"]


def test_credit_lines_anywhere_and_outlet_with_agency() -> None:
    body = "Le texte de l'article.\n\nLe Monde avec AFP et Reuters Publié le 8 mars\n\nLire aussi"
    assert agencies(body) == ["AFP", "Reuters"]
    assert agencies("Texto.\n\n(Con información de EFE)\n\nHaga un comentario") == ["EFE"]
    assert agencies("Text of the story.\n\n— dpa") == ["dpa"]
    assert agencies("Article", author="Par AFP") == ["AFP"]


def test_picture_credits_and_mentions_are_not_credits() -> None:
    assert agencies("Les combats ont repris.\n\nPhoto AFP\n\nLa suite.") == []
    assert agencies("Rebels rest near Yafran. | Reuters\n\nThe rebels said ...") == []
    assert agencies("The minister told the AFP news agency on Monday that ...") == []
    # AP is also an abbreviation: only a credit position counts
    assert agencies("The AP test was hard.") == []
    assert agencies("WASHINGTON (AP) - The Senate ...") == ["AP"]


def test_cites_name_sources_but_not_credited_agencies_or_speakers() -> None:
    text = "He said so in an interview with Rossiya 24. According to Reuters, talks resumed."
    found = {c.name: c.agency for c in cites(text, "en")}
    assert found == {"Rossiya 24": False, "Reuters": True}
    assert [c.name for c in cites(text, "en", credited=frozenset({"Reuters"}))] == ["Rossiya 24"]
    quoted = cites("По словам Воробьёва, квота снижена.", "ru", speakers=frozenset({"vorob"}))
    assert quoted == []
    assert agency_of("Agence France-Presse") == "AFP" and agency_of("Le Monde") is None
