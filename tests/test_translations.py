"""Translations of a topic: patient.<tag>.md beside patient.md, built into dist/<id>.<tag>/.

A Spanish-reading patient must get a sheet that is Spanish throughout (template text,
safety text, dates, every language field), checked by its own reading formula, and a
translation that is stale or unapproved must never be released.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pikepdf
import pypdf
import pytest
import yaml
from babel.messages.pofile import read_po
from helpers import copy_seeds, run_cli

from publish.builder import build_topics
from publish.errors import EXIT_CONTENT, EXIT_RELEASE, EXIT_USAGE
from publish.gates import check_topic
from publish.manifest import Manifest
from publish.project import Project

REPO = Path(__file__).resolve().parent.parent
TOPIC = "ketamine-depression"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    return squash(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages))


def epub_files(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return {
            n: book.read(n).decode("utf-8")
            for n in book.namelist()
            if n.endswith((".xhtml", ".opf", ".svg"))
        }


def epub_text(path: Path) -> str:
    pages = [t for n, t in epub_files(path).items() if n.endswith((".xhtml", ".svg"))]
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(pages))))


def bilingual(folder: Path) -> Path:
    """A project whose default topic has its Spanish translation."""
    copy_seeds(folder / "seeds", translations=True)
    return folder


def current_version(project: Path) -> str:
    """The default topic's version, which its Spanish translation is translated from."""
    return str(yaml.safe_load((topic_dir(project) / "topic.yaml").read_text("utf-8"))["version"])


def topic_dir(project: Path) -> Path:
    return project / "seeds" / "topics" / TOPIC


def build(project: Path, **options: Any) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return build_topics(out="dist", **options)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    project = bilingual(tmp_path_factory.mktemp("bilingual"))
    result = build(project)
    assert result.ok, [str(e) for e in result.errors]
    return project, result


def english_messages() -> list[str]:
    """Every English message the templates can print, as the words a reader would see:
    placeholders and markup taken out, pieces of two words or more."""
    with (REPO / "templates" / "locale" / "messages.pot").open("rb") as handle:
        catalog = read_po(handle)
    pieces = []
    for message in catalog:
        for msgid in message.id if isinstance(message.id, (list, tuple)) else (message.id,):
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid or ""):
                words = piece.strip(" .,:;·")
                if len(words.split()) >= 2:
                    pieces.append(squash(words))
    return pieces


@pytest.mark.parametrize("file", ["handout.pdf", "reader.epub"])
def test_spanish_files_print_no_english_template_text(built: tuple[Path, Any], file: str) -> None:
    project, _ = built
    path = project / "dist" / f"{TOPIC}.es" / file
    text = pdf_text(path) if file.endswith(".pdf") else epub_text(path)
    assert "Pida ayuda ahora" in text and "Esta información es solo para aprender." in text
    leftovers = [piece for piece in english_messages() if piece in text]
    assert leftovers == []


def test_spanish_handout_dates_and_footer_are_spanish(built: tuple[Path, Any]) -> None:
    project, _ = built
    text = pdf_text(project / "dist" / f"{TOPIC}.es" / "handout.pdf")
    assert "Actualizado el 30 de noviembre de 2026" in text
    assert "Página 1 de 2" in text and "Página 2 de 2" in text
    assert "Traducido por publish maintainers" in text
    assert "Borrador: aún sin revisión clínica" in text


def test_every_language_field_of_the_spanish_files_says_es(built: tuple[Path, Any]) -> None:
    project, _ = built
    folder = project / "dist" / f"{TOPIC}.es"
    with pikepdf.open(folder / "handout.pdf") as pdf:
        assert str(pdf.Root.Lang) == "es"
    files = epub_files(folder / "reader.epub")
    [opf] = [t for n, t in files.items() if n.endswith(".opf")]
    package = ElementTree.fromstring(opf.encode())
    assert package.get(XML_LANG) == "es"
    assert package.find(f"{OPF}metadata/{DC}language").text == "es"  # type: ignore[union-attr]
    for name, text in files.items():
        if name.endswith(".xhtml"):
            assert re.search(r'<html[^>]*\blang="es"', text), name
    built_manifest = Manifest.load(folder)
    assert built_manifest.fields["language"] == "es"
    assert built_manifest.fields["translation"]["file"] == "patient.es.md"
    assert {e["language"] for e in built_manifest.entries} == {"es"}
    assert all(e["untranslated"] == [] for e in built_manifest.entries)


def test_english_files_stay_where_they_were_and_say_en(built: tuple[Path, Any]) -> None:
    project, _ = built
    english = Manifest.load(project / "dist" / TOPIC)
    assert english.fields["language"] == "en" and english.fields["translation"] is None
    assert [e["name"] for e in english.entries] == ["handout", "clinician", "epub", "web"]


