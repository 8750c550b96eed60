"""Adding an artifact is one module plus one registration: everything that lists artifacts sees it.

This module is itself the tiny artifact: it renders a plain-text "reading notes" file and
verifies it, and the tests register it to see it reach `build --only`, the manifest,
`check`'s dispatch, the preview's pages and the FHIR export.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from publish.cli import cli
from publish.gates.visible import Reading
from publish.i18n import DRAFT_MARKING, messages_for, safety
from publish.render import registry
from publish.render.options import Options, Page, RenderedFile
from publish.resources import package_file
from publish.topic import Topic

NOTES = registry.Artifact(
    name="notes",
    filename="notes.txt",
    label="Reading notes",
    audience="Patient education",
    document_type=registry.INSTRUCTIONS,
    renderer=__name__,
    verifier=__name__,
    templates=("base.html",),
)
VERIFIED: list[str] = []
"""Files this artifact's verifier was asked about: proof that check dispatched to it."""


# --- the renderer contract --------------------------------------------------------------------


def render_file(topic: Topic, options: Options) -> RenderedFile:
    text = safety(messages_for("en"), options.profile)
    lines = [topic.control.title, text.disclaimer, *text.crisis]
    if topic.control.is_draft:
        lines.append(DRAFT_MARKING)
    return RenderedFile(NOTES.name, NOTES.filename, "\n".join(lines).encode(), cited=())


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    del options, image_src
    page = f"<html><head></head><body><h1>Notes: {topic.control.title}</h1></body></html>"
    return [Page("notes.html", NOTES.label, page, ())]


# --- the verifier contract --------------------------------------------------------------------

PASSED = "plain text, readable"


def read(data: bytes, wanted: Sequence[str] = ()) -> Reading:
    text = data.decode("utf-8")
    return Reading(text, text)


def problems(path: Path, artifact: registry.Artifact) -> list[str]:
    VERIFIED.append(path.name)
    return [] if artifact is NOTES else ["dispatched with the wrong declaration"]


# --- tests ------------------------------------------------------------------------------------


@pytest.fixture
def notes() -> Iterator[registry.Artifact]:
    registry.register(NOTES)
    yield NOTES
    registry.unregister(NOTES.name)


def test_build_check_preview_and_fhir_see_a_registered_artifact(
    notes: registry.Artifact,
    new_project: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from publish.fhir import export
    from publish.gates import check_topics
    from publish.preview import PreviewServer

    project = new_project("project")
    monkeypatch.chdir(project)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    topic = Path("seeds/topics/ketamine-depression")

    help_text = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "notes" in help_text
    run = CliRunner().invoke(cli, ["build", str(topic), "--only", "notes", "--jobs", "1"])
    assert run.exit_code == 0, run.output
    built = Path("dist/ketamine-depression")
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert [e["name"] for e in manifest["artifacts"]] == ["notes"]
    assert (built / "notes.txt").read_text(encoding="utf-8").startswith("Ketamine")

    VERIFIED.clear()
    findings = check_topics([topic], "dist").findings
    assert VERIFIED == ["notes.txt"]
    gates = {(f.gate, f.status, f.message) for f in findings}
    assert ("artifacts", "pass", f"notes: {PASSED}") in gates
    assert ("safety", "pass", "notes: disclaimer and crisis block visible") in gates

    server = PreviewServer(topic)
    index = server.render("/", 0).body.decode("utf-8")
    assert 'href="/notes"' in index and "Reading notes" in index
    assert "<h1>Notes: Ketamine" in server.render("/notes", 0).body.decode("utf-8")

    [reference, _bundle] = export([topic], Path("dist"))
    resource = json.loads(reference.read_text(encoding="utf-8"))
    attachment = resource["content"][0]["attachment"]
    assert (attachment["contentType"], resource["type"]["text"]) == ("text/plain", "Reading notes")


def test_an_unregistered_artifact_is_a_usage_error(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["build", "--only", "notes", "--out", str(tmp_path)])
    assert run.exit_code == 2
    assert "'notes' is not one of 'handout', 'clinician', 'epub'" in run.output


def test_a_manifest_naming_an_unknown_artifact_fails_check(
    notes: registry.Artifact, new_project: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from publish.gates import check_topics

    monkeypatch.chdir(new_project("project"))
    topic = Path("seeds/topics/ketamine-depression")
    assert CliRunner().invoke(cli, ["build", str(topic), "--only", "notes"]).exit_code == 0
    registry.unregister(NOTES.name)
    findings = check_topics([topic], "dist").findings
    assert any(
        f.gate == "artifacts" and f.status == "fail" and "unknown artifact 'notes'" in f.message
        for f in findings
    )
    registry.register(NOTES)


def _enums(node: object) -> list[list[object]]:
    """Every `enum` list in a JSON schema, depth first."""
    if isinstance(node, dict):
        found = [node["enum"]] if "enum" in node else []
        return found + [e for value in node.values() for e in _enums(value)]
    if isinstance(node, list):
        return [e for value in node for e in _enums(value)]
    return []


def test_build_schema_names_exactly_the_registered_artifacts() -> None:
    schema = json.loads(package_file("schemas/build.schema.json").read_text(encoding="utf-8"))
    names = set(registry.names())
    paged = {a.name for a in registry.ARTIFACTS.values() if a.max_pages is not None}
    artifact_enums = [set(e) for e in _enums(schema) if all(isinstance(v, str) for v in e)]
    assert artifact_enums, "the schema lists artifact names"
    assert all(e in (names, paged) for e in artifact_enums), artifact_enums
    assert paged in artifact_enums  # the artifacts that report pages
