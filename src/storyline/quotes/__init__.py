"""Quotes: attributed quotations (direct, partial, reported) with their speakers (:mod:`.stage`).
Cue lexicons are shared with claims in :mod:`storyline.text.cues`.
"""
