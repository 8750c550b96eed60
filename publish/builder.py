"""`publish build`: render a topic's artifacts and write them, all or nothing, with a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from publish import __version__, manifest, outdir
from publish.errors import OutputError, PublishError, ReleaseError, UsageError
from publish.patterns import LANGUAGE
from publish.profile import DEFAULT, PAPERS, Profile
from publish.project import TOPIC_FILE, Project, parse_shard
from publish.render import registry
from publish.render.forked import render_all
from publish.render.options import Options
from publish.topic import (
    Topic,
    input_files,
    load_topic,
    peek,
    peek_id,
    translations,
    variant_name,
)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_Unit = TypeVar("_Unit", bound=_Named)


@dataclass
class TopicResult:
    """One topic's build: where it went and what was written."""

    topic: str
    folder: Path
    language: str | None = None
    """The translation's language tag; None for the topic's original text."""
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    """Manifest entries of the selected artifacts, built now or up to date."""
    up_to_date: list[str] = field(default_factory=list)
    """Artifacts skipped because nothing they depend on changed."""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was not built, and why, when that is expected: a selected artifact whose text the
    topic does not have in this language (no clinician.md), a glossary that is not there."""
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
                    "language": t.language,
                    "folder": str(t.folder),
                    "seconds": round(t.seconds, 3),
                    "warnings": t.warnings,
                    "notes": t.notes,
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
    """A release is refused for a draft, a topic whose review date has passed, and a
    translation that no person approved or that was made from an older version."""
    path = topic.folder / TOPIC_FILE
    control = topic.control
    translation = topic.translation
    if translation is not None:
        if translation.status != "approved":
            raise ReleaseError(
                "release refused: the translation's 'status' is draft (needs approved)",
                translation.path,
            )
        stale = translation.stale(control.version)
        if stale:
            raise ReleaseError(f"release refused: {stale}", translation.path)
    if control.is_draft:
        raise ReleaseError("release refused: field 'status' is draft (needs approved)", path)
    if control.next_review < today:
        raise ReleaseError(
            f"release refused: field 'next_review' ({control.next_review}) has passed", path
        )


@dataclass(frozen=True)
class Job:
    """One topic to build, with everything a worker process needs (it may not share our memory)."""

    folder: Path
    out: Path
    selected: tuple[registry.Artifact, ...]
    """The artifacts to bring up to date."""
    known: tuple[registry.Artifact, ...]
    """Every registered artifact, in manifest order: others found in the manifest are stale."""
    options: Options
    release: bool = False
    force: bool = False
    language: str | None = None
    """A translation's tag (patient.<tag>.md, built into dist/<id>.<tag>/); None: the original."""
    artifact_jobs: int = 1
    """Processes to render this topic's artifacts in at once (`publish.render.forked`): more
    than one only when this is the one topic and language being built."""

    @property
    def name(self) -> str:
        """The unit's name, as its output folder is named: `<folder>` or `<folder>.<tag>`."""
        return self.folder.name if self.language is None else f"{self.folder.name}.{self.language}"


