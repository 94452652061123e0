"""storyline: multilingual news intelligence — who said what, when, about whom, and how one story
travelled across outlets and languages."""

from storyline.article import Article, Claim, Mention, Quote, RemovedLine
from storyline.config import Settings
from storyline.errors import ConfigError, InputError, StoreError, StorylineError
from storyline.pipeline import Pipeline

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Claim",
    "ConfigError",
    "InputError",
    "Mention",
    "Pipeline",
    "Quote",
    "RemovedLine",
    "Settings",
    "StoreError",
    "StorylineError",
    "__version__",
]
