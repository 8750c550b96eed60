"""The large-print handout, patient pages without timestamps, and source chapters that
say what was removed without reprinting it (the default topic, built once per module)."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf
import pypdf
import pytest
from helpers import copy_seeds

from publish.gates import pdf as pdf_gate
from publish.render.registry import ARTIFACTS

LARGE = "handout-large-print.pdf"


@pytest.fixture(scope="module")
def built_topic(tmp_path_factory: pytest.TempPathFactory, build_in) -> Path:  # type: ignore[no-untyped-def]
    """The default topic in English, with the large-print variant."""
    root = tmp_path_factory.mktemp("large-print")
    return build_in(root / "work", root / "dist", languages=["en"], variants=["large-print"])  # type: ignore[no-any-return]


def sizes(path: Path) -> Counter[float]:
    """How many letters are drawn at each font size (points, rounded to 0.5)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    counts: Counter[float] = Counter()

    def walk(item: object) -> None:
        if isinstance(item, LTChar) and item.get_text().isalpha():  # not citation numbers
            counts[round(item.size * 2) / 2] += 1
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child)

    for page in extract_pages(str(path)):
        walk(page)
    return counts


def size_of(path: Path, words: str) -> float:
    """The font size a run of text is drawn at (its first character)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextLine

    for page in extract_pages(str(path)):
        for line in _lines(page, LTTextLine):
            if line.get_text().strip().startswith(words):
                return next(c.size for c in line if isinstance(c, LTChar))
    raise AssertionError(f"{words!r} not found")


def _lines(item: object, kind: type) -> list:  # type: ignore[type-arg]
    from pdfminer.layout import LTContainer

    if isinstance(item, kind):
        return [item]
    if isinstance(item, LTContainer):
        return [line for child in item for line in _lines(child, kind)]
    return []


def text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages)


def test_large_print_body_is_18_pt_and_headings_are_larger(built_topic: Path) -> None:
    path = built_topic / LARGE
    counts = sizes(path)
    body, _ = counts.most_common(1)[0]
    assert body == 18.0
    assert round(size_of(path, "Yale Medicine. Ketamine")) >= 14  # the reference list
    assert round(size_of(path, "Ketamine for Depression · Version")) >= 14  # the page footer
    assert size_of(path, "What is ketamine treatment?") > body
    assert size_of(path, "Ketamine for Depression") > size_of(path, "What is ketamine")
    # every letter, the figure's labels included: the topic's large-print drawing is used
    assert min(counts) >= 14, sorted(counts.items())


def test_a_figure_without_a_large_print_drawing_is_used_as_it_is(tmp_path: Path) -> None:
    from publish.render.large_print import large_figure
    from publish.topic import load_topic

    copy_seeds(tmp_path / "seeds")
    folder = tmp_path / "seeds" / "topics" / "ketamine-depression"
    topic = load_topic(folder)
    figures = folder / "figures"
    large = figures / "care-path.large-print.svg"
    assert large_figure(topic, "figures/care-path.svg") == large.resolve()
    large.unlink()
    assert large_figure(topic, "figures/care-path.svg") == (figures / "care-path.svg").resolve()


def test_large_print_stays_in_its_page_limit_and_is_tagged_like_the_handout(
    built_topic: Path,
) -> None:
    manifest = json.loads((built_topic / "manifest.json").read_text(encoding="utf-8"))
    [entry] = [a for a in manifest["artifacts"] if a["name"] == "large-print"]
    artifact = ARTIFACTS["large-print"]
    assert 2 < entry["pages"] <= artifact.max_pages
    assert pdf_gate.problems(built_topic / LARGE, artifact) == []


def test_large_print_uses_no_italics(built_topic: Path) -> None:
    with pikepdf.open(built_topic / LARGE) as pdf:
        fonts = {
            str(font.get("/BaseFont"))
            for page in pdf.pages
            for font in (page.Resources.get("/Font") or {}).values()
        }
    assert fonts and not any("Italic" in name for name in fonts), fonts


def test_patient_pages_print_no_timestamps_and_the_references_give_them(
    built_topic: Path,
) -> None:
    handout = text(built_topic / "handout.pdf")
    assert not re.search(r"\d{2}:\d{2}:\d{2}", handout)
    assert "Moments cited: 1:22:00, 1:25:04." in handout
    clinician = text(built_topic / "clinician-summary.pdf")
    assert "(01:25:04)" in clinician


def test_source_chapters_count_what_was_removed_without_reprinting_it(
    built_topic: Path,
) -> None:
    with zipfile.ZipFile(built_topic / "reader.epub") as book:
        chapters = [book.read(n).decode("utf-8") for n in book.namelist() if "source-" in n]
    everything = " ".join(chapters)
    assert "Join the waitlist for our pilot course" not in everything
    assert "We will never spam or sell your info" not in everything
    assert "the removed text is kept for auditors, not printed here" in everything
    assert re.search(r"<li>\d+ comments</li>", everything)
