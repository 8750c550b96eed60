"""From an empty folder to a first handout: `publish init`, `publish new`, the placeholders a
skeleton leaves for the editor, and the check and build that will not let one through."""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import copy_seeds
from pypdf import PdfReader

from publish.cli import cli, main
from publish.config import load_profile
from publish.errors import (
    EXIT_CHECK_FAILED,
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_USAGE,
    ContentError,
)
from publish.fields import ProfileFields, TopicFields
from publish.profile import DEFAULT
from publish.project import Project
from publish.topic import load_topic

SOURCE = "ketamine-depression-how-it-works"
TOPIC = "ketamine-basics"


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def publish(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable:
    """`publish(*args)`: the command line's entry point in this process, with its mapping of
    errors to one line and an exit code (CliRunner calls the Click group, which has none)."""

    def run(*args: str) -> Ran:
        monkeypatch.setattr(sys, "argv", ["publish", *args])
        capsys.readouterr()
        try:
            main()
            code = EXIT_OK
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the checkout's normalized sources (and default topic), as the working
    folder."""
    folder = tmp_path / "project"
    copy_seeds(folder / "seeds")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def skeleton(project: Path) -> Path:
    """A topic made by `publish new`, drawing on one source; its folder, relative to the
    project (as the command line names it)."""
    result = CliRunner().invoke(
        cli, ["new", TOPIC, "--title", "Ketamine for Depression", "--from", SOURCE]
    )
    assert result.exit_code == EXIT_OK, result.output
    return Path("seeds/topics") / TOPIC


def todo_lines(folder: Path) -> list[tuple[str, int]]:
    """(file, line) of every placeholder, found by reading the files line by line."""
    found = []
    for path in sorted(folder.iterdir()):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [(str(path), number)] * line.count("[[TODO")
    return sorted(found)


def commented_out_settings(text: str) -> str:
    """publish.toml with every commented-out setting (`# key = ...`, `# [table]`) switched on."""
    setting = re.compile(r"^# ((?:[a-z_]+ = .*)|(?:\[[a-z_]+\]))$")
    return "\n".join(setting.sub(r"\1", line) for line in text.splitlines()) + "\n"


# --- publish init -----------------------------------------------------------------------------


def test_init_makes_a_project_that_publish_finds(tmp_path: Path) -> None:
    folder = tmp_path / "handouts"

    result = CliRunner().invoke(cli, ["init", str(folder)])

    assert result.exit_code == EXIT_OK, result.output
    for name in ("seeds/raw", "seeds/normalized", "seeds/topics"):
        assert (folder / name).is_dir()
        assert f"created {folder / name}/" in result.output
    assert Project.find(folder).has_content
    assert "dist/" in (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for command in ("publish normalize", "publish new", "publish build", "publish check"):
        assert command in readme
    profile = Project.find(folder).profile_file()
    assert profile == folder / "publish.toml"
    assert load_profile(profile) == DEFAULT  # every setting is commented out


def test_profile_written_by_init_names_only_real_settings_each_explained(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["init", str(tmp_path)])
    text = (tmp_path / "publish.toml").read_text(encoding="utf-8")
    switched_on = tmp_path / "on.toml"
    switched_on.write_text(commented_out_settings(text), encoding="utf-8")
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8")

    settings = tomllib.loads(switched_on.read_text(encoding="utf-8"))
    profile = load_profile(switched_on)  # every setting, switched on, is a valid one

    assert set(settings) == set(ProfileFields.model_fields)
    assert profile.clinic_name and profile.paper == "a4" and profile.crisis_languages() == ("en",)
    for block in text.split("\n\n"):  # each setting opens with what it does
        explanation = block.splitlines()[0]
        assert explanation.startswith("# ") and " = " not in explanation, block


def test_init_in_an_empty_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli, ["init"])

    assert result.exit_code == EXIT_OK, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".gitignore",
        "README.md",
        "publish.toml",
        "seeds",
    ]


def test_init_refuses_a_folder_holding_one_of_its_files_and_writes_nothing(
    tmp_path: Path, publish: Callable[..., Ran]
) -> None:
    (tmp_path / "README.md").write_text("Our own notes.\n", encoding="utf-8")

    result = publish("init", str(tmp_path))

    assert result.code == EXIT_OUTPUT
    assert result.err.splitlines() == [
        f"error: {tmp_path / 'README.md'}: refused: already exists, and publish never overwrites it"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "Our own notes.\n"


def test_init_that_fails_midway_removes_what_it_made(
    tmp_path: Path, publish: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    from publish import scaffold

    unwritable = {**scaffold.PROJECT_FILES, "no-such-folder/file": "gitignore"}
    monkeypatch.setattr(scaffold, "PROJECT_FILES", unwritable)

    result = publish("init", str(tmp_path / "handouts"))

    assert result.code == EXIT_OUTPUT
    assert "cannot write" in result.err and "no-such-folder" in result.err
    assert list(tmp_path.iterdir()) == []


# --- publish new ------------------------------------------------------------------------------


def test_new_writes_every_topic_field_each_with_a_comment(skeleton: Path) -> None:
    path = skeleton / "topic.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    data = yaml.safe_load("\n".join(lines))

    assert set(data) == set(TopicFields.model_fields)
    assert data["id"] == TOPIC and data["title"] == "Ketamine for Depression"
    assert (data["status"], data["version"], data["sources"]) == ("draft", "0.1.0", [SOURCE])
    assert str(data["updated"]) == datetime.now(UTC).date().isoformat()
    assert data["next_review"] > data["updated"]
    for number, line in enumerate(lines):
        if re.match(r"[a-z_]+:", line):
            assert lines[number - 1].startswith("# "), f"no comment above {line!r}"
    assert {"key-messages", "actions", "questions", "summary"} <= set(
        re.findall(r"^::: (\S+)", (skeleton / "patient.md").read_text(encoding="utf-8"), re.M)
    )


def test_check_of_a_skeleton_fails_once_for_each_placeholder_at_its_line(skeleton: Path) -> None:
    result = CliRunner().invoke(cli, ["check"])

    assert result.exit_code == EXIT_CHECK_FAILED
    found = re.findall(
        r"^FAIL  placeholders +placeholder left: \[\[TODO: .+\]\]  \[(.+):(\d+)\]$",
        result.output,
        re.M,
    )
    assert sorted((file, int(line)) for file, line in found) == todo_lines(skeleton)
    assert len(found) > 10
    # a placeholder is one finding: the citations gate does not name it again
    others = re.findall(r"^FAIL  citations .*\[(.+):(\d+)\]$", result.output, re.M)
    assert not {(file, int(line)) for file, line in others} & set(todo_lines(skeleton))


def test_check_json_of_a_skeleton_follows_the_published_schema(skeleton: Path) -> None:
    import json

    import jsonschema

    from publish.resources import package_file

    result = CliRunner().invoke(cli, ["check", "--json"])
    document = json.loads(result.output)
    schema = json.loads(package_file("schemas/check.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert "placeholders" in {f["gate"] for f in document["findings"]}


def test_build_of_a_skeleton_is_refused_naming_the_first_placeholder(
    skeleton: Path, project: Path
) -> None:
    result = CliRunner().invoke(cli, ["build", str(skeleton)])

    assert result.exit_code == EXIT_CONTENT
    [error] = [line for line in result.output.splitlines() if line.startswith("error:")]
    first_file, first_line = min(
        todo_lines(skeleton), key=lambda at: (not at[0].endswith("topic.yaml"), at)
    )
    assert error.startswith(f"error: {first_file}:{first_line}: placeholder left: [[TODO: ")
    assert f"{len(todo_lines(skeleton))} placeholders left in all" in error
    assert not (project / "dist" / TOPIC).exists()
    assert list((project / "dist").rglob("*.pdf")) == []


def test_skeleton_filled_in_with_cited_text_builds_its_handout(
    skeleton: Path, project: Path
) -> None:
    cite = f"[@{SOURCE}]"
    fill(
        skeleton / "topic.yaml",
        "What it is and how it may help",
        "A patient handout on ketamine for depression, drawn from one Yale Medicine page.",
    )
    fill(
        skeleton / "patient.md",
        "Ketamine can ease depression fast. For now, it is for people who have tried at least "
        f"two other antidepressant treatments that did not help {cite}.",
        f"A Yale expert says talk therapy is important to use along with ketamine {cite}.",
        "What is ketamine treatment?",
        "Ketamine was first made as an anesthetic, a drug for surgery. Experts later found it "
        f"can ease depression fast {cite}.",
        "How might it help?",
        f"Some people feel better in 24 hours or less {cite}.",
        f"Write down the depression treatments you have tried, and if they helped {cite}.",
        f"Is ketamine a good choice for me, given the treatments I have tried {cite}?",
        f"Ketamine may help even when other antidepressants have not {cite}.",
    )
    fill(
        skeleton / "clinician.md",
        "A Yale Medicine video page calls ketamine a rapid-acting antidepressant, for now "
        f"reserved for patients not helped by at least two other antidepressant treatments {cite}.",
        f"The page says some patients improve in 24 hours or less; it names no study {cite}.",
        f"The page names no adverse effects; use the product labeling {cite}.",
        f"The page is undated, and its reader comments were removed {cite}.",
    )
    fill(
        skeleton / "glossary.yaml",
        "Synapse",
        "A point where nerve cells touch and pass signals to each other.",
    )
    glossary = skeleton / "glossary.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace("cite: []", f"cite: [{SOURCE}]"), "utf-8"
    )

    result = CliRunner().invoke(cli, ["build", str(skeleton), "--only", "handout"])

    assert result.exit_code == EXIT_OK, result.output
    handout = project / "dist" / TOPIC / "handout.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(handout).pages)
    assert "Ketamine for Depression" in text and "TODO" not in text


def fill(path: Path, *texts: str) -> None:
    """Replace the file's placeholders, in order, with `texts` (one for each)."""
    content = path.read_text(encoding="utf-8")
    placeholders = re.findall(r"\[\[TODO: [^\]]*\]\]", content)
    assert len(placeholders) == len(texts), f"{path.name}: {len(placeholders)} placeholders"
    for placeholder, text in zip(placeholders, texts, strict=True):
        content = content.replace(placeholder, text, 1)
    path.write_text(content, encoding="utf-8")


def test_a_placeholder_refuses_only_the_language_it_is_in(tmp_path: Path) -> None:
    topic = copy_seeds(tmp_path / "seeds", translations=True) / "topics" / "ketamine-depression"
    spanish = topic / "patient.es.md"
    lines = spanish.read_text(encoding="utf-8").splitlines()
    lines.append("[[TODO: un párrafo más]]")
    spanish.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert load_topic(topic).control.language == "en"
    with pytest.raises(ContentError) as refused:
        load_topic(topic, language="es")
    assert (refused.value.path, refused.value.line) == (spanish, len(lines))
    assert load_topic(topic, language="es", allow_placeholders=True).variant == "es"


def test_list_sources_shows_each_normalized_source_to_choose_from(project: Path) -> None:
    result = CliRunner().invoke(cli, ["new", "--list-sources"])

    assert result.exit_code == EXIT_OK, result.output
    rows = result.output.splitlines()[1:]
    sources = sorted((project / "seeds" / "normalized").glob("*.md"))
    assert len(rows) == len(sources)
    for row, path in zip(rows, sources, strict=True):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert row.split()[:2] == [meta["id"], meta["kind"]]
        assert row.endswith(meta["title"]) and meta.get("publisher", "-") in row


def test_unknown_source_names_the_nearest_and_writes_nothing(
    project: Path, publish: Callable[..., Ran]
) -> None:
    result = publish("new", TOPIC, "--from", "ketamine-depresion-how-it-works")

    assert result.code == EXIT_USAGE
    assert result.err.splitlines() == [
        "error: unknown source 'ketamine-depresion-how-it-works'; "
        f"did you mean '{SOURCE}'? (publish new --list-sources lists them)"
    ]
    assert not (project / "seeds" / "topics" / TOPIC).exists()


def test_new_refuses_a_bad_id_an_existing_topic_and_a_folder_that_is_no_project(
    project: Path, publish: Callable[..., Ran], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = project / "seeds" / "topics" / "ketamine-depression"
    before = {p.name: p.read_bytes() for p in existing.iterdir() if p.is_file()}

    bad = publish("new", "Ketamine_Basics")
    taken = publish("new", "ketamine-depression")
    monkeypatch.chdir(tmp_path)
    outside = publish("new", TOPIC)

    assert (bad.code, taken.code, outside.code) == (EXIT_USAGE, EXIT_OUTPUT, EXIT_USAGE)
    assert "lowercase slug" in bad.err and "'Ketamine_Basics'" in bad.err
    assert taken.err.startswith("error: seeds/topics/ketamine-depression: refused: already exists")
    assert "publish init" in outside.err
    assert {p.name: p.read_bytes() for p in existing.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in (project / "seeds" / "topics").iterdir()) == [
        "ketamine-depression"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (
            "A reading of 130 over 80 is high [[TODO: check this number [@lakeside].",
            "[[TODO: check this number [@lakeside]",
        ),
        ("Take it [TODO: which time of day] [@a].", "[TODO: which time of day]"),
        ("Ask about [[todo: x]] [@a].", "[[todo: x]]"),
        ("Ends [[ TODO: cut short", "[[ TODO: cut short"),
    ],
)
def test_a_half_edited_placeholder_is_still_found_at_its_line(line: str, found: str) -> None:
    from publish.scaffold import find_placeholders

    [placeholder] = find_placeholders(f"# Title\n\n{line}\n", Path("patient.md"))
    assert (placeholder.line, placeholder.text) == (3, found)


def test_text_without_a_placeholder_has_none() -> None:
    from publish.scaffold import find_placeholders

    text = "Fine [@a]. A [link](https://example.org) and [@b, 01:22:00]. TODO lists are words.\n"
    assert find_placeholders(text, Path("patient.md")) == []
