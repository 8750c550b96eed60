"""`publish check` gates that must stop a release: each case breaks one promise of the README
in a project of its own and reads the finding back through `publish.check` or the command line.

- safety: a draft's built files must carry the draft marking, not only the disclaimer;
- artifacts: epubcheck warnings fail like errors ("0 errors, 0 warnings");
- citations: clinician.md is held to the same rule as patient.md, and a source cited only in
  the glossary is cited.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest
import yaml

import publish

if TYPE_CHECKING:
    from publish.gates import CheckResult, Finding

TOPIC_ID = "ketamine-depression"
YALE = "ketamine-depression-how-it-works"
DRAFT_MARKING = "Draft — not yet clinically reviewed"
BuildIn = Callable[..., Path]
Run = Callable[..., subprocess.CompletedProcess[str]]


def topic_dir(project: Path) -> Path:
    return project / "seeds" / "topics" / TOPIC_ID


def run_check(project: Path) -> CheckResult:
    """`publish.check` on the project's topic against project/dist."""
    return publish.check(
        [topic_dir(project)], dist=project / "dist", project=publish.Project.find(project)
    )


def of(result: CheckResult, gate: str, status: str | None = None) -> list[Finding]:
    """A gate's findings, less the artifacts a test leaves unbuilt to spare time."""
    return [
        f
        for f in result.findings
        if f.gate == gate
        and (status is None or f.status == status)
        and "was not built" not in f.message
    ]


def override(project: Path, name: str, text: str) -> None:
    """A project template that wins over the bundled one of the same name."""
    path = project / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def append_block(path: Path, block: str) -> int:
    """Append a Markdown block after a blank line; the line number it starts on."""
    body = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{body}\n\n{block}\n", encoding="utf-8")
    return body.count("\n") + 3


def pdf_text(path: Path) -> str:
    pages = pypdf.PdfReader(path).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


# --- safety: the draft marking ----------------------------------------------------------------


def test_draft_handout_built_without_its_draft_marking_fails_safety(
    new_project: Callable[[str], Path], build_in: BuildIn, repo_root: Path
) -> None:
    project = new_project("unmarked-draft")
    # A clinic's templates that drop the draft stamp and the page header saying "Draft".
    override(project, "partials/draft.html", "")
    page = (repo_root / "templates" / "page.html").read_text(encoding="utf-8")
    header = re.compile(r"\{% if draft %\} @top-center \{.*?; \}\{% endif %\}")
    assert header.search(page), "page.html no longer sets the draft page header this way"
    override(project, "page.html", header.sub("", page))
    folder = build_in(project, project / "dist", topic_dir(project), only=["handout"])
    printed = pdf_text(folder / "handout.pdf")
    assert DRAFT_MARKING not in printed
    assert "988" in printed  # the crisis block is still there: only the marking is gone

    result = run_check(project)

    [safety] = of(result, "safety")
    assert safety.status == "fail"
    assert safety.message == "handout: missing draft marking"
    assert Path(safety.file or "").name == "handout.pdf"
    assert result.failed()


def test_draft_handout_with_its_marking_passes_safety(
    built_topic: Path, default_topic: Path
) -> None:
    """The counterpart: the bundled templates print the marking the gate looks for."""
    assert DRAFT_MARKING in pdf_text(built_topic / "handout.pdf")
    result = publish.check([default_topic], dist=built_topic.parent)
    assert [(f.status, f.message) for f in of(result, "safety") if "handout:" in f.message] == [
        ("pass", "handout: disclaimer and crisis block visible")
    ]


# --- artifacts: epubcheck warnings ------------------------------------------------------------


