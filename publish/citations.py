"""Pandoc-style citations (`[@key]`, `[@a; @b]`, `[@key, 01:22:00]`), numbering, AMA references.

References are formatted here rather than with citeproc-py: the sources are a
handful of web, podcast and video kinds, and AMA needs them cited as what they
are (with 'Date not stated' where a source is undated), which a CSL engine
cannot say without inventing fields.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import ContentError
from publish.i18n import N_, primary
from publish.normalizer.model import NormalizedSource

if TYPE_CHECKING:
    from publish.i18n import Messages

CITATION = re.compile(r"\[(@[^\[\]]*)\]")
"""A bracketed citation group; its inside is checked by `parse_group`."""
_KEY = r"[a-z0-9][a-z0-9-]*"
"""A key as a citation is parsed: a slug, or a near miss that resolving names as unknown."""
_ITEM = re.compile(rf"^@(?P<key>{_KEY})(?:\s*,\s*(?P<loc>.+?))?$")
_CITED_KEY = re.compile(rf"@({_KEY})")
_TIMESTAMP = re.compile(r"^(?:(?P<h>\d{1,2}):)?(?P<m>[0-5]?\d):(?P<s>[0-5]\d)$")
_PAGES = re.compile(
    r"^(?:p\.?\s*(?P<page>\d{1,5})|pp\.?\s*(?P<first>\d{1,5})\s*[-–]\s*(?P<last>\d{1,5}))$"
)
"""A page locator: `p. 12`, or a range `pp. 12-13` (hyphen or en dash)."""


@dataclass(frozen=True)
class Cite:
    """One cited source with an optional locator (a video timestamp)."""

    key: str
    locator: str | None = None


def parse_group(inner: str, path: Path | str, line: int) -> list[Cite]:
    """'@a; @b, 01:22:00' -> [Cite('a'), Cite('b', '01:22:00')]; malformed -> ContentError."""
    cites = []
    inner = " ".join(inner.split())  # a group may wrap onto the next line
    for part in inner.split(";"):
        match = _ITEM.match(part.strip())
        if not match:
            raise ContentError(
                f"malformed citation [{inner}]: write [@key], [@a; @b] or [@key, 01:22:00], "
                "with keys in lower case (a-z, 0-9, '-')",
                path,
                line,
            )
        locator = match.group("loc")
        if locator is not None and not _TIMESTAMP.match(locator):
            locator = _page_locator(locator, inner, path, line)
        cites.append(Cite(match.group("key"), locator))
    return cites


def _page_locator(locator: str, inner: str, path: Path | str, line: int) -> str:
    """A page locator written as AMA prints it (`p. 12`, `pp. 12–13`), or an error."""
    pages = _PAGES.match(locator)
    if not pages:
        raise ContentError(
            f"malformed locator {locator!r} in [{inner}]; use hh:mm:ss for a moment of a "
            "video, or p. 12 / pp. 12-13 for pages of a paginated source",
            path,
            line,
        )
    if pages.group("page"):
        return f"p. {int(pages.group('page'))}"
    first, last = int(pages.group("first")), int(pages.group("last"))
    if first >= last:
        raise ContentError(
            f"page range {locator!r} in [{inner}] must run from a lower page to a higher one",
            path,
            line,
        )
    return f"pp. {first}–{last}"


def page_span(locator: str | None) -> tuple[int, int] | None:
    """The first and last page a page locator cites; None for a timestamp or none."""
    if not locator or not locator.startswith("p"):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", locator)]
    return numbers[0], numbers[-1]


def find_citations(text: str, path: Path | str, first_line: int = 1) -> list[tuple[int, Cite]]:
    """Every citation in a text, with its 1-based line number."""
    found: list[tuple[int, Cite]] = []
    for match in CITATION.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        found.extend((line, cite) for cite in parse_group(match.group(1), path, line))
    return found


@dataclass(frozen=True)
class CitationKeys:
    """What one topic's citations may name, and which source each key stands for.

    `ids` maps every key a text may cite to a source id: each listed source's own id, and
    each short alias topic.yaml gives it. `unlisted` are ids normalized but not listed, so
    that citing one says to list it rather than calling a real source unknown.
    """

    ids: Mapping[str, str]
    unlisted: frozenset[str] = frozenset()
    listed: bool = True
    pages: Mapping[str, int] = field(default_factory=dict)
    """Page counts of the paginated sources (PDFs), by id: a page locator is checked
    against it, and a source not in it has no pages to cite."""
    """False when topic.yaml has no `sources:`: every normalized source may be cited by id,
    and an alias cannot be, which an unknown key's message then says."""

    @classmethod
    def of(cls, ids: Iterable[str]) -> CitationKeys:
        """Keys that are source ids only, with no aliases."""
        return cls({key: key for key in ids})

    def resolve(self, key: str, path: Path | str, line: int | None) -> str:
        """The source id that `key` names; a key naming none is an error saying how to fix it."""
        if key in self.ids:
            return self.ids[key]
        if key in self.unlisted:
            raise ContentError(
                f"source {key!r} is normalized but not listed in topic.yaml `sources:`; add it",
                path,
                line,
            )
        nearest = difflib.get_close_matches(key, list(self.ids), n=1, cutoff=0.6)
        hint = f"; did you mean @{nearest[0]}?" if nearest else ""
        if not self.listed:
            hint += "; topic.yaml has no `sources:`, where short aliases are given"
        raise ContentError(f"unknown citation key @{key}{hint}", path, line)

    def by_id(self, text: str) -> str:
        """`text` with each citation naming its source by id (`[@yale, 01:25:04]` becomes
        `[@ketamine-depression-how-it-works, 01:25:04]`), line for line.

        Renderers and gates then see ids only, so a text citing by alias builds the same
        bytes as one citing by id. Every key of `text` must resolve (see `check_keys`).
        """
        if all(key == source for key, source in self.ids.items()):
            return text
        return CITATION.sub(
            lambda group: _CITED_KEY.sub(lambda key: "@" + self.ids[key.group(1)], group.group()),
            text,
        )


