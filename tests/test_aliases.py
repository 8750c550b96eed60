"""Short source aliases in topic.yaml (`sources: {yale: <id>}`): texts, the glossary and a
translation may cite `[@yale]`, the full id stays valid, every bad alias is named at its
line at once, an unknown key says how to fix it, and a topic citing by alias builds the
same bytes as one citing by id."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import copy_seeds

from publish.citations import Cite
from publish.errors import EXIT_CONTENT, ContentError
from publish.topic import load_topic

REPO = Path(__file__).resolve().parent.parent
NORMALIZED = REPO / "seeds" / "normalized"
YALE = "ketamine-depression-how-it-works"
HUBERMAN = "ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity"
VIDEO = "experimental-treatments-for-depression"
SCIENCE = "unraveling-the-science-how-ketamine-works-in-depression"
RAPID = "ketamine-as-a-rapid-antidepressant-for-mood-disorders"
ALIASES = {"yale": YALE, "huberman": HUBERMAN, "video": VIDEO, "science": SCIENCE, "rapid": RAPID}
"""An alias for each source of the default topic, in its topic.yaml order."""

CONTROL = """id: mini
title: Mini topic
version: "0.1.0"
status: draft
updated: 2026-01-01
next_review: 2027-01-01
language: en
"""


def write_topic(folder: Path, sources: str, patient: str, **files: str) -> Path:
    """A small topic: topic.yaml with `sources` (YAML, from `sources:` on), patient.md and
    any other `files` (name with '.' written '_': glossary_yaml, patient_es_md)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topic.yaml").write_text(CONTROL + sources, encoding="utf-8")
    (folder / "patient.md").write_text(patient, encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


def refused(folder: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_topic(folder, NORMALIZED)
    assert caught.value.exit_code == EXIT_CONTENT
    return caught.value


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def use_aliases(topic: Path) -> None:
    """Rewrite the default topic to list its sources by alias and cite only aliases."""
    control = topic / "topic.yaml"
    mapping = "".join(f"  {alias}: {key}\n" for alias, key in ALIASES.items())
    control.write_text(
        re.sub(r"(?ms)^sources:.*\Z", "sources:\n" + mapping, control.read_text("utf-8")),
        encoding="utf-8",
    )
    for path in [*topic.glob("*.md"), *topic.glob("glossary*.yaml")]:
        text = path.read_text(encoding="utf-8")
        for alias, key in ALIASES.items():
            text = re.sub(rf"(@|cite: \[|, ){re.escape(key)}\b", rf"\g<1>{alias}", text)
        path.write_text(text, encoding="utf-8")


# --- aliases resolve where the topic is loaded ---------------------------------------------------


def test_alias_citations_resolve_to_ids_in_texts_glossary_and_translation(tmp_path: Path) -> None:
    folder = write_topic(
        tmp_path / "mini",
        f"sources:\n  yale: {YALE}\n  video: {VIDEO}\n",
        f"A claim [@yale; @video, 01:25:04].\n\nThe full id still works [@{YALE}].\n",
        glossary_yaml="- term: Dose\n  definition: How much is given.\n  cite: [video, yale]\n",
        patient_es_md=(
            "---\ntitle: Mini\ntranslated_from: 0.1.0\nstatus: draft\ntranslator: T\n---\n"
            "Una frase [@video, 01:22:00].\n"
        ),
        glossary_es_yaml="- term: Dosis\n  definition: Cuánto se da.\n  cite: [yale]\n",
    )
    topic = load_topic(folder, NORMALIZED)
    assert [s.id for s in topic.sources] == [YALE, VIDEO]
    assert topic.patient.cites == (Cite(YALE), Cite(VIDEO, "01:25:04"), Cite(YALE))
    assert topic.patient.markdown == (
        f"A claim [@{YALE}; @{VIDEO}, 01:25:04].\n\nThe full id still works [@{YALE}].\n"
    )
    assert [entry.cite for entry in topic.glossary] == [(VIDEO, YALE)]

    spanish = load_topic(folder, NORMALIZED, "es")
    assert spanish.patient.cites == (Cite(VIDEO, "01:22:00"),)
    assert f"[@{VIDEO}, 01:22:00]" in spanish.patient.markdown
    assert [entry.cite for entry in spanish.glossary] == [(YALE,)]


def test_the_default_topic_by_alias_loads_as_the_same_topic(tmp_path: Path) -> None:
    topic = copy_seeds(tmp_path / "seeds", translations=True) / "topics" / "ketamine-depression"
    before = {lang: load_topic(topic, language=lang) for lang in (None, "es")}
    use_aliases(topic)
    assert "[@video, 01:25:04]" in (topic / "clinician.md").read_text(encoding="utf-8")
    assert "cite: [huberman]" in (topic / "glossary.es.yaml").read_text(encoding="utf-8")
    for lang, original in before.items():
        aliased = load_topic(topic, language=lang)
        assert [t.markdown for t in aliased.texts] == [t.markdown for t in original.texts]
        assert [t.cites for t in aliased.texts] == [t.cites for t in original.texts]
        assert aliased.glossary == original.glossary
        assert aliased.sources == original.sources


def test_an_alias_may_be_its_own_id(tmp_path: Path) -> None:
    folder = write_topic(tmp_path / "mini", f"sources:\n  {YALE}: {YALE}\n", f"A [@{YALE}].\n")
    assert load_topic(folder, NORMALIZED).patient.cites == (Cite(YALE),)


# --- bad aliases: every one at its line, at once -------------------------------------------------


def test_every_bad_alias_and_field_is_named_at_its_line_at_once(tmp_path: Path) -> None:
    sources = (
        "sources:\n"
        f"  yale: {YALE}\n"
        f"  {VIDEO}: {HUBERMAN}\n"
        "  gone: no-such-source\n"
        f"  yale: {SCIENCE}\n"
    )
    folder = write_topic(tmp_path / "mini", sources, "A [@yale].\n")
    control = folder / "topic.yaml"
    control.write_text(
        control.read_text(encoding="utf-8").replace("status: draft", "status: finished")
    )
    text = control.read_text(encoding="utf-8")
    error = refused(folder)
    assert error.lines() == [
        f"{control}:{line_of(text, 'status:')}: field 'status' must be one of draft, approved, "
        "not 'finished'",
        f"{control}:{line_of(text, VIDEO + ':')}: field 'sources': alias '{VIDEO}' is the id "
        "of another source; choose another alias",
        f"{control}:{line_of(text, 'gone:')}: source 'no-such-source' listed in topic but not "
        f"found in {NORMALIZED}",
        f"{control}:{line_of(text, '  yale: ' + SCIENCE)}: field 'sources': alias 'yale' is "
        "given twice; give each alias once",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (f"Yale: {YALE}", "field 'sources' key 'Yale' must be a lowercase slug (a-z, 0-9, '-'), "),
        ("yale: Not-An-Id", "field 'sources' 'yale' must be a lowercase slug (a-z, 0-9, '-'), "),
        ("yale:", "field 'sources': alias 'yale' names no source id"),
    ],
)
def test_a_malformed_alias_entry_is_named_at_its_line(
    tmp_path: Path, entry: str, message: str
) -> None:
    folder = write_topic(tmp_path / "mini", f"sources:\n  video: {VIDEO}\n  {entry}\n", "A.\n")
    error = refused(folder)
    assert error.path == folder / "topic.yaml"
    assert (error.line, error.raw[: len(message)]) == (10, message)


# --- unknown citation keys say how to fix them ---------------------------------------------------


def test_a_normalized_source_not_listed_says_to_list_it(tmp_path: Path) -> None:
    folder = write_topic(
        tmp_path / "mini", f"sources:\n  yale: {YALE}\n", f"A [@yale].\n\nB [@{VIDEO}].\n"
    )
    assert str(refused(folder)) == (
        f"{folder / 'patient.md'}:3: source '{VIDEO}' is normalized but not listed in "
        "topic.yaml `sources:`; add it"
    )


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("yael", "unknown citation key @yael; did you mean @yale?"),
        (YALE[:-1], f"unknown citation key @{YALE[:-1]}; did you mean @{YALE}?"),
        ("zzz", "unknown citation key @zzz"),
    ],
)
def test_a_typo_names_the_nearest_id_or_alias(tmp_path: Path, key: str, said: str) -> None:
    sources = f"sources:\n  yale: {YALE}\n  video: {VIDEO}\n"
    folder = write_topic(tmp_path / "mini", sources, f"A [@yale].\n\nB [@video; @{key}].\n")
    assert str(refused(folder)) == f"{folder / 'patient.md'}:3: {said}"


