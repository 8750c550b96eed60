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
from publish.gates.built import artifacts, built_files, safety
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
    profile: Profile = DEFAULT,
    *,
    max_grade: float = DEFAULT_MAX_GRADE,
    today: date | None = None,
    project: Project | None = None,
) -> list[Finding]:
    """Every gate on one topic and each of its translations; a topic or translation that
    does not load fails with each of its problems."""
    project = project or Project.find()
    try:
        topic = load_topic(topic_dir, allow_placeholders=True)
        tags = translations(Path(topic_dir))
    except PublishError as exc:
        return _not_loaded(exc)
    findings = [
        *placeholders(Path(topic_dir)),
        *_language_gates(topic, dist, profile, max_grade, project),
        *evidence(topic),
        *document_control(topic, today or date.today()),
    ]
    for tag in tags:
        try:
            translated = load_topic(topic_dir, language=tag, allow_placeholders=True)
        except PublishError as exc:
            findings.extend(_not_loaded(exc))
            continue
        findings.extend(_language_gates(translated, dist, profile, max_grade, project))
        findings.extend(evidence(translated))
        findings.extend(translation_control(translated))
    return findings


def _language_gates(
    topic: Topic, dist: Path, profile: Profile, max_grade: float, project: Project
) -> list[Finding]:
    """The gates each language of a topic passes on its own: its text and its built files."""
    files, missing = built_files(topic, dist, profile, project)
    return [
        *readability(topic, max_grade),
        *actionable(topic, profile.locale, project.templates),
        *citations(topic),
        *language(topic, dist),
        *safety(topic, files, profile, project),
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
    profile: Profile = DEFAULT,
    max_grade: float = DEFAULT_MAX_GRADE,
    today: date | None = None,
    project: Project | None = None,
) -> CheckResult:
    """Run every gate on every topic (default: the same topics `publish build` would build).

    `dist` is where they were built; `profile` the clinic profile they were built with
    (its disclaimer and crisis lines are what the safety gate looks for); `max_grade`
    the reading grade above which the readability gate fails; `today` the date review
    deadlines are judged against; `project` defaults to the working folder.
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
            )
        )
    return result
