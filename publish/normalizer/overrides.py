"""Metadata that people add by hand for what a raw document lacks (seeds/overrides.yaml)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from publish import frontmatter
from publish.errors import InputError
from publish.normalizer.model import KINDS

FIELDS = (
    "title",
    "kind",
    "language",
    "publisher",
    "published",
    "url",
    "category",
    "authors",
    "speakers",
)
"""The fields an override may set. Overrides win over what the raw text gives."""

FILE_NAME = "overrides.yaml"
_TEXT_FIELDS = ("title", "kind", "language", "publisher", "url", "category")


def load_overrides(path: Path | None) -> dict[str, dict[str, Any]]:
    """Overrides keyed by raw file name; every field checked, errors name file and field."""
    if path is None or not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read overrides: {exc}", path) from exc
    data = frontmatter.load_any(text, path) if text.strip() else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("overrides must be a mapping of file name to fields", path, 1)
    result: dict[str, dict[str, Any]] = {}
    for name, fields in data.items():
        if not isinstance(fields, dict):
            raise InputError(f"overrides for {name!r} must be a mapping", path)
        for key, value in fields.items():
            if key not in FIELDS:
                raise InputError(
                    f"unknown override field {key!r} for {name!r}; allowed: {', '.join(FIELDS)}",
                    path,
                )
            if key in _TEXT_FIELDS and not (isinstance(value, str) and value.strip()):
                raise InputError(f"override {key!r} for {name!r} must be text, not {value!r}", path)
            if key == "url" and not re.match(r"https?://[^\s]+$", value):
                raise InputError(f"override 'url' for {name!r} must be an http(s) URL", path)
            if key == "kind" and value not in KINDS:
                raise InputError(f"unknown kind {value!r} for {name!r}", path)
            if key == "published":
                fields[key] = _iso(value, name, path)
            if key in ("authors", "speakers") and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                raise InputError(f"override {key!r} for {name!r} must be a list of names", path)
        result[str(name)] = fields
    return result


def _iso(value: object, name: str, path: Path) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise InputError(
            f"override 'published' for {name!r} is not an ISO date: {value!r}", path
        ) from exc
