"""`publish normalize`: raw source documents into normalized sources with provenance.

The package imports its pipeline only when asked for it, so reading normalized
files (every build does) does not compile the readers' rules.
"""

from __future__ import annotations

from typing import Any

from publish.normalizer.model import NormalizedSource, is_normalized, parse_normalized

_PIPELINE = (
    "NormalizeResult",
    "normalize_paths",
    "normalize_text",
    "slugify",
    "read_draft",
    "finish",
    "collect",
)

__all__ = ["NormalizedSource", "is_normalized", "parse_normalized", *_PIPELINE]


def __getattr__(name: str) -> Any:
    if name in _PIPELINE:
        from publish.normalizer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'publish.normalizer' has no attribute {name!r}")
