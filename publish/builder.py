"""`publish build`: render a topic's artifacts and write them, all or nothing, with a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from publish import __version__, fsutil, manifest, outdir
from publish.errors import PublishError, ReleaseError, UsageError
from publish.profile import DEFAULT, PAPERS, Profile
from publish.project import TOPIC_FILE, Project
from publish.render import registry
from publish.render.options import Options
from publish.topic import Topic, input_files, load_topic, peek_id


@dataclass
class TopicResult:
    """One topic's build: where it went and what was written."""

    topic: str
    folder: Path
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    """Manifest entries of the selected artifacts, built now or up to date."""
    up_to_date: list[str] = field(default_factory=list)
    """Artifacts skipped because nothing they depend on changed."""
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
                    "up_to_date": t.up_to_date,
                    "artifacts": t.artifacts,
                }
                for t in self.topics
            ],
            "errors": [item for e in self.errors for item in error_dicts(e)],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def error_dicts(error: PublishError) -> list[dict[str, Any]]:
    """One JSON error per problem of the error, each with its file, line and exit code."""
    file = str(error.path) if error.path else None
    return [
        {"message": message, "file": file, "line": line, "exit_code": error.exit_code}
        for message, line in ((error.raw, error.line), *error.problems)
    ]


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
    folder: Path,
    out: Path,
    only: tuple[str, ...],
    options: Options,
    release: bool = False,
    force: bool = False,
) -> TopicResult:
    """Render each selected artifact whose inputs changed, then write it; a failure writes nothing.

    An artifact whose input hash matches the manifest, and whose file is unchanged, is
    up to date and skipped (unless `force`).
    """
    started = time.perf_counter()
    unchanged = None if (release or force) else _unchanged(folder, out, only, options)
    if unchanged is not None:
        unchanged.seconds = time.perf_counter() - started
        return unchanged
    topic = load_topic(folder)
    if release:
        check_release(topic, date.today())
    target = out / topic.control.id
    result = TopicResult(topic.control.id, target)
    inputs = topic.files()
    with outdir.locked(target):
        entries = manifest.current_entries(target)
        files: dict[str, bytes] = {}
        for name in only:
            artifact = registry.ARTIFACTS[name]
            key = manifest.input_hash(inputs, artifact, options)
            if not force and entries.get(name, {}).get("input_hash") == key:
                result.up_to_date.append(name)
                continue
            rendered = artifact.render_module().render_file(topic, options)
            files[rendered.filename] = rendered.data
            entries[name] = manifest.entry(rendered, key)
        stale = []
        for name in set(entries) - set(only):  # not rebuilt now: keep only if still current
            known = registry.get(name)
            key = manifest.input_hash(inputs, known, options) if known else ""
            if entries[name].get("input_hash") != key:
                stale.append(entries.pop(name)["file"])
        ordered = [entries[n] for n in registry.names() if n in entries]
        text = manifest.render(topic, ordered)
        path = target / manifest.MANIFEST
        if files or stale or not path.is_file() or path.read_text(encoding="utf-8") != text:
            outdir.commit(target, {**files, manifest.MANIFEST: text.encode("utf-8")}, stale)
    for name in only:
        result.warnings.extend(entries[name].get("warnings", []))
    result.artifacts = [entries[n] for n in only]
    result.seconds = time.perf_counter() - started
    return result


def _unchanged(
    folder: Path, out: Path, only: tuple[str, ...], options: Options
) -> TopicResult | None:
    """The result of a build with nothing to do, found without parsing the topic; else None.

    Every artifact in the manifest (selected or not) must have the input hash it was
    built from: the same topic, sources, templates, profile and toolkit, all checked
    when it was built. Anything else, or any doubt, takes the full path.
    """
    topic_id = peek_id(folder)
    if topic_id is None:
        return None
    target = out / topic_id
    if not fsutil.plain_folder(target):
        return None  # a linked output folder is refused by the full path, never read
    entries = manifest.current_entries(target)
    if not set(only) <= set(entries):
        return None
    inputs = input_files(folder, Project.sources_for(folder))
    for name, item in entries.items():
        known = registry.get(name)
        if known is None or item.get("input_hash") != manifest.input_hash(inputs, known, options):
            return None
    result = TopicResult(topic_id, target, up_to_date=list(only))
    result.artifacts = [entries[n] for n in only]
    result.warnings = [w for n in only for w in entries[n].get("warnings", [])]
    return result


def shard(folders: list[Path], spec: str | None) -> list[Path]:
    """`I/N`: the topics whose name hashes to share I of N; stable as topics come and go."""
    if not spec:
        return folders
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise UsageError(f"shard must look like I/N (e.g. 1/4), not {spec!r}") from None
    if not 1 <= index <= count:
        raise UsageError(f"shard {spec!r}: I must be between 1 and N")
    share = [
        f
        for f in folders
        if int(hashlib.sha256(f.name.encode()).hexdigest(), 16) % count == index - 1
    ]
    return share


def _build_one(
    args: tuple[Path, Path, tuple[str, ...], Options, bool, bool],
) -> TopicResult | PublishError:
    """Worker entry point: a result or the error, never an exception across processes."""
    try:
        return build_topic(*args)
    except PublishError as exc:
        return exc


def build_topics(
    paths: Iterable[Path | str] = (),
    out: Path | str = "dist",
    *,
    only: Iterable[str] | None = None,
    paper: str | None = None,
    profile: Profile = DEFAULT,
    release: bool = False,
    force: bool = False,
    jobs: int | None = None,
    shard_spec: str | None = None,
    progress: Callable[[TopicResult | PublishError], None] | None = None,
    project: Project | None = None,
) -> BuildResult:
    """Build each topic into `out/<topic id>/`; a failing topic does not stop the others.

    `paths` are topic folders (default: every topic of the project, or the bundled one);
    `only` names artifacts of the registry (default: all); `paper` defaults to the
    profile's; `release` refuses drafts and overdue topics; `force` rebuilds what is up
    to date; `jobs` worker processes (default: one per core) build topics in parallel;
    `shard_spec` "I/N" keeps share I of N of the topics; `progress` is called once per
    topic as it finishes; `project` defaults to the working folder.
    """
    selected = tuple(only) if only else registry.names()
    for name in selected:
        if name not in registry.ARTIFACTS:
            choices = ", ".join(registry.names())
            raise UsageError(f"unknown artifact {name!r}; choose from {choices}")
    paper = paper or profile.paper
    if paper not in PAPERS:
        raise UsageError(f"unknown paper size {paper!r}; choose from {', '.join(PAPERS)}")
    project = project or Project.find()
    options = Options(paper=paper, profile=profile, project=project)
    folders = shard(project.topic_dirs(paths), shard_spec)
    tasks = [(Path(f), Path(out), selected, options, release, force) for f in folders]
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = _collect(pool.map(_build_one, tasks), progress)
    else:
        outcomes = _collect(map(_build_one, tasks), progress)
    result = BuildResult()
    for outcome in outcomes:
        if isinstance(outcome, PublishError):
            result.errors.append(outcome)
        else:
            result.topics.append(outcome)
    return result


def _collect(
    outcomes: Iterable[TopicResult | PublishError],
    progress: Callable[[TopicResult | PublishError], None] | None,
) -> list[TopicResult | PublishError]:
    collected = []
    for outcome in outcomes:
        if progress:
            progress(outcome)
        collected.append(outcome)
    return collected
