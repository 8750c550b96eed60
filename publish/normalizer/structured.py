"""Body blocks from documents that state their own structure: web pages, PDFs, Word files.

Their readers know which text is a heading (and of what level), a paragraph or a list, so
nothing is guessed from line shapes as it is for plain text. What the text readers judge
is judged here alike (`body.judge`: calls to action, advertisements, boilerplate), headings
left with nothing under them go, and a PDF's page starts stay in place as page markers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from publish import patterns
from publish.normalizer import rules
from publish.normalizer.body import BodyResult, Item, drop_empty_sections, judge
from publish.normalizer.model import Block, BulletList, Heading, PageMark, Paragraph, Removal

HEADING, PARAGRAPH, LIST, PAGE = "heading", "paragraph", "list", "page"

_CONTROL = re.compile(patterns.CONTROL)
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Text as a reader sees it: characters that never print dropped (a PDF's or a Word
    file's text can hold them where the page shows nothing), white space collapsed."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


@dataclass(frozen=True)
class Piece:
    """One block as a structured document gives it, before it is judged."""

    kind: str
    """HEADING, PARAGRAPH, LIST, or PAGE (the start of a page of a PDF)."""
    text: str = ""
    items: tuple[str, ...] = ()
    level: int = 2
    ordered: bool = False
    line: int | None = None
    """The line of the raw file it starts on, where the format has lines (HTML)."""
    page: int = 0

    @property
    def raw(self) -> str:
        """The text as removed: a list's items one per line."""
        return "\n".join(self.items) if self.kind == LIST else self.text


def build(pieces: Sequence[Piece]) -> BodyResult:
    """Pieces to body blocks, and what was removed from them, in document order."""
    content = [index for index, piece in enumerate(pieces) if piece.kind != PAGE]
    tail = set(content[-3:])
    promoters: list[str] = []
    items = [_item(piece, index in tail, promoters) for index, piece in enumerate(pieces)]
    items = drop_empty_sections(items)
    blocks = [item.block for item in items if item.block is not None]
    removed = [item.removal for item in items if item.removal is not None]
    return BodyResult(blocks, removed, promoters)


def _item(piece: Piece, in_tail: bool, promoters: list[str]) -> Item:
    if piece.kind == PAGE:
        return Item(0, "", block=PageMark(piece.page))
    is_list = piece.kind == LIST
    text = " ".join(piece.items) if is_list else piece.text
    reason, promoter = judge(text, is_list=is_list, single=piece.kind == HEADING, tail=in_tail)
    if promoter:
        promoters.append(promoter)
    item = Item(piece.line or 0, piece.raw)
    if reason:
        item.removal = Removal(reason, piece.raw, piece.line)
    else:
        item.block = _block(piece)
    return item


def _block(piece: Piece) -> Block:
    esc = rules.escape_markdown
    if piece.kind == HEADING:
        return Heading(min(max(piece.level, 2), 6), esc(piece.text))
    if piece.kind == LIST:
        return BulletList(tuple(esc(item) for item in piece.items), ordered=piece.ordered)
    return Paragraph(esc(piece.text))
