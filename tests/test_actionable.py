"""Handouts a patient can act on: the sections of a topic text and the actionable gate.

A handout without key messages first or without action steps fails `check`; long
sentences, the passive voice, words with a plainer alternative, unexplained long words,
numbers without context, British spellings in a US handout and the hardest sentences
are named at their lines, so an editor knows what to fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_seeds

from publish.errors import ContentError
from publish.gates.actionable import actionable
from publish.project import Project
from publish.render.context import document_messages
from publish.render.handout import html
from publish.render.options import Options
from publish.topic import load_topic

TOPIC = "ketamine-depression"
YALE = "[@ketamine-depression-how-it-works]"
STRUCTURED = f"""::: key-messages
## Key messages

- Ketamine can ease depression fast for some people {YALE}.
- You get it in a clinic, with staff watching over you {YALE}.
:::

## What is ketamine treatment?

Ketamine started out as an anesthetic {YALE}.

::: actions
## Steps to take

### Before your visit

- Write down the treatments you have tried {YALE}.
:::

::: questions
## Questions to ask your care team

- Is ketamine a good choice for me {YALE}?
:::

::: summary
## Summary

Ketamine may help when other treatments have not {YALE}.
:::
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy_seeds(tmp_path / "seeds")
    return tmp_path / "seeds" / "topics" / TOPIC


def with_patient(folder: Path, text: str) -> Path:
    path = folder / "patient.md"
    path.write_text(text, encoding="utf-8")
    return path


def findings(folder: Path, locale: str = "en-US") -> list[tuple[str, int | None, str]]:
    return [(f.status, f.line, f.message) for f in actionable(load_topic(folder), locale)]


def test_a_structured_text_passes_and_renders_each_section_in_order(folder: Path) -> None:
    with_patient(folder, STRUCTURED)
    found = findings(folder)
    assert [status for status, _, _ in found] == ["pass", "pass", "pass"]
    assert found[0][2] == "key messages first, action steps present"
    assert found[1][2] == "active voice in 6 of 6 sentences (100%)"
    assert found[2][2].startswith("hardest sentences by Flesch–Kincaid grade: line ")

    topic = load_topic(folder)
    options = Options(project=Project.find(folder.parent.parent.parent))
    page, _ = html(topic, options, document_messages(topic, options))
    order = [page.index(f'<section class="{name}">') for name in SECTIONS_IN_ORDER]
    assert order == sorted(order)
    assert "::: " not in page


SECTIONS_IN_ORDER = ("key-messages", "actions", "questions", "summary")


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        (
            "key-messages",
            "no key messages: add `::: key-messages` with two or three cited sentences at the top",
        ),
        ("actions", "no actions: add `::: actions` with the steps a reader takes, as a list"),
    ],
)
def test_a_handout_without_key_messages_or_actions_fails(
    folder: Path, missing: str, message: str
) -> None:
    start = STRUCTURED.index(f"::: {missing}")
    end = STRUCTURED.index(":::\n", start + 4) + 4
    with_patient(folder, STRUCTURED[:start] + STRUCTURED[end:])
    assert ("fail", None, message) in findings(folder)
    assert ("pass", None, "key messages first, action steps present") not in findings(folder)


def test_key_messages_after_other_text_fail_at_their_line(folder: Path) -> None:
    text = f"Ketamine is a medicine {YALE}.\n\n" + STRUCTURED
    with_patient(folder, text)
    assert (
        "fail",
        3,
        "key messages are not first: the main message opens the text (CDC index)",
    ) in findings(folder)


def test_no_summary_is_a_warning(folder: Path) -> None:
    with_patient(folder, STRUCTURED[: STRUCTURED.index("::: summary")])
    assert (
        "warn",
        None,
        "no summary: add `::: summary` with two or three sentences at the end",
    ) in findings(folder)


