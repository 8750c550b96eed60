"""`check` and `fhir` judge the whole topic as it is now, and a build keeps its manifest true.

A built folder is trusted only if every registered artifact is in it, each built from
the topic, sources, templates and clinic profile as they are now.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run_cli

from publish import outdir
from publish.builder import build_topics
from publish.gates import check_topics
from publish.profile import Profile
from publish.project import Project

TOPIC = Path("seeds/topics/ketamine-depression")
OUT = Path("dist/ketamine-depression")
CHANGED = "the topic or its sources changed since the build; run publish build first"


@pytest.fixture
def built(built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of a project with the default topic built into dist/, as the working folder."""
    project = tmp_path / "project"
    shutil.copytree(built_project, project, symlinks=True)
    monkeypatch.chdir(project)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return project


def artifact_failures(profile: Profile | None = None) -> list[str]:
    result = check_topics(profile=profile or Profile(), project=Project.find())
    return [f.message for f in result.findings if f.gate == "artifacts" and f.status == "fail"]


def test_a_fresh_build_passes_the_artifacts_gate(built: Path) -> None:
    assert artifact_failures() == []


@pytest.mark.parametrize(
    "edit",
    [
        TOPIC / "patient.md",
        TOPIC / "glossary.yaml",
        Path("seeds/normalized/ketamine-depression-how-it-works.md"),
    ],
    ids=["patient-text", "glossary", "a-source"],
)
def test_an_edit_after_the_build_fails_check_and_fhir(built: Path, edit: Path) -> None:
    with (built / edit).open("a", encoding="utf-8") as handle:
        handle.write("\n")

    assert artifact_failures() == [CHANGED]
    fhir = run_cli("fhir", cwd=built)
    assert fhir.returncode == 4, fhir.stderr
    assert f"error: {OUT / 'manifest.json'}: {CHANGED}" in fhir.stderr


def test_checking_with_another_profile_than_the_build_fails_each_artifact(built: Path) -> None:
    clinic = Profile(crisis=(("en", ("Call the Riverside crisis line: 555-0100.",)),))
    failures = artifact_failures(clinic)
    assert len(failures) == 4  # handout, clinician sheet, e-book, web handout
    assert all("another clinic profile" in message for message in failures)


def test_a_template_override_added_after_the_build_fails_the_artifacts_it_styles(
    built: Path,
) -> None:
    css = built / "templates" / "css" / "clinician.css"
    css.parent.mkdir(parents=True)
    css.write_text("/* the clinic's own */\n", encoding="utf-8")
    [failure] = artifact_failures()
    assert failure.startswith("clinician: built with other templates")


def test_an_artifact_deleted_after_the_build_leaves_the_manifest_on_a_partial_rebuild(
    built: Path,
) -> None:
    (built / OUT / "reader.epub").unlink()
    [topic] = build_topics(only=["handout"], jobs=1).topics
    assert topic.up_to_date == ["handout"]
    listed = json.loads((built / OUT / "manifest.json").read_text(encoding="utf-8"))
    assert [e["name"] for e in listed["artifacts"]] == ["handout", "clinician", "web"]
    assert artifact_failures() == ["epub: reader.epub was not built; run publish build"]


def test_a_build_with_nothing_to_do_still_waits_for_the_lock(built: Path) -> None:
    with outdir.locked(built / OUT):
        result = build_topics(jobs=1)
    [error] = result.errors
    assert error.exit_code == 6
    assert "another build is writing this folder" in str(error)


def test_a_full_disk_while_rendering_is_an_output_error_not_a_crash(
    new_project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from publish.render import pdf

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EFBIG, "File too large", "/tmp/tmpfont")

    monkeypatch.chdir(new_project("project"))
    monkeypatch.setattr(pdf, "render_pdf", full)
    result = build_topics(only=["handout"], jobs=1)
    [error] = result.errors
    assert error.exit_code == 6
    assert str(error) == "/tmp/tmpfont: cannot write: File too large"
    assert not Path("dist/ketamine-depression").exists()


def test_a_full_disk_while_checking_is_a_failed_finding(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from publish.gates import visible

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(visible, "read_epub", full)
    result = check_topics(project=Project.find())
    [failure] = [f.message for f in result.findings if f.gate == "safety" and f.status == "fail"]
    assert failure == "epub: could not be read back: No space left on device"
