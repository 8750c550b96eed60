"""A build killed at any moment, racing another build, or failing, never leaves a broken
`dist/<topic>/`: the folder always holds a manifest whose every file exists with its sha256,
and each artifact is a complete version, the previous one or the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

TOPIC = Path("seeds/topics/ketamine-depression")
OUTPUT = Path("dist/ketamine-depression")
STAGING = ".ketamine-depression.staging-"
Run = Callable[..., subprocess.CompletedProcess[str]]


def start_build(project: Path, *args: str) -> subprocess.Popen[str]:
    """`publish build` in a process of its own, as a user or a CI job would start it."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(
        [sys.executable, "-m", "publish", "build", "-q", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def complete_folder(folder: Path) -> dict[str, str]:
    """The artifacts of a topic folder by file name and sha256, checked against its manifest."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    found = {}
    for entry in manifest["artifacts"]:
        path = folder / entry["file"]
        assert path.is_file(), f"{entry['file']} is in the manifest but missing"
        data = path.read_bytes()
        assert len(data) == entry["bytes"], entry["file"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        found[entry["file"]] = entry["sha256"]
    assert set(found) == {"handout.pdf", "clinician-summary.pdf", "reader.epub", "handout.html"}
    return found


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder`, hidden ones included, with its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def staging_folders(project: Path) -> list[str]:
    dist = project / "dist"
    return sorted(n for n in os.listdir(dist) if n.startswith(STAGING)) if dist.is_dir() else []


def edit_texts(project: Path) -> None:
    """A new version of the topic: every artifact's text changes."""
    for name in ("patient.md", "clinician.md"):
        path = project / TOPIC / name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text + "\nThis text was revised [@ketamine-depression-how-it-works].\n",
            encoding="utf-8",
        )


@pytest.fixture
def project(built_project: Path, tmp_path: Path) -> Path:
    """A copy of a project whose dist/ holds one complete build of the default topic, which a
    test may change."""
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy)
    return copy


def kill(process: subprocess.Popen[str]) -> bool:
    """SIGKILL the build (by its id); True if it was still running."""
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    return running


def kill_when_writing(project: Path, after: float) -> tuple[bool, bool]:
    """Start a forced build and kill it `after` seconds once its staging folder appears.

    Returns (killed while running, staging folder seen).
    """
    earlier = set(staging_folders(project))  # left by an earlier kill; not this build's
    process = start_build(project, "--force")
    deadline = time.monotonic() + 60
    seen = False
    while process.poll() is None and time.monotonic() < deadline:
        if set(staging_folders(project)) - earlier:
            seen = True
            break
        time.sleep(0.0005)
    if seen and after:
        time.sleep(after)
    return kill(process), seen


def test_sigkill_at_any_moment_leaves_a_complete_folder(project: Path, run_publish: Run) -> None:
    folder = project / OUTPUT
    old = complete_folder(folder)
    edit_texts(project)
    observed: list[tuple[str, dict[str, str]]] = []
    stopped_running = []
    for delay in (0.3, 0.8, 1.3, 1.8):  # while rendering
        process = start_build(project, "--force")
        time.sleep(delay)
        stopped_running.append(kill(process))
        observed.append((f"killed after {delay} s", complete_folder(folder)))
    for after in (0.0, 0.001, 0.005):  # while the staging folder is written and swapped
        running, seen = kill_when_writing(project, after)
        stopped_running.append(running)
        moment = f"killed {after} s after staging appeared" if seen else "finished first"
        observed.append((moment, complete_folder(folder)))
    assert any(stopped_running), "no build was killed while it ran"

    leftover = project / "dist" / f"{STAGING}left-by-a-kill"
    leftover.mkdir(exist_ok=True)
    (leftover / "handout.pdf").write_bytes(b"half a PDF")
    final = run_publish("build", "--force", cwd=project)
    assert final.returncode == 0, final.stderr
    assert staging_folders(project) == [], "the next build removes staging leftovers"
    new = complete_folder(folder)
    assert all(new[name] != old[name] for name in new), "every artifact has a new version"
    for moment, files in observed:
        for name, digest in files.items():
            assert digest in (old[name], new[name]), f"{moment}: {name} is neither version"


@pytest.mark.parametrize("stagger", [0.0, 0.4])
def test_two_builds_at_once_never_corrupt_the_folder(project: Path, stagger: float) -> None:
    edit_texts(project)
    first = start_build(project, "--force")
    time.sleep(stagger)
    second = start_build(project, "--force")
    outcomes = []
    for process in (first, second):
        _, stderr = process.communicate(timeout=120)
        outcomes.append((process.returncode, stderr))
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 6]), outcomes
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        if code == 6:
            [line] = [x for x in stderr.splitlines() if x.startswith("error:")]
            assert "another build is writing" in line and str(OUTPUT) in line
    complete_folder(project / OUTPUT)
    assert staging_folders(project) == []


def test_failed_build_leaves_dist_byte_identical(project: Path, run_publish: Run) -> None:
    before = snapshot(project / "dist")
    patient = project / TOPIC / "patient.md"
    text = patient.read_text(encoding="utf-8")
    patient.write_text(text + "\nA claim from nowhere [@no-such-source].\n", encoding="utf-8")
    result = run_publish("build", "--force", cwd=project)
    assert result.returncode == 4, result.stderr
    assert "unknown citation key @no-such-source" in result.stderr
    assert snapshot(project / "dist") == before
