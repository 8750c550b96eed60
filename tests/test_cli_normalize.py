"""`publish` and `publish normalize` as users run them: help, errors, --check, atomic writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import run_cli

from publish import __version__
from publish.cli import cli
from publish.errors import EXIT_CHECK_FAILED, EXIT_INPUT, EXIT_OK
from publish.normalizer import rawtext

GOOD_TEXT = "Sleep and Mood\n\nPoor sleep and low mood feed each other.\nBoth improve together.\n"
GOOD_ID = "sleep-and-mood"


def _publish(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a user would."""
    return run_cli(*args, cwd=cwd, timeout=60)


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty raw folder under a working folder of its own (no seeds/overrides.yaml there)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


# --- help and version -------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_commands(flag: str) -> None:
    result = CliRunner().invoke(cli, [flag])
    assert result.exit_code == EXIT_OK
    assert "Usage:" in result.output
    commands = result.output.split("Commands:", 1)[1]
    assert "normalize" in commands
    assert "--debug" in result.output


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = CliRunner().invoke(cli, [flag])
    assert result.exit_code == EXIT_OK
    assert result.output.strip() == f"publish, version {__version__}"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_normalize_help_shows_examples_and_options(flag: str) -> None:
    result = CliRunner().invoke(cli, ["normalize", flag])
    assert result.exit_code == EXIT_OK
    assert "Example" in result.output
    assert "publish normalize --check" in result.output
    for option in ("--out", "--overrides", "--check", "--quiet"):
        assert option in result.output


def test_help_does_not_load_heavy_libraries() -> None:
    script = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('weasyprint') is not None\n"
        "from publish.cli import cli\n"
        "for args in (['--help'], ['normalize', '--help']):\n"
        "    try:\n"
        "        cli.main(args, prog_name='publish', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('weasyprint', 'ebooklib') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["normalize", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.stderr


# --- good runs -----------------------------------------------------------------------------


