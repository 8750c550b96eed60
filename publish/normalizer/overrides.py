"""Metadata that people add by hand for what a raw document lacks (seeds/overrides.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publish import fields, frontmatter
from publish.errors import InputError

FIELDS = fields.OVERRIDE_FIELDS
"""The fields an override may set. Overrides win over what the raw text gives."""

FILE_NAME = "overrides.yaml"


def load_overrides(path: Path | None) -> dict[str, dict[str, Any]]:
    """Overrides keyed by raw file name; every problem of the file reported at once, each
    naming the field and the line it is written on."""
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
    table = {str(name): entry for name, entry in data.items()}  # `2024.txt:` and `12:` alike
    found, problems = fields.check(fields.OverridesFile, table, _name)
    if found is None:
        lines = frontmatter.key_lines(text)
        raise fields.problems_error(InputError, path, fields.at_lines(problems, lines))
    return {name: entry.model_dump(exclude_unset=True) for name, entry in found.root.items()}


def _name(loc: fields.Loc) -> str:
    """Where a problem is: "override field 'url' for 'a.txt'", or "overrides for 'a.txt'"."""
    if len(loc) < 2:
        return f"overrides for {loc[0]!r}" if loc else "overrides"
    rest = fields.field_name("")(loc[2:])
    return f"override field {loc[1]!r} for {loc[0]!r}{' ' + rest if rest else ''}"
