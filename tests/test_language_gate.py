"""The language gate and the translation's document control, on topics as loaded (no build).

Fast counterparts of tests/test_translations.py, so mutation testing can run them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import copy_seeds

from publish.gates.control import translation_control
from publish.gates.language import MAX_LISTED, language
from publish.topic import Topic, load_topic

TOPIC = "ketamine-depression"
ENGLISH = (
    "Ketamine blocks the NMDA receptor, a part of brain cells that helps the brain change "
    "with experience [@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity]."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy_seeds(tmp_path / "seeds", translations=True)
    return tmp_path / "seeds" / "topics" / TOPIC


def spanish(folder: Path) -> Topic:
    return load_topic(folder, language="es")


def edit_translation(folder: Path, **fields: str) -> Path:
    path = folder / "patient.es.md"
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(head) | fields
    path.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{body}", "utf-8")
    return path


def test_a_translation_all_in_its_language_passes(folder: Path, tmp_path: Path) -> None:
    [finding] = language(spanish(folder), tmp_path / "dist")
    assert (finding.gate, finding.status) == ("language", "pass")
    assert finding.message == "es: all text in 'es'"


def test_the_original_is_judged_in_its_own_language(folder: Path, tmp_path: Path) -> None:
    [finding] = language(load_topic(folder), tmp_path / "dist")
    assert (finding.status, finding.message) == ("pass", "all text in 'en'")


def test_an_english_paragraph_fails_at_its_line(folder: Path, tmp_path: Path) -> None:
    path = folder / "patient.es.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("La esketamina (marca"))
    lines[at] = ENGLISH
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [finding] = language(spanish(folder), tmp_path / "dist")
    assert (finding.status, finding.file, finding.line) == ("fail", str(path), at + 1)
    assert finding.message.startswith("paragraph in 'en', not 'es': “Ketamine blocks")


def built_with(dist: Path, untranslated: list[str]) -> Path:
    """A manifest for the Spanish handout that records these untranslated messages."""
    folder = dist / f"{TOPIC}.es"
    folder.mkdir(parents=True)
    entry = {
        "name": "handout",
        "file": "handout.pdf",
        "sha256": "0" * 64,
        "untranslated": untranslated,
    }
    (folder / "manifest.json").write_text(json.dumps({"artifacts": [entry]}), "utf-8")
    return folder / "handout.pdf"


def test_template_text_left_in_english_fails_the_file(folder: Path, tmp_path: Path) -> None:
    messages = ["Get help now", "References", "Glossary", "Cover", "Contents"]
    path = built_with(tmp_path / "dist", messages)
    [finding, *rest] = language(spanish(folder), tmp_path / "dist")
    assert rest == []
    assert (finding.status, finding.file) == ("fail", str(path))
    assert finding.message.startswith(
        "handout (es): template text printed in English, not translated into 'es': "
        "'Get help now', 'References', 'Glossary' and 2 more; translate it in "
        "templates/locale/es/LC_MESSAGES/messages.po"
    )
    assert MAX_LISTED == 3


def test_nothing_untranslated_is_a_pass(folder: Path, tmp_path: Path) -> None:
    built_with(tmp_path / "dist", [])
    assert [f.status for f in language(spanish(folder), tmp_path / "dist")] == ["pass"]


def test_a_language_the_detector_does_not_know_is_a_warning(folder: Path, tmp_path: Path) -> None:
    text = (folder / "patient.es.md").read_text(encoding="utf-8")
    (folder / "patient.tlh.md").write_text(text, encoding="utf-8")  # Klingon: CLDR knows it
    [finding, passed] = language(load_topic(folder, language="tlh"), tmp_path / "dist")
    assert finding.status == "warn"
    assert finding.message == "language of the text not checked: 'tlh' cannot be detected"
    assert passed.status == "pass"


def test_a_draft_translation_warns(folder: Path) -> None:
    [finding] = translation_control(spanish(folder))
    assert (finding.gate, finding.status) == ("document-control", "warn")
    assert finding.message.startswith("translation status is draft")
    assert finding.file == str(folder / "patient.es.md")


def test_a_stale_approved_translation_warns_once(folder: Path) -> None:
    edit_translation(
        folder,
        translated_from="0.0.9",
        status="approved",
        approved_by="L. Traductora",
        approved_on="2026-11-26",
    )
    [finding] = translation_control(spanish(folder))
    assert finding.status == "warn"
    assert finding.message == (
        "translation is stale: translated from version 0.0.9, the topic is now version "
        f"{load_topic(folder).control.version}; update it and its 'translated_from'"
    )


def test_an_approved_current_translation_passes(folder: Path) -> None:
    edit_translation(
        folder, status="approved", approved_by="L. Traductora", approved_on="2026-11-26"
    )
    [finding] = translation_control(spanish(folder))
    assert finding.status == "pass"
    assert finding.message == (
        "translation approved by L. Traductora on 2026-11-26, from version "
        f"{load_topic(folder).control.version}"
    )


def test_the_original_has_no_translation_control(folder: Path) -> None:
    assert translation_control(load_topic(folder)) == []


def test_a_translation_is_a_draft_while_the_topic_is(folder: Path) -> None:
    edit_translation(
        folder, status="approved", approved_by="L. Traductora", approved_on="2026-11-26"
    )
    control = spanish(folder).control
    assert control.is_draft and control.approved_by is None
    assert control.title == "La ketamina para la depresión" and control.language == "es"


def test_the_safety_gate_fails_each_file_of_a_language_without_safety_text(folder: Path) -> None:
    from publish.gates.built import safety
    from publish.profile import Profile
    from publish.project import Project

    text = (folder / "patient.es.md").read_text(encoding="utf-8")
    (folder / "patient.vi.md").write_text(text, encoding="utf-8")
    topic = load_topic(folder, language="vi")
    files = {"handout": folder / "handout.pdf", "epub": folder / "reader.epub"}
    findings = safety(topic, files, Profile(), Project.find(folder.parent.parent.parent))
    assert [(f.gate, f.status, f.file) for f in findings] == [
        ("safety", "fail", str(folder / "patient.vi.md"))
    ] * 2
    assert findings[0].message.startswith("handout (vi): no safety text in 'vi'")
    assert findings[1].message.startswith("epub (vi): no safety text in 'vi'")