def check_keys(
    text: str, path: Path | str, known: Iterable[str] | CitationKeys, first_line: int = 1
) -> list[Cite]:
    """All citations in `text`, each naming its source by id (an alias resolved); a key that
    names no listed source is an error naming file and line."""
    keys = known if isinstance(known, CitationKeys) else CitationKeys.of(known)
    resolved = []
    for line, cite in find_citations(text, path, first_line):
        key = keys.resolve(cite.key, path, line)
        _check_locator(key, cite.locator, keys.pages, path, line)
        resolved.append(Cite(key, cite.locator))
    return resolved


def _check_locator(
    key: str, locator: str | None, pages: Mapping[str, int], path: Path | str, line: int
) -> None:
    """A page locator names pages the source has; a timestamp names a moment, which a
    paginated source does not have."""
    span = page_span(locator)
    count = pages.get(key)
    if span is None:
        if locator and count is not None:
            raise ContentError(
                f"{key} is paginated ({count} pages): cite a page (p. 12), not a time",
                path,
                line,
            )
        return
    if count is None:
        raise ContentError(
            f"{key} has no pages: cite a page (p. 12) only in a paginated source (a PDF)",
            path,
            line,
        )
    if span[1] > count:
        raise ContentError(
            f"[@{key}, {locator}] is past the last page of {key} ({count} pages)", path, line
        )


def seconds(locator: str) -> int:
    match = _TIMESTAMP.match(locator)
    if not match:
        raise ValueError(locator)
    return int(match.group("h") or 0) * 3600 + int(match.group("m")) * 60 + int(match.group("s"))


def deep_link(source: NormalizedSource, locator: str | None) -> str | None:
    """A link to the moment in the video, or to the source page when there is no locator."""
    url = source.meta.get("url")
    if not url or not locator:
        return url
    span = page_span(locator)
    if span is not None:  # PDF open parameters: a viewer opens the file at that page
        return f"{url.split('#', 1)[0]}#page={span[0]}"
    if source.meta.get("video_id"):
        return f"https://www.youtube.com/watch?v={source.meta['video_id']}&t={seconds(locator)}s"
    return url


