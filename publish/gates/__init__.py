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
from publish.gates.built import artifacts, built_files, safety
from publish.gates.control import document_control
from publish.gates.findings import STATUSES, CheckResult, Finding
from publish.gates.text import (
    DEFAULT_MAX_GRADE,
    WARN_GRADE,
    citations,
    evidence,
    readability,
)
from publish.profile import DEFAULT, Profile
from publish.project import Project
from publish.topic import load_topic

__all__ = [
    "DEFAULT_MAX_GRADE",
    "STATUSES",
    "WARN_GRADE",
    "CheckResult",
    "Finding",
    "artifacts",
    "check_topic",
    "check_topics",
    "citations",
    "document_control",
    "evidence",
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
    """Every gate on one topic; a topic that does not load fails with each of its problems."""
    try:
        topic = load_topic(topic_dir)
    except PublishError as exc:
        gate = "citations" if "citation" in str(exc) else "topic"
        file = str(exc.path) if exc.path else None
        problems = ((exc.raw, exc.line), *exc.problems)
        return [Finding(gate, "fail", text, file, line) for text, line in problems]
    files, missing = built_files(topic, dist, profile, project or Project.find())
    return [
        *readability(topic, max_grade),
        *citations(topic),
        *evidence(topic),
        *safety(topic, files, profile),
        *missing,
        *artifacts(files),
        *document_control(topic, today or date.today()),
    ]


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