def test_no_clinician_text_no_spanish_clinician_sheet_said_once(built: tuple[Path, Any]) -> None:
    _, result = built
    [spanish] = [t for t in result.topics if t.language == "es"]
    assert spanish.notes == ["clinician summary not built in 'es': no clinician.es.md"]
    assert [a["name"] for a in spanish.artifacts] == ["handout", "epub", "web"]
    assert spanish.warnings == []


def test_check_passes_both_languages_with_a_spanish_reading_score(built: tuple[Path, Any]) -> None:
    project, _ = built
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        findings = check_topic(topic_dir(project), project / "dist", project=Project.find())
    failed = [f for f in findings if f.status == "fail"]
    assert failed == []
    [spanish] = [
        f for f in findings if f.gate == "readability" and f.file.endswith("patient.es.md")
    ]
    assert spanish.status == "pass" and spanish.message.startswith("Fernández-Huerta ")
    safety = {f.message for f in findings if f.gate == "safety"}
    assert "handout (es): disclaimer and crisis block visible" in safety
    artifacts = {f.message for f in findings if f.gate == "artifacts"}
    assert any(m.startswith("epub (es): ") for m in artifacts)


def write_translation(project: Path, edit: Callable[[dict[str, Any], str], str]) -> Path:
    """Rewrite patient.es.md: `edit(front_matter, body)` changes the fields and returns the body."""
    path = topic_dir(project) / "patient.es.md"
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    fields = yaml.safe_load(head)
    body = edit(fields, body)
    path.write_text(f"---\n{yaml.safe_dump(fields, allow_unicode=True)}---\n{body}", "utf-8")
    return path


def test_an_english_paragraph_in_a_translation_fails_check_at_its_line(tmp_path: Path) -> None:
    project = bilingual(tmp_path)
    english = (
        "Ketamine blocks the NMDA receptor, a part of brain cells that helps the brain "
        "change with experience [@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity]."
    )
    path = write_translation(
        project, lambda _, body: re.sub(r"\nLa esketamina \(marca[^\n]*", "\n" + english, body)
    )
    line = path.read_text(encoding="utf-8").splitlines().index(english) + 1
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        findings = check_topic(topic_dir(project), project / "dist", project=Project.find())
    [found] = [f for f in findings if f.gate == "language" and f.status == "fail"]
    assert (found.file, found.line) == (str(path), line)
    assert "not 'es'" in found.message


def test_a_stale_translation_warns_in_check(tmp_path: Path) -> None:
    project = bilingual(tmp_path)
    topic_yaml = topic_dir(project) / "topic.yaml"
    version = current_version(project)
    topic_yaml.write_text(
        topic_yaml.read_text().replace(f"version: {version}", "version: 9.9.9"), "utf-8"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        findings = check_topic(topic_dir(project), project / "dist", project=Project.find())
    [stale] = [f for f in findings if "stale" in f.message]
    assert stale.status == "warn" and stale.file.endswith("patient.es.md")
    assert f"translated from version {version}" in stale.message
    assert "now version 9.9.9" in stale.message


def approve_topic(project: Path, version: str) -> None:
    path = topic_dir(project) / "topic.yaml"
    control = yaml.safe_load(path.read_text(encoding="utf-8"))
    control.update(
        version=version, status="approved", approved_by="Dr. A. Reviewer", approved_on="2026-11-25"
    )
    path.write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")


def one_error(result: Any) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("translated", "expected"),
    [
        ({"status": "draft"}, "the translation's 'status' is draft"),
        (
            {
                "translated_from": "0.0.9",
                "status": "approved",
                "approved_by": "L. Traductora",
                "approved_on": "2026-11-26",
            },
            "translation is stale: translated from version 0.0.9",
        ),
    ],
)
def test_release_refuses_an_unapproved_or_stale_translation(
    tmp_path: Path, translated: dict[str, str], expected: str
) -> None:
    project = bilingual(tmp_path)
    approve_topic(project, current_version(project))
    path = write_translation(project, lambda fields, body: fields.update(translated) or body)
    result = run_cli("build", "--release", cwd=project)
    assert result.returncode == EXIT_RELEASE
    line = one_error(result)
    assert line.startswith(f"error: {path.relative_to(project)}:") and expected in line
    assert not (project / "dist" / f"{TOPIC}.es").exists()


def test_lang_builds_only_that_language_and_an_unknown_one_is_a_usage_error(
    tmp_path: Path,
) -> None:
    project = bilingual(tmp_path)
    result = build(project, languages=["es"], only=["handout"])
    assert [(t.topic, t.language) for t in result.topics] == [(TOPIC, "es")]
    assert not (project / "dist" / TOPIC).exists()
    missing = run_cli("build", "--lang", "fr", cwd=project)
    assert missing.returncode == EXIT_USAGE
    assert "no topic is written or translated in 'fr'" in one_error(missing)


