"""The normalized source: dataclasses and their file form (YAML front matter + CommonMark)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish import frontmatter
from publish.errors import InputError
from publish.limits import SOURCE, check_markdown
from publish.patterns import find_control

if TYPE_CHECKING:
    from publish.fields import NormalizedFields

KINDS = {
    "video-summary": "a wiki-style summary of a video, with timestamps into it",
    "podcast-notes": "show notes of a podcast episode: title, show, date, bulleted sections",
    "web-article": "an article from a web site: title, date and category line, sections",
    "video-page": "a video's web page: title, description with a link, text, comment thread",
    "report": "a plain report with section headings and no metadata of its own",
    "wiki-page": "a Markdown page with front matter that is not a video summary",
    "web-page": "a saved web page (HTML): its main content, without the site around it",
    "pdf-document": "a PDF: text page by page, without running headers, footers and page numbers",
    "word-document": "a Word file (DOCX): headings, lists and tables; comments and edits recorded",
}
"""What each `kind` means."""

REASONS = {
    "advertisement": "sells a product or service (a clinic, a course)",
    "call-to-action": "asks the reader to do something for the publisher (join, sign up, visit)",
    "boilerplate": "text that is the same on every page (privacy lines, image captions)",
    "comments": "a comment thread (a page's readers, a Word file's reviewers); removed whole, "
    "with the number of comments",
    "empty-section": "a heading with no content under it",
    "markup": "HTML tags; their text content is kept",
    "metadata": "a line whose content moved into the front matter",
    "navigation": "links and menus that lead elsewhere on the site",
    "outside-content": "text of a web page outside the main content the extractor found",
    "page-number": "a printed page number ('7', 'Page 7 of 12'); page markers mark pages instead",
    "tracked-change": "text a Word file's tracked changes propose to insert, not yet accepted",
}
"""Why something was removed: the `reason` vocabulary."""

FLAGS = {
    "promotional": "the source advertises a product or service; it is evidence of nothing",
    "undated": "no publication date could be found",
    "untitled": "the raw text has no title and no override gives one",
    "relative-dates": "the text says 'last year' or similar and the source has no date",
    "tracked-changes": "a Word file with edits proposed and not accepted: insertions are under "
    "`removed`, text proposed for deletion is still in the body",
}
"""Judgements a clinician must see: the `flags` vocabulary."""


@dataclass(frozen=True)
class Removal:
    """One piece of raw text that is not in the body, and why."""

    reason: str
    text: str
    line: int | None = None
    count: int | None = None
    """For comments: how many comments the thread held."""
    declared: int | None = None
    """For comments: how many the page said it had (e.g. '21 Comments')."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"reason": self.reason}
        if self.line is not None:
            data["line"] = self.line
        if self.count is not None:
            data["count"] = self.count
        if self.declared is not None:
            data["declared"] = self.declared
        data["text"] = self.text
        return data


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class PageMark:
    """Where a page of a paginated source (a PDF) starts: what follows, up to the next mark,
    is on that page."""

    page: int

    @property
    def markdown(self) -> str:
        """A CommonMark link reference definition: every renderer prints nothing for it,
        and it cannot be mistaken for text, whose brackets are escaped."""
        return f"[page {self.page}]: #page-{self.page}"


PAGE_MARK = re.compile(r"^\[page (?P<page>[1-9][0-9]*)\]: #page-(?P=page)$", re.M)
"""A page marker in a normalized body, one line of its own."""

Block = Heading | Paragraph | BulletList | PageMark


def blocks_to_markdown(blocks: list[Block]) -> str:
    """CommonMark for a list of blocks, one blank line between blocks."""
    parts = []
    for block in blocks:
        if isinstance(block, PageMark):
            parts.append(block.markdown)
        elif isinstance(block, Heading):
            parts.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            marks = (f"{n}." if block.ordered else "-" for n in range(1, len(block.items) + 1))
            parts.append(
                "\n".join(f"{mark} {item}" for mark, item in zip(marks, block.items, strict=True))
            )
    return "\n\n".join(parts) + "\n" if parts else ""


_OPTIONAL = (
    "publisher",
    "published",
    "url",
    "category",
    "speakers",
    "authors",
    "video_id",
    "pages",
)


@dataclass
class NormalizedSource:
    """A raw document, cleaned, with provenance. Field order is file order."""

    id: str
    title: str
    kind: str
    language: str
    source_file: str
    sha256: str
    body: str
    meta: dict[str, Any] = field(default_factory=dict)
    """Optional fields found in the raw text: publisher, published, url, category, ..."""
    overridden: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)

    def __post_init__(self) -> None:
        """A body no artifact can print is refused where it is made, so normalize never
        writes a source that a build (or normalizing it again) would refuse."""
        unprintable = find_control(self.body)
        if unprintable:
            raise InputError(
                f"unprintable character {unprintable[0]} in the text", self.source_file
            )

    def front_matter(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": self.title, "kind": self.kind}
        data["language"] = self.language
        for key in _OPTIONAL:
            if self.meta.get(key):
                data[key] = self.meta[key]
        data["source_file"] = self.source_file
        data["sha256"] = self.sha256
        for key in ("overridden", "flags", "related"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        if self.removed:
            data["removed"] = [r.to_dict() for r in self.removed]
        return data

    def to_text(self) -> str:
        return f"---\n{frontmatter.dump(self.front_matter())}---\n\n{self.body}"


def is_normalized(fm: dict[str, Any] | None) -> bool:
    return bool(fm) and all(key in fm for key in ("id", "kind", "source_file", "sha256"))  # type: ignore[operator]


def parse_normalized(text: str, path: Path | str) -> NormalizedSource:
    """Read a normalized file back into a NormalizedSource; every field problem at once."""
    fm_text, body, first_line = frontmatter.split(text)
    fm = frontmatter.load(fm_text or "", path)
    if not is_normalized(fm):
        raise InputError("not a normalized source (needs id, kind, source_file, sha256)", path, 1)
    found = check_front_matter(fm, path, lambda: frontmatter.key_lines(fm_text or "", 2))
    check_markdown(body, SOURCE, path, first_line)  # bounded rendering time
    unprintable = find_control(body)
    if unprintable:  # the EPUB prints the body as a chapter, and its XML cannot hold these
        code, line, column = unprintable
        raise InputError(
            f"unprintable character {code} at column {column}", path, first_line + line - 1
        )
    return NormalizedSource(
        id=found.id,
        title=found.title,
        kind=found.kind,
        language=found.language,
        source_file=found.source_file,
        sha256=found.sha256,
        body=body[1:] if body.startswith("\n") else body,
        meta=found.model_dump(include=set(_OPTIONAL), exclude_none=True),
        overridden=list(found.overridden),
        flags=list(found.flags),
        related=list(found.related),
        removed=[Removal(**entry.model_dump()) for entry in found.removed],
    )


def check_front_matter(
    fm: dict[str, Any], path: Path | str, lines: Callable[[], dict[Any, int]] = dict
) -> NormalizedFields:
    """The front matter as the field layer reads it, or an InputError naming every problem.

    `lines` maps fields to the lines they are written on; it is called only on failure.
    """
    from publish import fields

    found, problems = fields.check(fields.NormalizedFields, fm, fields.field_name("field"))
    if found is None:
        raise fields.problems_error(InputError, path, fields.at_lines(problems, lines()))
    return found
