"""What every reader is and gives: the `Reader` interface and the `Draft` it reads into.

Apart from `readers.py` so that the readers of binary formats (`html.py`, `pdf.py`,
`docx.py`) can be modules of their own that `READERS` lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from publish.normalizer.chunks import Chunk
from publish.normalizer.model import Removal


@dataclass
class Draft:
    """What a reader found, before overrides and the id are applied."""

    kind: str
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    blocks: list = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    language: str | None = None
    flags: set[str] = field(default_factory=set)
    promotional: bool | None = None
    """Whether the source advertises itself; None: it does if anything was removed as an
    advertisement (a web page's ad slots, space the site sold, are not the page's own)."""


class Reader:
    """Recognise one kind of document and read it into a Draft."""

    kind: ClassVar[str]
    """The kind a document read by this reader is."""
    other_kinds: ClassVar[tuple[str, ...]] = ()
    """Kinds the reader gives instead of `kind` when the document shows it is one of them."""

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind a Draft from this reader can have."""
        return (self.kind, *self.other_kinds)

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        raise NotImplementedError

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        raise NotImplementedError

    def sniff(self, data: bytes) -> bool:
        """Whether a raw file's bytes are this reader's format. Text readers read decoded
        text (`matches`); readers of a web page, a PDF or a Word file claim the bytes."""
        return False

    def read_bytes(self, data: bytes, path: Path | str) -> Draft:
        """Read a raw file this reader's `sniff` claimed."""
        raise NotImplementedError