def test_long_sentences_and_british_spellings_are_named_at_their_lines(folder: Path) -> None:
    long = (
        "Ketamine was first made as an anesthetic for surgery and doctors later found that it "
        f"can ease the symptoms of depression in some adults quickly {YALE}."
    )
    text = STRUCTURED.replace(f"Ketamine started out as an anesthetic {YALE}.", long)
    text = text.replace("staff watching", "staff signalling and watching")
    with_patient(folder, text)
    found = findings(folder)
    assert (
        "warn",
        10,
        "sentence of 25 words (over 20): "
        "“Ketamine was first made as an anesthetic for surgery and do…”",
    ) in found
    assert ("warn", 5, "British spelling 'signalling' in a US handout: write 'signaling'") in found
    assert not any("British" in m for _, _, m in findings(folder, locale="en-GB"))


def test_the_hardest_sentences_come_first_with_their_lines(folder: Path) -> None:
    hard = f"Neuroplasticity characterizes synaptogenesis mechanistically {YALE}."
    with_patient(folder, STRUCTURED.replace(f"Ketamine started out as an anesthetic {YALE}.", hard))
    [hardest] = [m for s, _, m in findings(folder) if m.startswith("hardest")]
    assert hardest.startswith("hardest sentences by Flesch–Kincaid grade: line 10 (")
    assert "“Neuroplasticity characterizes synaptogenesis mechanisticall…”" in hardest


def test_an_unknown_section_is_a_load_error_at_its_line(folder: Path) -> None:
    path = with_patient(folder, STRUCTURED.replace("::: summary", "::: sumary"))
    with pytest.raises(ContentError) as raised:
        load_topic(folder)
    assert (raised.value.path, raised.value.line) == (path, 26)
    assert raised.value.raw == (
        "unknown section '::: sumary'; use one of key-messages, actions, questions, summary"
    )


def test_sections_in_a_source_are_text_not_structure() -> None:
    from publish.render.markdown import to_html

    rendered = to_html("::: key-messages\n- Buy now.\n:::\n", lambda cites: "")
    assert "<section" not in rendered and "::: key-messages" in rendered


def test_plain_language_findings_name_the_line_and_the_fix(folder: Path) -> None:
    text = STRUCTURED.replace(
        f"Ketamine started out as an anesthetic {YALE}.",
        f"Ketamine was approved by the agency {YALE}. Physicians utilize it {YALE}.\n\n"
        f"About 30% of people respond within 2 {YALE}. Its pharmacokinetics vary {YALE}.",
    )
    with_patient(folder, text)
    line = (
        text.splitlines().index(
            f"Ketamine was approved by the agency {YALE}. Physicians utilize it {YALE}."
        )
        + 1
    )
    warned = [(where, message) for status, where, message in findings(folder) if status == "warn"]
    assert warned == [
        (line, "passive voice “was approved”: say who does what (CDC index)"),
        (line, "“Physicians” has a plainer word: doctor"),
        (line, "“utilize” has a plainer word: use"),
        (line + 2, "“30%” is a percentage: say it as 'N in 100 people' and what it is out of"),
        (line + 2, "“2” is a number with no unit or noun after it: say what it counts"),
        (
            line + 2,
            "“pharmacokinetics” is not an everyday word: say it plainly, or explain it in the "
            "glossary (CDC index)",
        ),
    ]
    share = [m for status, _, m in findings(folder) if m.startswith("active voice")]
    assert share == ["active voice in 8 of 9 sentences (89%)"]


def test_a_glossary_term_is_an_explained_word(folder: Path) -> None:
    with_patient(folder, STRUCTURED.replace("Write down", "Write down the neuroplasticity and"))
    assert not [m for _, _, m in findings(folder) if "everyday word" in m]
    with_patient(folder, STRUCTURED.replace("Write down", "Write down the pharmacokinetics and"))
    assert [m for _, _, m in findings(folder) if "everyday word" in m]


def test_a_project_list_of_plainer_words_replaces_the_bundled_one(folder: Path) -> None:
    with_patient(folder, STRUCTURED.replace("Write down", "Jot down"))
    project = folder.parent.parent.parent
    own = project / "templates" / "locale" / "en" / "plain-words.yaml"
    own.parent.mkdir(parents=True)
    own.write_text("jot down: write down\n", encoding="utf-8")
    found = actionable(load_topic(folder), "en-US", project / "templates")
    assert [f.message for f in found if "plainer" in f.message] == [
        "“Jot down” has a plainer word: write down"
    ]
