"""publish: turn messy clinical source material into trustworthy documents.

The public API is what this module exposes: `normalize`, `build`, `check`, the
`Project` they work in and the `PublishError` family they raise. Heavy libraries
(WeasyPrint, ebooklib) load only when a build actually runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import PublishError
from publish.project import Project

__version__ = "0.1.0"

if TYPE_CHECKING:
    from publish.builder import BuildResult, TopicResult
    from publish.gates import CheckResult
    from publish.normalizer.pipeline import NormalizeResult
    from publish.profile import Profile

__all__ = ["Project", "PublishError", "__version__", "build", "check", "normalize"]


def normalize(
    paths: Iterable[Path | str] = ("seeds/raw",),
    out: Path | str = "seeds/normalized",
    *,
    check: bool = False,
    overrides: Path | str | None = None,
    project: Project | None = None,
) -> NormalizeResult:
    """Normalize raw documents (files or folders) into `out/<id>.md`; see `publish normalize`.

    Bad inputs are in `result.errors` and do not stop the others; with `check`, nothing
    is written and files that would change are in `result.stale`.
    """
    from publish.normalizer import normalize_paths

    return normalize_paths(paths, out, check=check, overrides=overrides, project=project)


def build(
    paths: Iterable[Path | str] = (),
    out: Path | str = "dist",
    *,
    only: Iterable[str] | None = None,
    paper: str | None = None,
    profile: Profile | None = None,
    release: bool = False,
    force: bool = False,
    jobs: int | None = None,
    shard_spec: str | None = None,
    progress: Callable[[TopicResult | PublishError], None] | None = None,
    project: Project | None = None,
) -> BuildResult:
    """Build topics into `out/<topic id>/`; see `publish build` and `builder.build_topics`."""
    from publish.builder import build_topics
    from publish.profile import DEFAULT

    return build_topics(
        paths,
        out,
        only=only,
        paper=paper,
        profile=profile or DEFAULT,
        release=release,
        force=force,
        jobs=jobs,
        shard_spec=shard_spec,
        progress=progress,
        project=project,
    )


def check(
    paths: Iterable[Path | str] = (),
    dist: Path | str = "dist",
    *,
    profile: Profile | None = None,
    max_grade: float = 8.0,
    today: date | None = None,
    project: Project | None = None,
) -> CheckResult:
    """Run every gate on built topics; see `publish check` and `gates.check_topics`."""
    from publish.gates import check_topics
    from publish.profile import DEFAULT

    return check_topics(
        paths, dist, profile=profile or DEFAULT, max_grade=max_grade, today=today, project=project
    )
