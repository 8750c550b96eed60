"""Clinic profiles, release builds, `publish build --json` and the Python API.

Each test works in a project folder of its own (a copy of the checkout's seeds/) and runs
the real command line there, reading back what was written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pypdf
import pytest
import yaml
from helpers import copy_seeds, run_cli

from publish.gates import safety
from publish.i18n import CRISIS_LINES, DISCLAIMER
from publish.profile import Profile
from publish.resources import package_file
from publish.topic import load_topic

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CLINIC = REPO / "docs" / "example-clinic"
TOPIC_ID = "ketamine-depression"
A4 = (595.28, 841.89)  # points
APPROVER = "Dr. A. Example"
APPROVED_ON = date(2026, 11, 20)


# --- helpers ----------------------------------------------------------------------------------


def new_project(folder: Path) -> Path:
    copy_seeds(folder / "seeds")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return new_project(tmp_path / "project")


def topic_dir(project: Path) -> Path:
    return project / "seeds" / "topics" / TOPIC_ID


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line in a process of its own."""
    return run_cli(*args, cwd=cwd)


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    return squash(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages))


def epub_member(path: Path, suffix: str) -> str:
    with zipfile.ZipFile(path) as book:
        [name] = [n for n in book.namelist() if n.endswith(suffix)]
        return book.read(name).decode("utf-8")


def epub_text(path: Path) -> str:
    import html

    with zipfile.ZipFile(path) as book:
        pages = [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml")]
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(pages))))


def approve(project: Path, next_review: date) -> None:
    """Mark the topic approved by APPROVER on APPROVED_ON, due for review on `next_review`."""
    path = topic_dir(project) / "topic.yaml"
    control = yaml.safe_load(path.read_text(encoding="utf-8"))
    control.update(
        status="approved",
        approved_by=APPROVER,
        approved_on=APPROVED_ON,
        next_review=next_review,
    )
    path.write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def only_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """stderr must be exactly one `error:` line and no traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(package_file(f"schemas/{name}").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# --- the clinic profile -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def clinic() -> dict:
    return tomllib.loads((EXAMPLE_CLINIC / "publish.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clinic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example clinic's publish.toml and logo in a project; handout and EPUB built."""
    folder = new_project(tmp_path_factory.mktemp("clinic"))
    for name in ("publish.toml", "logo.svg"):
        shutil.copy(EXAMPLE_CLINIC / name, folder / name)
    result = run(folder, "build", "--only", "handout", "--only", "epub")
    assert result.returncode == 0, result.stderr
    return folder / "dist" / TOPIC_ID


def test_handout_names_the_clinic_and_its_phone(clinic_build: Path, clinic: dict) -> None:
    text = pdf_text(clinic_build / "handout.pdf")
    assert clinic["clinic_name"] in text
    assert clinic["phone"] in text
    assert clinic["address"] in text


def test_profile_paper_a4_gives_a4_pages(clinic_build: Path, clinic: dict) -> None:
    assert clinic["paper"] == "a4"
    pages = pypdf.PdfReader(clinic_build / "handout.pdf").pages
    assert pages
    for page in pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4, abs=0.5)


@pytest.mark.parametrize("artifact", ["handout.pdf", "reader.epub"])
def test_extra_disclaimer_follows_the_built_in_one(
    clinic_build: Path, clinic: dict, artifact: str
) -> None:
    path = clinic_build / artifact
    text = pdf_text(path) if path.suffix == ".pdf" else epub_text(path)
    assert f"{DISCLAIMER} {squash(clinic['disclaimer_extra']['en'])}" in text


def test_epub_about_page_names_the_clinic(clinic_build: Path, clinic: dict) -> None:
    about = squash(re.sub(r"<[^>]+>", "", epub_member(clinic_build / "reader.epub", "about.xhtml")))
    assert f"Provided by {clinic['clinic_name']}, phone {clinic['phone']}" in about


