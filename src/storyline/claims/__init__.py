"""Claims: numbers with units and counted nouns, predictions, their holders and contradictions
(:mod:`.stage`).
"""