def test_epub_with_an_epubcheck_warning_and_no_error_fails_artifacts(
    new_project: Callable[[str], Path], build_in: BuildIn, repo_root: Path
) -> None:
    project = new_project("epub-warning")
    about = (repo_root / "templates" / "epub" / "about.html").read_text(encoding="utf-8")
    assert "<h1>{{ chapter_title }}</h1>" in about
    # A link with a URI scheme that is not registered: epubcheck's HTM-025, a WARNING only.
    skype = '<p>Video calls: <a href="skype:riverside.clinic?call">riverside.clinic</a>.</p>'
    override(
        project,
        "epub/about.html",
        about.replace("<h1>{{ chapter_title }}</h1>", f"<h1>{{{{ chapter_title }}}}</h1>\n{skype}"),
    )
    build_in(project, project / "dist", topic_dir(project), only=["epub"])

    result = run_check(project)

    [artifact] = of(result, "artifacts")
    assert artifact.status == "fail", artifact.message
    assert artifact.message.startswith("epub: WARNING HTM-025")
    assert "ERROR" not in artifact.message
    assert Path(artifact.file or "").name == "reader.epub"
    assert result.failed()


# --- citations --------------------------------------------------------------------------------


def test_uncited_clinician_paragraph_fails_check_naming_file_and_line(
    new_project: Callable[[str], Path], run_publish: Run
) -> None:
    project = new_project("uncited-clinician")
    claim = "Ketamine infusions cure every patient."
    line = append_block(topic_dir(project) / "clinician.md", claim)

    result = run_check(project)  # nothing built: the citation gate reads the topic text

    [finding] = of(result, "citations", "fail")
    assert Path(finding.file or "").name == "clinician.md"
    assert finding.line == line
    assert finding.message == f"no citation: “{claim}”"
    assert not of(result, "citations", "pass")

    cli = run_publish("check", cwd=project)
    assert cli.returncode == 1, cli.stdout + cli.stderr
    pattern = rf"^FAIL\s+citations\s.*no citation: .*\[[^\]]*clinician\.md:{line}\]$"
    assert re.search(pattern, cli.stdout, re.M), cli.stdout


def test_uncited_clinician_list_item_fails_check(new_project: Callable[[str], Path]) -> None:
    project = new_project("uncited-item")
    line = append_block(topic_dir(project) / "clinician.md", "- Monitor blood pressure.")

    [finding] = of(run_check(project), "citations", "fail")

    assert Path(finding.file or "").name == "clinician.md"
    assert finding.line == line
    assert "Monitor blood pressure" in finding.message


def add_source(project: Path, new_id: str) -> None:
    """A further normalized source (a copy of the Yale page) listed in the topic's sources."""
    normalized = project / "seeds" / "normalized"
    text = (normalized / f"{YALE}.md").read_text(encoding="utf-8")
    assert f"id: {YALE}\n" in text
    (normalized / f"{new_id}.md").write_text(
        text.replace(f"id: {YALE}\n", f"id: {new_id}\n", 1), encoding="utf-8"
    )
    path = topic_dir(project) / "topic.yaml"
    control = yaml.safe_load(path.read_text(encoding="utf-8"))
    control["sources"].append(new_id)
    path.write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("cited_in_glossary", [True, False])
def test_source_cited_only_in_the_glossary_is_not_reported_never_cited(
    new_project: Callable[[str], Path], cited_in_glossary: bool
) -> None:
    project = new_project("glossary-only")
    extra = "a-source-only-the-glossary-cites"
    add_source(project, extra)
    if cited_in_glossary:
        glossary = topic_dir(project) / "glossary.yaml"
        entries = yaml.safe_load(glossary.read_text(encoding="utf-8"))
        entries.append(
            {
                "term": "Infusion",
                "definition": "A medicine given slowly into a vein.",
                "cite": [extra],
            }
        )
        glossary.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")

    findings = of(run_check(project), "citations")

    warned = [f.message for f in findings if f.status == "warn"]
    assert not [f for f in findings if f.status == "fail"], findings
    if cited_in_glossary:
        assert warned == []
        assert [f.status for f in findings] == ["pass"]
    else:
        assert warned == [f"sources never cited: {extra}"]