def test_pyproject_tool_publish_is_found(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "lakeside-handouts"\n\n'
        '[tool.publish]\nclinic_name = "Lakeside Family Practice"\nphone = "(555) 010-0456"\n',
        encoding="utf-8",
    )
    result = run(project, "build", "--only", "handout")
    assert result.returncode == 0, result.stderr
    text = pdf_text(project / "dist" / TOPIC_ID / "handout.pdf")
    assert "Lakeside Family Practice" in text and "(555) 010-0456" in text


def test_profile_option_wins_over_publish_toml(project: Path) -> None:
    (project / "publish.toml").write_text('clinic_name = "Northside Clinic"\n', encoding="utf-8")
    other = project / "profiles" / "southside.toml"
    other.parent.mkdir()
    other.write_text('clinic_name = "Southside Clinic"\npaper = "a4"\n', encoding="utf-8")

    result = run(project, "build", "--only", "handout", "--profile", "profiles/southside.toml")

    assert result.returncode == 0, result.stderr
    handout = project / "dist" / TOPIC_ID / "handout.pdf"
    text = pdf_text(handout)
    assert "Southside Clinic" in text
    assert "Northside Clinic" not in text
    width = float(pypdf.PdfReader(handout).pages[0].mediabox.width)
    assert width == pytest.approx(A4[0], abs=0.5)


BAD_PROFILES = [
    pytest.param('disclaimer = "Nothing here is advice."\n', "disclaimer", id="disclaimer"),
    pytest.param('clinc_name = "Typo Clinic"\n', "clinc_name", id="unknown-field"),
    pytest.param('paper = "legal"\n', "paper", id="paper-legal"),
    pytest.param("crisis = []\n", "crisis", id="crisis-empty"),
    pytest.param('crisis = "988"\n', "crisis", id="crisis-text"),
    pytest.param("phone = 5550100\n", "phone", id="phone-number"),
    pytest.param('logo = "missing.svg"\n', "logo", id="logo-missing"),
    pytest.param('logo = "logo.gif"\n', "logo", id="logo-gif"),
    pytest.param('logo = "../outside.svg"\n', "logo", id="logo-outside"),
]


@pytest.mark.parametrize(("toml", "field"), BAD_PROFILES)
def test_bad_profile_exits_8_with_one_line_naming_file_and_field(
    project: Path, toml: str, field: str
) -> None:
    (project / "logo.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    shutil.copy(EXAMPLE_CLINIC / "logo.svg", project.parent / "outside.svg")  # exists, but outside
    (project / "publish.toml").write_text(f'clinic_name = "Riverside"\n{toml}', encoding="utf-8")

    result = run(project, "build", "--only", "handout")

    assert result.returncode == 8
    line = only_error_line(result)
    assert "publish.toml" in line
    assert f"'{field}'" in line
    assert not (project / "dist").exists()


def test_logo_outside_the_profile_folder_is_refused_as_outside(project: Path) -> None:
    shutil.copy(EXAMPLE_CLINIC / "logo.svg", project.parent / "outside.svg")
    (project / "clinic.toml").write_text('logo = "../outside.svg"\n', encoding="utf-8")

    result = run(project, "check", "--profile", "clinic.toml")

    assert result.returncode == 8
    assert "outside the profile's folder" in only_error_line(result)


@pytest.fixture(scope="module")
def crisis_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Profile]:
    """Every artifact built for a clinic outside the US, with its own crisis lines."""
    folder = new_project(tmp_path_factory.mktemp("crisis"))
    lines = (
        "If you are in crisis, call the Riverside crisis team on 0800 010 0911, day or night.",
        "In an emergency, call 112 or go to the nearest emergency department.",
    )
    (folder / "publish.toml").write_text(
        "crisis = [\n" + "".join(f'  "{line}",\n' for line in lines) + "]\n", encoding="utf-8"
    )
    result = run(folder, "build")
    assert result.returncode == 0, result.stderr
    return folder, Profile(crisis=(("en", lines),))


@pytest.mark.parametrize("artifact", ["handout.pdf", "clinician-summary.pdf", "reader.epub"])
def test_custom_crisis_lines_replace_the_default_ones(
    crisis_build: tuple[Path, Profile], artifact: str
) -> None:
    folder, profile = crisis_build
    path = folder / "dist" / TOPIC_ID / artifact
    text = pdf_text(path) if path.suffix == ".pdf" else epub_text(path)
    for line in profile.crisis_for("en") or ():
        assert line in text
    for line in CRISIS_LINES:
        assert squash(line) not in text
    assert "988" not in text


