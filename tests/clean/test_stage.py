"""The clean stage on the seeds (read from ../shared/seeds) and on junk in other languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storyline.article import Article
from storyline.clean.stage import (
    Cleaner,
    CleanStage,
    caption_outlet,
    is_quotation,
    load_cues,
    normalise_text,
)
from storyline.corpus import Corpus
from storyline.pipeline import Pipeline

QUOTE_CHARS = '“”«»"'


def clean_batch(articles: list[Article]) -> list[Article]:
    stage = CleanStage(Corpus())
    stage.prepare(articles)
    return [stage(a) for a in articles]


@pytest.fixture(scope="module")
def seeds(seed_paths: list[Path]) -> dict[str, Article]:
    languages = ["en", "en", "en", "en", "fr"]  # as the language stage finds (test_language.py)
    articles = [
        Article(raw_text=p.read_text(encoding="utf-8"), source_path=str(p), language=lang)
        for p, lang in zip(seed_paths, languages, strict=True)
    ]
    return {Path(a.source_path or "").name[:3]: a for a in clean_batch(articles)}


def reasons(article: Article) -> dict[str, str]:
    return {r.line: r.reason for r in article.removed}


def test_seed_titles(seeds: dict[str, Article]) -> None:
    assert (
        seeds["000"].title == "Russian Ambassador Says Terrorists in South Syria Facing Final Days"
    )
    assert seeds["001"].title == (
        "Daesh, Al-Nusra Front Squeezed by Syrian Arab Army, Lose Ground in Syria"
    )
    assert seeds["002"].title == (
        "‘Unique’ op to eliminate militants in Syria’s southern provinces completed – Moscow"
    )
    # line 3, not the "You are here" breadcrumb on line 1
    assert seeds["003"].title == "Russia says goal of defeating Daesh in Syria 'accomplished'"
    assert seeds["004"].title == (
        "Moscou: l’élimination des terroristes dans le sud syrien est une question de jours"
    )
    for article in seeds.values():
        assert reasons(article)[article.title or ""] == "title"
        assert not article.text.startswith(article.title or "")


# Every piece of junk named in the issue, with the reason the cleaner must give.
SEED_JUNK = {
    "000": {
        "2 1,834": "share-counter",
        "- Advertisement -": "advertisement",
        "Subscribe to our newsletter": "call-to-action",
        "Get real time updates directly on you device, subscribe now.": "call-to-action",
    },
    "001": {
        "Palmyra recaptured by Syrian Arab Army backed by Russian Air Force"
        " - Sputnik International": "caption",
        "Turkish MP: Palmyra Liberation Major Success in Anti-Daesh Struggle in Syria": (
            "related-headline"
        ),
        "Assad: Trump May Be 'Natural Ally' for Syria in Fight Against Terrorism": (
            "related-headline"
        ),
        "To participate in the discussion": "call-to-action",
        "log in or register": "call-to-action",
        "Заголовок открываемого материала": "script-mismatch",
    },
    "002": {
        "2 Aug, 2018 14:54 / Updated 6 years ago": "dateline",
        "If you like this story, share it with a friend!": "call-to-action",
    },
    "003": {
        "You are here": "navigation",
        "By AFP - Dec 08,2017 - Last updated at Dec 08,2017": "byline",
        "55 users have voted.": "vote-counter",
        "Newsletter": "call-to-action",
        "Get top stories and blog posts emailed to you each day.": "call-to-action",
        "PDF": "navigation",
    },
    "004": {
        "Syria (image d'illustration) - Sputnik Afrique": "caption",
        "S'abonner": "call-to-action",
        "Syrie: l'armée reprend la ville stratégique de Bosra al-Sham": "related-headline",
        "Pour participer aux discussions, identifiez-vous ou créez-vous un compte": (
            "call-to-action"
        ),
        "loader": "navigation",
        "Chat": "navigation",
        "Заголовок открываемого материала": "script-mismatch",
    },
}


@pytest.mark.parametrize("seed", sorted(SEED_JUNK))
def test_seed_junk_removed_with_reason(seeds: dict[str, Article], seed: str) -> None:
    article = seeds[seed]
    found = reasons(article)
    for line, reason in SEED_JUNK[seed].items():
        assert found.get(line) == reason, line
        assert line not in article.text.split("\n\n")


def test_seed_junk_by_pattern(seeds: dict[str, Article]) -> None:
    """Junk that is best described by its shape: © credits, captions, READ MORE, fil d'actu."""
    for article in seeds.values():
        for paragraph in article.text.split("\n\n"):
            assert not paragraph.startswith("©")
            assert not paragraph.endswith(("- Sputnik International", "- Sputnik Afrique"))
            assert not paragraph.startswith("READ MORE")
            assert "Go to the mediabank" not in paragraph
            assert "(Reuters photo)" not in paragraph
            assert "Sign up" not in paragraph
            assert not re.fullmatch(r"[\d ,]+", paragraph)
    assert "Fil d’actu" in reasons(seeds["004"])
    assert "up" in reasons(seeds["003"])


