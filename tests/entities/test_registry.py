"""The entity registry: keys, resolution across spellings/languages/scripts, no false merges,
learned aliases, titles and roles, persistence, ``resolve_rows``. No NER models needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.article import Article, EntityType, Mention
from storyline.entities.registry import (
    EntityRegistry,
    fold,
    name_key,
    new_registry,
    read_alias_file,
    resolve_rows,
    role_classes,
    strip_determiner,
    surname_keys,
)
from storyline.errors import ConfigError


def resolve_all(
    registry: EntityRegistry, doc_id: str, language: str, names: list[tuple[str, EntityType]]
) -> list[str]:
    ctx = registry.context(doc_id, language)
    return [registry.resolve(text, type_, ctx).id for text, type_ in names]


@pytest.fixture()
def registry() -> EntityRegistry:
    return new_registry()


def test_fold_transliterates_and_drops_accents_and_punctuation() -> None:
    assert fold("Рудской") == "rudskoy"
    assert fold("Choïgou") == "choigou"
    assert fold("al-Nusra  Front") == "al nusra front"
    assert fold("Меркель") == "merkel"  # the soft sign's apostrophe is dropped, not a split


def test_name_key_joins_transliteration_variants_and_keeps_different_names_apart() -> None:
    keys = {name_key(fold(n)) for n in ("Kinshak", "Kinshchak", "Kinchak", "Кинщак")}
    assert len(keys) == 1
    assert (
        len({name_key(fold(n)) for n in ("Aleksandr", "Alexander", "Alexandre", "Александр")}) == 1
    )
    assert name_key(fold("Rudskoy")) == name_key(fold("Rudskoi")) == name_key(fold("Рудской"))
    assert name_key(fold("Poutine")) == name_key(fold("Putin"))
    assert name_key(fold("Choïgou")) == name_key(fold("Shoigu")) == name_key(fold("Шойгу"))
    assert name_key("rudskoy") != name_key("rudakov")


def test_feminine_surname_ending_is_a_second_key() -> None:
    assert surname_keys("merkelova")[1] == name_key("merkel")
    assert len(surname_keys("merkel")) == 1


def test_strip_determiner() -> None:
    assert strip_determiner("the United States") == "United States"
    assert strip_determiner("l'Ukraine") == "Ukraine"
    assert strip_determiner("The") == "The"


def test_person_variants_across_languages_and_scripts_are_one_entity(
    registry: EntityRegistry,
) -> None:
    ids = resolve_all(registry, "en1", "en", [("Aleksandr Kinshak", "PER")])
    ids += resolve_all(registry, "en2", "en", [("Alexander Kinshchak", "PER"), ("Kinshak", "PER")])
    ids += resolve_all(registry, "fr1", "fr", [("Alexandre Kinchak", "PER")])
    ctx = registry.context("ru1", "ru")
    ids.append(registry.resolve("Александра Кинщака", "PER", ctx, lemma="Александр Кинщак").id)
    assert len(set(ids)) == 1
    entity = registry.get(ids[0])
    assert entity is not None
    assert entity.canonical in {"Aleksandr Kinshak", "Alexander Kinshchak"}
    assert set(entity.languages) == {"en", "fr", "ru"}


def test_rudskoy_variants_merge_and_rudakov_does_not(registry: EntityRegistry) -> None:
    a = resolve_all(registry, "d1", "en", [("Sergey Rudskoy", "PER")])[0]
    b = resolve_all(registry, "d2", "en", [("Sergei Rudskoi", "PER")])[0]
    c = resolve_all(registry, "d3", "ru", [("Сергей Рудской", "PER")])[0]
    d = resolve_all(registry, "d4", "en", [("Rudakov", "PER")])[0]
    e = resolve_all(registry, "d5", "en", [("Sergei Rudakov", "PER")])[0]
    assert a == b == c
    assert d != a and e != a


def test_given_names_must_agree(registry: EntityRegistry) -> None:
    a = resolve_all(registry, "d1", "en", [("Boris Johnson", "PER")])[0]
    b = resolve_all(registry, "d2", "en", [("Lyndon Johnson", "PER")])[0]
    c = resolve_all(registry, "d3", "en", [("B. Johnson", "PER")])[0]
    assert a != b
    assert c in (a, b)  # an initial is compatible with the given name it starts


def test_surname_only_links_to_the_full_name_in_the_same_article(registry: EntityRegistry) -> None:
    first = resolve_all(registry, "d1", "en", [("Bashar al-Assad", "PER"), ("Assad", "PER")])
    assert first[0] == first[1]
    # another article, two Smiths in the corpus: the one sharing co-occurring entities wins
    resolve_all(registry, "d2", "en", [("John Smith", "PER"), ("Manchester", "LOC")])
    resolve_all(registry, "d3", "en", [("Jane Smith", "PER"), ("Ottawa", "LOC")])
    ids = resolve_all(registry, "d4", "en", [("Ottawa", "LOC"), ("Smith", "PER")])
    jane = registry.find("Jane Smith")
    assert jane is not None and ids[1] == jane.id


def test_alias_table_joins_acronyms_aliases_and_exonyms(registry: EntityRegistry) -> None:
    isis = resolve_all(
        registry,
        "d1",
        "en",
        [
            ("ISIS", "ORG"),
            ("ISIL", "ORG"),
            ("IS", "ORG"),
            ("Daesh", "LOC"),
            ("Islamic State", "ORG"),
        ],
    )
    isis += resolve_all(registry, "d2", "fr", [("État islamique", "ORG"), ("Daech", "ORG")])
    isis += resolve_all(registry, "d3", "ru", [("ИГИЛ", "ORG")])
    assert len(set(isis)) == 1
    us = resolve_all(registry, "d4", "en", [("US", "LOC"), ("the United States", "LOC")])
    us += resolve_all(registry, "d5", "fr", [("États-Unis", "LOC"), ("Etats-Unis", "LOC")])
    assert len(set(us)) == 1
    syria = resolve_all(registry, "d6", "fr", [("Syrie", "LOC"), ("Damas", "LOC")])
    syria += resolve_all(registry, "d7", "ru", [("Сирия", "LOC"), ("Дамаск", "LOC")])
    syria += resolve_all(registry, "d8", "en", [("Syria", "LOC"), ("Damascus", "LOC")])
    assert syria[0] == syria[2] == syria[4] and syria[1] == syria[3] == syria[5]
    assert syria[0] != syria[1]
    putin = resolve_all(registry, "d9", "fr", [("Vladimir Poutine", "PER")])
    putin += resolve_all(registry, "d10", "en", [("Putin", "PER")])
    assert putin[0] == putin[1]


def test_no_false_merges(registry: EntityRegistry) -> None:
    ids = resolve_all(
        registry,
        "d1",
        "en",
        [
            ("Syria", "LOC"),
            ("Syrian Arab Army", "ORG"),
            ("Daesh", "ORG"),
            ("al-Nusra Front", "ORG"),
            ("Syrian Army", "ORG"),
        ],
    )
    assert len(set(ids)) == 5


def test_type_votes_correct_a_model_error(registry: EntityRegistry) -> None:
    wrong = resolve_all(registry, "d1", "en", [("Aleksandr Kinshak", "LOC")])[0]
    right = resolve_all(registry, "d2", "en", [("Aleksandr Kinshak", "PER")])[0]
    resolve_all(registry, "d3", "en", [("Aleksandr Kinshak", "PER")])
    assert wrong == right
    entity = registry.get(right)
    assert entity is not None and entity.type == "PER"


def test_person_and_place_of_the_same_table_name_stay_apart(registry: EntityRegistry) -> None:
    place = resolve_all(registry, "d1", "en", [("Jordan", "LOC")])[0]
    person = resolve_all(registry, "d2", "en", [("Jordan", "PER")])[0]
    assert place != person


def test_learned_alias_merges_and_redirects(registry: EntityRegistry) -> None:
    a, b = resolve_all(
        registry, "d1", "en", [("Ansar Example Front", "ORG"), ("Jabhat Test", "ORG")]
    )
    kept = registry.merge(a, b)
    assert kept is not None
    assert registry.canonical_id(a) == registry.canonical_id(b) == kept.id
    again = resolve_all(registry, "d2", "en", [("Jabhat Test", "ORG")])[0]
    assert again == kept.id


def test_two_table_entries_are_never_merged_by_text(registry: EntityRegistry) -> None:
    daesh, nusra = resolve_all(registry, "d1", "en", [("Daesh", "ORG"), ("al-Nusra Front", "ORG")])
    assert registry.merge(daesh, nusra) is None
    assert registry.canonical_id(daesh) != registry.canonical_id(nusra)


def test_titles_and_role_nominals(registry: EntityRegistry) -> None:
    text = "Russia's ambassador to Syria, Aleksandr Kinshak, spoke. The diplomat also said more."
    article = Article(raw_text=text, text=text, language="en")
    ctx = registry.context(article.id, "en")
    start = text.index("Aleksandr")
    entity = registry.resolve("Aleksandr Kinshak", "PER", ctx)
    registry.add_title(entity.id, "Russia's ambassador to Syria", "en")
    article.entities = [Mention("Aleksandr Kinshak", start, start + 17, "PER", entity_id=entity.id)]
    assert registry.titles_of(entity.id) == ["Russia's ambassador to Syria"]
    assert role_classes("the Russian diplomat") == {"diplomat"}
    assert registry.resolve_role(article, "The diplomat", text.index("The diplomat")) == entity.id
    assert registry.resolve_role(article, "le diplomate", len(text)) == entity.id
    assert registry.resolve_role(article, "the general", len(text)) is None
    assert registry.resolve_role(article, "the diplomat", start) is None  # nothing before it


def test_resolve_rows_keeps_order_and_adds_entity_ids() -> None:
    rows = [
        {"id": 1, "doc_id": "a", "language": "en", "text": "Sergey Rudskoy", "type": "PER"},
        {
            "id": 2,
            "doc_id": "b",
            "language": "ru",
            "text": "Рудского",
            "type": "PER",
            "lemma": "Рудской",
        },
        {"id": 3, "doc_id": "b", "language": "ru", "text": "ИГИЛ", "type": "ORG"},
        {
            "id": 4,
            "doc_id": "c",
            "language": "cs",
            "text": "Brexitu",
            "type": "EVT",
            "lemma": "Brexit",
        },
    ]
    out = list(resolve_rows(rows))
    assert [r["id"] for r in out] == [1, 2, 3, 4]
    assert out[0]["entity_id"] == out[1]["entity_id"]
    assert out[2]["entity_id"] == "ORG-islamic-state"
    assert out[3]["text"] == "Brexitu" and out[3]["entity_id"] == "MISC-brexit"
    with pytest.raises(ValueError, match="row 1"):
        list(resolve_rows([{"id": 9, "doc_id": "a", "text": ""}]))


def test_user_alias_file_extends_the_table(tmp_path: Path) -> None:
    extra = tmp_path / "aliases.yaml"
    extra.write_text(
        "- canonical: Syrian Arab Army\n  type: ORG\n  aliases: [SAA, Armée arabe syrienne]\n",
        encoding="utf-8",
    )
    registry = new_registry(extra)
    ids = resolve_all(registry, "d1", "fr", [("Armée arabe syrienne", "ORG"), ("SAA", "ORG")])
    assert ids[0] == ids[1] == "ORG-syrian-arab-army"
    bad = tmp_path / "bad.yaml"
    bad.write_text("canonical: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a list"):
        read_alias_file(bad)
    with pytest.raises(ConfigError, match="unknown type"):
        EntityRegistry().load_aliases([{"canonical": "X", "type": "THING"}])


def test_resolution_cost_does_not_grow_with_registry_size() -> None:
    registry = EntityRegistry()
    ctx = registry.context("bulk", "en")
    for i in range(3000):
        registry.resolve(f"Person{i:05d} Name{i:05d}", "PER", ctx)
    # a look-up only touches the buckets of its keys, never all entities
    bucket = registry._by_surname.get(name_key(fold("Name00042")), set())
    assert len(bucket) <= 3


def test_central_european_letters_match_cyrillic_transliterations(registry: EntityRegistry) -> None:
    cs = resolve_all(registry, "cs1", "cs", [("Maroš Šefčovič", "PER")])[0]
    bg = resolve_all(registry, "bg1", "bg", [("Марош Шефчович", "PER")])[0]
    pl = resolve_all(registry, "pl1", "pl", [("Mateusz Morawiecki", "PER")])[0]
    bg2 = resolve_all(registry, "bg2", "bg", [("Матеуш Моравецки", "PER")])[0]
    assert cs == bg and pl == bg2


def test_czech_feminine_surname_meets_the_bare_one(registry: EntityRegistry) -> None:
    cs = resolve_all(registry, "cs1", "cs", [("Nicola Sturgeonová", "PER")])[0]
    en = resolve_all(registry, "en1", "en", [("Nicola Sturgeon", "PER")])[0]
    ru = resolve_all(registry, "ru1", "ru", [("Мария Захарова", "PER")])[0]
    ru2 = resolve_all(registry, "ru2", "ru", [("Андрей Захаров", "PER")])[0]
    assert cs == en
    assert ru != ru2  # a Russian feminine surname is not stripped: Zakharova ≠ Zakharov


def test_one_word_short_form_of_a_name_of_the_article(registry: EntityRegistry) -> None:
    ids = resolve_all(registry, "pl1", "pl", [("Komisja Europejska", "ORG"), ("Komisja", "ORG")])
    assert ids[0] == ids[1] == "ORG-european-commission"
    # a word that is a name of its own stays itself: Syria is not the Free Syria Army
    ids = resolve_all(registry, "en1", "en", [("Free Syria Army", "ORG"), ("Syria", "LOC")])
    assert ids[1] == "LOC-syria"


def test_canonical_is_not_a_short_form_of_another_variant(registry: EntityRegistry) -> None:
    """An organisation named in full once and then by its last word keeps its full name."""
    ids = resolve_all(
        registry,
        "d1",
        "en",
        [("Northern Fleet Command", "ORG"), ("Command", "ORG"), ("Command", "ORG")],
    )
    entity = registry.get(ids[0])
    assert entity is not None and len(set(ids)) == 1
    assert entity.canonical == "Northern Fleet Command"


def test_mixed_script_words_fold_like_the_word_they_show(registry: EntityRegistry) -> None:
    assert fold("СOVID-19") == fold("COVID-19") == "covid 19"  # Cyrillic С, Latin OVID
    assert fold("Мoсквa") == fold("Москва")  # Latin o and a in a Cyrillic word
    assert fold("ЕС") != fold("EC")  # a word in one script is left alone
    ctx = registry.context("ru1", "ru")
    # a lemma in the other script's look-alike letters: the text's script wins
    entity = registry.resolve("ЕС", "ORG", ctx, lemma="EC")
    assert entity.id == "ORG-european-union"


def test_table_acronym_beats_initials_of_a_name_of_the_article(registry: EntityRegistry) -> None:
    ids = resolve_all(registry, "ru1", "ru", [("Европейский Совет", "ORG"), ("ЕС", "ORG")])
    assert ids[1] == "ORG-european-union" != ids[0]
    # initials still work for an acronym the table does not know
    ids = resolve_all(registry, "en1", "en", [("Baltic Pipe Consortium", "ORG"), ("BPC", "ORG")])
    assert ids[0] == ids[1]


def test_slavic_case_ending_of_a_surname_without_lemma(registry: EntityRegistry) -> None:
    pl = resolve_all(registry, "pl1", "pl", [("Jan Nowakowski", "PER")])[0]
    pl2 = resolve_all(registry, "pl2", "pl", [("Jan Nowakowskiego", "PER")])[0]
    cs = resolve_all(registry, "cs1", "cs", [("Jan Nowakowskim", "PER")])[0]
    ru = resolve_all(registry, "ru1", "ru", [("Ян Новаковским", "PER")])[0]
    same_doc = resolve_all(
        registry, "pl3", "pl", [("Jan Nowakowski", "PER"), ("Nowakowskim", "PER")]
    )
    assert pl == pl2 == cs == ru == same_doc[0] == same_doc[1]
    # given names must still agree, and short stems are not cut (Tom, Kim)
    other = resolve_all(registry, "pl4", "pl", [("Piotr Nowakowskiego", "PER")])[0]
    assert other != pl
    assert surname_keys("kim", inflected=True) == [name_key("kim")]
    # with a lemma, or in a language that does not decline names, nothing is cut
    en = resolve_all(registry, "en1", "en", [("Anna Stol", "PER"), ("Stolem", "PER")])
    assert en[0] != en[1]
    ctx = registry.context("pl5", "pl")
    ids = [registry.resolve("Anna Stol", "PER", ctx).id]
    ids.append(registry.resolve("Stolem", "PER", ctx, lemma="Stolem").id)
    assert ids[0] != ids[1]


def test_alias_table_exonyms_of_capitals_and_acronyms_per_script(registry: EntityRegistry) -> None:
    ids = [
        resolve_all(registry, f"d{i}", lang, [(name, "LOC")])[0]
        for i, (name, lang) in enumerate(
            [("Paryż", "pl"), ("Париж", "ru"), ("Paříž", "cs"), ("Pariz", "sl"), ("Paris", "en")]
        )
    ]
    assert len(set(ids)) == 1
    eu = [
        resolve_all(registry, f"e{i}", lang, [(a, "ORG")])[0]
        for i, (a, lang) in enumerate(
            [("ЕК", "bg"), ("KE", "pl"), ("EK", "cs"), ("European Commission", "en")]
        )
    ]
    assert len(set(eu)) == 1


def test_other_romanisations_and_readings_join_one_person(registry: EntityRegistry) -> None:
    # Ukrainian Г is h (national 2010 scheme), English soft g is Ж/ДЖ, a silent h is not written
    pairs = [
        (("Heiko Maas", "de"), ("Гайко Маас", "uk")),
        (("Nigel Farage", "en"), ("Найджъл Фараж", "bg")),
        (("Boris Johnson", "en"), ("Борис Джонсън", "bg")),
        (("Hennadiy Kravets", "en"), ("Геннадій Кравець", "uk")),
    ]
    for i, ((a, la), (b, lb)) in enumerate(pairs):
        x = resolve_all(registry, f"a{i}", la, [(a, "PER")])[0]
        y = resolve_all(registry, f"b{i}", lb, [(b, "PER")])[0]
        assert x == y, (a, b)
    # and still apart: other given names, other surnames
    assert resolve_all(registry, "c1", "en", [("Heinz Maas", "PER")])[0] != x
    assert len({resolve_all(registry, "c2", "en", [("Sergey Rudakov", "PER")])[0], x}) == 2


def test_demonyms_and_place_adjectives_stand_for_the_place(registry: EntityRegistry) -> None:
    poland = resolve_all(registry, "p0", "pl", [("Polska", "LOC")])[0]
    uk = resolve_all(registry, "u0", "en", [("United Kingdom", "LOC")])[0]
    russia = resolve_all(registry, "r0", "ru", [("Россия", "LOC")])[0]
    assert resolve_all(registry, "p1", "pl", [("Polacy", "PER")])[0] == poland
    assert resolve_all(registry, "p2", "cs", [("Poláci", "PER")])[0] == poland
    assert resolve_all(registry, "u1", "pl", [("Brytyjczycy", "PER")])[0] == uk
    assert resolve_all(registry, "u2", "cs", [("Britové", "PER")])[0] == uk
    assert resolve_all(registry, "u3", "bg", [("британци", "PER")])[0] == uk
    assert resolve_all(registry, "r1", "ru", [("россияне", "PER")])[0] == russia
    assert resolve_all(registry, "r2", "ru", [("российский", "PER")])[0] == russia
    # the person label of a demonym is no vote against the place
    entity = registry.get(poland)
    assert entity is not None and entity.type == "LOC"
    # a person of the article named so stays the person
    ids = resolve_all(registry, "p3", "pl", [("Jan Polak", "PER"), ("Polak", "PER")])
    assert ids[0] == ids[1] != poland


def test_given_name_alone_is_the_person_of_the_article(registry: EntityRegistry) -> None:
    ids = resolve_all(
        registry,
        "d1",
        "ru",
        [("Тереза Мэй", "PER"), ("Тереза", "PER"), ("тори", "PER"), ("Торисы", "PER")],
    )
    assert ids[0] == ids[1]
    assert ids[2] != ids[0] and ids[3] != ids[0]
    # two people of the article with that given name: no guess
    two = resolve_all(
        registry, "d2", "en", [("Donald Trump", "PER"), ("Donald Tusk", "PER"), ("Donald", "PER")]
    )
    assert two[2] not in two[:2]


def test_acronym_of_a_name_seen_in_another_article(registry: EntityRegistry) -> None:
    full = resolve_all(registry, "d1", "sl", [("Združeno kraljestvo", "LOC")])[0]
    assert resolve_all(registry, "d2", "sl", [("ZK", "LOC")])[0] == full
    party = resolve_all(registry, "d3", "en", [("Scottish National Party", "ORG")])[0]
    assert resolve_all(registry, "d4", "en", [("SNP", "ORG")])[0] == party


DETERMINISM_SCRIPT = """
import json, sys
from storyline.entities.registry import new_registry, resolve_rows
rows = json.loads(sys.stdin.read())
registry = new_registry()
print(json.dumps([registry.canonical_id(r["entity_id"]) for r in resolve_rows(rows, registry)]))
"""


def test_resolution_is_the_same_in_every_process() -> None:
    """Ties between candidates (a surname alone, two people of that surname, nothing else in the
    article) break the same way whatever PYTHONHASHSEED orders sets by."""
    import json
    import os
    import subprocess
    import sys

    rows: list[dict[str, object]] = []
    given = ["Anna", "Petr", "Jan", "Eva", "Karel", "Marie"]
    surnames = ["Novak", "Svoboda", "Dvorak", "Cerny", "Prochazka", "Kucera", "Vesely", "Horak"]
    for s in surnames:
        for g in given:
            rows.append(
                {
                    "id": len(rows),
                    "doc_id": f"{g}{s}",
                    "language": "cs",
                    "text": f"{g} {s}",
                    "type": "PER",
                }
            )
        rows.append(
            {"id": len(rows), "doc_id": f"only-{s}", "language": "en", "text": s, "type": "PER"}
        )
    for place in ("Kyiv", "Kiev", "Polska", "Polacy", "EU", "UE"):
        rows.append(
            {
                "id": len(rows),
                "doc_id": f"p-{place}",
                "language": "pl",
                "text": place,
                "type": "LOC",
            }
        )
    outputs = set()
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT],
            input=json.dumps(rows),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_russian_and_ukrainian_names_without_lemma_are_lemmatised(
    registry: EntityRegistry,
) -> None:
    from storyline.entities.registry import name_lemma

    assert name_lemma("Джонсоном", "ru") == "Джонсон"
    assert name_lemma("Захаровой", "ru") == "Захарова"  # gender kept: not Захаров
    assert name_lemma("Лондоне", "ru") == "Лондон"
    assert name_lemma("ЕС", "ru") == "ЕС" and name_lemma("Johnson", "ru") is None
    assert name_lemma("Джонсоном", "pl") is None
    en = resolve_all(registry, "d1", "en", [("Maria Zakharova", "PER")])[0]
    ru = resolve_all(registry, "d2", "ru", [("Марией Захаровой", "PER")])[0]
    uk = resolve_all(registry, "d3", "uk", [("Марією Захаровою", "PER")])[0]
    assert en == ru == uk
    assert resolve_all(registry, "d4", "ru", [("Александром Захаровым", "PER")])[0] != en


def test_german_genitive_of_names(registry: EntityRegistry) -> None:
    full = resolve_all(registry, "d1", "de", [("Olaf Scholz", "PER")])[0]
    assert (
        resolve_all(registry, "d2", "de", [("Scholz", "PER"), ("Olaf Scholzs", "PER")])[0] == full
    )
    place = resolve_all(registry, "d3", "de", [("Deutschland", "LOC")])[0]
    assert resolve_all(registry, "d4", "de", [("Deutschlands", "LOC")])[0] == place
    # in English the s stays
    england = resolve_all(registry, "d5", "en", [("England", "LOC")])[0]
    assert resolve_all(registry, "d6", "en", [("Englands", "LOC")])[0] != england


class _NeverSeen(set[tuple[str, str, str, str]]):
    """An ``_indexed`` memo that remembers nothing: every mention indexes its form again."""

    def __contains__(self, item: object) -> bool:
        return False


def _indexes(registry: EntityRegistry) -> dict[str, object]:
    return {
        name: [(key, list(bucket)) for key, bucket in getattr(registry, name).items()]
        for name in (
            "_by_form",
            "_by_skeleton",
            "_by_surname",
            "_by_surname_prefix",
            "_by_place_stem",
            "_by_initials",
        )
    } | {
        "given": {k: (v.keys, v.initials, v.names) for k, v in registry._given.items()},
        "surnames": dict(registry._surnames),
        "stems": dict(registry._place_stems),
        "entities": {e.id: (e.canonical, e.type, dict(e.variants)) for e in registry},
    }


def test_indexing_a_known_form_once_gives_the_indexes_of_indexing_it_at_every_mention() -> None:
    # type changes by votes (Jordan), given names that are surnames elsewhere, merges, places
    docs: list[tuple[str, list[tuple[str, EntityType]]]] = [
        (
            "en",
            [("Jordan", "PER"), ("Boris Johnson", "PER"), ("Johnson", "PER"), ("Polska", "LOC")],
        ),
        ("en", [("Jordan", "LOC"), ("Jordan", "LOC"), ("Jordan", "LOC"), ("Boris", "PER")]),
        (
            "pl",
            [("Johnsona", "PER"), ("Polacy", "LOC"), ("Jordan", "LOC"), ("Unia Europejska", "ORG")],
        ),
        (
            "ru",
            [("Борис Джонсон", "PER"), ("Джонсон", "PER"), ("Иордания", "LOC"), ("Boris", "PER")],
        ),
        ("en", [("Tereza May", "PER"), ("Tereza", "PER"), ("May", "PER"), ("Jordan", "PER")]),
        # a place by its first label, a person by the votes that follow: indexed as both
        ("en", [("Kinshak", "LOC"), ("Kinshak", "PER"), ("Kinshak", "PER"), ("Kinshak", "PER")]),
    ]
    memo, plain = new_registry(), new_registry()
    plain._indexed = _NeverSeen()
    for registry in (memo, plain):
        for n, (language, names) in enumerate(docs):
            resolve_all(registry, f"d{n}", language, names)
        registry.merge(registry.find("Johnson").id, registry.find("Tereza May").id)  # type: ignore[union-attr]
        resolve_all(registry, "after", "en", [("Johnson", "PER"), ("May", "PER")])
    assert memo._indexed  # the memo was used
    assert _indexes(memo) == _indexes(plain)