def test_a_glossary_typo_is_named_at_its_cite_line(tmp_path: Path) -> None:
    glossary = "- term: Dose\n  definition: How much is given.\n  cite:\n    - yale\n    - yael\n"
    folder = write_topic(
        tmp_path / "mini", f"sources:\n  yale: {YALE}\n", "A [@yale].\n", glossary_yaml=glossary
    )
    assert str(refused(folder)) == (
        f"{folder / 'glossary.yaml'}:5: unknown citation key @yael; did you mean @yale?"
    )


def test_the_command_line_prints_the_hint_and_exits_4(
    new_project: Callable[..., Path],
    run_publish: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    project = new_project("project")
    write_topic(project / "seeds" / "topics" / "mini", f"sources:\n  yale: {YALE}\n", "[@yael]\n")
    result = run_publish("build", "seeds/topics/mini", cwd=project)
    assert result.returncode == EXIT_CONTENT
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].endswith(
        "patient.md:1: unknown citation key @yael; did you mean @yale?"
    ), errors


# --- the same bytes ------------------------------------------------------------------------------


def test_a_topic_citing_by_alias_builds_the_same_bytes(
    new_project: Callable[..., Path],
    build_in: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # dates come from `updated`
    built = {}
    for name in ("by-id", "by-alias"):
        project = new_project(name)
        topic = project / "seeds" / "topics" / "ketamine-depression"
        if name == "by-alias":
            use_aliases(topic)
            assert f"@{YALE}" not in (topic / "patient.md").read_text(encoding="utf-8")
        only = ("handout", "clinician", "epub")
        folder = build_in(project, project / "dist", topic, only=only, languages=["en"])
        built[name] = {
            file: hashlib.sha256((folder / file).read_bytes()).hexdigest()
            for file in ("handout.pdf", "clinician-summary.pdf", "reader.epub")
        }
    assert built["by-alias"] == built["by-id"]
