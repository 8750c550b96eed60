"""What the site publishes: each built topic in each language, read from `dist/` alone.

The site is made from built files and their manifests, never from the topics, so it can be
made on another machine from `dist/` folders copied together, and what it offers is byte for
byte what `publish build` made and `publish check` judged. A folder whose files no longer
match its manifest, or that lacks the web handout the page is made from, is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from publish.errors import ContentError
from publish.manifest import MANIFEST, Manifest
from publish.patterns import DATE, LANGUAGE, SLUG
from publish.render import registry
from publish.site.layout import page_path


@dataclass(frozen=True)
class Download:
    """One built file offered on a topic's page."""

    name: str
    """The artifact's name (`handout`, `epub`…)."""
    filename: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Edition:
    """One topic in one language, as built."""

    folder: Path
    """Its build folder in `dist/`."""
    manifest: Manifest
    downloads: tuple[Download, ...]
    mark: str | None = None
    """Why it is held back (`held_back`), when published anyway (`--drafts`): every page
    that shows it says so."""

    def field(self, name: str) -> Any:
        return self.manifest.fields.get(name)

    @property
    def topic(self) -> str:
        return str(self.field("topic"))

    @property
    def language(self) -> str:
        return str(self.field("language") or "en")

    @property
    def path(self) -> str:
        """Its page's folder in the site (`ketamine-depression/es/`)."""
        return page_path(self.topic, self.language)

    def held_back(self, today: date) -> str | None:
        """Why this edition is not fit to hand out, as `build --release` would refuse it: a
        draft (the topic or this translation), a translation made from an older version of
        the topic, or a review date that has passed. None: it may be published."""
        translation = self.field("translation") or {}
        if self.field("status") != "approved" or translation.get("status") == "draft":
            return "draft"
        if translation and translation.get("translated_from") != self.field("version"):
            return "translation out of date"
        if str(self.field("next_review")) < today.isoformat():
            return "review overdue"
        return None

    def download(self, name: str) -> Download | None:
        return next((d for d in self.downloads if d.name == name), None)


def read_edition(folder: Path) -> Edition:
    """A build folder's manifest and files, each checked against the manifest. What becomes
    a path or a link on the site (topic id, language, file names) must have the shape a
    build writes: a manifest edited by hand cannot put a script or another page there."""
    built = Manifest.load(folder)
    for name, pattern in (("topic", SLUG), ("language", LANGUAGE), ("next_review", DATE)):
        value = built.fields.get(name)
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            raise ContentError(f"the manifest's {name!r} is not one a build writes", built.path)
    damaged = built.damaged()
    if damaged:
        raise ContentError(
            f"{damaged[0]['file']} does not match the manifest; run publish build", folder
        )
    downloads = []
    for item in built.entries:
        artifact = registry.get(str(item["name"]))
        if artifact is None:
            raise ContentError(f"unknown artifact {item['name']!r} in the manifest", built.path)
        if item["file"] != artifact.filename:
            raise ContentError(
                f"{artifact.name} is {item['file']!r} in the manifest, not {artifact.filename}",
                built.path,
            )
        size = built.file(item).stat().st_size
        downloads.append(
            Download(artifact.name, artifact.filename, artifact.media_type, size, item["sha256"])
        )
    edition = Edition(folder, built, tuple(downloads))
    if edition.download("web") is None:
        web = registry.ARTIFACTS["web"].filename
        raise ContentError(
            f"no web handout ({web}) to make the page from; run publish build", folder
        )
    return edition


def editions(
    dist: Path, drafts: bool, today: date
) -> tuple[list[Edition], list[tuple[Edition, str]]]:
    """Every built edition in `dist/`, sorted by topic then language: those published, and
    those held back with why (with `drafts`, all are published and none held back)."""
    found = [
        read_edition(folder)
        for folder in sorted(dist.iterdir())
        if folder.is_dir()
        and not folder.name.startswith((".", "_"))
        and (folder / MANIFEST).exists()
    ]
    seen: dict[str, Edition] = {}
    for edition in found:
        other = seen.setdefault(edition.path, edition)
        if other is not edition:
            raise ContentError(
                f"{other.folder.name} and {edition.folder.name} are both {edition.path}; keep one",
                dist,
            )
    found.sort(key=lambda e: (e.topic, e.field("translation") is not None, e.language))
    marked = [replace(e, mark=e.held_back(today)) for e in found]
    if drafts:
        return marked, []
    return [e for e in marked if e.mark is None], [(e, e.mark) for e in marked if e.mark]
