"""`publish check`: each gate made to fail (or warn) on purpose, in a project of its own.

Every test copies the checkout's seeds/ into a temporary project, breaks one thing, and
reads the finding back: in-process through `check_topic` / `check_topics`, and through
the real command line where the exit code is what a user relies on.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pypdf
import pytest
import yaml
from helpers import copy_seeds, run_cli

from publish.builder import build_topics
from publish.gates import (
    DEFAULT_MAX_GRADE,
    WARN_GRADE,
    Finding,
    check_topic,
    check_topics,
    readability,
)
from publish.i18n import DISCLAIMER
from publish.profile import DEFAULT, Profile
from publish.resources import package_file
from publish.topic import load_topic

REPO = Path(__file__).resolve().parent.parent
TOPIC_ID = "ketamine-depression"
YALE = "ketamine-depression-how-it-works"
PROMOTIONAL = "unraveling-the-science-how-ketamine-works-in-depression"

SECTIONS = f"""::: key-messages
## Key messages

- Ketamine may ease depression [@{YALE}].
:::

::: actions
## Steps to take

- Ask your care team [@{YALE}].
:::

"""
"""The sections the actionable gate requires, before a test's own prose."""

HARD_PROSE = (
    SECTIONS
    + f"""## What is ketamine treatment?

Ketamine, which was first developed as an anesthetic medication, demonstrates considerable \
antidepressant effectiveness for many of the people whose depression has not improved with \
the usual kinds of treatment [@{YALE}].

Contemporary investigations suggest that the modulation of glutamate signalling in the \
brain, and the neuroplasticity that follows from it, may contribute to the unusually rapid \
response that is observed [@{YALE}].

Psychiatric practitioners generally administer the medication in supervised clinical \
environments, where experienced personnel can continuously monitor the dissociative \
experiences that may occur during a session [@{YALE}].
"""
)

MIDDLE_PROSE = f"""## What is ketamine treatment?

Ketamine was first made as a drug for surgery. Doctors later noticed that it could ease \
depression in some people [@{YALE}].

Researchers believe it may help the brain build new connections between nerve cells, which \
could improve mood [@{YALE}].

It is usually given in a clinic, where trained medical staff can watch over you during the \
whole session [@{YALE}].
"""

