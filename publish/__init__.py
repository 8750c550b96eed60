"""publish: turn messy clinical source material into trustworthy documents.

The public API is what this module exposes. Heavy libraries (WeasyPrint,
ebooklib) load only when a build actually runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from publish.builder import BuildResult
    from publish.gates import CheckResult
    from publish.normalizer import NormalizeResult

__all__ = ["__version__", "build", "check", "normalize"]


def normalize(*args: Any, **kwargs: Any) -> NormalizeResult:
    """Normalize raw source documents; see `publish.normalizer.normalize_paths`."""
    from publish.normalizer import normalize_paths

    return normalize_paths(*args, **kwargs)


def build(*args: Any, **kwargs: Any) -> BuildResult:
    """Build a topic's artifacts; see `publish.builder.build_topics`."""
    from publish.builder import build_topics

    return build_topics(*args, **kwargs)


def check(*args: Any, **kwargs: Any) -> CheckResult:
    """Run every gate on built topics; see `publish.gates.check_topics`."""
    from publish.gates import check_topics

    return check_topics(*args, **kwargs)
