"""`publish check`: the gates a topic must pass before a clinic prints it.

Each gate returns findings (pass, warn or fail, with file and line where there
is one). Text gates read the topic; built-file gates read the files back, never
the templates, and the artifact registry says how to read each one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from publish.errors import PublishError
from publish.gates.actionable import actionable
from publish.gates.built import artifacts, build_profile, built_files, safety
from publish.gates.control import document_control, translation_control
from publish.gates.findings import STATUSES, CheckResult, Finding
from publish.gates.language import language
from publish.gates.placeholders import placeholders
from publish.gates.text import (
    DEFAULT_MAX_GRADE,
    WARN_GRADE,
    citations,
    evidence,
    readability,
)
from publish.profile import DEFAULT, Profile
from publish.project import Project
from publish.topic import Topic, load_topic, translations

__all__ = [
    "DEFAULT_MAX_GRADE",
    "STATUSES",
    "WARN_GRADE",
    "CheckResult",
    "Finding",
    "actionable",
    "artifacts",
    "check_topic",
    "check_topics",
    "citations",
    "document_control",
    "evidence",
    "language",
    "readability",
    "safety",
]


def check_topic(
    topic_dir: Path,
    dist: Path,
    profile: Profile | None = None,
    *,
    max_grade: float = DEFAULT_MAX_GRADE,
    today: date | None = None,
    project: Project | None = None,
    unrecorded: Profile = DEFAULT,
) -> list[Finding]:
    """Every gate on one topic and each of its translations; a topic or translation that
    does not load fails with each of its problems. `profile` and `unrecorded`: as for
    `check_topics`."""
    project = project or Project.find()
    try:
        topic = load_topic(topic_dir, allow_placeholders=True)
        tags = translations(Path(topic_dir))
    except PublishError as exc:
        return _not_loaded(exc)
    profiles = (profile, unrecorded)
    findings = [
        *placeholders(Path(topic_dir)),
        *_language_gates(topic, dist, profiles, max_grade, project),
        *evidence(topic),
        *document_control(topic, today or date.today()),
    ]
    for tag in tags:
        try:
            translated = load_topic(topic_dir, language=tag, allow_placeholders=True)
        except PublishError as exc:
            findings.extend(_not_loaded(exc))
            continue
        findings.extend(_language_gates(translated, dist, profiles, max_grade, project))
        findings.extend(evidence(translated))
        findings.extend(translation_control(translated))
    return findings


def _language_gates(
    topic: Topic,
    dist: Path,
    profiles: tuple[Profile | None, Profile],
    max_grade: float,
    project: Project,
) -> list[Finding]:
    """The gates each language of a topic passes on its own: its text and its built files,
    judged by the clinic profile its build used (`build_profile`); when that cannot be had
    or is not the one given, one finding says so instead of the safety gate's verdicts."""
    given, unrecorded = profiles
    built_with, problem = build_profile(topic, dist, given, unrecorded, project)
    profile = built_with or given or unrecorded
    files, missing = built_files(topic, dist, built_with, project)
    return [
        *readability(topic, max_grade),
        *actionable(topic, profile.locale, project.templates),
        *citations(topic),
        *language(topic, dist),
        *([problem] if problem else safety(topic, files, profile, project)),
        *missing,
        *artifacts(files, topic),
    ]


def _not_loaded(exc: PublishError) -> list[Finding]:
    gate = "citations" if "citation" in str(exc) else "topic"
    file = str(exc.path) if exc.path else None
    problems = ((exc.raw, exc.line), *exc.problems)
    return [Finding(gate, "fail", text, file, line) for text, line in problems]


def check_topics(
    paths: Iterable[Path | str] = (),
    dist: Path | str = "dist",
    *,
    profile: Profile | None = None,
    max_grade: float = DEFAULT_MAX_GRADE,
    today: date | None = None,
    project: Project | None = None,
    unrecorded: Profile = DEFAULT,
) -> CheckResult:
    """Run every gate on every topic (default: the same topics `publish build` would build).

    `dist` is where they were built. The safety gate looks for the disclaimer and crisis
    lines of the clinic profile each build used: `profile` None (the default) loads the
    one its manifest records; a `profile` given is compared with it, and a different one
    is one finding naming both. A build whose manifest records none (built before
    manifests did) is judged by `profile`, else `unrecorded` (`publish check` passes the
    project's publish.toml). `max_grade` is the reading grade above which the readability
    gate fails; `today` the date review deadlines are judged against; `project` defaults
    to the working folder.
    """
    project = project or Project.find()
    result = CheckResult()
    for folder in project.topic_dirs(paths):
        result.findings.extend(
            check_topic(
                Path(folder),
                Path(dist),
                profile,
                max_grade=max_grade,
                today=today,
                project=project,
                unrecorded=unrecorded,
            )
        )
    return result