def test_seed_quotation_paragraphs_all_kept(seeds: dict[str, Article]) -> None:
    for article in seeds.values():
        kept = 0
        for line in normalise_text(article.raw_text).split("\n"):
            if any(ch in line for ch in QUOTE_CHARS) and line != article.title:
                assert line in article.text, line
                kept += 1
        assert kept >= 2


def test_seed_content_kept_and_text_clean(seeds: dict[str, Article]) -> None:
    text_001 = seeds["001"].text
    # section subheadings are content, not junk
    assert "Daesh, Al-Nusra Front Suffer Severe Losses" in text_001.split("\n\n")
    assert "Will Donald Trump Team Up With Moscow, Damascus in Syria?" in text_001.split("\n\n")
    # a dateline prefix stays in the paragraph it opens
    assert seeds["003"].text.startswith("MOSCOW — Russia said on Thursday")
    assert seeds["000"].text.startswith("Russia’s ambassador to Syria, Aleksandr Kinshak")
    assert seeds["002"].text.endswith("withdraw the base from al-Tanf.”")
    assert seeds["004"].text.endswith("Le Pentagone a refusé de commenter cette information.")
    for article in seeds.values():
        assert "\u00a0" not in article.text
        assert "\n\n\n" not in article.text
        paragraphs = article.text.split("\n\n")
        assert all(p == p.strip() and p for p in paragraphs)


def test_seed_paragraph_count(seeds: dict[str, Article]) -> None:
    # every prose paragraph of 002 survives: 9 paragraphs of story
    assert len(seeds["002"].text.split("\n\n")) == 9


RU = """Путин провёл переговоры с президентом Франции

Вы здесь

12 мая 2021, 14:30 / Обновлено 3 часа назад

Президент России Владимир Путин провёл телефонный разговор с президентом Франции Эммануэлем \
Макроном, сообщили в Кремле в среду вечером.

«Стороны обсудили ситуацию на Украине и договорились продолжить контакты», — говорится в \
сообщении пресс-службы.

Читайте также: Макрон заявил о готовности к диалогу с Москвой

Подпишитесь на нашу рассылку, чтобы получать главные новости дня.

© РИА Новости / Иван Иванов

- Реклама -

Print this page

125 голосов
"""

ES = """El Gobierno aprueba la reforma de las pensiones

Por María García - 3 de marzo de 2020

Inicio

El Consejo de Ministros aprobó este martes la reforma del sistema de pensiones, que entrará en \
vigor el 1 de enero de 2021, según informó la ministra.

“Es una reforma justa que garantiza el futuro de las pensiones”, dijo la ministra en \
rueda de prensa.

Lee también: La oposición critica la reforma

Publicidad

Suscríbete a nuestro boletín para recibir las noticias más importantes.

Inicia sesión o regístrate para comentar

Compartir
"""

DE = """Bundestag beschließt neues Klimaschutzgesetz

Von Hans Müller | 05.06.2019, 10:15 Uhr

Foto: dpa

Der Bundestag hat am Donnerstag das neue Klimaschutzgesetz beschlossen, das bis 2030 eine \
deutliche Senkung der Emissionen vorsieht.

„Das ist ein historischer Tag für den Klimaschutz“, sagte die Ministerin nach der Abstimmung.

Lesen Sie auch: Opposition kündigt Klage gegen das Gesetz an

Anzeige

Abonnieren Sie unseren Newsletter und verpassen Sie keine Nachricht mehr.

Melden Sie sich an, um zu kommentieren

Drucken
"""