GRADE = re.compile(r"Flesch–Kincaid grade (\d+(?:\.\d+)?)")


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder holding a copy of the checkout's seeds/; the working folder."""
    copy_seeds(tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def topic_dir(project: Path) -> Path:
    return project / "seeds" / "topics" / TOPIC_ID


def build(project: Path, *only: str, profile: Profile = DEFAULT) -> Path:
    """Build in-process into project/dist; the topic's output folder."""
    result = build_topics(out=project / "dist", only=only or None, profile=profile)
    assert result.ok, [str(e) for e in result.errors]
    return project / "dist" / TOPIC_ID


def review_not_due(project: Path) -> None:
    """Move next_review a year ahead, so runs on the real date never find the topic overdue."""
    path = topic_dir(project) / "topic.yaml"
    ahead = (date.today() + timedelta(days=365)).isoformat()
    text, count = re.subn(
        r"(?m)^next_review: .*$", f"next_review: {ahead}", path.read_text("utf-8")
    )
    assert count == 1
    path.write_text(text, encoding="utf-8")


def check(project: Path, **options: object) -> list[Finding]:
    return check_topic(topic_dir(project), project / "dist", **options)  # type: ignore[arg-type]


NOT_BUILT = "was not built; run publish build"


def of(findings: list[Finding], gate: str, status: str | None = None) -> list[Finding]:
    """A gate's findings; the artifacts these tests leave unbuilt (to spare time) are left out:
    `test_a_partial_build_fails_naming_each_missing_artifact` holds that finding."""
    return [
        f
        for f in findings
        if f.gate == gate and (status is None or f.status == status) and NOT_BUILT not in f.message
    ]


def test_a_partial_build_fails_naming_each_missing_artifact(project: Path) -> None:
    build(project, "handout")
    missing = [f for f in check(project) if NOT_BUILT in f.message]
    assert [(f.gate, f.status, f.message) for f in missing] == [
        ("artifacts", "fail", f"clinician: clinician-summary.pdf {NOT_BUILT}"),
        ("artifacts", "fail", f"epub: reader.epub {NOT_BUILT}"),
        ("artifacts", "fail", f"web: handout.html {NOT_BUILT}"),
    ]
    assert [Path(f.file or "").name for f in missing] == [
        "clinician-summary.pdf",
        "reader.epub",
        "handout.html",
    ]


def append_block(path: Path, block: str) -> int:
    """Append a Markdown block after a blank line; the line number it starts on."""
    body = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{body}\n\n{block}\n", encoding="utf-8")
    return body.count("\n") + 3


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line in a process of its own."""
    return run_cli(*args, cwd=cwd)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def grade_of(finding: Finding) -> float:
    match = GRADE.search(finding.message)
    assert match, finding.message
    return float(match.group(1))


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(package_file(f"schemas/{name}").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# --- readability ------------------------------------------------------------------------------


def test_polysyllabic_handout_fails_readability_above_grade_8(project: Path) -> None:
    [before] = of(check(project), "readability")
    assert before.status == "pass", before.message

    (topic_dir(project) / "patient.md").write_text(HARD_PROSE, encoding="utf-8")
    [finding] = of(check(project), "readability")

    assert finding.status == "fail"
    assert grade_of(finding) > DEFAULT_MAX_GRADE
    assert finding.file is not None and Path(finding.file).name == "patient.md"
    assert "fail above 8" in finding.message


def test_max_grade_30_lets_the_hard_handout_pass_on_the_command_line(project: Path) -> None:
    (topic_dir(project) / "patient.md").write_text(HARD_PROSE, encoding="utf-8")
    review_not_due(project)
    build(project)

    default = run(project, "check")
    relaxed = run(project, "check", "--max-grade", "30")

    assert default.returncode == 1, default.stdout + default.stderr
    assert re.search(r"^FAIL\s+readability\s", default.stdout, re.M), default.stdout
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    # still above the warning grade, so a warning: allowed without --strict
    assert re.search(r"^WARN\s+readability\s.*fail above 30", relaxed.stdout, re.M), relaxed.stdout
    assert not re.search(r"^FAIL", relaxed.stdout, re.M)


def test_grade_between_6_and_8_warns_and_the_limit_is_inclusive(project: Path) -> None:
    (topic_dir(project) / "patient.md").write_text(MIDDLE_PROSE, encoding="utf-8")
    topic = load_topic(topic_dir(project))

    [finding] = readability(topic, DEFAULT_MAX_GRADE)
    grade = grade_of(finding)
    assert WARN_GRADE < grade <= DEFAULT_MAX_GRADE
    assert finding.status == "warn"
    assert readability(topic, grade)[0].status == "warn"  # at the limit is not above it
    assert readability(topic, grade - 0.1)[0].status == "fail"


def test_plain_default_handout_passes_readability(project: Path) -> None:
    [finding] = readability(load_topic(topic_dir(project)), DEFAULT_MAX_GRADE)
    assert finding.status == "pass"
    assert grade_of(finding) <= WARN_GRADE


# --- citations --------------------------------------------------------------------------------


def test_paragraph_without_citation_fails_naming_file_and_line(project: Path) -> None:
    line = append_block(
        topic_dir(project) / "patient.md", "Ketamine works for everyone who tries it."
    )

    fails = of(check(project), "citations", "fail")

    assert len(fails) == 1, fails
    [finding] = fails
    assert Path(finding.file or "").name == "patient.md"
    assert finding.line == line
    assert finding.where.endswith(f"patient.md:{line}")
    assert "Ketamine works for everyone who tries it" in finding.message
    assert not of(check(project), "citations", "pass")


def test_source_listed_but_never_cited_warns_naming_it(project: Path) -> None:
    normalized = project / "seeds" / "normalized"
    text = (normalized / f"{YALE}.md").read_text(encoding="utf-8")
    extra = "an-extra-source-nobody-cites"
    (normalized / f"{extra}.md").write_text(
        text.replace(f"id: {YALE}\n", f"id: {extra}\n", 1), encoding="utf-8"
    )
    topic_yaml = topic_dir(project) / "topic.yaml"
    control = yaml.safe_load(topic_yaml.read_text(encoding="utf-8"))
    control["sources"].append(extra)
    topic_yaml.write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")

    findings = of(check(project), "citations")

    warns = [f for f in findings if f.status == "warn"]
    assert len(warns) == 1, findings
    assert warns[0].message == f"sources never cited: {extra}"
    assert Path(warns[0].file or "").name == "topic.yaml"
    assert not of(findings, "citations", "fail")


def test_unknown_citation_key_is_a_finding_with_file_and_line(project: Path) -> None:
    line = append_block(topic_dir(project) / "patient.md", "Ask your care team [@no-such-source].")

    findings = check(project)

    assert len(findings) == 1, findings  # the topic cannot load, so no other gate runs
    [finding] = findings
    assert (finding.gate, finding.status) == ("citations", "fail")
    assert Path(finding.file or "").name == "patient.md"
    assert finding.line == line
    assert "@no-such-source" in finding.message

    cli = run(project, "check")
    assert cli.returncode == 1
    assert re.search(rf"^FAIL\s+citations\s.*patient\.md:{line}\]$", cli.stdout, re.M), cli.stdout


# --- evidence ---------------------------------------------------------------------------------


def test_clinician_claim_resting_only_on_promotion_warns_naming_it(project: Path) -> None:
    topic = load_topic(topic_dir(project))
    assert "promotional" in topic.source(PROMOTIONAL).flags
    assert "promotional" not in topic.source(YALE).flags
    clinician = topic_dir(project) / "clinician.md"
    promoted = append_block(
        clinician, f"- A single infusion is said to bring lasting relief [@{PROMOTIONAL}]."
    )
    supported = append_block(
        clinician, f"- Infusions are said to act within a day [@{PROMOTIONAL}; @{YALE}]."
    )

    warns = of(check(project), "evidence", "warn")

    [finding] = [f for f in warns if f.line == promoted]
    assert finding.message.startswith("only promotional support, and the text does not say so:")
    assert "A single infusion is said to bring lasting relief" in finding.message
    assert Path(finding.file or "").name == "clinician.md"
    assert not [f for f in warns if f.line == supported]


def test_clinician_text_copied_from_removed_comments_warns(project: Path) -> None:
    copied = "already changing my outlook being more positive"  # 7 words of a reader comment
    comments = " ".join(
        " ".join(r.text.split())
        for r in load_topic(topic_dir(project)).source(YALE).removed
        if r.reason == "comments"
    )
    assert copied in comments.replace("’", "'")
    clinician = topic_dir(project) / "clinician.md"
    six = append_block(clinician, f"- Ketamine is {copied} [@{YALE}].")
    five = append_block(clinician, f"- Patients describe my outlook being more positive [@{YALE}].")

    warns = [f for f in of(check(project), "evidence", "warn") if "comment" in f.message]

    assert five not in {f.line for f in warns}  # five copied words are not enough
    assert [f.line for f in warns] == [six]
    assert warns[0].message.startswith("repeats removed comment text:")
    assert copied in warns[0].message
    assert Path(warns[0].file or "").name == "clinician.md"


# --- safety -----------------------------------------------------------------------------------


def test_artifact_without_the_disclaimer_fails_safety(project: Path) -> None:
    partials = project / "templates" / "partials"
    partials.mkdir(parents=True)
    (partials / "disclaimer.html").write_text(
        '<aside class="disclaimer" aria-label="Disclaimer"><p>Ask us anything.</p></aside>\n',
        encoding="utf-8",
    )
    folder = build(project, "handout")
    text = pdf_text(folder / "handout.pdf")
    assert "Ask us anything." in text and DISCLAIMER not in text

    findings = check(project)

    [safety] = of(findings, "safety")
    assert safety.status == "fail"
    assert safety.message == "handout: missing disclaimer"
    assert Path(safety.file or "").name == "handout.pdf"
    [artifact] = of(findings, "artifacts")
    assert artifact.status == "pass"  # the file is what the manifest says: only its text is wrong


def test_tampered_artifact_fails_against_the_manifest(project: Path) -> None:
    folder = build(project, "handout")
    assert of(check(project), "safety")[0].status == "pass"
    handout = folder / "handout.pdf"
    handout.write_bytes(handout.read_bytes() + b"%edited after the build\n")

    findings = check(project)

    [artifact] = of(findings, "artifacts")
    assert artifact.status == "fail"
    assert artifact.message == "handout.pdf is missing or does not match the manifest"
    assert Path(artifact.file or "").name == "handout.pdf"
    assert not of(findings, "safety")  # nothing is read back from a file that is not trusted


def test_crisis_line_wrapping_at_a_hyphen_is_still_found(project: Path) -> None:
    line = (
        "If you are thinking about suicide or are in crisis, call the Riverside Mood Clinic "
        "after-hours line on 0800 010 0911."
    )
    lines = (line, "In an emergency, call 112 or go to the nearest emergency department.")
    profile = Profile(crisis=(("en", lines),))
    folder = build(project, "handout", profile=profile)
    printed = pypdf.PdfReader(folder / "handout.pdf").pages[0].extract_text()
    if "Riverside Mood Clinic after-\nhours line" not in printed:
        raise RuntimeError("layout changed: the crisis line no longer wraps at its hyphen")

    [safety] = of(check(project, profile=profile), "safety")

    assert safety.status == "pass", safety.message


def test_template_override_added_between_builds_in_one_process_is_used(project: Path) -> None:
    build(project, "handout")
    partials = project / "templates" / "partials"
    partials.mkdir(parents=True)
    (partials / "disclaimer.html").write_text(
        '<aside class="disclaimer" aria-label="Disclaimer">'
        "<p><strong>Important:</strong> {{ disclaimer }} Reviewed by the clinic pharmacist.</p>"
        "</aside>\n",
        encoding="utf-8",
    )

    folder = build(project, "handout")

    assert "Reviewed by the clinic pharmacist." in pdf_text(folder / "handout.pdf")


# --- artifacts --------------------------------------------------------------------------------


def test_topic_never_built_fails_not_built(project: Path) -> None:
    findings = check(project)

    [artifact] = of(findings, "artifacts")
    assert artifact.status == "fail"
    assert artifact.message.startswith("not built")
    assert Path(artifact.file or "").name == "manifest.json"
    assert not of(findings, "safety")


def test_epub_rejected_by_epubcheck_fails(project: Path) -> None:
    about = (REPO / "templates" / "epub" / "about.html").read_text(encoding="utf-8")
    twice = '<p id="twice">One.</p>\n<p id="twice">Two.</p>'
    assert "<h1>{{ chapter_title }}</h1>" in about
    override = project / "templates" / "epub" / "about.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        about.replace("<h1>{{ chapter_title }}</h1>", f"<h1>{{{{ chapter_title }}}}</h1>\n{twice}"),
        encoding="utf-8",
    )
    build(project, "epub")

    findings = check(project)

    [artifact] = of(findings, "artifacts")
    assert artifact.status == "fail"
    assert artifact.message.startswith("epub: ERROR")
    assert 'Duplicate ID "twice"' in artifact.message
    assert Path(artifact.file or "").name == "reader.epub"
    assert [f.status for f in of(findings, "safety")] == ["pass"]


def test_handout_over_two_pages_fails_the_page_limit(project: Path) -> None:
    css = (REPO / "templates" / "css" / "handout.css").read_text(encoding="utf-8")
    override = project / "templates" / "css" / "handout.css"
    override.parent.mkdir(parents=True)
    override.write_text(css + "\nhtml { font-size: 18pt; }\n", encoding="utf-8")
    result = build_topics(out=project / "dist", only=["handout"])
    assert result.ok
    [topic] = result.topics
    pages = topic.artifacts[0]["pages"]
    assert pages > 2
    assert any("over the limit of 2" in w for w in topic.warnings)

    [artifact] = of(check(project), "artifacts")

    assert artifact.status == "fail"
    assert f"{pages} pages, limit 2" in artifact.message
    assert Path(artifact.file or "").name == "handout.pdf"


# --- document control -------------------------------------------------------------------------


def _next_review(project: Path) -> date:
    control = yaml.safe_load((topic_dir(project) / "topic.yaml").read_text(encoding="utf-8"))
    return control["next_review"]


def test_next_review_in_the_past_fails(project: Path) -> None:
    due = _next_review(project)

    on_the_day = of(check(project, today=due), "document-control", "fail")
    overdue = of(check(project, today=due + timedelta(days=1)), "document-control", "fail")

    assert on_the_day == []
    [finding] = overdue
    assert finding.message == f"next_review {due.isoformat()} has passed"
    assert Path(finding.file or "").name == "topic.yaml"


def test_overdue_topic_fails_through_check_topics_too(project: Path) -> None:
    due = _next_review(project)
    result = check_topics(dist=project / "dist", today=due + timedelta(days=1))

    assert result.failed()
    assert any(
        f.gate == "document-control" and f.status == "fail" and "next_review" in f.message
        for f in result.findings
    )


def test_draft_status_warns(project: Path) -> None:
    [finding] = of(check(project, today=date(2000, 1, 1)), "document-control")
    assert finding.status == "warn"
    assert "draft" in finding.message


def test_approved_topic_passes_document_control(project: Path) -> None:
    path = topic_dir(project) / "topic.yaml"
    control = yaml.safe_load(path.read_text(encoding="utf-8"))
    control.update(status="approved", approved_by="Dr. A. Example", approved_on=date(2026, 11, 20))
    path.write_text(yaml.safe_dump(control, sort_keys=False), encoding="utf-8")

    [finding] = of(check(project, today=control["next_review"]), "document-control")

    assert finding.status == "pass"
    assert "Dr. A. Example" in finding.message and "2026-11-20" in finding.message


# --- the command line -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    """`publish build`, then `publish check` three ways on the complete build."""
    folder = tmp_path_factory.mktemp("cli-check")
    copy_seeds(folder / "seeds")
    review_not_due(folder)
    built = run(folder, "build")
    assert built.returncode == 0, built.stderr
    return {
        "json": run(folder, "check", "--json"),
        "plain": run(folder, "check"),
        "strict": run(folder, "check", "--strict"),
    }


def test_check_after_a_build_exits_0_with_warnings(checked: dict) -> None:
    plain = checked["plain"]
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert re.search(r"^WARN\s+document-control\s", plain.stdout, re.M)
    assert re.search(r"^\d+ pass, [1-9]\d* warn, 0 fail$", plain.stdout, re.M), plain.stdout
    for gate in ("readability", "citations", "safety", "artifacts"):
        assert re.search(rf"^PASS\s+{gate}\s", plain.stdout, re.M), gate
    assert "dist/ketamine-depression/handout.pdf" in plain.stdout


def test_strict_check_exits_1_on_warnings(checked: dict) -> None:
    strict = checked["strict"]
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert strict.stdout.rstrip().endswith("0 fail (strict)")
    assert not re.search(r"^FAIL", strict.stdout, re.M)


def test_json_check_prints_one_document_that_matches_the_schema(checked: dict) -> None:
    result = checked["json"]
    assert result.returncode == 0, result.stderr
    text = result.stdout.strip()
    assert text.startswith("{") and text.endswith("}")
    document = json.loads(result.stdout)  # the whole of stdout, nothing else
    check_schema = validator("check.schema.json")
    check_schema.validate(document)

    statuses = [f["status"] for f in document["findings"]]
    assert document["counts"] == {s: statuses.count(s) for s in ("pass", "warn", "fail")}
    assert document["ok"] is True and document["strict"] is False
    assert document["counts"]["warn"] > 0  # warnings do not fail a plain check
    epub = [f for f in document["findings"] if f["gate"] == "artifacts" and "epub" in f["message"]]
    assert [f["status"] for f in epub] == ["pass"]
    gates = {f["gate"] for f in document["findings"]}
    assert gates == {"readability", "actionable", "citations", "language", "evidence"} | {
        "safety",
        "artifacts",
        "document-control",
    }

    lying = json.loads(result.stdout)
    lying["counts"]["fail"] = 1
    assert not check_schema.is_valid(lying)  # ok cannot be true with a failed finding
    odd = json.loads(result.stdout)
    odd["findings"][0]["status"] = "maybe"
    assert not check_schema.is_valid(odd)


# --- the schemas themselves -------------------------------------------------------------------


def _undescribed(schema: dict, where: str = "#") -> list[str]:
    """Paths of property definitions without a description (conditions are not definitions)."""
    missing = []
    for name, sub in (schema.get("properties") or {}).items():
        if "description" not in sub:
            missing.append(f"{where}/properties/{name}")
        missing += _undescribed(sub, f"{where}/properties/{name}")
    for name, sub in (schema.get("$defs") or {}).items():
        missing += _undescribed(sub, f"{where}/$defs/{name}")
    if isinstance(schema.get("items"), dict):
        missing += _undescribed(schema["items"], f"{where}/items")
    return missing


@pytest.mark.parametrize("name", ["check.schema.json", "build.schema.json"])
def test_output_schemas_are_valid_and_describe_every_property(name: str) -> None:
    schema = validator(name).schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert _undescribed(schema) == []
