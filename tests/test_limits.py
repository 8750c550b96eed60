"""Markdown limits: refused with the file and line, before the parser or the layout sees it."""

from __future__ import annotations

import pytest

from publish.errors import ContentError, InputError
from publish.limits import MAX_BRACKETS, SOURCE, TOPIC_TEXT, check_markdown


def test_a_document_of_brackets_is_refused_at_the_first_one_over_the_limit() -> None:
    text = "Intro.\n\n" + ("[" * 400 + "\n\n") * (MAX_BRACKETS // 400 + 1)
    with pytest.raises(InputError) as caught:
        check_markdown(text, SOURCE, "source.md", first_line=5)
    over = 5 + 2 + 2 * (MAX_BRACKETS // 400)  # the block holding bracket MAX_BRACKETS + 1
    assert caught.value.line == over
    assert f"more than {MAX_BRACKETS:,} '['" in str(caught.value)


def test_a_document_at_the_bracket_limit_passes() -> None:
    check_markdown(("[x] " * 100 + "\n\n") * (MAX_BRACKETS // 100), TOPIC_TEXT, "patient.md")


def test_topic_text_over_a_limit_is_a_content_error() -> None:
    with pytest.raises(ContentError):
        check_markdown("*" * 30 + "a" + "*" * 30, TOPIC_TEXT, "patient.md")
