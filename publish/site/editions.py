"""What the site publishes: each built topic in each language, read from `dist/` alone.

The site is made from built files and their manifests, never from the topics, so it can be
made on another machine from `dist/` folders copied together, and what it offers is byte for
byte what `publish build` made and `publish check` judged. A folder whose files no longer
match its manifest, or that lacks the web handout the page is made from, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.errors import ContentError
from publish.manifest import MANIFEST, Manifest
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

    @property
    def is_draft(self) -> bool:
        """Not approved: the topic, or this translation of it, is still a draft."""
        translation = self.field("translation") or {}
        return self.field("status") != "approved" or translation.get("status") == "draft"

    def download(self, name: str) -> Download | None:
        return next((d for d in self.downloads if d.name == name), None)


def read_edition(folder: Path) -> Edition:
    """A build folder's manifest and files, each checked against the manifest."""
    built = Manifest.load(folder)
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
        downloads.append(
            Download(
                artifact.name,
                str(item["file"]),
                artifact.media_type,
                int(item["bytes"]),
                str(item["sha256"]),
            )
        )
    edition = Edition(folder, built, tuple(downloads))
    if edition.download("web") is None:
        raise ContentError(
            "no web handout (handout.html) to make the page from; run publish build", folder
        )
    return edition


def editions(dist: Path, drafts: bool) -> tuple[list[Edition], list[Edition]]:
    """Every built edition in `dist/`, sorted by topic then language: those published, and
    the drafts left out (all published with `drafts`)."""
    found = [
        read_edition(folder)
        for folder in sorted(dist.iterdir())
        if folder.is_dir()
        and not folder.name.startswith((".", "_"))
        and (folder / MANIFEST).exists()
    ]
    found.sort(key=lambda e: (e.topic, e.field("translation") is not None, e.language))
    published = [e for e in found if drafts or not e.is_draft]
    return published, [e for e in found if e not in published]