def test_editing_the_translation_rebuilds_only_that_language(built: tuple[Path, Any]) -> None:
    project, _ = built
    again = build(project)
    assert all(set(t.up_to_date) == {a["name"] for a in t.artifacts} for t in again.topics)
    path = topic_dir(project) / "patient.es.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    edited = build(project)
    by_language = {t.language: t.up_to_date for t in edited.topics}
    assert by_language == {None: ["handout", "clinician", "epub", "web"], "es": []}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("patient.spanish.md", "Hola.\n", "'spanish' in the file name is not a language tag"),
        ("patient.vi.md", "Xin chào.\n", "a translation starts with front matter"),
    ],
)
def test_a_bad_translation_file_is_one_clear_error(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    project = bilingual(tmp_path)
    (topic_dir(project) / name).write_text(text, encoding="utf-8")
    result = run_cli("build", "--only", "handout", cwd=project)
    assert result.returncode == EXIT_CONTENT
    line = one_error(result)
    assert f"{name}" in line and expected in line


def test_a_language_without_safety_text_is_refused_and_a_project_catalog_adds_it(
    tmp_path: Path,
) -> None:
    project = bilingual(tmp_path)
    spanish = (topic_dir(project) / "patient.es.md").read_text(encoding="utf-8")
    (topic_dir(project) / "patient.vi.md").write_text(spanish, encoding="utf-8")
    refused = run_cli("build", "--lang", "vi", "--only", "handout", cwd=project)
    assert refused.returncode == EXIT_CONTENT
    assert "no safety text in 'vi'" in one_error(refused)
    assert not (project / "dist" / f"{TOPIC}.vi").exists()

    # The clinic adds Vietnamese safety text only: the build works, and check fails the
    # file for every other template message still printed in English.
    from publish import i18n

    catalog = project / "templates" / "locale" / "vi" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    entries = [i18n.DISCLAIMER, i18n.CRISIS_TITLE, i18n.DRAFT_MARKING, *i18n.CRISIS_LINES]
    po = ['msgid ""\nmsgstr "Language: vi\\n"\n']
    po += [f'msgid "{m}"\nmsgstr "[vi] {m}"\n' for m in entries]
    (catalog / "messages.po").write_text("\n".join(po), encoding="utf-8")
    built = run_cli("build", "--lang", "vi", "--only", "handout", cwd=project)
    assert built.returncode == 0, built.stderr
    checked = run_cli("check", "--json", cwd=project)
    report = checked.stdout
    assert "template text printed in English, not translated into 'vi'" in report
    assert "[vi] Get help now" in pdf_text(project / "dist" / f"{TOPIC}.vi" / "handout.pdf")


def test_fhir_describes_the_spanish_documents_in_spanish(built: tuple[Path, Any]) -> None:
    import json

    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.documentreference import DocumentReference

    project, _ = built
    result = run_cli("fhir", cwd=project)
    assert result.returncode == 0, result.stderr
    spanish = project / "dist" / f"{TOPIC}.es" / "fhir"
    english = project / "dist" / TOPIC / "fhir"
    assert sorted(p.name for p in spanish.iterdir()) == [
        "bundle.json",
        "epub.documentreference.json",
        "handout.documentreference.json",
        "web.documentreference.json",
    ]
    data = json.loads((spanish / "handout.documentreference.json").read_text(encoding="utf-8"))
    DocumentReference.model_validate(data)
    attachment = data["content"][0]["attachment"]
    assert attachment["language"] == "es"
    assert attachment["title"].startswith("La ketamina para la depresión")
    other = json.loads((english / "handout.documentreference.json").read_text(encoding="utf-8"))
    assert other["content"][0]["attachment"]["language"] == "en" and other["id"] != data["id"]
    Bundle.model_validate(json.loads((spanish / "bundle.json").read_text(encoding="utf-8")))


def test_preview_shows_each_language(tmp_path: Path) -> None:
    from publish.preview import PreviewServer

    project = bilingual(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        server = PreviewServer(topic_dir(project), port=0, project=Project.find(project))
        index = server.render("/", 1).body.decode("utf-8")
        handout = server.render("/es/handout", 1).body.decode("utf-8")
        book = server.render("/es/epub", 1).body.decode("utf-8")
        missing = server.render("/es/clinician", 1)
    assert "Spanish (es)" in index and 'href="/es/handout"' in index
    assert 'href="/es/clinician"' not in index and 'href="/clinician"' in index
    assert 'lang="es"' in handout and "Pida ayuda ahora" in handout
    assert 'href="/es/epub/guide.xhtml"' in book
    assert missing.status == 404
