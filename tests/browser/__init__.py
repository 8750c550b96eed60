"""axe-core in headless Chromium over local HTML pages, for tests.

Contrast, reflow and reading order depend on layout, which only a real browser computes, so
the HTML handouts and the site are checked in one: WCAG 2.1 A and AA rules (axe-core), at a
desktop and a phone width, with the network closed (every request that is not file: or data:
is aborted before it is sent, and reported). `axe.mjs` does the work; this module runs it
with `node`, resolving axe-core and puppeteer-core from `.ci/node/` where `bash .ci/run`
installs them, and turns its JSON into typed results.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / ".ci" / "node" / "node_modules"
"""Where `.ci/run` installs axe-core and puppeteer-core (`npm install --prefix .ci/node`)."""
SCRIPT = Path(__file__).with_name("axe.mjs")
PAGE_SECONDS = 60
"""Time allowed per page and width (the script enforces the same per step)."""
LAUNCH_SECONDS = 60
"""Time allowed to start Chromium and Node on a loaded machine."""
ATTEMPTS = 3
"""Chromium can fail to start on a loaded machine: runs that gave no result are retried."""
EXIT_BAD_JOB = 2
"""The script's exit status for a job it refuses: running it again cannot help."""


class HarnessError(RuntimeError):
    """The browser run gave no result (after every attempt), or a result that is not JSON."""


@dataclass(frozen=True)
class Violation:
    """One axe-core rule a page breaks, with the elements (CSS selectors) that break it."""

    id: str
    impact: str | None
    help: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class PageResult:
    """One page at one window width and zoom level."""

    page: Path
    width: int
    """Window width in px."""
    zoom: int
    """Browser zoom in percent; 100 for the plain widths."""
    css_width: int
    """The layout width: width * 100 / zoom."""
    violations: tuple[Violation, ...]
    blocked: tuple[str, ...]
    """Requests the page attempted that were not file: or data: (aborted, never sent)."""
    overflow: bool
    """The page scrolls sideways: it does not reflow at this width (WCAG 1.4.10)."""
    scroll_width: int
    screenshot: Path | None

    @property
    def ids(self) -> set[str]:
        """The ids of the rules broken, for assertions."""
        return {v.id for v in self.violations}

    def __str__(self) -> str:
        """A line for assertion messages: where, at which width, what failed."""
        broken = "; ".join(
            f"{v.id} ({v.impact}) at {', '.join(v.targets)}" for v in self.violations
        )
        return f"{self.page.name} at {self.width}px/{self.zoom}%: {broken or 'no violations'}"


def missing() -> str | None:
    """Why the harness cannot run here (node, chromium or the node modules absent), or None."""
    needs = {
        "node": shutil.which("node"),
        "chromium": shutil.which("chromium"),
        "axe-core": (NODE_MODULES / "axe-core" / "axe.min.js").is_file() or None,
        "puppeteer-core": (NODE_MODULES / "puppeteer-core" / "package.json").is_file() or None,
    }
    absent = [name for name, found in needs.items() if not found]
    if not absent:
        return None
    return f"{', '.join(absent)} missing: run `bash .ci/run` to install them"


needs_browser = pytest.mark.skipif(missing() is not None, reason=missing() or "")
"""Mark for tests that run the harness: skipped, with the command to run, where it cannot."""


def require_browser() -> None:
    """Skip the calling test (or fixture) when the harness cannot run here."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)


def axe(
    pages: Sequence[Path],
    widths: Sequence[int] = (1280, 390),
    screenshots: Path | None = None,
    zooms: Sequence[tuple[int, int]] = (),
) -> list[PageResult]:
    """Every page at every width, then at every (window width, zoom percent) in `zooms`
    (e.g. (640, 200): laid out at 320 CSS px), in that order. With `screenshots`, a full-page
    PNG of each goes to that folder. Violations are results, not errors: this raises only
    when the browser gave no result."""
    absent = [str(page) for page in pages if not page.is_file()]
    if absent:
        raise FileNotFoundError(f"no such page: {', '.join(absent)}")
    job = {
        "pages": [str(page.resolve()) for page in pages],
        "widths": list(widths),
        "zooms": [{"width": width, "percent": percent} for width, percent in zooms],
        "screenshots": str(screenshots.resolve()) if screenshots else None,
        "chromium": shutil.which("chromium"),
    }
    seconds = LAUNCH_SECONDS + PAGE_SECONDS * len(pages) * (len(widths) + len(zooms))
    output = _run(json.dumps(job), seconds)
    try:
        return [_result(item) for item in json.loads(output)["results"]]
    except (ValueError, KeyError, TypeError) as error:
        raise HarnessError(f"axe.mjs printed no result: {error}: {output[:500]}") from error


def _run(job: str, seconds: float) -> str:
    """The script's output, retried while a run gives none; never retried once it gave one."""
    failures = []
    for _ in range(ATTEMPTS):
        status, output, errors = _attempt(job, seconds)
        if status == 0:
            return output
        failures.append(errors.strip()[-1000:] or f"exit status {status}")
        if status == EXIT_BAD_JOB:
            break
    raise HarnessError("the browser gave no result:\n" + "\n".join(failures))


def _attempt(job: str, seconds: float) -> tuple[int, str, str]:
    """One run of the script: exit status, stdout, stderr. Past `seconds` the run and the
    Chromium it started are killed (one process group) and count as no result."""
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    with subprocess.Popen(
        ["node", str(SCRIPT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        start_new_session=True,
    ) as process:
        try:
            output, errors = process.communicate(job, timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return -1, "", f"no result within {seconds:.0f} s"
    return process.returncode, output, errors


def _result(item: dict[str, Any]) -> PageResult:
    """One entry of the script's JSON as a PageResult."""
    return PageResult(
        page=Path(item["page"]),
        width=int(item["width"]),
        zoom=int(item["zoom"]),
        css_width=int(item["css_width"]),
        violations=tuple(
            Violation(str(v["id"]), v["impact"], str(v["help"]), tuple(v["targets"]))
            for v in item["violations"]
        ),
        blocked=tuple(str(url) for url in item["blocked"]),
        overflow=bool(item["overflow"]),
        scroll_width=int(item["scroll_width"]),
        screenshot=Path(item["screenshot"]) if item["screenshot"] else None,
    )
