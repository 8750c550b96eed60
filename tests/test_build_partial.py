"""Builds that are not the whole default: a clinic profile named with --profile, then checked
without it (the manifest says which profile the files were built with), and a topic without
clinician.md, built from the files it has.

Four builds in all: the example clinic's topic (every artifact, and the handout alone into a
second folder, which checks fast: no EPUB to run epubcheck on), and a topic without
clinician text (by default, and with --only handout).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest
from helpers import copy_seeds, run_cli

from publish.config import load_profile
from publish.gates import Finding
from publish.gates.built import build_profile
from publish.manifest import profile_digest
from publish.profile import DEFAULT, Profile
from publish.project import Project
from publish.resources import package_file
from publish.topic import load_topic

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CLINIC = REPO / "docs" / "example-clinic"
TOPIC_ID = "ketamine-depression"
CLINIC = "clinic/publish.toml"
"""The example clinic's profile, where no build finds it unless told: only --profile names it."""
NO_CLINICIAN_NOTE = f"note: {TOPIC_ID}: clinician summary not built: no clinician.md"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd)


def findings(result: subprocess.CompletedProcess[str], gate: str) -> list[dict]:
    """One gate's findings from `publish check --json`."""
    return [f for f in json.loads(result.stdout)["findings"] if f["gate"] == gate]


def topic_dir(project: Path) -> Path:
    return project / "seeds" / "topics" / TOPIC_ID


# --- the clinic profile the build used --------------------------------------------------------


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the example clinic's profile in clinic/, built with --profile: every
    artifact into dist/, and the handout alone into dist-handout/."""
    project = tmp_path_factory.mktemp("clinic")
    copy_seeds(project / "seeds")
    shutil.copytree(EXAMPLE_CLINIC, project / "clinic")
    for out, only in (("dist", ()), ("dist-handout", ("--only", "handout"))):
        built = run(project, "build", "--profile", CLINIC, "--out", out, *only)
        assert built.returncode == 0, built.stderr
    return project


def test_the_manifest_records_the_profile_file_and_its_digest(clinic: Path) -> None:
    manifest = json.loads((clinic / "dist" / TOPIC_ID / "manifest.json").read_text("utf-8"))
    assert manifest["profile"] == {
        "file": CLINIC,
        "sha256": profile_digest(load_profile(clinic / CLINIC)),
    }
    assert manifest["profile"]["sha256"] != profile_digest(DEFAULT)
    assert manifest["not_built"] == {}


def test_check_without_profile_judges_the_files_by_the_recorded_clinic_profile(
    clinic: Path,
) -> None:
    result = run(clinic, "check", "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    safety = findings(result, "safety")
    assert [(f["status"], f["message"]) for f in safety] == [
        ("pass", f"{name}: disclaimer and crisis block visible")
        for name in ("handout", "clinician", "epub", "web")
    ]


def test_check_with_another_profile_names_the_mismatch_instead_of_missing_text(
    clinic: Path,
) -> None:
    (clinic / "other.toml").write_text(
        'clinic_name = "Southside Clinic"\ndisclaimer_extra = "Ask at the front desk."\n',
        encoding="utf-8",
    )  # read back by this profile, the clinic's files would lack its disclaimer

    result = run(clinic, "check", "--dist", "dist-handout", "--profile", "other.toml", "--json")

    assert result.returncode == 1
    [finding] = findings(result, "safety")
    assert finding["status"] == "fail"
    assert finding["message"] == (
        f"built with profile {CLINIC}, checked with profile other.toml: "
        f"rebuild or pass --profile {CLINIC}"
    )
    assert finding["file"] == str(Path("dist-handout") / TOPIC_ID / "manifest.json")


@pytest.fixture
def copy(clinic: Path, tmp_path: Path) -> Path:
    """The clinic project with its handout-only build, to break the profile in."""
    target = tmp_path / "project"
    for name in ("seeds", "clinic", "dist-handout"):
        shutil.copytree(clinic / name, target / name)
    return target


def recorded(project: Path, given: Path | None = None) -> tuple[Profile | None, Finding | None]:
    """What check makes of the handout-only build's recorded profile: the profile it judges
    the files by, and the finding that stands in for the safety gate."""
    topic = load_topic(topic_dir(project))
    profile = load_profile(given) if given else None
    return build_profile(topic, project / "dist-handout", profile, DEFAULT, Project.find(project))


def test_the_same_profile_named_another_way_is_the_same_profile(copy: Path) -> None:
    profile, problem = recorded(copy, (copy / CLINIC).resolve())
    assert problem is None
    assert profile == load_profile(copy / CLINIC)


def test_a_recorded_profile_that_is_gone_is_one_finding_and_no_safety_verdict(
    copy: Path,
) -> None:
    (copy / CLINIC).unlink()

    result = run(copy, "check", "--dist", "dist-handout", "--json")

    [finding] = findings(result, "safety")
    assert (finding["status"], finding["message"]) == (
        "fail",
        f"built with profile {CLINIC}, which is gone: restore it or rebuild (publish build)",
    )
    assert not [f for f in findings(result, "artifacts") if "profile" in f["message"]]


def test_a_recorded_profile_whose_logo_changed_is_said_to_have_changed(copy: Path) -> None:
    logo = copy / "clinic" / "logo.svg"
    logo.write_text(logo.read_text("utf-8").replace("</svg>", "<!-- new --></svg>"), "utf-8")

    profile, problem = recorded(copy)

    assert profile is None  # nothing is judged by a profile the build did not print
    assert problem is not None and problem.gate == "safety" and problem.status == "fail"
    assert problem.message == (
        f"profile {CLINIC} changed since the build; rebuild with it (publish build --profile "
        f"{CLINIC})"
    )


def test_a_build_that_recorded_no_profile_is_checked_as_before(copy: Path) -> None:
    path = copy / "dist-handout" / TOPIC_ID / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["profile"]  # as written before manifests recorded it
    path.write_text(json.dumps(manifest), encoding="utf-8")

    assert recorded(copy) == (DEFAULT, None)


# --- the manifest's schema ----------------------------------------------------------------------


def _undescribed(schema: dict, where: str = "#") -> list[str]:
    missing = [
        f"{where}/properties/{name}"
        for name, sub in (schema.get("properties") or {}).items()
        if "description" not in sub
    ]
    for kind in ("properties", "$defs"):
        for name, sub in (schema.get(kind) or {}).items():
            missing += _undescribed(sub, f"{where}/{kind}/{name}")
    return missing


def test_the_manifest_matches_its_schema_which_describes_every_field(clinic: Path) -> None:
    schema = json.loads(package_file("schemas/manifest.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    manifest = json.loads((clinic / "dist" / TOPIC_ID / "manifest.json").read_text("utf-8"))

    validator.validate(manifest)
    assert _undescribed(schema) == []
    assert not validator.is_valid({**manifest, "profile": {"file": CLINIC, "sha256": "x"}})
    assert not validator.is_valid({**manifest, "not_built": {"poster": "no poster.md"}})


# --- a topic without clinician.md ---------------------------------------------------------------


@pytest.fixture(scope="module")
def no_clinician(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A project whose topic has no clinician.md, built with `publish build`; its stdout."""
    project = tmp_path_factory.mktemp("no-clinician")
    copy_seeds(project / "seeds")
    (topic_dir(project) / "clinician.md").unlink()
    built = run(project, "build")
    assert built.returncode == 0, built.stderr
    return project, built.stdout