OTHER_LANGUAGES = {
    "ru": (
        RU,
        {
            "Вы здесь": "navigation",
            "12 мая 2021, 14:30 / Обновлено 3 часа назад": "dateline",
            "Читайте также: Макрон заявил о готовности к диалогу с Москвой": "related-headline",
            "Подпишитесь на нашу рассылку, чтобы получать главные новости дня.": "call-to-action",
            "© РИА Новости / Иван Иванов": "photo-credit",
            "- Реклама -": "advertisement",
            "Print this page": "script-mismatch",
            "125 голосов": "vote-counter",
        },
    ),
    "es": (
        ES,
        {
            "Por María García - 3 de marzo de 2020": "byline",
            "Inicio": "navigation",
            "Lee también: La oposición critica la reforma": "related-headline",
            "Publicidad": "advertisement",
            "Suscríbete a nuestro boletín para recibir las noticias más importantes.": (
                "call-to-action"
            ),
            "Inicia sesión o regístrate para comentar": "call-to-action",
            "Compartir": "call-to-action",
        },
    ),
    "de": (
        DE,
        {
            "Von Hans Müller | 05.06.2019, 10:15 Uhr": "byline",
            "Foto: dpa": "photo-credit",
            "Lesen Sie auch: Opposition kündigt Klage gegen das Gesetz an": "related-headline",
            "Anzeige": "advertisement",
            "Abonnieren Sie unseren Newsletter und verpassen Sie keine Nachricht mehr.": (
                "call-to-action"
            ),
            "Melden Sie sich an, um zu kommentieren": "call-to-action",
            "Drucken": "navigation",
        },
    ),
}


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_junk_in_other_languages(language: str) -> None:
    raw, junk = OTHER_LANGUAGES[language]
    (article,) = clean_batch([Article(raw_text=raw, language=language)])
    assert article.title == raw.split("\n", 1)[0]
    assert reasons(article) == {article.title: "title", **junk}
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 2  # the story paragraph and the quotation, nothing else
    assert paragraphs[1][0] in "«“„"


def test_prose_with_cue_words_is_kept() -> None:
    raw = (
        "Election officials prepare for the vote\n\n"
        "The party will register voters in the north next week, officials said.\n\n"
        "By Thursday, the army had taken the city.\n\n"
        "Shares of the company fell 3 percent after the results were published.\n\n"
        "Read more about the history of the region in the archives, the minister suggested.\n"
    )
    (article,) = clean_batch([Article(raw_text=raw, language="en")])
    assert [r.reason for r in article.removed] == ["title"]
    assert len(article.text.split("\n\n")) == 4


# Prose lines from the trafilatura dev pages that earlier versions of the rules removed.
DEV_PAGE_PROSE = [
    "Of course, it is the Government that negotiates trade agreements but it should be in "
    "partnership with MPs.",
    "Since your account login information for both Coinbase and Coinbase Pro are connected, they "
    "both offer the same security features.",
    "Einige Internetnutzer fragten, ob er versuche, im Vorfeld der Parlamentswahlen 2024 Werbung "
    "für sich zu machen.",
    "Von Barzahler-Rabatten profitieren",
    "29.11.2022 - Sophie and the Giants - Grelle Forelle",
]


def test_dev_page_prose_is_kept() -> None:
    raw = "Some Headline For The Page\n\n" + "\n\n".join(DEV_PAGE_PROSE)
    (article,) = clean_batch([Article(raw_text=raw, language="en")])
    assert [r.reason for r in article.removed] == ["title"]


def test_input_title_is_kept_and_its_line_removed() -> None:
    raw = "A Headline Given By The Page\nFirst paragraph of the story, which is long enough."
    (article,) = clean_batch([Article(raw_text=raw, title="A Headline Given By The Page")])
    assert article.title == "A Headline Given By The Page"
    assert article.text == "First paragraph of the story, which is long enough."


def test_input_title_with_site_suffix() -> None:
    raw = "Troops Leave The City - Example News\nFirst paragraph of the story, long enough here."
    (article,) = clean_batch([Article(raw_text=raw, title="Troops Leave The City")])
    assert article.title == "Troops Leave The City"
    assert article.text == "First paragraph of the story, long enough here."


