"""Page locators: `[@label, p. 12]` and `[@label, pp. 12-13]` cite pages of a paginated
source (a PDF, whose normalized front matter records `pages:`), checked against its page
count and listed in the reference entry; a video keeps its timestamps."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_seeds

from publish.citations import parse_group
from publish.errors import ContentError
from publish.project import Project
from publish.render.context import document_messages
from publish.render.handout import html
from publish.render.options import Options
from publish.topic import load_topic

TOPIC = "ketamine-depression"
REPORT = "ketamine-as-a-rapid-antidepressant-for-mood-disorders"
YALE = "ketamine-depression-how-it-works"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("p. 12", "p. 12"),
        ("p12", "p. 12"),
        ("pp. 12-13", "pp. 12–13"),
        ("pp 12 – 14", "pp. 12–14"),
        ("01:22:00", "01:22:00"),
    ],
)
def test_a_locator_is_read_as_ama_prints_it(written: str, read: str) -> None:
    [cite] = parse_group(f"@{REPORT}, {written}", "patient.md", 3)
    assert cite.locator == read


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("page 12", "use hh:mm:ss for a moment of a video, or p. 12 / pp. 12-13"),
        ("pp. 13-12", "must run from a lower page to a higher one"),
        ("pp. 12-12", "must run from a lower page to a higher one"),
    ],
)
def test_a_malformed_page_locator_says_how_to_write_one(written: str, says: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_group(f"@{REPORT}, {written}", "patient.md", 3)
    assert says in str(caught.value) and str(caught.value).startswith("patient.md:3:")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The default topic, with the report made a 20-page PDF source."""
    copy_seeds(tmp_path / "seeds")
    report = tmp_path / "seeds" / "normalized" / f"{REPORT}.md"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("language: en\n", "language: en\npages: 20\n", 1), "utf-8")
    return tmp_path / "seeds" / "topics" / TOPIC


def cite_in_patient(folder: Path, citation: str) -> int:
    """Append a cited sentence to the patient text; its line."""
    path = folder / "patient.md"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(f"{text}A report says this {citation}.\n", encoding="utf-8")
    return text.count("\n") + 1


@pytest.mark.parametrize(
    ("citation", "says"),
    [
        (f"[@{REPORT}, p. 21]", f"[@{REPORT}, p. 21] is past the last page of {REPORT} (20 pages)"),
        (f"[@{REPORT}, pp. 19-21]", "is past the last page"),
        (f"[@{YALE}, p. 2]", f"{YALE} has no pages: cite a page (p. 12) only in a paginated"),
        (f"[@{REPORT}, 01:22:00]", f"{REPORT} is paginated (20 pages): cite a page (p. 12)"),
    ],
)
def test_a_locator_the_source_cannot_have_fails_at_its_line(
    folder: Path, citation: str, says: str
) -> None:
    line = cite_in_patient(folder, citation)
    with pytest.raises(ContentError) as caught:
        load_topic(folder)
    assert str(caught.value).startswith(f"{folder / 'patient.md'}:{line}:")
    assert says in str(caught.value)


def test_cited_pages_are_listed_in_the_reference_and_link_to_the_page(folder: Path) -> None:
    url = "https://example.org/report.pdf"
    report = folder.parent.parent / "normalized" / f"{REPORT}.md"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("pages: 20\n", f"pages: 20\nurl: {url}\n", 1), "utf-8")
    cite_in_patient(folder, f"[@{REPORT}, pp. 14-15; @{REPORT}, p. 12]")
    topic = load_topic(folder)
    options = Options(project=Project.find(folder.parent.parent.parent))
    page, _ = html(topic, options, document_messages(topic, options))
    assert (
        f'Pages cited: <a href="{url}#page=12">12</a>, <a href="{url}#page=14">14–15</a>.' in page
    )
    assert "(p. 12)" not in page  # the patient's superscript is the number alone