def build_topic(job: Job, only_if_up_to_date: bool = False) -> TopicResult | None:
    """Render each selected artifact whose inputs changed, then write it; a failure writes nothing.

    Under the topic's lock, the topic's files are hashed once and each artifact's key
    compared with the manifest. An artifact whose key matches, and whose file is
    unchanged, is up to date and skipped (unless `force`); when nothing needs doing,
    the topic is not even parsed. Entries of artifacts no longer selected are kept
    only while their key still matches. With `only_if_up_to_date`, a topic with work to
    do is left alone and None returned: `build_topics` asks this first, in its own
    process, and hands only the rest to workers.
    """
    started = time.perf_counter()
    topic: Topic | None = None
    topic_id = peek_id(job.folder)
    if topic_id is None or job.release:
        # its errors name the file; a release needs its dates
        topic = load_topic(job.folder, language=job.language)
        if job.release:
            check_release(topic, date.today())
        topic_id = topic.control.id
    target = manifest.output_folder(job.out, topic_id, job.language)
    notes, skipped, chosen, every = _buildable(job)
    profile = manifest.ProfileRecord.of(job.options.profile, job.options.project)
    known = {a.name: a for a in every}
    selected = {a.name for a in chosen}
    with outdir.locked(target):
        files_in = input_files(job.folder, Project.sources_for(job.folder), job.language)
        inputs = manifest.inputs_digest(files_in)
        built = manifest.load_if_usable(target)
        entries = built.intact() if built else {}
        language = job.language or peek(job.folder, "language", LANGUAGE) or "en"
        keys = {
            name: manifest.input_hash(inputs, known[name], job.options, language)
            for name in selected | set(entries)
            if name in known
        }
        todo = [
            a
            for a in chosen
            if job.force or entries.get(a.name, {}).get("input_hash") != keys[a.name]
        ]
        stale = [
            n for n in entries if n not in selected and entries[n].get("input_hash") != keys.get(n)
        ]
        if (
            todo
            or stale
            or built is None
            or built.damaged()
            or (built.profile, built.not_built) != (profile, skipped)
        ):
            if only_if_up_to_date:
                return None
            topic = topic or load_topic(job.folder, language=job.language)
            files: dict[str, bytes] = {}
            for artifact, rendered in zip(
                todo, render_all(todo, topic, job.options, job.artifact_jobs), strict=True
            ):
                files[rendered.filename] = rendered.data
                entries[artifact.name] = manifest.entry(rendered, keys[artifact.name])
            removed = [entries.pop(name)["file"] for name in stale]
            ordered = [entries[n] for n in known if n in entries]
            text = manifest.render(topic, ordered, inputs, job.options.paper, profile, skipped)
            outdir.commit(target, {**files, manifest.MANIFEST: text.encode("utf-8")}, removed)
    result = TopicResult(topic_id, target, job.language, notes=notes)
    result.up_to_date = [a.name for a in chosen if a not in todo]
    result.artifacts = [entries[a.name] for a in chosen]
    result.warnings = [w for a in chosen for w in entries[a.name].get("warnings", [])]
    result.seconds = time.perf_counter() - started
    return result


GLOSSARY_TEMPLATE = "epub/glossary.html"
"""An artifact rendered with this template prints the topic's glossary (the e-book)."""


def _buildable(
    job: Job,
) -> tuple[list[str], dict[str, str], tuple[registry.Artifact, ...], tuple[registry.Artifact, ...]]:
    """What this language builds from the files the topic has: notes on what the selected
    artifacts leave out, the artifacts not built on purpose with why (for the manifest,
    so `check` does not expect them), the selected artifacts it builds, and every artifact
    it can build. A topic without clinician.md (or a translation without clinician.<tag>.md)
    has no clinician sheet and an e-book without the clinician chapter."""
    missing = {a.name: manifest.missing_text(a, job.folder, job.language) for a in job.known}
    skipped = {name: f"no {file}" for name, file in missing.items() if file}
    notes = [
        manifest.not_built(a.label.lower(), job.language, file)
        for a in job.selected
        if (file := missing.get(a.name))
    ]
    chosen = tuple(a for a in job.selected if not missing.get(a.name))
    glossary = variant_name("glossary.yaml", job.language)
    if (
        any(GLOSSARY_TEMPLATE in a.templates for a in chosen)
        and not (job.folder / glossary).is_file()
    ):
        notes.append(manifest.not_built("glossary", job.language, glossary))
    return notes, skipped, chosen, tuple(a for a in job.known if not missing.get(a.name))


def shard(units: list[_Unit], spec: str | None) -> list[_Unit]:
    """`I/N`: the units (a topic in one language, `Job`; or topic folders) whose name hashes
    to share I of N; stable as topics and languages come and go. Each unit builds into a
    folder of its own with its own manifest, so the shards' `dist/` folders merge by copying."""
    if not spec:
        return units
    index, count = parse_shard(spec)
    return [
        unit
        for unit in units
        if int(hashlib.sha256(unit.name.encode()).hexdigest(), 16) % count == index - 1
    ]


