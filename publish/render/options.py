"""Build options shared by every renderer, and what a renderer returns."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import urlparse

from publish.errors import ContentError, UsageError
from publish.profile import DEFAULT, Profile
from publish.project import Project
from publish.topic import Topic


@dataclass(frozen=True)
class Options:
    """How to build: paper size, clinic profile, and the project (its templates and seeds)."""

    project: Project
    """Where project templates and seeds are: found once by the caller, never here."""
    paper: str = "letter"
    profile: Profile = DEFAULT

    @property
    def templates(self) -> Path | None:
        """The project's template overrides, searched before the bundled templates."""
        return self.project.templates

    def roots(self, topic: Topic) -> tuple[Path, ...]:
        """The only folders a document may load files from."""
        return self.project.roots(topic.folder)

    def stylesheets(self, *names: str) -> tuple[str, ...]:
        """A printed page's stylesheets, with the A4 adjustments last when printing on A4."""
        return (*names, "css/a4.css") if self.paper == "a4" else names


LATEST_EPOCH = int(datetime(2107, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())
"""The end of 2107: the last time a zip file (the EPUB) can record."""


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a time, None when unset or empty; anything else is an error.

    The reproducible-builds specification asks for whole seconds since 1970 written in
    digits and for a build to stop on a malformed value rather than ignore it: a build
    that silently used another date would not be the one that was asked for.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", epoch):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970 in digits, not {epoch[:40]!r}"
        )
    if int(epoch) > LATEST_EPOCH:
        raise UsageError(
            f"SOURCE_DATE_EPOCH {epoch} is after 2107, the last year an EPUB (a zip) can record"
        )
    return datetime.fromtimestamp(int(epoch), tz=UTC)


def build_time(topic: Topic) -> datetime:
    """The one time written into files: SOURCE_DATE_EPOCH if set, else the topic's update date."""
    return source_date_epoch() or datetime.combine(topic.control.updated, time(), tzinfo=UTC)


@contextmanager
def pinned_clock(when: datetime) -> Iterator[None]:
    """Libraries that stamp files (fontTools' font subsetter) read SOURCE_DATE_EPOCH."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


@dataclass(frozen=True)
class RenderedFile:
    """A rendered artifact, not yet written, with what the manifest and the build log report."""

    name: str
    filename: str
    data: bytes
    cited: tuple[str, ...]
    pages: int | None = None
    chapters: int | None = None
    reading_grade: float | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    language: str = "en"
    """The BCP 47 tag of the document's language."""
    untranslated: tuple[str, ...] = ()
    """Messages printed in English because the language's catalog lacks them."""


@dataclass(frozen=True)
class Page:
    """One HTML page of an artifact as the preview shows it: a handout, or one e-book chapter."""

    file_name: str
    title: str
    html: str
    styles: tuple[str, ...]
    """Template stylesheets the page is laid out with (the PDF path passes them apart)."""


def figure_path(topic: Topic, src: str) -> Path:
    """A figure named in topic text: a relative path that stays inside the topic folder."""
    if urlparse(src).scheme or src.startswith(("/", "\\")):
        raise ContentError(
            f"figure {src!r} must be a relative path inside the topic folder", topic.folder
        )
    path = (topic.folder / src).resolve()
    if not path.is_relative_to(topic.folder.resolve()) or not path.is_file():
        raise ContentError(f"figure {src!r} not found inside the topic folder", topic.folder)
    return path
