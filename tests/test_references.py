"""AMA reference entries as a reader sees them: punctuation, notes, dates, media and links.

Each entry is "Publisher. Title. Medium. Date. URL. Notes." with exactly one full stop between
parts, however the source's own title or notes end.
"""

from __future__ import annotations

import html
import re

import pytest

from publish.citations import Reference, kind_label, reference
from publish.i18n import messages_for
from publish.normalizer.model import NormalizedSource
from publish.render.html import render

VIDEO = "https://www.youtube.com/watch?v=Xu1FMCxoEFc"

ENGLISH = messages_for("en")


def source(
    title: str = "Ketamine and Depression",
    kind: str = "web-article",
    *,
    meta: dict[str, object] | None = None,
    flags: tuple[str, ...] = (),
    overridden: tuple[str, ...] = (),
) -> NormalizedSource:
    return NormalizedSource(
        id="a-source",
        title=title,
        kind=kind,
        language="en",
        source_file="001_source.txt",
        sha256="0" * 64,
        body="Text.\n",
        meta=dict(meta or {}),
        flags=list(flags),
        overridden=list(overridden),
    )


def text_of(**fields: object) -> str:
    return reference(source(**fields), 1, ENGLISH).text  # type: ignore[arg-type]


# --- punctuation ------------------------------------------------------------------------------


def test_title_ending_in_a_full_stop_gets_one_full_stop() -> None:
    ref = reference(source("Ketamine Explained.", "video-page"), 1, ENGLISH)

    assert ref.title == "Ketamine Explained"
    assert ref.text == "Ketamine Explained. Video page. Date not stated."
    assert ".." not in ref.text


def test_title_ending_in_several_full_stops_gets_one() -> None:
    assert text_of(title="What comes next...").startswith("What comes next. Web article.")


def test_only_full_stops_are_taken_off_the_end_of_a_title() -> None:
    assert text_of(title="Ketamine and Generation X.").startswith("Ketamine and Generation X. Web")
    assert text_of(title="Ketamine Q&A").startswith("Ketamine Q&A. Web article.")


@pytest.mark.parametrize("title", ["Does Ketamine Work?", "Ketamine Works!", "Does It Work?."])
def test_title_ending_in_a_question_or_exclamation_mark_gets_no_full_stop(title: str) -> None:
    ref = reference(source(title, meta={"publisher": "Mood Talk"}), 1, ENGLISH)
    kept = title.rstrip(".")

    assert ref.text == f"Mood Talk. {kept} Web article. Date not stated."
    assert f"{kept}." not in ref.text


def printed(ref: Reference) -> str:
    """The entry as the handout, clinician sheet and EPUB print it, tags removed."""
    page = render("partials/references.html", references=[ref])
    [item] = re.findall(r"<li\b[^>]*>(.*?)</li>", page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", item))


@pytest.mark.parametrize(
    "title", ["Does Ketamine Work?", "Ketamine Works!", "Ketamine Explained.", "Ketamine Q&A"]
)
def test_printed_reference_list_punctuates_titles_like_the_text(title: str) -> None:
    url = "https://mood.example/a"
    ref = reference(source(title, meta={"publisher": "Mood Talk", "url": url}), 1, ENGLISH)

    assert printed(ref) == ref.text
    assert "?." not in printed(ref) and "!." not in printed(ref)


def test_promotional_source_with_an_editors_title_has_two_separate_notes() -> None:
    ref = reference(source(flags=("promotional",), overridden=("title",)), 1, ENGLISH)

    assert ref.note == "Promotional source. Title supplied by editors."
    assert ref.text.endswith(". Date not stated. Promotional source. Title supplied by editors.")
    assert "source.Title" not in ref.text


def test_each_note_alone() -> None:
    assert reference(source(flags=("promotional",)), 1, ENGLISH).note == "Promotional source."
    assert reference(source(overridden=("title",)), 1, ENGLISH).note == "Title supplied by editors."
    assert reference(source(overridden=("publisher", "published")), 1, ENGLISH).note is None
    assert reference(source(flags=("undated", "relative-dates")), 1, ENGLISH).note is None


def test_full_entry_in_ama_order() -> None:
    ref = reference(
        source(
            "How Ketamine Works.",
            "video-summary",
            meta={"publisher": "Yale Medicine", "published": "2023-08-06", "url": VIDEO},
            flags=("promotional",),
            overridden=("title",),
        ),
        4,
        ENGLISH,
    )

    assert ref.text == (
        f"Yale Medicine. How Ketamine Works. Video summary. Published August 6, 2023. {VIDEO} "
        "Promotional source. Title supplied by editors."
    )
    assert (ref.number, ref.key) == (4, "a-source")


def test_entry_without_publisher_starts_with_the_title() -> None:
    assert text_of() == "Ketamine and Depression. Web article. Date not stated."


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "words"),
    [
        ("2024-01-03", "Published January 3, 2024"),
        ("2023-12-31", "Published December 31, 2023"),
        ("2020-02-29", "Published February 29, 2020"),
    ],
)
def test_date_in_words_without_leading_zero(published: str, words: str) -> None:
    ref = reference(source(meta={"published": published}), 1, ENGLISH)
    assert ref.date == words
    assert f" {words}." in ref.text


def test_undated_source_says_so() -> None:
    assert reference(source(), 1, ENGLISH).date == "Date not stated"


# --- media ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("video-summary", "Video summary"),
        ("podcast-notes", "Podcast episode notes"),
        ("web-article", "Web article"),
        ("video-page", "Video page"),
        ("report", "Report"),
        ("wiki-page", "Wiki page"),
    ],
)
def test_every_kind_of_source_is_named_in_words(kind: str, label: str) -> None:
    assert kind_label(kind, ENGLISH) == label
    assert text_of(kind=kind) == f"Ketamine and Depression. {label}. Date not stated."


def test_unknown_kind_is_printed_as_it_is() -> None:
    assert kind_label("lecture-notes", ENGLISH) == "lecture-notes"


def test_reference_parts_are_kept_for_templates() -> None:
    ref = reference(
        source(meta={"publisher": "NuLife", "url": "https://nulife.example/a"}), 2, ENGLISH
    )
    assert ref == Reference(
        number=2,
        key="a-source",
        publisher="NuLife",
        title="Ketamine and Depression",
        medium="Web article",
        date="Date not stated",
        url="https://nulife.example/a",
        note=None,
    )


def test_every_kind_reason_and_flag_of_the_normalized_format_has_a_printed_label() -> None:
    """References and appraisal tables print a label in the document's language, never
    the vocabulary's raw string."""
    from publish.citations import _KIND_LABEL
    from publish.normalizer.model import FLAGS, KINDS, REASONS
    from publish.render.context import FLAG_LABELS, REASON_LABELS

    assert set(KINDS) <= set(_KIND_LABEL)
    assert set(FLAGS) <= set(FLAG_LABELS)
    assert set(REASONS) - {"comments", "metadata"} <= set(REASON_LABELS)
