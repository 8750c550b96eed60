"""Clear errors where an internal one used to be, and citations that cannot be dodged.

SOURCE_DATE_EPOCH (which the hostile-input table cannot set), the heading rule, and the line
each citations finding names; the command-line cases are in
tests/fixtures/bad/cases/errors.yaml.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from publish.errors import ContentError, ProfileError, UsageError
from publish.gates.text import Block, citations, heading_problem, printed_blocks
from publish.patterns import describe_control, find_control
from publish.render.options import LATEST_EPOCH, build_time, source_date_epoch
from publish.topic import GlossaryEntry, Text, check_no_code

# --- SOURCE_DATE_EPOCH -------------------------------------------------------------------------


def _topic(updated: date = date(2026, 11, 24)) -> Any:
    return SimpleNamespace(control=SimpleNamespace(updated=updated))


@pytest.mark.parametrize("value", ["abc", "-5", " 12", "12 ", "1e9", "1.5", "0x10", "١٢"])
def test_garbage_source_date_epoch_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH") as caught:
        build_time(_topic())
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("value", [str(LATEST_EPOCH + 1), "253402300800", "9" * 12])
def test_source_date_epoch_after_2107_is_an_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match="after 2107"):
        build_time(_topic())


def test_source_date_epoch_in_range_is_used_and_empty_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATEST_EPOCH))
    assert build_time(_topic()).year == 2107
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_time(_topic()) == datetime(1970, 1, 1, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date_epoch() is None
    assert build_time(_topic()) == datetime(2026, 11, 24, tzinfo=UTC)


def test_garbage_source_date_epoch_fails_the_build_with_exit_2(
    new_project: Any, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    project = new_project("project")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "yesterday"}
    result = subprocess.run(
        [sys.executable, "-m", "publish", "build", "--only", "handout", "--json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert '"ok": false' in result.stdout
    assert "error: SOURCE_DATE_EPOCH must be whole seconds" in result.stderr


# --- unprintable characters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a\x00b", ("U+0000", 1, 2)),
        ("ok\n\ud800", ("U+D800", 2, 1)),
        ("x\ufffe", ("U+FFFE", 1, 2)),
        ("\x85", ("U+0085", 1, 1)),
        ("\U0010ffff", ("U+10FFFF", 1, 1)),
        ("tab\tand\r\nline ends", None),
        ("café – ünïcode ☺ \u00ad", None),
    ],
)
def test_unprintable_characters_are_found_with_line_and_column(
    text: str, found: tuple[str, int, int] | None
) -> None:
    assert find_control(text) == found


def test_unprintable_character_described_in_one_line_text() -> None:
    assert describe_control("a\x1bb") == "unprintable character U+001B at character 2"


# --- code blocks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "line", "says"),
    [
        ("Para [@a].\n\n```\ncode\n```\n", 3, "a fenced code block"),
        ("Para [@a].\n\n~~~python\ncode\n~~~\n", 3, "a fenced code block"),
        ("Para [@a].\n\n    code\n", 3, "an indented"),
        ("Para [@a].\n\n\tcode\n", 3, "an indented"),
        ("> Quote [@a].\n>\n>     code\n", 3, "an indented"),
        ("- item [@a]\n\n  ```\n  code\n  ```\n", 3, "a fenced code block"),
    ],
)
def test_code_blocks_are_refused_with_their_line(markdown: str, line: int, says: str) -> None:
    with pytest.raises(ContentError, match=says) as caught:
        check_no_code(markdown, Path("patient.md"))
    assert caught.value.line == line


def test_code_spans_and_lazy_lines_are_not_code_blocks() -> None:
    check_no_code("A `span` [@a].\nstill the paragraph\n    lazy continuation\n", Path("p.md"))


# --- headings are labels ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "What is ketamine treatment?",
        "How might it help?",
        "Is ketamine safe?",
        "Risks and side effects",
        "Protocols the sources mention",
        "Limits of this evidence",
        "Questions to ask your care team",
        "Bottom line",
    ],
)
def test_labels_and_questions_are_headings(heading: str) -> None:
    assert heading_problem(Block("heading", 1, heading, False)) is None


@pytest.mark.parametrize(
    ("heading", "says"),
    [
        ("Ketamine cures depression", "makes a claim ('cures')"),
        ("Ketamine is safe?", "makes a claim ('is')"),
        ("It is always effective", "makes a claim"),
        ("Works in 24 hours", "a number"),
        ("Why try it? [@a]", "a citation in a heading"),
        ("A long heading that goes on and on like a sentence", "over 8 words"),
    ],
)
def test_claims_in_headings_are_refused(heading: str, says: str) -> None:
    problem = heading_problem(Block("heading", 1, heading, False))
    assert problem is not None and says in problem


# --- which citations print ---------------------------------------------------------------------


def _text(markdown: str) -> Text:
    return Text(Path("patient.md"), markdown, ())


@pytest.mark.parametrize(
    ("markdown", "cited"),
    [
        ("Claim [@a].", True),
        ("Claim \\[@a].", True),
        ("Claim *[@a]*.", True),
        ("Claim [@a;\n@b].", True),
        ('Claim [see](https://x.example "[@a]").', False),
        ("Claim [@a](https://x.example).", False),
        ("Claim [see [@a]](https://x.example).", False),
        ("Claim `[@a]`.", False),
        ("Claim ![[@a]](f.svg).", False),
        ("[@a]: https://x.example\n\nClaim [@a].", False),
    ],
)
def test_a_citation_counts_only_where_it_prints(markdown: str, cited: bool) -> None:
    [block] = [b for b in printed_blocks(_text(markdown)) if b.kind == "paragraph"]
    assert block.cited is cited


def test_nested_list_items_and_quotes_are_blocks_with_their_lines() -> None:
    markdown = "- Top [@a].\n  - Nested claim.\n\n> Quoted claim.\n"
    blocks = [(b.line, b.content, b.cited) for b in printed_blocks(_text(markdown))]
    assert blocks == [
        (1, "Top [@a].", True),
        (2, "Nested claim.", False),
        (4, "Quoted claim.", False),
    ]


def test_findings_name_the_line_and_the_glossary_entry(tmp_path: Path) -> None:
    patient = Text(tmp_path / "patient.md", "## Ketamine cures\n\nFine [@a].\n", ())
    clinician = Text(tmp_path / "clinician.md", "Fine [@a].\n\n> Quote.\n", ())
    topic: Any = SimpleNamespace(
        patient=patient,
        clinician=clinician,
        texts=(patient, clinician),
        glossary=(GlossaryEntry("Term", "Meaning.", (), 4),),
        glossary_path=tmp_path / "glossary.yaml",
        translation=None,
        sources=(),
        folder=tmp_path,
        control=SimpleNamespace(title="Ketamine", subtitle=None, summary=None),
    )
    fails = [(f.message.split(":")[0], Path(f.file or "").name, f.line) for f in citations(topic)]
    assert fails == [
        ("a heading that makes a claim ('cures')", "patient.md", 1),
        ("no citation", "clinician.md", 3),
        ("glossary entry 'Term' cites no source (add cite", "glossary.yaml", 4),
    ]


# --- dates and profiles ------------------------------------------------------------------------


def test_a_date_that_is_today_somewhere_on_earth_is_not_the_future() -> None:
    from publish.fields import not_future

    latest = (datetime.now(UTC) + timedelta(hours=14)).date()
    assert not_future(latest) == latest
    with pytest.raises(Exception, match="must not be in the future"):
        not_future(latest + timedelta(days=1))


def test_profile_with_bom_is_read_and_utf16_is_named(tmp_path: Path) -> None:
    from publish.config import load_profile

    path = tmp_path / "publish.toml"
    path.write_bytes(b"\xef\xbb\xbfclinic_name = 'Riverside'\n")
    assert load_profile(path).clinic_name == "Riverside"
    path.write_text("clinic_name = 'Riverside'\n", encoding="utf-16")
    with pytest.raises(ProfileError, match="UTF-16"):
        load_profile(path)
    path.write_bytes(b"clinic_name = 'Riverside'\n# \xff\n")
    with pytest.raises(ProfileError, match="not valid UTF-8") as caught:
        load_profile(path)
    assert caught.value.line == 2


# --- title, subtitle and summary: printed on every artifact, checked like headings -------------


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("title", "Ketamine cures depression", "a title that makes a claim ('cures')"),
        ("subtitle", "How ketamine cures depression fast", "a subtitle that makes a claim"),
        ("subtitle", "Proven to work in 24 hours", "a number in a subtitle"),
        (
            "summary",
            "A handout showing that ketamine is safe and effective.",
            "a summary that makes a claim ('is'): summaries are labels",
        ),
        ("summary", "A handout on ketamine [@ketamine-depression-how-it-works].", "a citation"),
    ],
)
def test_a_claim_in_the_title_subtitle_or_summary_fails_at_its_line(
    tmp_path: Path, field: str, value: str, says: str
) -> None:
    from helpers import copy_seeds

    from publish.gates.text import citations
    from publish.topic import load_topic

    copy_seeds(tmp_path / "seeds")
    folder = tmp_path / "seeds" / "topics" / "ketamine-depression"
    path = folder / "topic.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith(f"{field}:"))
    lines[at] = f"{field}: {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [finding] = [f for f in citations(load_topic(folder)) if f.status == "fail"]
    assert (finding.file, finding.line) == (str(path), at + 1)
    assert says in finding.message


def test_the_default_front_matter_is_a_set_of_labels() -> None:
    from publish.gates.text import label_problem

    assert label_problem("What it is, how it may help, and its risks", "subtitle", 12) is None
    assert label_problem("Ketamine for Depression", "title") is None


def test_an_alias_without_a_sources_list_says_where_aliases_are_given(tmp_path: Path) -> None:
    import yaml
    from helpers import copy_seeds

    from publish.errors import ContentError
    from publish.topic import load_topic

    copy_seeds(tmp_path / "seeds")
    folder = tmp_path / "seeds" / "topics" / "ketamine-depression"
    path = folder / "topic.yaml"
    control = yaml.safe_load(path.read_text(encoding="utf-8"))
    del control["sources"]
    path.write_text(yaml.safe_dump(control), encoding="utf-8")
    load_topic(folder)  # no list: every normalized source may be cited by its id
    patient = folder / "patient.md"
    text = patient.read_text(encoding="utf-8")
    patient.write_text(text.replace("@ketamine-depression-how-it-works", "@yale", 1), "utf-8")
    with pytest.raises(ContentError) as caught:
        load_topic(folder)
    assert (
        "unknown citation key @yale; topic.yaml has no `sources:`, where short aliases are given"
        in str(caught.value)
    )
    assert "patient.md:" in str(caught.value)
