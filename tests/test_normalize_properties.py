"""Properties of `normalize_text` on any input: it fails only with InputError, and its
output is a fixed point (normalizing a normalized file gives the same file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from publish.errors import InputError
from publish.normalizer import normalize_text, parse_normalized, slugify

HERE = Path(__file__).resolve().parent
RAW_FILES = sorted((HERE.parent / "seeds" / "raw").glob("*.txt")) + sorted(
    (HERE / "fixtures" / "unseen").glob("*.txt")
)
LINES = sorted(
    {
        line
        for path in RAW_FILES
        for line in path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    }
)

# U+0085 (NEL) is a line break to YAML, so it cannot survive the file yet: the fixed-point
# properties leave it out, and test_removed_text_with_nel_survives_the_file tracks it.
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x85"))

DOCUMENTS = st.lists(
    st.tuples(st.sampled_from(LINES), st.sampled_from(["\n", "\n\n"])), max_size=30
).map(lambda parts: "".join(line + sep for line, sep in parts))

FRONT_MATTER = st.dictionaries(
    st.sampled_from(
        ["title", "videoId", "date", "published", "authors", "speakers", "url", "lang"]
    ),
    st.one_of(TEXT, st.integers(), st.dates(), st.lists(TEXT, max_size=3)),
    max_size=5,
).map(lambda fm: f"---\n{yaml.safe_dump(fm, allow_unicode=True)}---\n\n")

SETTINGS = settings(max_examples=200, deadline=None)


def _normalize(text: str):
    """The source for `text`, or None when it is rejected with an InputError."""
    try:
        return normalize_text(text, "doc.txt")
    except InputError:
        return None


def _assert_fixed_point(text: str) -> None:
    source = _normalize(text)
    if source is None:
        return
    once = source.to_text()
    twice = normalize_text(once, "doc.txt").to_text()
    assert twice == once


@SETTINGS
@given(st.text())
@example("")
@example("---\n---\n")
@example("---\ntitle: [unclosed\n---\nbody")
@example("21 Comments\n\n1. first")
def test_arbitrary_text_fails_only_with_input_error(text: str) -> None:
    _normalize(text)


@SETTINGS
@given(DOCUMENTS)
def test_seed_fragments_fail_only_with_input_error(text: str) -> None:
    _normalize(text)


@SETTINGS
@given(FRONT_MATTER, DOCUMENTS)
def test_front_matter_documents_fail_only_with_input_error(fm: str, body: str) -> None:
    _normalize(fm + body)


@SETTINGS
@given(TEXT)
@example("Title\n\nx\n\n## y")
def test_arbitrary_text_is_a_fixed_point(text: str) -> None:
    _assert_fixed_point(text)


@SETTINGS
@given(DOCUMENTS)
def test_seed_fragments_are_a_fixed_point(text: str) -> None:
    _assert_fixed_point(text)


@SETTINGS
@given(FRONT_MATTER, DOCUMENTS)
def test_front_matter_documents_are_a_fixed_point(fm: str, body: str) -> None:
    _assert_fixed_point(fm + body)


@SETTINGS
@given(DOCUMENTS)
def test_removals_survive_the_file(text: str) -> None:
    """What the front matter says was removed reads back exactly as it was recorded."""
    source = _normalize(text)
    if source is not None:
        assert parse_normalized(source.to_text(), "doc.md").removed == source.removed


@SETTINGS
@given(TEXT, st.integers(min_value=1, max_value=80))
def test_slugify_makes_valid_ids(title: str, limit: int) -> None:
    slug = slugify(title, limit)
    assert len(slug) <= limit
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


@SETTINGS
@given(DOCUMENTS)
def test_ids_are_valid_slugs(text: str) -> None:
    source = _normalize(text)
    if source is not None:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source.id)


# --- inputs known to break the properties above -------------------------------------------


def test_unicode_line_separators_are_line_breaks_and_survive_the_file() -> None:
    text = "Report Title\n\nSome text here.\nMore text.\n\n© 2024 Clinic\x85Inc\u2028Ltd"
    source = normalize_text(text)
    assert all("\x85" not in r.text and "\u2028" not in r.text for r in source.removed)
    assert parse_normalized(source.to_text(), "doc.md").removed == source.removed


NORMALIZED_HEAD = "---\nid: a\nkind: report\nsource_file: a.txt\nsha256: '0'\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ntitle: Sleep\ndate: 2023-02-30\n---\n\nBody.\n", id="impossible-date"),
        pytest.param("---\ntitle: !!int abc\n---\n\nBody.\n", id="bad-int-tag"),
        pytest.param("---\ntitle: " + "[" * 5000 + "\n---\n\nBody.\n", id="deep-nesting"),
        pytest.param(NORMALIZED_HEAD + "flags: 5\n---\n\nBody.\n", id="flags-not-a-list"),
        pytest.param(NORMALIZED_HEAD + "removed: 5\n---\n\nBody.\n", id="removed-not-a-list"),
    ],
)
def test_malformed_front_matter_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        normalize_text(text, "doc.txt")


def test_names_in_front_matter_are_stripped_as_the_field_reads_them_back() -> None:
    """A name with a trailing control character is written as it will be read again."""
    text = '---\nauthors:\n- "0\\r"\n- " "\n---\n\n'
    once = normalize_text(text, "doc.txt")
    assert once.meta["authors"] == ["0"]
    assert normalize_text(once.to_text(), "doc.txt").to_text() == once.to_text()
