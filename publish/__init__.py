"""publish: turn messy clinical source material into trustworthy documents.

The public API is what this module exposes: `normalize`, `build`, `check`, the
`Project` they work in and the `PublishError` family they raise. The three
functions are the library's own (`normalizer.pipeline.normalize_paths`,
`builder.build_topics`, `gates.check_topics`), with their signatures and
docstrings; everything is imported on first use, so `import publish` stays light and
heavy libraries (WeasyPrint, ebooklib) load only when a build actually runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from publish.builder import build_topics as build
    from publish.errors import PublishError
    from publish.gates import check_topics as check
    from publish.normalizer.pipeline import normalize_paths as normalize
    from publish.project import Project

__all__ = ["Project", "PublishError", "__version__", "build", "check", "normalize"]

_LAZY = {
    "Project": ("publish.project", "Project"),
    "PublishError": ("publish.errors", "PublishError"),
    "normalize": ("publish.normalizer.pipeline", "normalize_paths"),
    "build": ("publish.builder", "build_topics"),
    "check": ("publish.gates", "check_topics"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'publish' has no attribute {name!r}")
