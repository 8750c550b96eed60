"""Turn chunks of plain text into body blocks, removing what is not content.

One pass classifies each chunk (comment thread, boilerplate, call to action,
advertisement, list, heading, paragraph); a second pass drops headings left
with nothing under them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publish.normalizer import rules
from publish.normalizer.chunks import Chunk
from publish.normalizer.model import Block, BulletList, Heading, PageMark, Paragraph, Removal

_PROMO_REASONS = {"advertisement", "call-to-action", "boilerplate"}


@dataclass
class Item:
    """A chunk's fate: a block in the body, or a removal."""

    line: int
    raw: str
    block: Block | None = None
    removal: Removal | None = None
    markup: list[Removal] = field(default_factory=list)
    """HTML stripped from the chunk, recorded whatever its fate."""


@dataclass
class BodyResult:
    blocks: list[Block]
    removed: list[Removal]
    promoters: list[str] = field(default_factory=list)
    """Businesses that advertise themselves in the text ('Visit NuLife for ...')."""


def classify(chunks: list[Chunk]) -> tuple[list[Item], list[str]]:
    """First pass: one Item per chunk (a comment thread collapses into one)."""
    items: list[Item] = []
    promoters: list[str] = []
    index = 0
    tail_start = max(len(chunks) - 3, 0)
    while index < len(chunks):
        chunk = chunks[index]
        text = chunk.text
        thread = rules.COMMENTS_START.match(text) if chunk.is_single_line else None
        if thread:
            end = index + 1
            while end < len(chunks) and not rules.COMMENTS_END.match(chunks[end].text):
                end += 1
            declared = thread.group("n") or thread.group("m")
            if end == len(chunks) and not declared:
                thread = None
        if thread:
            body = chunks[index + 1 : end]
            count = sum(len(c.items()) if c.is_list else 1 for c in body)
            last = min(end, len(chunks) - 1)
            raw = "\n\n".join(c.raw for c in chunks[index : last + 1])
            removal = Removal(
                "comments",
                raw,
                chunk.line,
                count=count,
                declared=int(declared) if declared else None,
            )
            items.append(Item(chunk.line, raw, removal=removal))
            index = last + 1
            continue
        items.append(_classify_one(chunk, index >= tail_start, promoters))
        index += 1
    return items, promoters


def _classify_one(chunk: Chunk, in_tail: bool, promoters: list[str]) -> Item:
    item = Item(chunk.line, chunk.raw)
    if "<" in chunk.raw:
        lines = []
        for raw_line in chunk.lines:
            line, markup = rules.strip_markup(raw_line, chunk.line)
            lines.append(line)
            item.markup.extend(markup)
        chunk = Chunk(tuple(line for line in lines if line.strip()) or ("",), chunk.line)
        if not chunk.text:
            return item
    text = chunk.text
    esc = rules.escape_markdown
    reason, promoter = judge(text, is_list=chunk.is_list, single=chunk.is_single_line, tail=in_tail)
    if promoter:
        promoters.append(promoter)
    if reason:
        item.removal = Removal(reason, chunk.raw, chunk.line)
    elif chunk.is_list:
        items = tuple(rules.bold_label(esc(i)) for i in chunk.items())
        item.block = BulletList(items, ordered=chunk.is_ordered)
    elif chunk.is_single_line and rules.looks_like_heading(text):
        item.block = Heading(2, esc(rules.heading_text(text)))
    else:
        item.block = Paragraph(esc(text))
    return item


def judge(text: str, *, is_list: bool, single: bool, tail: bool) -> tuple[str | None, str | None]:
    """Why a block of text is not content, if it is not: (reason, business it advertises).

    Every reader asks this of each block, so a call to action or an advertisement is
    removed alike from a text file, a web page, a PDF or a Word file. `single` is a block of
    one line (a caption), `tail` one of the last three blocks (where sites advertise).
    """
    visit = rules.ADVERT_VISIT.match(text)
    if (single and rules.IMAGE_CAPTION.match(text)) or (
        rules.BOILERPLATE.search(text) and len(text) < 300
    ):
        return "boilerplate", None
    short = len(text) < 300 and not is_list
    if short and rules.CALL_TO_ACTION.search(text) and not rules.CARE.search(text):
        return "call-to-action", None
    if visit:
        return "advertisement", visit.group("name")
    if short and rules.is_promotion(text):
        return "advertisement", None
    if tail and rules.ADVERT_SELF.search(text) and not is_list:
        return "advertisement", None
    return None, None


def drop_empty_sections(items: list[Item]) -> list[Item]:
    """A heading with nothing under it goes: as promotion when only promotion was under it."""
    result = list(items)
    for index in reversed(range(len(result))):
        item = result[index]
        if not isinstance(item.block, Heading):
            continue
        section = []
        for later in result[index + 1 :]:
            if isinstance(later.block, Heading) and later.block.level <= item.block.level:
                break
            section.append(later)
        if any(
            later.block is not None and not isinstance(later.block, PageMark) for later in section
        ):
            continue
        reasons = {later.removal.reason for later in section if later.removal}
        promo = bool(reasons) and reasons <= _PROMO_REASONS and reasons != {"boilerplate"}
        reason = "advertisement" if promo else "empty-section"
        result[index] = Item(
            item.line,
            item.raw,
            removal=Removal(reason, item.raw, item.line or None),
            markup=item.markup,
        )
    return result


def build_body(chunks: list[Chunk]) -> BodyResult:
    """Chunks of plain text to body blocks plus everything removed, in document order."""
    items, promoters = classify(chunks)
    items = drop_empty_sections(items)
    blocks = [item.block for item in items if item.block is not None]
    removed = [r for item in items for r in (*item.markup, item.removal) if r is not None]
    return BodyResult(blocks, removed, promoters)
