"""Language identification (:mod:`.stage`)."""
