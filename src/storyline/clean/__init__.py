"""Cleaning of scraped text: boilerplate and junk lines removed, title found (:mod:`.stage`)."""
