"""The propagation model: copies, translations, wire reports, origins, independent sources."""

from __future__ import annotations

import numpy as np

from storyline.stories.dedup import minhash
from storyline.stories.similarity import name_keys
from storyline.travel.model import Report, build, copy_edges, independent_sources, source_edges

WIRE = (
    "Five surfers drowned off the Dutch coast at Scheveningen on Monday evening after a storm "
    "whipped up a thick layer of sea foam, the coastguard said on Tuesday. Rescue teams searched "
    "through the night with helicopters and boats. Three bodies were recovered on Tuesday "
    "morning, two more on Monday night. The victims were experienced surfers aged between 23 and "
    "38, according to the local surf club, which described the accident as the worst in its "
    "history. Mayor Johan Remkes said the city was in mourning and flags would fly at half-mast."
)


def report(
    rid: str, text: str, day: str, outlet: str, language: str = "en", **kw: object
) -> Report:
    sketch = minhash(text)
    return Report(
        id=rid,
        outlet=outlet,
        language=language,
        published=day,
        text=text,
        sketch=None if sketch is None else sketch.hashvalues.astype(np.uint64),
        keys=name_keys(text),
        **kw,  # type: ignore[arg-type]
    )


def test_a_trimmed_republication_is_a_copy_of_the_earlier_article() -> None:
    original = report("a", WIRE, "2019-12-30", "Wire A")
    trimmed = report("b", WIRE.rsplit(".", 3)[0] + ". Subscribe now.", "2019-12-31", "Daily B")
    other = report(
        "c",
        "Apple unveiled three new iPhone models in Cupertino on Tuesday, with "
        "prices starting at 699 dollars and a new camera system with an ultra-wide "
        "lens and a faster chip, the company said at its annual event.",
        "2019-12-30",
        "Daily B",
    )
    edges = copy_edges([trimmed, other, original])
    assert [(e.kind, e.source, e.target) for e in edges] == [("copy-of", "b", "a")]
    assert edges[0].evidence["shingle_containment"] >= 0.9


def test_translation_needs_close_vectors_and_the_same_names() -> None:
    vec = np.ones(4, dtype=np.float32) / 2
    names = frozenset({"N:A", "N:B", "N:C", "N:D", "N:E"})
    en = Report(id="en", language="en", published="2020-01-01", vector=vec, keys=names)
    fr = Report(id="fr", language="fr", published="2020-01-02", vector=vec, keys=names)
    other = frozenset({"N:A", "N:X", "N:Y", "N:Z", "N:W"})
    de = Report(id="de", language="de", published="2020-01-02", vector=vec, keys=other)
    kinds = {(e.kind, e.source, e.target) for e in source_edges([en, fr, de])}
    assert kinds == {("translation-of", "fr", "en")}


def test_roles_origins_and_independent_sources() -> None:
    first = report("a", "PARIS (AFP) - " + WIRE, "2020-01-01", "Le Monde")
    copy = report("b", "PARIS (AFP) - " + WIRE + " More later.", "2020-01-02", "Le Figaro")
    wire_elsewhere = report(
        "c",
        "(AFP) - A shorter AFP account of the drowning of five surfers "
        "near The Hague, with the mayor's words.",
        "2020-01-01",
        "Ouest",
    )
    own = report(
        "d",
        "Our reporter at Scheveningen saw the rescue teams search the beach for "
        "hours on Monday night while families waited at the pier.",
        "2020-01-03",
        "Courier",
    )
    travel = build("s", [own, copy, wire_elsewhere, first])
    roles = {n["id"]: n["role"] for n in travel.nodes}
    assert roles == {"a": "wire", "b": "copy", "c": "wire", "d": "independent"}
    assert travel.origins == ["a", "c"]  # the same day: both are first
    assert travel.independent_sources == ["agency:AFP", "outlet:Courier"]
    assert independent_sources([own, copy, wire_elsewhere, first], travel.edges) == [
        "agency:AFP",
        "outlet:Courier",
    ]


def test_claim_drift_lists_who_reported_which_value() -> None:
    def claim(value: float) -> dict[str, object]:
        return {
            "kind": "number",
            "value": value,
            "counted": "captives",
            "text": f"{value} captives",
        }

    a = report("a", "x", "2020-01-01", "A", claims=[claim(160)])
    b = report("b", "y", "2020-01-02", "B", claims=[claim(150)])
    c = report("c", "z", "2020-01-02", "C", claims=[claim(160.0)])
    (drift,) = build("s", [a, b, c]).claim_drift
    assert drift["counted"] == "captive"
    assert [(v["value"], [r["outlet"] for r in v["reported_by"]]) for v in drift["values"]] == [
        (160.0, ["A", "C"]),
        (150.0, ["B"]),
    ]
    # one article giving both values measures two things: no drift
    both = report("d", "w", "2020-01-01", "D", claims=[claim(160), claim(150)])
    assert build("s", [both, b]).claim_drift == []
