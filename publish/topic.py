"""Load a topic: document control, the editorial texts, the glossary and the sources they cite.

Renderers read the `Topic` only; every file is parsed and every citation
checked here, so a build fails before anything is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from publish import frontmatter
from publish.citations import Cite, check_keys
from publish.errors import ContentError, InputError
from publish.fsutil import require_inside
from publish.normalizer import parse_normalized
from publish.normalizer.model import NormalizedSource
from publish.normalizer.rawtext import decode, read_raw

TOPIC_FILE = "topic.yaml"
STATUSES = ("draft", "approved")
REQUIRED = ("id", "title", "version", "status", "updated", "next_review", "language")
OPTIONAL = ("subtitle", "summary", "approved_by", "approved_on", "sources")
SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Control:
    """Document control: what this document is, which version, and who approved it."""

    id: str
    title: str
    version: str
    status: str
    updated: date
    next_review: date
    language: str
    subtitle: str | None = None
    summary: str | None = None
    approved_by: str | None = None
    approved_on: date | None = None

    @property
    def is_draft(self) -> bool:
        return self.status != "approved"


@dataclass(frozen=True)
class Text:
    """An editorial Markdown file and the citations found in it."""

    path: Path
    markdown: str
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    cite: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    folder: Path
    control: Control
    patient: Text
    clinician: Text
    glossary: tuple[GlossaryEntry, ...]
    sources: tuple[NormalizedSource, ...]
    sources_folder: Path

    def source(self, key: str) -> NormalizedSource:
        return next(s for s in self.sources if s.id == key)

    def files(self) -> list[Path]:
        """Every input file the topic's artifacts depend on."""
        names = [TOPIC_FILE, "patient.md", "clinician.md", "glossary.yaml"]
        figures = sorted((self.folder / "figures").glob("*"))
        return [self.folder / n for n in names] + figures + sorted(self.sources_folder.glob("*.md"))


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise ContentError("missing file", path)
    return decode(read_raw(require_inside(path, path.parent)), path)


def _yaml(path: Path) -> Any:
    text = _read_text(path)
    return frontmatter.load_any(text, path)


def _date(data: dict[str, Any], key: str, path: Path) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(
            f"field {key!r} must be an ISO date (YYYY-MM-DD), not {value!r}", path
        ) from exc


def load_control(path: Path) -> tuple[Control, list[str] | None]:
    data = _yaml(path)
    if not isinstance(data, dict):
        raise ContentError("topic file must be a mapping of fields", path)
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            raise ContentError(f"missing required field {key!r}", path)
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ContentError(f"unknown field {unknown[0]!r}", path)
    for key in ("id", "title", "subtitle", "summary", "language", "approved_by"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ContentError(f"field {key!r} must be text", path)
    if not isinstance(data["version"], str | int | float):
        raise ContentError("field 'version' must be text such as 1.2.0", path)
    if data["status"] not in STATUSES:
        raise ContentError(f"field 'status' must be one of {', '.join(STATUSES)}", path)
    if not SAFE_ID.match(str(data["id"])):
        raise ContentError("field 'id' must be a lowercase slug (a-z, 0-9, '-')", path)
    if data["status"] == "approved":
        for key in ("approved_by", "approved_on"):
            if not data.get(key):
                raise ContentError(f"status is approved but field {key!r} is empty", path)
    control = Control(
        id=str(data["id"]),
        title=str(data["title"]),
        version=str(data["version"]),
        status=str(data["status"]),
        updated=_date(data, "updated", path),  # type: ignore[arg-type]
        next_review=_date(data, "next_review", path),  # type: ignore[arg-type]
        language=str(data["language"]),
        subtitle=data.get("subtitle"),
        summary=data.get("summary"),
        approved_by=data.get("approved_by"),
        approved_on=_date(data, "approved_on", path),
    )
    sources = data.get("sources")
    if sources is not None and not (
        isinstance(sources, list) and all(isinstance(s, str) for s in sources)
    ):
        raise ContentError("field 'sources' must be a list of source ids", path)
    return control, sources


def load_sources(folder: Path, wanted: list[str] | None) -> tuple[NormalizedSource, ...]:
    """Normalized sources from `folder`, in the order `wanted` lists them (else by id)."""
    if not folder.is_dir():
        raise ContentError("no normalized sources folder (run `publish normalize`)", folder)
    found: dict[str, NormalizedSource] = {}
    for path in sorted(folder.glob("*.md")):
        require_inside(path, folder)
        source = parse_normalized(decode(read_raw(path), path), path)
        if source.id in found:
            raise InputError(f"duplicate source id {source.id!r}", path)
        found[source.id] = source
    if wanted is None:
        return tuple(found[k] for k in sorted(found))
    missing = [key for key in wanted if key not in found]
    if missing:
        raise ContentError(
            f"source {missing[0]!r} listed in topic but not found in {folder}", folder
        )
    return tuple(found[key] for key in wanted)


def load_glossary(path: Path, known: set[str]) -> tuple[GlossaryEntry, ...]:
    if not path.is_file():
        return ()
    data = _yaml(path) or []
    if not isinstance(data, list):
        raise ContentError("glossary must be a list of {term, definition, cite}", path)
    entries = []
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not entry.get("term") or not entry.get("definition"):
            raise ContentError(f"glossary entry {number} needs 'term' and 'definition'", path)
        cite = tuple(str(k) for k in entry.get("cite") or [])
        for key in cite:
            if key not in known:
                raise ContentError(
                    f"unknown citation key @{key} in glossary entry {entry['term']!r}", path
                )
        entries.append(GlossaryEntry(str(entry["term"]), str(entry["definition"]), cite))
    return tuple(sorted(entries, key=lambda e: e.term.lower()))


IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^)\s>]*)")


def check_figures(markdown: str, path: Path) -> None:
    """Every figure is a relative path inside the topic folder: never a URL or a system file."""
    for match in IMAGE.finditer(markdown):
        src = match.group("src")
        line = markdown.count("\n", 0, match.start()) + 1
        target = (path.parent / src).resolve()
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", src) or src.startswith(("/", "\\")):
            raise ContentError(
                f"figure {src!r} must be a relative path inside the topic folder", path, line
            )
        if not target.is_relative_to(path.parent.resolve()) or not target.is_file():
            raise ContentError(f"figure {src!r} not found inside the topic folder", path, line)


def load_text(path: Path, known: set[str]) -> Text:
    markdown = _read_text(path)
    check_figures(markdown, path)
    return Text(path, markdown, tuple(check_keys(markdown, path, known)))


def load_topic(folder: Path, sources_folder: Path | None = None) -> Topic:
    """Read and check a topic folder; sources come from `seeds/normalized` beside `seeds/topics`."""
    folder = Path(folder)
    if not (folder / TOPIC_FILE).is_file():
        raise ContentError(f"not a topic folder (no {TOPIC_FILE})", folder)
    control, wanted = load_control(folder / TOPIC_FILE)
    sources_folder = sources_folder or folder.parent.parent / "normalized"
    sources = load_sources(sources_folder, wanted)
    known = {s.id for s in sources}
    return Topic(
        folder=folder,
        control=control,
        patient=load_text(folder / "patient.md", known),
        clinician=load_text(folder / "clinician.md", known),
        glossary=load_glossary(folder / "glossary.yaml", known),
        sources=sources,
        sources_folder=sources_folder,
    )
