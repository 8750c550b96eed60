"""Citations: `[@key]` syntax, the default topic's use of it, video deep links, AMA references."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publish.citations import (
    Cite,
    Numbering,
    check_keys,
    deep_link,
    find_citations,
    parse_group,
    reference,
    seconds,
)
from publish.errors import EXIT_CONTENT, ContentError
from publish.i18n import messages_for
from publish.normalizer.model import NormalizedSource
from publish.render.handout import reading_grade
from publish.render.markdown import editorial, to_html
from publish.topic import load_topic

VIDEO = "https://www.youtube.com/watch?v=Xu1FMCxoEFc"

ENGLISH = messages_for("en")


def source(**fields: object) -> NormalizedSource:
    """A normalized source with only the fields a test cares about."""
    meta = fields.pop("meta", {})
    flags = fields.pop("flags", [])
    overridden = fields.pop("overridden", [])
    kind = str(fields.pop("kind", "web-article"))
    assert not fields, f"unknown fields {sorted(fields)}"
    return NormalizedSource(
        id="some-source",
        title="Some Source",
        kind=kind,
        language="en",
        source_file="000_x.txt",
        sha256="0" * 64,
        body="Text.\n",
        meta=dict(meta),  # type: ignore[call-overload]
        flags=list(flags),  # type: ignore[call-overload]
        overridden=list(overridden),  # type: ignore[call-overload]
    )


@pytest.fixture(scope="module")
def topic(default_topic: Path):  # type: ignore[no-untyped-def]
    return load_topic(default_topic)


# --- parse_group ------------------------------------------------------------------------------


def test_single_key() -> None:
    assert parse_group("@ketamine-depression-how-it-works", "p.md", 1) == [
        Cite("ketamine-depression-how-it-works")
    ]


def test_several_keys_keep_their_order() -> None:
    assert parse_group("@b-2; @a1 ;@c", "p.md", 1) == [Cite("b-2"), Cite("a1"), Cite("c")]


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("@video, 01:22:00", [Cite("video", "01:22:00")]),
        ("@video,01:22:00", [Cite("video", "01:22:00")]),
        ("@video, 1:02:03", [Cite("video", "1:02:03")]),
        ("@video, 22:05", [Cite("video", "22:05")]),
        ("@page; @video, 01:25:04", [Cite("page"), Cite("video", "01:25:04")]),
    ],
)
def test_locators(inner: str, expected: list[Cite]) -> None:
    assert parse_group(inner, "p.md", 1) == expected


@pytest.mark.parametrize(
    "inner",
    [
        "@",
        "@Upper-Case",
        "key-without-at",
        "@a;",
        "@a;; @b",
        "@a b",
        "@-leading-dash",
        "@a, 1h22",
        "@a, 01:22:00:00",
        "@a, 1:2",
        "@a, 01:22:00, 01:23:00",
        "@a,",
    ],
)
def test_malformed_groups_are_content_errors_naming_file_and_line(inner: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_group(inner, "topics/x/patient.md", 7)
    error = caught.value
    assert error.exit_code == EXIT_CONTENT
    assert error.path == Path("topics/x/patient.md")
    assert error.line == 7
    assert str(error).startswith("topics/x/patient.md:7: malformed")
    assert "\n" not in error.format_message()


@given(
    hours=st.integers(0, 99),
    minutes=st.integers(0, 59),
    secs=st.integers(0, 59),
)
def test_any_hh_mm_ss_locator_links_to_that_second(hours: int, minutes: int, secs: int) -> None:
    locator = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    [cite] = parse_group(f"@video, {locator}", "p.md", 1)
    assert cite.locator == locator
    total = hours * 3600 + minutes * 60 + secs
    assert seconds(locator) == total
    video = source(kind="video-summary", meta={"url": VIDEO, "video_id": "Xu1FMCxoEFc"})
    assert deep_link(video, locator) == f"{VIDEO}&t={total}s"


@pytest.mark.parametrize("locator", ["01:22:75", "01:60:00", "00:99"])
def test_locator_with_out_of_range_minutes_or_seconds_is_malformed(locator: str) -> None:
    """A typo such as 01:22:75 would otherwise link to a moment the text does not name."""
    with pytest.raises(ContentError, match="malformed locator"):
        parse_group(f"@video, {locator}", "p.md", 1)


# --- finding and checking citations -----------------------------------------------------------


def test_citations_are_found_with_their_line_numbers() -> None:
    text = "Intro [@a].\n\nSecond paragraph\nwraps here [@b; @c, 01:00:00].\n"
    assert find_citations(text, "p.md") == [
        (1, Cite("a")),
        (4, Cite("b")),
        (4, Cite("c", "01:00:00")),
    ]
    assert [line for line, _ in find_citations(text, "p.md", first_line=10)] == [10, 13, 13]


def test_line_numbers_count_blank_lines_at_the_start() -> None:
    assert find_citations("\nFirst [@a].\n", "p.md") == [(2, Cite("a"))]


def test_malformed_citation_names_file_and_line_counted_from_first_line() -> None:
    """A text that starts on line 5 of its file (after front matter) reports file lines."""
    text = "Fine [@a].\n\nBroken [@Not-A-Key].\n"
    for find in (
        lambda: find_citations(text, "clinician.md", first_line=5),
        lambda: check_keys(text, "clinician.md", {"a"}, first_line=5),
    ):
        with pytest.raises(ContentError) as caught:
            find()
        assert str(caught.value).startswith("clinician.md:7: malformed citation [@Not-A-Key]")


def test_unknown_key_line_is_counted_from_first_line() -> None:
    with pytest.raises(ContentError) as caught:
        check_keys("Fine [@a].\nNot fine [@b].\n", "clinician.md", {"a"}, first_line=5)
    assert str(caught.value) == "clinician.md:6: unknown citation key @b"


def test_unknown_key_names_file_and_line() -> None:
    text = "Fine [@a].\nAlso fine.\nNot fine [@a; @missing].\n"
    with pytest.raises(ContentError) as caught:
        check_keys(text, "patient.md", {"a"})
    assert str(caught.value) == "patient.md:3: unknown citation key @missing"
    assert caught.value.exit_code == EXIT_CONTENT


def test_text_without_brackets_has_no_citations() -> None:
    text = "Email me@example.org or see @handle; brackets [like this] are text.\n"
    assert check_keys(text, "p.md", set()) == []


def test_citation_group_wrapped_across_lines_is_still_checked() -> None:
    text = "A claim [@a;\n@missing].\n"
    with pytest.raises(ContentError) as caught:
        check_keys(text, "patient.md", {"a"})
    assert str(caught.value) == "patient.md:1: unknown citation key @missing"


def test_wrapped_citation_group_is_found_at_the_line_it_starts() -> None:
    text = "Intro.\n\nA claim [@a;\n@b, 01:02:03] and more.\n"
    assert find_citations(text, "p.md") == [(3, Cite("a")), (3, Cite("b", "01:02:03"))]


def test_wrapped_citation_group_renders_as_a_citation_not_as_text() -> None:
    html = to_html(
        "A claim [@a;\n@b] ends here.\n",
        lambda cites: f"<sup>{','.join(c.key for c in cites)}</sup>",
    )
    assert "[@" not in html
    assert "A claim<sup>a,b</sup> ends here." in html


# --- the default topic ------------------------------------------------------------------------


def test_every_citation_of_the_default_topic_resolves(topic) -> None:  # type: ignore[no-untyped-def]
    known = {s.id for s in topic.sources}
    for text in (topic.patient, topic.clinician):
        assert text.cites, text.path
        assert {cite.key for cite in text.cites} <= known
    for entry in topic.glossary:
        assert set(entry.cite) <= known


def _units(markdown: str) -> list[tuple[int, str, str]]:
    """(line, 'paragraph' or 'list item', text) for each paragraph outside lists and each item."""
    units = []
    depth = 0
    item: list[str] = []
    item_line = 0
    tokens = editorial().parse(markdown)  # `::: key-messages` lines are structure, not text
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            depth += 1
            item, item_line = [], token.map[0] + 1 if token.map else 0
        elif token.type == "list_item_close":
            depth -= 1
            units.append((item_line, "list item", " ".join(item)))
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            children = token.children or []
            if children and all(c.type in ("image", "softbreak") for c in children):
                continue  # a figure, not prose
            if depth:
                item.append(token.content)
            else:
                line = tokens[index - 1].map[0] + 1 if tokens[index - 1].map else 0
                units.append((line, "paragraph", token.content))
    return units


@pytest.mark.parametrize("name", ["patient.md", "clinician.md"])
def test_every_paragraph_and_list_item_cites_a_source(default_topic: Path, name: str) -> None:
    units = _units((default_topic / name).read_text(encoding="utf-8"))
    assert any(kind == "list item" for _, kind, _ in units)
    assert any(kind == "paragraph" for _, kind, _ in units)
    uncited = [
        f"{name}:{line} ({kind})" for line, kind, text in units if not re.search(r"\[@", text)
    ]
    assert uncited == []


def test_handout_reads_at_grade_eight_or_below(topic) -> None:  # type: ignore[no-untyped-def]
    grade = reading_grade(topic)
    assert 0 < grade <= 8


# --- deep links -------------------------------------------------------------------------------


def test_deep_link_into_a_video() -> None:
    video = source(kind="video-summary", meta={"url": VIDEO, "video_id": "Xu1FMCxoEFc"})
    assert deep_link(video, "01:25:04") == f"{VIDEO}&t=5104s"
    assert deep_link(video, "22:00") == f"{VIDEO}&t=1320s"
    assert deep_link(video, None) == VIDEO


def test_deep_link_into_a_page_without_video_is_the_page() -> None:
    page = source(meta={"url": "https://example.org/article"})
    assert deep_link(page, "01:00:00") == "https://example.org/article"


def test_deep_link_is_never_invented() -> None:
    assert deep_link(source(), None) is None
    assert deep_link(source(), "01:00:00") is None
    no_url = source(kind="video-summary", meta={"video_id": "Xu1FMCxoEFc"})
    assert deep_link(no_url, "01:00:00") is None


# --- numbering and references -----------------------------------------------------------------


def test_numbering_follows_first_citation() -> None:
    numbering = Numbering()
    assert [numbering.number(k) for k in ("b", "a", "b", "c", "a")] == [1, 2, 1, 3, 2]
    assert numbering.order == ["b", "a", "c"]


def test_undated_source_says_date_not_stated() -> None:
    ref = reference(source(meta={"publisher": "X"}), 3, ENGLISH)
    assert ref.number == 3
    assert ref.date == "Date not stated"
    assert "Date not stated." in ref.text


def test_dated_source_gives_the_date_in_words() -> None:
    ref = reference(
        source(meta={"published": "2023-08-06", "publisher": "Huberman Lab"}), 1, ENGLISH
    )
    assert ref.date == "Published August 6, 2023"
    assert ref.text.startswith("Huberman Lab. Some Source. Web article. Published August 6, 2023.")


def test_promotional_source_is_labelled() -> None:
    ref = reference(source(flags=["promotional"]), 1, ENGLISH)
    assert ref.note is not None and "Promotional source." in ref.note
    assert ref.text.endswith("Promotional source.")
    assert reference(source(), 1, ENGLISH).note is None


def test_editor_supplied_title_is_labelled() -> None:
    ref = reference(source(overridden=["title"]), 1, ENGLISH)
    assert ref.note is not None and "Title supplied by editors." in ref.note


def test_reference_without_url_invents_none() -> None:
    ref = reference(source(kind="video-summary", meta={"video_id": "Xu1FMCxoEFc"}), 1, ENGLISH)
    assert ref.url is None
    assert "http" not in ref.text
    assert "youtube" not in ref.text.lower()


def test_default_topic_references_are_honest(topic) -> None:  # type: ignore[no-untyped-def]
    refs = {s.id: reference(s, n, ENGLISH) for n, s in enumerate(topic.sources, start=1)}
    report = refs["ketamine-as-a-rapid-antidepressant-for-mood-disorders"]
    assert report.url is None and "http" not in report.text
    assert report.date == "Date not stated"
    assert "Promotional source." in (report.note or "")
    clinic = refs["unraveling-the-science-how-ketamine-works-in-depression"]
    assert clinic.date == "Published January 3, 2024"
    assert "Promotional source." in (clinic.note or "")
    video = refs["experimental-treatments-for-depression"]
    assert video.url == VIDEO
    assert video.medium == "Video summary"
    for ref in refs.values():
        assert (ref.url is None) == ("url" not in topic.source(ref.key).meta)
