"""Reading help (`check --explain`): every sentence past the target with its line and score,
hardest first, and every word a plainer one can replace."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_seeds

from publish.explain import describe, reading_help
from publish.topic import load_topic

TOPIC = "ketamine-depression"
YALE = "[@ketamine-depression-how-it-works]"
HARD = (
    "Pharmacological antagonism of glutamatergic receptors precipitates "
    f"neurophysiological alterations {YALE}."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy_seeds(tmp_path / "seeds", translations=True)
    return tmp_path / "seeds" / "topics" / TOPIC


def test_the_hardest_sentence_comes_first_at_its_line(folder: Path) -> None:
    path = folder / "patient.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("## What is ketamine treatment?") + 2
    lines.insert(at, HARD + "\n")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hints = reading_help(load_topic(folder))
    first = hints[0]
    assert (first.kind, first.file, first.line) == ("sentence", str(path), at + 1)
    assert first.text.startswith("Pharmacological antagonism")
    assert float(first.detail.rsplit(" ", 1)[1]) > 15
    sentences = [h for h in hints if h.kind == "sentence"]
    grades = [float(h.detail.rsplit(" ", 1)[1]) for h in sentences]
    assert grades == sorted(grades, reverse=True) and min(grades) > 6
    assert describe(first) == f"{path}:{at + 1}: Flesch–Kincaid grade {grades[0]:g}: “{first.text}”"


def test_a_word_with_a_plainer_one_is_named_with_it(folder: Path) -> None:
    path = folder / "patient.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Write down the depression", "Utilize a list of the"), "utf-8")
    line = next(n for n, t in enumerate(path.read_text("utf-8").splitlines(), 1) if "Utilize" in t)
    [word] = [h for h in reading_help(load_topic(folder)) if h.kind == "word"]
    assert (word.line, word.text, word.detail) == (line, "Utilize", "use")
    assert describe(word) == f"{path}:{line}: “Utilize”: plainer: use"


def test_spanish_is_judged_by_its_own_formula(folder: Path) -> None:
    hints = reading_help(load_topic(folder, language="es"))
    sentences = [h for h in hints if h.kind == "sentence"]
    assert sentences and all(h.detail.startswith("Fernández-Huerta") for h in sentences)
    scores = [float(h.detail.rsplit(" ", 1)[1]) for h in sentences]
    assert scores == sorted(scores) and max(scores) < 70


def test_check_explain_prints_the_help_and_json_carries_it(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import jsonschema
    from click.testing import CliRunner

    from publish.cli import cli
    from publish.resources import package_file

    monkeypatch.chdir(folder.parent.parent.parent)
    shown = CliRunner().invoke(cli, ["check", "--explain"]).output
    help_lines = shown.split("Reading help:\n", 1)[1].splitlines()[:-1]
    assert help_lines and all(line.startswith("  seeds/topics/") for line in help_lines)
    assert any("patient.es.md:" in line and "Fernández-Huerta" in line for line in help_lines)

    without = json.loads(CliRunner().invoke(cli, ["check", "--json"]).output)
    document = json.loads(CliRunner().invoke(cli, ["check", "--json", "--explain"]).output)
    schema = json.loads(package_file("schemas/check.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert "explain" not in without
    assert len(document["explain"]) == len(help_lines)
    assert document["counts"] == without["counts"]  # help, not a verdict
