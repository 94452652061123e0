"""Per-article travel evidence: shingle hashes, stored rows, and the read path using them."""

from __future__ import annotations

import numpy as np

from storyline.stories.dedup import shingles
from storyline.travel import evidence
from storyline.travel.model import Report, credit_edges

TEXT = (
    "PARIS (AFP) - Five surfers drowned off the Dutch coast at Scheveningen on Monday evening "
    "after a storm whipped up a thick layer of sea foam, the coastguard said on Tuesday, "
    "according to Reuters. Rescue teams searched through the night with helicopters and boats."
)


def test_shingle_hashes_count_the_shingles_of_dedup() -> None:
    hashed = evidence.shingle_hashes(TEXT)
    assert len(hashed) == len(shingles(TEXT))
    assert np.all(np.diff(hashed.astype(np.int64)) > 0)  # sorted, distinct
    assert len(evidence.shingle_hashes("too short text")) == 0


def test_containment_of_a_trimmed_copy() -> None:
    full = evidence.shingle_hashes(TEXT)
    trimmed = evidence.shingle_hashes(TEXT.rsplit(".", 2)[0] + ". Subscribe now.")
    other = evidence.shingle_hashes("Apple unveiled three new iPhone models in Cupertino today.")
    assert evidence.containment_of(trimmed, full) > 0.8
    assert evidence.containment_of(other, full) == 0.0
    assert evidence.containment_of(full, np.zeros(0, dtype=np.uint32)) == 0.0


def test_a_stored_row_reads_back_as_the_evidence_from_the_text() -> None:
    found = evidence.for_article(TEXT, None, "en", [])
    assert [c.agency for c in found.credits] == ["AFP"]
    assert any(c.name == "Reuters" for c in found.cites)
    back = evidence.from_row(*evidence.to_row(found))
    assert back.credits == found.credits and back.cites == found.cites
    assert np.array_equal(back.shingles, found.shingles)


def test_the_model_uses_stored_evidence_over_the_text() -> None:
    stored = evidence.for_article(TEXT, None, "en", [])
    report = Report(id="a", text="", credits=stored.credits, cites=stored.cites)
    kinds = {(e.kind, e.target) for e in credit_edges(report)[2]}
    assert ("wire-credit", "agency:AFP") in kinds
    fresh = Report(id="b", text=TEXT, language="en")  # no stored row: computed from the text
    assert {(e.kind, e.target) for e in credit_edges(fresh)[2]} == kinds


def test_the_source_hash_changes_with_the_text_or_byline() -> None:
    base = evidence.source_hash(TEXT, None)
    assert base == evidence.source_hash(TEXT, "")
    assert base != evidence.source_hash(TEXT + ".", None)
    assert base != evidence.source_hash(TEXT, "AFP")