def test_run_writes_and_reports(raw: Path, tmp_path: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert first.exit_code == EXIT_OK, first.output
    assert f"wrote {Path('out') / f'{GOOD_ID}.md'}" in first.stdout
    assert "1 sources: 1 written, 0 unchanged, 0 failed" in first.stdout
    assert first.stderr == ""
    assert (out / f"{GOOD_ID}.md").read_text(encoding="utf-8").startswith(f"---\nid: {GOOD_ID}\n")
    second = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert second.exit_code == EXIT_OK
    assert "wrote" not in second.stdout
    assert "1 sources: 0 written, 1 unchanged, 0 failed" in second.stdout


def test_quiet_prints_nothing_on_success(raw: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["normalize", "-q", "raw", "--out", "out"])
    assert result.exit_code == EXIT_OK
    assert result.output == ""


def test_documents_with_one_title_get_distinct_ids(raw: Path, tmp_path: Path) -> None:
    (raw / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (raw / "b.txt").write_text(GOOD_TEXT + "\nA second paragraph.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert result.exit_code == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"{GOOD_ID}-2.md",
        f"{GOOD_ID}.md",
    ]


def test_utf16_with_bom_is_accepted(raw: Path, tmp_path: Path) -> None:
    (raw / "utf16.txt").write_bytes(GOOD_TEXT.encode("utf-16"))
    result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert result.exit_code == EXIT_OK, result.output
    assert "Poor sleep and low mood" in (tmp_path / "out" / f"{GOOD_ID}.md").read_text("utf-8")


def test_folders_skip_hidden_and_other_files(raw: Path, tmp_path: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (raw / ".hidden.txt").write_bytes(b"\x00\x01")
    (raw / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert result.exit_code == EXIT_OK, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"{GOOD_ID}.md"]


# --- bad inputs: exit 3, one line per bad file naming it, the others still written ----------


def _write_bytes(data: bytes):
    return lambda folder: (folder / "bad.txt").write_bytes(data)


BAD_INPUTS = [
    pytest.param(
        _write_bytes(b"Sleep notes\nA fine line.\nA bad \xff byte.\n"),
        "raw/bad.txt:3: ",
        "not valid UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        _write_bytes(b"Line one.\n\nLine \x00 three.\n"), "raw/bad.txt:3: ", "NUL", id="nul-bytes"
    ),
    pytest.param(_write_bytes(b""), "raw/bad.txt: ", "empty document", id="empty"),
    pytest.param(_write_bytes(b" \n\t\r\n\n"), "raw/bad.txt: ", "empty document", id="whitespace"),
    pytest.param(
        _write_bytes(b"a" * (rawtext.MAX_BYTES + 1)),
        "raw/bad.txt: ",
        f"over the {rawtext.MAX_BYTES}-byte limit",
        id="too-large",
    ),
    pytest.param(
        _write_bytes(b"---\ntitle: Sleep\nvideoId: abc\n  oops: [1, 2\n---\n\nBody text.\n"),
        "bad.txt:4: ",
        "not valid YAML",
        id="invalid-yaml",
    ),
    pytest.param(
        _write_bytes(b"---\nbase: &a [x, y]\ncopy: *a\ntitle: Sleep\n---\n\nBody text.\n"),
        "bad.txt:3: ",
        "aliases are not allowed",
        id="yaml-alias",
    ),
    pytest.param(
        _write_bytes(b"---\n- just\n- a list\n---\n\nBody text.\n"),
        "bad.txt:2: ",
        "front matter must be a mapping",
        id="yaml-not-a-mapping",
    ),
    pytest.param(None, "raw/missing.txt: ", "no such file", id="missing-path"),
    pytest.param(
        _write_bytes(b"---\ntitle: Sleep\ndate: 2023-02-30\n---\n\nBody text.\n"),
        "bad.txt",
        "",
        id="impossible-date",
    ),
]


@pytest.mark.parametrize(("make", "where", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_and_others_still_run(
    raw: Path, tmp_path: Path, make, where: str, message: str
) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    if make is None:
        args = ["raw/good.txt", "raw/missing.txt"]
    else:
        make(raw)
        args = ["raw"]
    result = _publish("normalize", *args, "--out", "out", cwd=tmp_path)
    assert result.returncode == EXIT_INPUT, result.stderr
    errors = _error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: ")
    assert where in errors[0]
    assert message in errors[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert (tmp_path / "out" / f"{GOOD_ID}.md").is_file()
    assert "1 sources: 1 written, 0 unchanged, 1 failed" in result.stdout


def test_front_matter_errors_name_the_path_as_given(raw: Path, tmp_path: Path) -> None:
    (raw / "bad.txt").write_bytes(b"---\nbase: &a [x]\ncopy: *a\n---\n\nBody.\n")
    result = _publish("normalize", "raw", "--out", "out", cwd=tmp_path)
    assert _error_lines(result.stderr)[0].startswith("error: raw/bad.txt:3: ")


def test_each_bad_file_gets_its_own_line(raw: Path, tmp_path: Path) -> None:
    (raw / "a.txt").write_bytes(b"")
    (raw / "b.txt").write_bytes(b"\xfe\xfe")
    (raw / "c.txt").write_text(GOOD_TEXT, encoding="utf-8")
    result = _publish("normalize", "raw", "--out", "out", cwd=tmp_path)
    assert result.returncode == EXIT_INPUT
    errors = _error_lines(result.stderr)
    assert [e.split(":")[1].strip() for e in errors] == ["raw/a.txt", "raw/b.txt"]


def test_size_limit_is_enforced(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rawtext, "MAX_BYTES", 64)
    (raw / "big.txt").write_text("Word " * 13, encoding="utf-8")
    (raw / "small.txt").write_text("Word " * 12, encoding="utf-8")
    result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    assert result.exit_code == EXIT_INPUT
    assert _error_lines(result.stderr) == [
        "error: raw/big.txt: file is 65 bytes, over the 64-byte limit"
    ]
    assert "1 sources: 1 written" in result.stdout


def test_bad_override_names_the_overrides_file(raw: Path, tmp_path: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "overrides.yaml").write_text(
        "good.txt:\n  published: last week\n", encoding="utf-8"
    )
    result = _publish("normalize", "raw", "--out", "out", cwd=tmp_path)
    assert result.returncode == EXIT_INPUT
    errors = _error_lines(result.stderr)
    assert len(errors) == 1
    assert errors[0].startswith("error: overrides.yaml:2: ")  # the line of the field
    assert "'published'" in errors[0]
    assert "Traceback" not in result.stderr


def test_non_string_title_override_is_an_input_error(raw: Path, tmp_path: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "overrides.yaml").write_text("good.txt:\n  title: 2024\n", encoding="utf-8")
    result = _publish("normalize", "raw", "--out", "out", cwd=tmp_path)
    assert result.returncode == EXIT_INPUT, result.stderr
    assert "overrides.yaml" in _error_lines(result.stderr)[0]


# --- --check ---------------------------------------------------------------------------------


def test_check_lists_stale_and_missing_outputs_and_writes_nothing(
    raw: Path, tmp_path: Path
) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (raw / "other.txt").write_text("Other Notes\n\nSomething else.\nEntirely.\n", encoding="utf-8")
    (raw / "third.txt").write_text("Third Notes\n\nA third text.\nShort.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"]).exit_code == EXIT_OK
    out = tmp_path / "out"
    stale = out / f"{GOOD_ID}.md"
    stale.write_text(stale.read_text(encoding="utf-8") + "Edited by hand.\n", encoding="utf-8")
    (out / "other-notes.md").unlink()
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    result = CliRunner().invoke(cli, ["normalize", "--check", "raw", "--out", "out"])

    assert result.exit_code == EXIT_CHECK_FAILED
    assert f"would change {Path('out') / f'{GOOD_ID}.md'}" in result.stdout
    assert f"would change {Path('out') / 'other-notes.md'}" in result.stdout
    assert "third-notes" not in result.stdout
    assert "wrote" not in result.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_check_passes_when_outputs_are_current(raw: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
    result = CliRunner().invoke(cli, ["normalize", "--check", "raw", "--out", "out"])
    assert result.exit_code == EXIT_OK
    assert result.output == ""


# --- atomic replacement ---------------------------------------------------------------------


def test_existing_output_is_replaced_atomically(raw: Path, tmp_path: Path) -> None:
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"{GOOD_ID}.md"
    target.write_text("old content\n", encoding="utf-8")
    with target.open(encoding="utf-8") as reader:
        result = CliRunner().invoke(cli, ["normalize", "raw", "--out", "out"])
        assert reader.read() == "old content\n"
    assert result.exit_code == EXIT_OK
    assert target.read_text(encoding="utf-8").startswith(f"---\nid: {GOOD_ID}\n")
    assert [p.name for p in out.iterdir()] == [target.name]