def test_a_topic_without_clinician_text_builds_handout_and_epub_with_one_note(
    no_clinician: tuple[Path, str],
) -> None:
    project, stdout = no_clinician
    notes = [line for line in stdout.splitlines() if line.startswith("note: ")]
    assert notes == [NO_CLINICIAN_NOTE]
    out = project / "dist" / TOPIC_ID
    assert sorted(p.name for p in out.iterdir()) == [
        "handout.html",
        "handout.pdf",
        "manifest.json",
        "reader.epub",
    ]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["not_built"] == {"clinician": "no clinician.md"}


def test_the_epub_has_no_clinician_chapter_and_its_navigation_leads_to_real_files(
    no_clinician: tuple[Path, str],
) -> None:
    project, _ = no_clinician
    with zipfile.ZipFile(project / "dist" / TOPIC_ID / "reader.epub") as book:
        names = set(book.namelist())
        nav = book.read("EPUB/nav.xhtml").decode("utf-8")
        about = book.read("EPUB/about.xhtml").decode("utf-8")
    assert "EPUB/guide.xhtml" in names and "EPUB/references.xhtml" in names
    assert not [n for n in names if "clinician" in n]
    assert "The clinician summary is written for prescribers" not in about  # no such chapter
    targets = {href.split("#")[0] for href in re.findall(r'href="([^"]+)"', nav)}
    assert targets and all(f"EPUB/{target}" in names for target in targets)


def test_check_passes_a_topic_built_without_clinician_text(
    no_clinician: tuple[Path, str],
) -> None:
    project, _ = no_clinician

    result = run(project, "check", "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    artifacts = findings(result, "artifacts")
    assert [(f["status"], f["message"].split(":")[0]) for f in artifacts] == [
        ("pass", "handout"),
        ("pass", "epub"),  # epubcheck: 0 errors, 0 warnings
        ("pass", "web"),
    ]
    assert [f["status"] for f in findings(result, "safety")] == ["pass", "pass", "pass"]


def test_only_handout_builds_a_topic_without_clinician_text(
    no_clinician: tuple[Path, str],
) -> None:
    project, _ = no_clinician

    result = run(project, "build", "--only", "handout", "--out", "handout-only")

    assert result.returncode == 0, result.stderr
    assert NO_CLINICIAN_NOTE not in result.stdout  # the sheet was not asked for
    out = project / "handout-only" / TOPIC_ID
    assert sorted(p.name for p in out.iterdir()) == ["handout.pdf", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [a["name"] for a in manifest["artifacts"]] == ["handout"]
    assert manifest["not_built"] == {"clinician": "no clinician.md"}


def test_the_registry_says_a_topic_without_clinician_text_has_no_sheet(
    no_clinician: tuple[Path, str],
) -> None:
    """One answer for the build, `check` and the preview's list of pages."""
    from publish.render.registry import ARTIFACTS

    project, _ = no_clinician
    folder = topic_dir(project)
    assert not ARTIFACTS["clinician"].builds_in(folder, None)
    assert ARTIFACTS["handout"].builds_in(folder, None)


def test_the_about_page_speaks_of_video_moments_only_when_the_texts_cite_one(
    tmp_path: Path,
) -> None:
    from publish.project import Project
    from publish.render.book import chapters
    from publish.render.context import document_messages
    from publish.render.options import Options
    from publish.topic import load_topic

    copy_seeds(tmp_path / "seeds")
    folder = topic_dir(tmp_path)
    options = Options(project=Project.find(tmp_path))

    def about() -> str:
        topic = load_topic(folder)
        book = chapters(topic, options, document_messages(topic, options), lambda src: src)
        return next(c.html for c in book.chapters if c.file_name == "about.xhtml")

    moments = "Times such as 01:22:00 link to that moment in the video."
    assert moments in about()
    for name in ("patient.md", "clinician.md"):
        path = folder / name
        path.write_text(re.sub(r", \d+:\d\d:\d\d", "", path.read_text("utf-8")), "utf-8")
    assert moments not in about()
    assert "Numbers in the text link to the references." in about()