class Numbering:
    """AMA numbering: sources numbered in order of first citation, the sources one document
    cites (`used`), and the moments (video timestamps) cited of each, for the reference list.

    `order` may be given: the topic's own order (`publish.render.context.topic_numbering`),
    so that the handout, the clinician sheet and the e-book give a source the same number.
    """

    def __init__(self, order: Iterable[str] = ()) -> None:
        self.order: list[str] = list(dict.fromkeys(order))
        self.used: list[str] = []
        """The sources this document cites, in order of first citation."""
        self.moments: dict[str, list[str]] = {}

    def number(self, key: str) -> int:
        if key not in self.order:
            self.order.append(key)
        if key not in self.used:
            self.used.append(key)
        return self.order.index(key) + 1

    def cite(self, cite: Cite) -> int:
        """Number a citation, remembering its moment (once) for the reference list."""
        if cite.locator:
            moments = self.moments.setdefault(cite.key, [])
            if cite.locator not in moments:
                moments.append(cite.locator)
        return self.number(cite.key)


_KIND_LABEL = {
    "video-summary": N_("Video summary"),
    "podcast-notes": N_("Podcast episode notes"),
    "web-article": N_("Web article"),
    "video-page": N_("Video page"),
    "report": N_("Report"),
    "wiki-page": N_("Wiki page"),
    "web-page": N_("Web page"),
    "pdf-document": N_("PDF document"),
    "word-document": N_("Word document"),
}


def kind_label(kind: str, messages: Messages) -> str:
    """What kind of source it is, in the document's language."""
    label = _KIND_LABEL.get(kind)
    return messages.gettext(label) if label else kind


@dataclass(frozen=True)
class Reference:
    """One entry of an AMA reference list, in parts a template can style."""

    number: int
    key: str
    publisher: str | None
    title: str
    medium: str
    date: str
    url: str | None
    note: str | None
    language: str | None = None
    """The source's language, when it is not the document's: its title is marked with it."""
    moments: tuple[tuple[str, str | None], ...] = ()
    """Moments of a video the document cites, as (time, deep link): a patient's page lists
    them here instead of beside the superscript number."""
    pages: tuple[tuple[str, str | None], ...] = ()
    """Pages of a paginated source the document cites, as (pages, link to the first):
    "12", "14–15"."""

    @property
    def closed_title(self) -> str:
        """The title as printed: a full stop after it, unless it ends in "?" or "!" (AMA)."""
        return self.title if self.title.endswith(("?", "!")) else f"{self.title}."

    @property
    def text(self) -> str:
        parts = [
            f"{self.publisher}." if self.publisher else None,
            f"{self.closed_title} {self.medium}.",
            f"{self.date}.",
            self.url,
            self.note,
        ]
        return " ".join(part for part in parts if part)


def reference(
    source: NormalizedSource,
    number: int,
    messages: Messages,
    moments: list[str] | tuple[str, ...] = (),
) -> Reference:
    """AMA 11th-edition style: Publisher. Title. Medium. Date. URL. Plus what a reader must know.

    The words around the source's own (title, publisher) are in the document's language.
    """
    _ = messages.gettext
    published = source.meta.get("published")
    notes = []
    if "promotional" in source.flags:
        notes.append(_("Promotional source."))
    if "title" in source.overridden:
        notes.append(_("Title supplied by editors."))
    own = source.language
    times = [m for m in moments if page_span(m) is None]
    pages = [m for m in moments if page_span(m) is not None]
    return Reference(
        number=number,
        key=source.id,
        publisher=source.meta.get("publisher"),
        title=source.title.rstrip("."),
        medium=kind_label(source.kind, messages),
        date=(
            _("Published %(date)s") % {"date": messages.date(published)}
            if published
            else _("Date not stated")
        ),
        url=source.meta.get("url"),
        note=" ".join(notes) or None,
        language=None if primary(own) == primary(messages.language) else own,
        moments=tuple((short_time(m), deep_link(source, m)) for m in sorted(times, key=seconds)),
        pages=tuple(
            (p.split(" ", 1)[1], deep_link(source, p))
            for p in sorted(pages, key=lambda p: page_span(p) or (0, 0))
        ),
    )


def short_time(locator: str) -> str:
    """A timestamp as people say it: 01:25:04 is 1:25:04, 00:05:10 is 5:10."""
    total = seconds(locator)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
