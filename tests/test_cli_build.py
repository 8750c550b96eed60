"""`publish build` as users run it: outside a project, its report, --only, --paper, -q."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from publish.cli import cli
from publish.errors import EXIT_OK, EXIT_USAGE

OUTPUT = Path("dist/ketamine-depression")
FILES = {"handout.pdf", "clinician-summary.pdf", "reader.epub", "handout.html", "manifest.json"}
Run = Callable[..., subprocess.CompletedProcess[str]]
ARTIFACT_LINE = re.compile(
    r"^(?P<path>\S+)  (?:(?P<count>\d+) (?P<unit>pages|chapters), )?"
    r"(?P<size>\d+(?:\.\d)?) (?P<scale>KB|MB)(?:, reading grade (?P<grade>\d+(?:\.\d+)?))?$"
)


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / OUTPUT / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outside_project(
    tmp_path_factory: pytest.TempPathFactory, run_publish: Run
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`publish build` run in an empty folder: not a project, so the bundled topic is built."""
    folder = tmp_path_factory.mktemp("empty")
    return folder, run_publish("build", cwd=folder)


def test_outside_a_project_builds_the_bundled_topic_into_dist(
    outside_project: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, result = outside_project
    assert result.returncode == EXIT_OK, result.stderr
    assert "error" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["dist"]
    assert {p.name for p in (folder / OUTPUT).iterdir()} == FILES
    manifest = manifest_of(folder)
    assert manifest["topic"] == "ketamine-depression"
    assert [a["name"] for a in manifest["artifacts"]] == ["handout", "clinician", "epub", "web"]


def test_report_has_one_line_per_artifact_with_path_count_and_size(
    outside_project: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    folder, result = outside_project
    *lines, summary = result.stdout.splitlines()
    notes = [line for line in lines if line.startswith("note: ")]
    assert notes == [
        "note: ketamine-depression (es): clinician summary not built in 'es': no clinician.es.md"
    ]
    lines = [line for line in lines if line not in notes]
    assert len(lines) == 4 + 3  # English: handout, sheet, EPUB, web page; Spanish: no sheet
    seen = set()
    for line in lines:
        match = ARTIFACT_LINE.match(line)
        assert match, line
        path = Path(match["path"])
        assert (folder / path).is_file()
        built = json.loads((folder / path.parent / "manifest.json").read_text(encoding="utf-8"))
        entry = {a["file"]: a for a in built["artifacts"]}[path.name]
        seen.add(str(path))
        unit = {".pdf": "pages", ".epub": "chapters"}.get(path.suffix)
        assert match["unit"] == unit  # a web page has no length: its size alone
        assert unit is None or int(match["count"]) == entry[unit]
        scale = 1024 if match["scale"] == "KB" else 1024 * 1024
        assert abs(float(match["size"]) - entry["bytes"] / scale) <= 0.51
        if path == OUTPUT / "handout.pdf":  # Spanish is measured by its own formula in check
            assert match["grade"] is not None
            assert float(match["grade"]) == entry["reading_grade"]
        else:
            assert match["grade"] is None
    spanish = Path(f"{OUTPUT}.es")
    assert seen == {str(OUTPUT / f) for f in FILES - {"manifest.json"}} | {
        str(spanish / "handout.pdf"),
        str(spanish / "reader.epub"),
        str(spanish / "handout.html"),
    }
    assert summary.startswith("built 7 artifacts")
    assert "for 1 topic and 1 translation" in summary and "0 failed" in summary


def test_only_handout_rebuilds_it_and_keeps_entries_of_unchanged_files(
    outside_project: tuple[Path, subprocess.CompletedProcess[str]],
    tmp_path: Path,
    run_publish: Run,
) -> None:
    built, _ = outside_project
    folder = tmp_path / "work"
    shutil.copytree(built, folder)
    output = folder / OUTPUT
    before = {a["name"]: a for a in manifest_of(folder)["artifacts"]}
    clinician = (output / "clinician-summary.pdf").read_bytes()
    (output / "handout.pdf").unlink()
    with (output / "reader.epub").open("ab") as book:
        book.write(b"edited by hand")
    edited = (output / "reader.epub").read_bytes()

    result = run_publish("build", "--only", "handout", cwd=folder)

    assert result.returncode == EXIT_OK, result.stderr
    artifact_lines = [line for line in result.stdout.splitlines() if ARTIFACT_LINE.match(line)]
    assert len(artifact_lines) == 1 and "handout.pdf" in artifact_lines[0]
    after = {a["name"]: a for a in manifest_of(folder)["artifacts"]}
    assert after["handout"]["sha256"] == before["handout"]["sha256"]
    assert (output / "handout.pdf").is_file()
    assert after["clinician"] == before["clinician"]
    assert (output / "clinician-summary.pdf").read_bytes() == clinician
    assert "epub" not in after  # its file no longer matches: the old entry would lie
    assert (output / "reader.epub").read_bytes() == edited


def test_paper_a4_sets_the_page_size(tmp_path: Path, run_publish: Run) -> None:
    result = run_publish("build", "--only", "handout", "--paper", "a4", cwd=tmp_path)
    assert result.returncode == EXIT_OK, result.stderr
    with pikepdf.open(tmp_path / OUTPUT / "handout.pdf") as pdf:
        assert len(pdf.pages) <= 2
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            assert abs((x1 - x0) - 595) <= 1 and abs((y1 - y0) - 842) <= 1


def test_quiet_prints_nothing_on_success(tmp_path: Path, run_publish: Run) -> None:
    result = run_publish("build", "--only", "handout", "-q", cwd=tmp_path)
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout == ""
    assert (tmp_path / OUTPUT / "handout.pdf").is_file()
    assert {a["name"] for a in manifest_of(tmp_path)["artifacts"]} == {"handout"}


@pytest.mark.parametrize(
    "args",
    [["--only", "poster"], ["--paper", "b5"]],
)
def test_bad_option_values_are_usage_errors(args: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", *args, "--out", str(tmp_path / "dist")])
    assert result.exit_code == EXIT_USAGE
    assert not (tmp_path / "dist").exists()


def test_build_help_shows_examples_and_options() -> None:
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert result.exit_code == EXIT_OK
    assert "publish build seeds/topics/ketamine-depression --only handout --paper a4" in (
        result.output
    )
    for option in ("--out", "--only", "--paper", "--quiet"):
        assert option in result.output
