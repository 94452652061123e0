"""Settings: packaged defaults, overridden by a user YAML file and environment variables.

Order (last wins): defaults here → ``$STORYLINE_CONFIG`` or ``./storyline.yaml`` → ``STORYLINE_*``
environment variables → explicit arguments (CLI flags).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from storyline.errors import ConfigError

DEFAULT_DB = "storyline.db"


@dataclass
class Settings:
    db: str = DEFAULT_DB
    # Languages the user prefers for story headlines, most preferred first.
    preferred_languages: list[str] = field(default_factory=lambda: ["en"])
    # Extra alias table (YAML) for the entity registry, on top of the packaged one.
    aliases_file: str | None = None
    # Bearer token that enables POST /api/articles (ingest over HTTP); unset, the endpoint is off.
    # Set it with STORYLINE_API_TOKEN rather than in a config file.
    api_token: str | None = None

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        values: dict[str, Any] = {}
        config_path = path or os.environ.get("STORYLINE_CONFIG")
        if config_path is None and Path("storyline.yaml").exists():
            config_path = "storyline.yaml"
        if config_path:
            try:
                loaded = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigError(f"{config_path}: cannot read settings: {exc}") from exc
            if not isinstance(loaded, dict):
                raise ConfigError(f"{config_path}: expected a mapping of settings")
            values.update(loaded)
        known = {f.name for f in fields(cls)}
        for name in known:
            env = os.environ.get(f"STORYLINE_{name.upper()}")
            if env is not None:
                values[name] = env.split(",") if name == "preferred_languages" else env
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)
