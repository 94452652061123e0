"""Stories across outlets and languages: the stage (:mod:`.stage`), the embedder (:mod:`.embed`),
the pair model (:mod:`.similarity`), the online clusterer (:mod:`.index`), near-duplicate copies
(:mod:`.dedup`) and threads (:mod:`.threads`). Its storage lives in :mod:`storyline.store.stories`.
"""