def _build_one(job: Job, only_if_up_to_date: bool = False) -> TopicResult | PublishError | None:
    """Worker entry point: a result or the error, never an exception across processes."""
    try:
        return build_topic(job, only_if_up_to_date)
    except PublishError as exc:
        return exc
    except OSError as exc:  # a full disk or temporary folder while rendering: exit 6
        return OutputError(f"cannot write: {exc.strerror or exc}", exc.filename or job.folder)


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
    languages: Iterable[str] | None = None,
    variants: Iterable[str] | None = None,
) -> BuildResult:
    """Build each topic into `out/<topic id>/`, and each of its translations into
    `out/<topic id>.<tag>/`; a failing topic or language does not stop the others.

    `paths` are topic folders (default: every topic of the project, or the bundled one);
    `languages` picks languages by tag (default: the original and every translation);
    `variants` adds artifacts built only on request (the large-print handout);
    `only` names artifacts of the registry (default: all); `paper` defaults to the
    profile's; `release` refuses drafts and overdue topics; `force` rebuilds what is up
    to date; `jobs` worker processes (default: one per core) build topics in parallel;
    `shard_spec` "I/N" keeps share I of N of the (topic, language) units; `progress` is
    called once per topic as it finishes; `project` defaults to the working folder.
    """
    selected = tuple(only) if only else (*registry.defaults(), *(variants or ()))
    for name in selected:
        if name not in registry.ARTIFACTS:
            choices = ", ".join(registry.names())
            raise UsageError(f"unknown artifact {name!r}; choose from {choices}")
    paper = paper or profile.paper
    if paper not in PAPERS:
        raise UsageError(f"unknown paper size {paper!r}; choose from {', '.join(PAPERS)}")
    project = project or Project.find()
    options = Options(paper=paper, profile=profile, project=project)
    folders = project.topic_dirs(paths)
    known = tuple(registry.ARTIFACTS.values())
    chosen = tuple(registry.ARTIFACTS[name] for name in selected)
    tasks: list[Job] = []
    result = BuildResult()
    wanted = set(languages) if languages else None
    for folder in folders:
        try:
            found = _languages(Path(folder), wanted)
        except PublishError as exc:
            result.errors.append(exc)
            continue
        tasks.extend(
            Job(Path(folder), Path(out), chosen, known, options, release, force, language)
            for language in found
        )
    if wanted:
        built = {t.language or peek(t.folder, "language", LANGUAGE) for t in tasks}
        for tag in sorted(wanted - built):
            raise UsageError(f"no topic is written or translated in {tag!r} (--lang {tag})")
    tasks = shard(tasks, shard_spec)
    # units with nothing to do are answered here: starting workers would cost more
    done: dict[int, TopicResult | PublishError | None] = {
        index: None if force else _build_one(task, only_if_up_to_date=True)
        for index, task in enumerate(tasks)
    }
    _collect((o for o in done.values() if o is not None), progress)
    todo = [index for index, outcome in done.items() if outcome is None]
    work = [tasks[index] for index in todo]
    cores = jobs or os.cpu_count() or 1
    workers = min(cores, len(work)) or 1
    if len(work) == 1:  # one topic in one language: its artifacts side by side instead
        work = [replace(work[0], artifact_jobs=cores)]
    if workers > 1:
        from publish.workers import pool

        with pool(workers) as topic_workers:
            finished = _collect(topic_workers.map(_build_one, work), progress)
    else:
        finished = _collect(map(_build_one, work), progress)
    done.update(zip(todo, finished, strict=True))
    outcomes = [o for o in done.values() if o is not None]
    seen = set()
    for outcome in outcomes:
        if isinstance(outcome, PublishError):
            # a topic.yaml or source every language of a topic reads is reported once
            key = (outcome.raw, str(outcome.path), outcome.line, outcome.problems)
            if key not in seen:
                seen.add(key)
                result.errors.append(outcome)
        else:
            result.topics.append(outcome)
    return result


def _languages(folder: Path, wanted: set[str] | None) -> list[str | None]:
    """The languages of a topic to build: None for the original, then each translation's tag;
    `wanted` (from `--lang`) keeps those whose tag it names."""
    found: list[str | None] = [None, *translations(folder)]
    if wanted is None:
        return found
    own = peek(folder, "language", LANGUAGE)
    return [tag for tag in found if (own if tag is None else tag) in wanted]


def _collect(
    outcomes: Iterable[TopicResult | PublishError | None],
    progress: Callable[[TopicResult | PublishError], None] | None,
) -> list[TopicResult | PublishError | None]:
    collected: list[TopicResult | PublishError | None] = []
    for outcome in outcomes:
        if progress and outcome is not None:
            progress(outcome)
        collected.append(outcome)
    return collected