def test_safety_gate_reads_the_clinics_crisis_lines_back(
    crisis_build: tuple[Path, Profile],
) -> None:
    folder, profile = crisis_build
    topic = load_topic(topic_dir(folder))
    files = {
        "handout": folder / "dist" / TOPIC_ID / "handout.pdf",
        "clinician": folder / "dist" / TOPIC_ID / "clinician-summary.pdf",
        "epub": folder / "dist" / TOPIC_ID / "reader.epub",
    }

    with_clinic = safety(topic, files, profile)
    with_default = safety(topic, files, Profile())

    assert [f.status for f in with_clinic] == ["pass"] * 3
    assert [f.status for f in with_default] == ["fail"] * 3
    assert all("crisis line 1" in f.message for f in with_default)


# --- release builds ---------------------------------------------------------------------------


def test_release_of_a_draft_exits_7_naming_status(project: Path) -> None:
    result = run(project, "build", "--release")

    assert result.returncode == 7
    line = only_error_line(result)
    assert "'status'" in line and "topic.yaml" in line
    assert not (project / "dist").exists()


def test_release_past_review_exits_7_and_leaves_dist_untouched(project: Path) -> None:
    first = run(project, "build", "--only", "handout")
    assert first.returncode == 0, first.stderr
    dist = project / "dist"
    before = snapshot(dist)
    assert "Draft — not yet clinically reviewed" in pdf_text(dist / TOPIC_ID / "handout.pdf")
    yesterday = date.today() - timedelta(days=1)
    approve(project, next_review=yesterday)

    result = run(project, "build", "--release")

    assert result.returncode == 7
    line = only_error_line(result)
    assert "'next_review'" in line and yesterday.isoformat() in line
    assert snapshot(dist) == before


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """An approved topic, due for review in six months, built with --release --json."""
    folder = new_project(tmp_path_factory.mktemp("release"))
    approve(folder, next_review=date.today() + timedelta(days=182))
    result = run(folder, "build", "--release", "--only", "handout", "--json")
    return folder, result


def test_approved_topic_due_later_builds_for_release(release: tuple[Path, object]) -> None:
    folder, result = release
    assert result.returncode == 0, result.stderr
    assert (folder / "dist" / TOPIC_ID / "handout.pdf").is_file()


def test_approved_handout_has_no_draft_marking_and_names_the_approver(
    release: tuple[Path, object],
) -> None:
    folder, _ = release
    handout = folder / "dist" / TOPIC_ID / "handout.pdf"
    pages = [squash(p.extract_text() or "") for p in pypdf.PdfReader(handout).pages]

    assert pages and not any("Draft" in page for page in pages)
    for page in pages:  # the footer repeats on every page
        assert "Approved by Dr. A. Example on November 20, 2026" in page


def test_release_manifest_records_document_control(release: tuple[Path, object]) -> None:
    folder, _ = release
    control = yaml.safe_load((topic_dir(folder) / "topic.yaml").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "dist" / TOPIC_ID / "manifest.json").read_text("utf-8"))

    assert manifest["version"] == str(control["version"])
    assert manifest["status"] == "approved"
    assert manifest["approved_by"] == APPROVER
    assert manifest["approved_on"] == APPROVED_ON.isoformat()
    assert manifest["next_review"] == control["next_review"].isoformat()


# --- publish build --json ---------------------------------------------------------------------


def test_build_json_is_one_document_on_stdout_matching_the_schema(
    release: tuple[Path, subprocess.CompletedProcess],
) -> None:
    folder, result = release
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # the whole of stdout, nothing else
    validator("build.schema.json").validate(document)

    assert document["ok"] is True and document["errors"] == []
    [topic] = document["topics"]
    [entry] = topic["artifacts"]
    handout = folder / topic["folder"] / entry["file"]
    assert entry["name"] == "handout" and handout.name == "handout.pdf"
    assert entry["sha256"] == hashlib.sha256(handout.read_bytes()).hexdigest()
    manifest = json.loads((handout.parent / "manifest.json").read_text("utf-8"))
    assert entry in manifest["artifacts"]

    assert "built 1 artifacts" in result.stderr  # human lines go to stderr
    assert "handout.pdf" in result.stderr
    assert "built " not in result.stdout


