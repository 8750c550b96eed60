"""Size limits on Markdown before it is rendered, so rendering takes bounded time.

WeasyPrint lays out inline boxes recursively and slowly: 1.2 KB of nested `*` exhausts
Python's recursion limit, and one 16 KB paragraph of alternating backticks (8,000 code
spans) takes a minute. markdown-it itself slows down on long runs of unmatched brackets or
emphasis marks. Bounding the length of each block of text and the nesting of inline markup
keeps both in check; every document a person would write is far inside these limits.

Topic text (`patient.md`, `clinician.md`) is laid out by WeasyPrint, so its paragraphs are
held shorter than a normalized source's, which only reaches the EPUB and the preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import ContentError, InputError, PublishError

if TYPE_CHECKING:
    from markdown_it.token import Token


@dataclass(frozen=True)
class Limits:
    """How much Markdown one document may hold in one place."""

    block_chars: int
    """Characters in one run of non-blank lines (a paragraph, or a whole tight list),
    checked before parsing, so the parser never sees an unbounded block."""
    paragraph_chars: int
    """Characters of text in one paragraph, list item or heading, after parsing."""
    inline_depth: int
    """Inline markup nested in inline markup: `**bold *and italic***` is depth 2."""
    error: type[PublishError]
    """What exceeding a limit raises: the kind of file decides the exit code."""


MAX_BRACKETS = 20_000
"""`[` in one document: markdown-it spends about 10 µs on each when looking for links, so
2 MiB of them would take 20 s; a real document has a few hundred."""

TOPIC_TEXT = Limits(block_chars=20_000, paragraph_chars=3_000, inline_depth=10, error=ContentError)
"""`patient.md` and `clinician.md`: laid out on paper by WeasyPrint (exit 4 beyond)."""
SOURCE = Limits(block_chars=20_000, paragraph_chars=20_000, inline_depth=10, error=InputError)
"""A normalized source's body: the EPUB's source chapter and the preview (exit 3 beyond)."""


def check_markdown(text: str, limits: Limits, path: Path | str | None, first_line: int = 1) -> None:
    """Raise `limits.error` naming the file and line of the first block over a limit.

    `first_line` is the file line `text` starts on (after front matter). The check scans the
    text once and parses it once, block by block.
    """
    _check_blocks(text, limits, path, first_line)
    if text.count("[") > MAX_BRACKETS:
        at = -1
        for _ in range(MAX_BRACKETS + 1):
            at = text.index("[", at + 1)
        raise limits.error(
            f"more than {MAX_BRACKETS:,} '[' in one document; is it really text?",
            path,
            first_line + text.count("\n", 0, at),
        )
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False})
    for token in parser.parse(text):
        if token.type != "inline":
            continue
        line = first_line + token.map[0] if token.map else None
        if len(token.content) > limits.paragraph_chars:
            raise limits.error(
                f"a paragraph of {len(token.content):,} characters is over the limit of "
                f"{limits.paragraph_chars:,}; split it",
                path,
                line,
            )
        depth = _depth(token.children or [])
        if depth > limits.inline_depth:
            raise limits.error(
                f"inline markup nested {depth} deep is over the limit of {limits.inline_depth}",
                path,
                line,
            )


def _check_blocks(text: str, limits: Limits, path: Path | str | None, first_line: int) -> None:
    """Runs of non-blank lines, measured without parsing."""
    size = 0
    start = first_line
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            size = 0
            continue
        if size == 0:
            start = number
        size += len(line) + 1
        if size > limits.block_chars:
            raise limits.error(
                f"a block of text over {limits.block_chars:,} characters (no blank line); "
                "split it into paragraphs",
                path,
                start,
            )


def _depth(children: list[Token]) -> int:
    """The deepest nesting of opening and closing inline tokens."""
    depth = deepest = 0
    for child in children:
        depth += child.nesting
        deepest = max(deepest, depth)
    return deepest


# --- raw documents that are not plain text -----------------------------------------------------
# A text file is held to 2 MiB (`publish.normalizer.rawtext.MAX_BYTES`). Web pages, PDFs and
# Word files carry far more bytes than text (scripts, styles, fonts, images, compression), so
# each format has limits of its own: its size, checked before the file is read, and what
# bounds the time its reader takes. Beyond one: exit 3, one line naming the file. Times were
# measured on a shared 2-core machine.

MAX_HTML_BYTES = 5 * 1024 * 1024
"""A saved web page with its inline scripts, styles and images (5 MiB); the text of a real
article is a small part of it."""

MAX_HTML_ELEMENTS = 20_000
"""Elements in a web page's body once scripts, styles, SVG and inline formatting are set
aside: the content extractor's time grows faster than the page (about 5 s at this limit,
17 s at twice it); a long article holds a few thousand."""

MAX_PDF_BYTES = 32 * 1024 * 1024
"""A PDF (32 MiB): a drug's full prescribing information with its figures is a few MiB."""

MAX_PDF_PAGES = 200
"""Pages of one PDF: pdfminer.six lays out about five dense pages a second, so a PDF takes
at most about 40 s; a prescribing information runs to 20 to 60 pages."""

MAX_DOCX_BYTES = 16 * 1024 * 1024
"""A Word file (16 MiB, compressed, images included)."""

MAX_DOCX_PART_BYTES = 8 * 1024 * 1024
"""The inflated size of a Word file's XML parts, all together, read from the archive's
directory before anything is inflated (a ZIP bomb of a few KiB that inflates to gigabytes
is refused). mammoth converts about a MiB of XML in 3 s; a 100-page document has 1 to 3."""

MAX_EXTRACTED_CHARS = 2 * 1024 * 1024
"""Characters of text taken out of one web page, PDF or Word file: the same bound as a
text file's, so every later step sees no more than it would from one."""
