"""manifest.json: what was built, from which inputs, so unchanged artifacts can be skipped."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from publish import __version__
from publish.render.options import Artifact, Options
from publish.resources import bundled_templates, template_file
from publish.topic import Topic

MANIFEST = "manifest.json"


def input_hash(topic: Topic, name: str, templates: tuple[str, ...], options: Options) -> str:
    """Hash of all an artifact depends on: toolkit, options, topic, sources, templates, fonts."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("toolkit", __version__.encode())
    add("artifact", name.encode())
    add("options", repr((options.paper, options.profile)).encode())
    add("epoch", os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for path in topic.files():  # the topic's own files and the normalized sources
        if path.is_file():
            add(f"file:{path.name}", path.read_bytes())
    fonts = sorted(p.name for p in (bundled_templates() / "fonts").glob("*.ttf"))
    for name_ in (*templates, *(f"fonts/{f}" for f in fonts)):
        add(f"template:{name_}", template_file(name_, options.templates).read_bytes())
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entry(artifact: Artifact, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": artifact.name,
        "file": artifact.filename,
        "bytes": len(artifact.data),
        "sha256": hashlib.sha256(artifact.data).hexdigest(),
    }
    if artifact.pages is not None:
        data["pages"] = artifact.pages
    if artifact.chapters is not None:
        data["chapters"] = artifact.chapters
    if artifact.reading_grade is not None:
        data["reading_grade"] = artifact.reading_grade
    data["sources_cited"] = list(artifact.cited)
    data["warnings"] = list(artifact.warnings)
    data["input_hash"] = key
    data["toolkit_version"] = __version__
    return data


def render(topic: Topic, entries: list[dict[str, Any]]) -> str:
    control = topic.control
    data = {
        "topic": control.id,
        "title": control.title,
        "version": control.version,
        "status": control.status,
        "updated": control.updated.isoformat(),
        "approved_by": control.approved_by,
        "approved_on": control.approved_on.isoformat() if control.approved_on else None,
        "next_review": control.next_review.isoformat(),
        "language": control.language,
        "toolkit_version": __version__,
        "artifacts": entries,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def current_entries(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries of the existing manifest whose files are still there, byte for byte."""
    try:
        old = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["artifacts"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    entries = {}
    for item in old if isinstance(old, list) else []:
        path = folder / str(item.get("file", ""))
        if path.is_file() and sha256_file(path) == item.get("sha256"):
            entries[str(item.get("name"))] = item
    return entries