def test_text_opening_with_prose_has_no_title() -> None:
    raw = "The minister said on Monday that the talks had failed.\nSecond paragraph follows here."
    (article,) = clean_batch([Article(raw_text=raw)])
    assert article.title is None
    assert article.text.startswith("The minister said")


def test_odd_spaces_and_wrapped_lines() -> None:
    raw = "Title Of The Story Here\n\nThe\u00a0minister said that the\ntalks had failed.\u200b\n"
    (article,) = clean_batch([Article(raw_text=raw)])
    assert article.text == "The minister said that the talks had failed."


def test_recurring_lines_per_outlet() -> None:
    footer = "Alle Angaben ohne Gewähr"
    background = (
        "More than 340,000 people have been killed since the conflict broke out in March 2011."
    )
    articles = [
        Article(
            raw_text=f"Story number {i} headline here\n\nFirst paragraph {i} with a long sentence "
            f"that is clearly content of the story.\n\n{background}\n\n{footer}\n",
            url=f"https://www.example.org/news/{i}",
        )
        for i in range(4)
    ]
    other = Article(
        raw_text=f"Other outlet story headline\n\n{footer}\n", url="https://b.example/1"
    )
    cleaned = clean_batch([*articles, other])
    for article in cleaned[:4]:
        assert reasons(article)[footer] == "recurring-in-source"
        assert background in article.text  # recurring content paragraphs are not boilerplate
    assert footer in cleaned[4].text  # another outlet: counted separately


def test_quotation_detection() -> None:
    assert is_quotation('He said "we will win this war" today')
    assert is_quotation("«Nous allons gagner», a-t-il dit.")
    assert is_quotation("„Das ist ein Tag“, sagte sie.")
    assert is_quotation("'It's a deal,' he said.")
    assert not is_quotation("Assad: Trump May Be 'Natural Ally' for Syria")
    assert not is_quotation("Russia’s ambassador and Syria’s president")


def test_caption_outlet() -> None:
    assert caption_outlet("Palmyra recaptured by the army - Sputnik International") == (
        "Sputnik International"
    )
    assert caption_outlet("A sentence that ends. - Sputnik International") is None
    assert caption_outlet("Prices rose - and fell again") is None


def test_user_cues_extend_packaged(tmp_path: Path) -> None:
    extra = tmp_path / "cues.yaml"
    extra.write_text("navigation:\n  en: [galaxy brain]\n", encoding="utf-8")
    cleaner = Cleaner(load_cues(extra))
    cleaned = cleaner.clean("Headline of the story here\n\nGalaxy brain\n\nA sentence of content.")
    assert [(r.line, r.reason) for r in cleaned.removed][1] == ("Galaxy brain", "navigation")


def test_empty_and_blank_input() -> None:
    for raw in ("", "\n\n", "\u00a0 \n"):
        (article,) = clean_batch([Article(raw_text=raw)])
        assert article.text == ""
        assert article.removed == []


def test_dated_byline_and_foreign_lines_in_the_body() -> None:
    tweet = "شكرًا مصر, شعبًا وثورةً وكرامة #Egypt #Rafah"
    raw = (
        "Titular de la noticia de hoy\n\n26 de octubre de 2011 | Arianna Pescini\n\n"
        "Miles de personas celebraron en la plaza la caída del régimen durante toda la noche.\n\n"
        f"{tweet}\n\n"
        "Los manifestantes prometieron volver a la plaza el viernes si no hay elecciones.\n"
    )
    (article,) = clean_batch([Article(raw_text=raw, language="es")])
    assert reasons(article)["26 de octubre de 2011 | Arianna Pescini"] == "byline"
    assert tweet in article.text  # a foreign-script line inside the story is content


def test_breadcrumbs_and_labels() -> None:
    raw = (
        "Headline Of The Story\n\nHome > World > Middle East\n\nKategorie: Nachrichten\n\n"
        "The talks failed on Monday > on Sunday > never, he joked, and everyone laughed.\n"
    )
    (article,) = clean_batch([Article(raw_text=raw, language="en")])
    assert reasons(article) == {
        "Headline Of The Story": "title",
        "Home > World > Middle East": "navigation",
        "Kategorie: Nachrichten": "navigation",
    }