def test_failing_build_json_reports_the_error_and_exits_4(project: Path) -> None:
    patient = topic_dir(project) / "patient.md"
    body = patient.read_text(encoding="utf-8").rstrip("\n")
    patient.write_text(f"{body}\n\nAsk your care team [@no-such-source].\n", encoding="utf-8")
    line = body.count("\n") + 3

    result = run(project, "build", "--only", "handout", "--json")

    assert result.returncode == 4
    document = json.loads(result.stdout)
    validator("build.schema.json").validate(document)
    assert document["ok"] is False and document["topics"] == []
    [error] = document["errors"]
    assert Path(error["file"]).name == "patient.md"
    assert error["line"] == line
    assert error["exit_code"] == 4
    assert "@no-such-source" in error["message"]
    assert f"patient.md:{line}:" in result.stderr
    assert not (project / "dist" / TOPIC_ID / "handout.pdf").exists()


# --- the Python API ---------------------------------------------------------------------------

API_SCRIPT = """
import json
from dataclasses import fields
from pathlib import Path

import publish

normalized = publish.normalize(["seeds/raw"], "normalized-again")
built = publish.build(out="dist")
checked = publish.check(dist="dist")
print(json.dumps({
    "types": [type(r).__name__ for r in (normalized, built, checked)],
    "normalize": {
        "fields": [f.name for f in fields(normalized)],
        "ok": normalized.ok,
        "sources": sorted(s.id for s in normalized.sources),
        "written": sorted(Path(p).name for p in normalized.written),
    },
    "build": built.to_dict(),
    "topic_fields": [f.name for f in fields(built.topics[0])],
    "check": checked.to_dict(),
    "check_failed": checked.failed(),
    "check_strict_failed": checked.failed(strict=True),
}))
"""


def test_python_api_returns_result_objects(project: Path) -> None:
    topic_yaml = topic_dir(project) / "topic.yaml"
    control = yaml.safe_load(topic_yaml.read_text(encoding="utf-8"))
    control["next_review"] = date.today() + timedelta(days=365)  # not overdue on any run date
    topic_yaml.write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")
    # A fresh interpreter that looks up each function before its module is first imported
    # (see the xfail below for what happens otherwise).
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run(
        [sys.executable, "-c", API_SCRIPT],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    api = json.loads(done.stdout)
    ids = sorted(p.stem for p in (project / "seeds" / "normalized").glob("*.md"))

    assert api["types"] == ["NormalizeResult", "BuildResult", "CheckResult"]
    assert {"sources", "written", "unchanged", "stale", "errors"} <= set(api["normalize"]["fields"])
    assert api["normalize"]["ok"] is True
    assert api["normalize"]["sources"] == ids
    assert api["normalize"]["written"] == [f"{i}.md" for i in ids]

    validator("build.schema.json").validate(api["build"])
    assert api["build"]["ok"] is True
    assert [t["topic"] for t in api["build"]["topics"]] == [TOPIC_ID]
    assert {"topic", "folder", "artifacts", "warnings", "seconds"} <= set(api["topic_fields"])
    assert (project / "dist" / TOPIC_ID / "handout.pdf").is_file()

    validator("check.schema.json").validate(api["check"])
    assert api["check"]["ok"] is True and api["check_failed"] is False
    assert api["check_strict_failed"] is True  # the default topic is a draft: a warning
    assert {f["gate"] for f in api["check"]["findings"]} >= {"safety", "artifacts"}


def test_api_functions_stay_callable_after_use(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import publish

    monkeypatch.chdir(project)
    checked = publish.check(dist="dist")  # fails: not built yet
    built = publish.build(out="dist")
    rechecked = publish.check(dist="dist")

    assert checked.failed() and built.ok and not rechecked.failed()
