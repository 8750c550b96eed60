"""`publish build`: render a topic's artifacts and write them, all or nothing, with a manifest."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from publish import __version__
from publish.errors import ContentError, PublishError, ReleaseError
from publish.fsutil import write_atomic
from publish.profile import DEFAULT, PAPERS, Profile
from publish.render.options import Artifact, Options
from publish.resources import bundled_seeds
from publish.topic import TOPIC_FILE, Topic, load_topic

ARTIFACTS = ("handout", "clinician", "epub")
MANIFEST = "manifest.json"


def renderer(name: str) -> ModuleType:
    """The module that renders one artifact (imported on demand: WeasyPrint is heavy)."""
    from publish.render import clinician, epub, handout

    return {"handout": handout, "clinician": clinician, "epub": epub}[name]


@dataclass
class TopicResult:
    """One topic's build: where it went and what was written."""

    topic: str
    folder: Path
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BuildResult:
    topics: list[TopicResult] = field(default_factory=list)
    errors: list[PublishError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The `--json` document; its schema is publish/schemas/build.schema.json."""
        return {
            "ok": self.ok,
            "toolkit_version": __version__,
            "topics": [
                {
                    "topic": t.topic,
                    "folder": str(t.folder),
                    "seconds": round(t.seconds, 3),
                    "warnings": t.warnings,
                    "artifacts": t.artifacts,
                }
                for t in self.topics
            ],
            "errors": [error_dict(e) for e in self.errors],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def error_dict(error: PublishError) -> dict[str, Any]:
    return {
        "message": error.format_message(),
        "file": str(error.path) if error.path else None,
        "line": error.line,
        "exit_code": error.exit_code,
    }


def project_root(start: Path | None = None) -> Path | None:
    """The working folder, if it is a publish project (has seeds/topics/)."""
    folder = (start or Path.cwd()).resolve()
    return folder if (folder / "seeds" / "topics").is_dir() else None


def discover(paths: Iterable[Path | str], project: Path | None) -> list[Path]:
    """Topic folders named, or every topic under the project's (else the bundled) seeds/topics."""
    given = [Path(p) for p in paths]
    if given:
        return given
    root = Path("seeds") if project else bundled_seeds()  # project is the working folder
    return sorted(p for p in (root / "topics").iterdir() if (p / TOPIC_FILE).is_file())


def manifest_entry(artifact: Artifact, topic: Topic) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": artifact.name,
        "file": artifact.filename,
        "bytes": len(artifact.data),
        "sha256": hashlib.sha256(artifact.data).hexdigest(),
    }
    if artifact.pages is not None:
        entry["pages"] = artifact.pages
    if artifact.chapters is not None:
        entry["chapters"] = artifact.chapters
    if artifact.reading_grade is not None:
        entry["reading_grade"] = artifact.reading_grade
    entry["sources_cited"] = list(artifact.cited)
    entry["toolkit_version"] = __version__
    return entry


def manifest(topic: Topic, entries: list[dict[str, Any]]) -> str:
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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _previous_entries(folder: Path, keep: set[str]) -> list[dict[str, Any]]:
    """Entries of a previous manifest for artifacts not rebuilt now whose files still match."""
    try:
        old = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["artifacts"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    entries = []
    for entry in old:
        path = folder / str(entry.get("file", ""))
        unchanged = path.is_file() and _sha256(path) == entry.get("sha256")
        if entry.get("name") in keep and unchanged:
            entries.append(entry)
    return entries


def check_release(topic: Topic, today: date) -> None:
    """A release is refused for a draft, or a topic whose review date has passed."""
    path = topic.folder / TOPIC_FILE
    control = topic.control
    if control.is_draft:
        raise ReleaseError("release refused: field 'status' is draft (needs approved)", path)
    if control.next_review < today:
        raise ReleaseError(
            f"release refused: field 'next_review' ({control.next_review}) has passed", path
        )


def build_topic(
    folder: Path, out: Path, only: tuple[str, ...], options: Options, release: bool = False
) -> TopicResult:
    """Render every selected artifact in memory, then write them; a failure writes nothing."""
    started = time.perf_counter()
    topic = load_topic(folder)
    if release:
        check_release(topic, date.today())
    target = out / topic.control.id
    result = TopicResult(topic.control.id, target)
    artifacts = [renderer(name).render_artifact(topic, options) for name in only]
    for artifact in artifacts:
        write_atomic(target / artifact.filename, artifact.data)
        result.warnings.extend(artifact.warnings)
    entries = _previous_entries(target, set(ARTIFACTS) - set(only))
    entries += [manifest_entry(a, topic) for a in artifacts]
    entries.sort(key=lambda e: ARTIFACTS.index(e["name"]) if e["name"] in ARTIFACTS else 99)
    write_atomic(target / MANIFEST, manifest(topic, entries))
    result.artifacts = [e for e in entries if e["name"] in only]
    result.seconds = time.perf_counter() - started
    return result


def build_topics(
    paths: Iterable[Path | str] = (),
    out: Path | str = "dist",
    *,
    only: Iterable[str] | None = None,
    paper: str | None = None,
    profile: Profile = DEFAULT,
    release: bool = False,
) -> BuildResult:
    """Build each topic; a failing topic is reported and the others still build."""
    selected = tuple(only) if only else ARTIFACTS
    for name in selected:
        if name not in ARTIFACTS:
            raise ContentError(f"unknown artifact {name!r}; choose from {', '.join(ARTIFACTS)}")
    paper = paper or profile.paper
    if paper not in PAPERS:
        raise ContentError(f"unknown paper size {paper!r}; choose from {', '.join(PAPERS)}")
    project = project_root()
    options = Options(paper=paper, profile=profile, project=project)
    result = BuildResult()
    for folder in discover(paths, project):
        try:
            result.topics.append(build_topic(folder, Path(out), selected, options, release))
        except PublishError as exc:
            result.errors.append(exc)
    return result