def test_homoglyph_spam_goes_mixed_words_in_russian_stay() -> None:
    spam = "Yоur соntеnt іѕ dеlіvеrеd іnѕtаntlу tо thоuѕаndѕ оf uѕеrѕ іn Веlіzе аnd аbrоаd!"
    russian = (
        "Компания Apple показала новый iPhone-ом названный телефон, и пользователи Twitter'а "
        "обсуждают его весь день."
    )
    raw = f"Headline Of The Story\n\n{spam}\n\n{russian}\n"
    (article,) = clean_batch([Article(raw_text=raw, language="ru")])
    assert reasons(article).get(spam) == "script-mismatch"
    assert russian in article.text


@pytest.mark.slow
def test_dev_pages_content_snippets_survive(data_dir: Path) -> None:
    """trafilatura dev pages: every `with` (content) snippet in trafilatura's output survives the
    cleaner, except a dateline, which is removed on purpose (it feeds `published`)."""
    import json
    import lzma

    import trafilatura

    root = data_dir / "web-extraction-eval" / "trafilatura" / "tests"
    gold = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    checked = 0
    for url, entry in list(gold.items())[:80]:
        path = root / "cache" / f"{entry['file']}.xz"
        if not path.exists():
            path = root / "eval" / f"{entry['file']}.xz"
        if not path.exists():
            continue
        text = trafilatura.extract(lzma.decompress(path.read_bytes()), url=url) or ""
        (article,) = clean_batch([Article(raw_text=text, url=url)])
        before, after = " ".join(text.split()), " ".join(f"{article.title} {article.text}".split())
        for snippet in (" ".join(s.split()) for s in entry.get("with", [])):
            if snippet and snippet in before:
                checked += 1
                dropped = [r for r in article.removed if snippet in " ".join(r.line.split())]
                assert snippet in after or all(r.reason == "dateline" for r in dropped), url
    assert checked > 150


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("© Sputnik / Mikhail Alayeddin / Go to the mediabank", "Sputnik"),
        ("© Фото: Вечерняя газета / Иван Петров", "Вечерняя газета"),
        ("© Photo : AFP / Jean Dupont", "AFP"),
        ("© 2024 Reuters", "Reuters"),
        ("Not a credit line", None),
    ],
)
def test_credit_outlet_skips_the_photo_label(line: str, outlet: str | None) -> None:
    from storyline.clean.stage import credit_outlet

    assert credit_outlet(line) == outlet


@pytest.mark.parametrize(
    ("lines", "title", "masthead"),
    [
        # outlet name, breadcrumb, headline
        (["Le Courrier du Nord", "Accueil > Économie > Pêche", "Oslo et Moscou baissent le quota"],
         "Oslo et Moscou baissent le quota", "Le Courrier du Nord"),
        (["Вечерняя газета", "Главная / Город / Транспорт", "В Москве открыли новую линию метро"],
         "В Москве открыли новую линию метро", "Вечерняя газета"),
        # a kicker above the headline
        (["Intervención en Libia", "Zapatero anuncia que España se unirá al ataque"],
         "Zapatero anuncia que España se unirá al ataque", "Intervención en Libia"),
        # a short headline over a long standfirst stays the title
        (["I muri del Cairo", " ".join(["Dalla caduta di Mubarak le città egiziane"] * 3)],
         "I muri del Cairo", None),
        # a headline of five words or more is never taken for a kicker
        (["Russian Ambassador Says Terrorists Face Final Days", "Moscow Claims Victory Soon"],
         "Russian Ambassador Says Terrorists Face Final Days", None),
    ],
)  # fmt: skip
def test_masthead_or_kicker_above_the_headline(
    lines: list[str], title: str, masthead: str | None
) -> None:
    body = "The ministry said on Monday that the decision was final and would not be reviewed."
    text = "\n\n".join([*lines, body])
    article = Pipeline(stages=("language", "clean")).run([Article(raw_text=text)])[0]
    assert article.title == title
    assert [r.line for r in article.removed if r.reason == "masthead"] == (
        [masthead] if masthead else []
    )
    assert body in article.text
