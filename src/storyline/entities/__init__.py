"""Entities: named-entity recognition (:mod:`.ner`), the corpus registry that resolves mentions
to canonical entities across spellings, languages and scripts (:mod:`.registry`), and the stage
that runs both (:mod:`.stage`). Its storage lives in :mod:`storyline.store.registry`.
"""
