"""Article metadata: publication date, source, author (:mod:`.stage`)."""
