"""What a reader can see of a laid-out page: text that is there but hidden does not count."""

from __future__ import annotations

import pytest

from publish.gates.visible import HIDDEN, MIN_POINTS, read_pdf
from publish.resources import bundled_templates

FONT = (bundled_templates() / "fonts" / "AtkinsonHyperlegible-Regular.ttf").as_uri()
SENTENCE = "Call 988 now."


def _pdf(style: str) -> bytes:
    from weasyprint import HTML

    page = (
        f"<html><head><style>@font-face {{ font-family: F; src: url('{FONT}'); }} "
        f"body {{ font: 12pt F; }} {style}</style></head>"
        f"<body><p>Before.</p><p class='x'>{SENTENCE}</p><p>After.</p></body></html>"
    )
    return HTML(string=page).write_pdf()


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_plain_text_is_visible_and_complete() -> None:
    reading = read_pdf(_pdf(""))
    assert SENTENCE in _squash(reading.visible)
    assert _squash(reading.visible) == _squash(reading.everything)


@pytest.mark.parametrize(
    "style",
    [
        ".x { color: #fff; }",
        ".x { color: #f4f4f4; }",
        ".x { background: #123; color: #123; }",
        f".x {{ font-size: {MIN_POINTS - 1:g}pt; }}",
        ".x { position: absolute; left: -200mm; }",
        ".x { position: relative; top: -400mm; }",
        ".x { position: relative; } .x::after { content: ''; position: absolute; "
        "left: 0; right: 0; top: -2pt; bottom: -2pt; background: #fff; }",
    ],
    ids=["white", "faint", "same-as-background", "fine-print", "off-left", "off-top", "covered"],
)
def test_hidden_text_is_in_the_file_but_not_in_what_a_reader_sees(style: str) -> None:
    reading = read_pdf(_pdf(style))
    visible = _squash(reading.visible)
    assert SENTENCE not in visible
    assert "Before." in visible and "After." in visible  # only the styled text is judged hidden
    if "absolute" not in style and "top: -400mm" not in style:
        assert SENTENCE in _squash(reading.everything)
        assert HIDDEN in visible


def test_text_at_the_minimum_size_in_dark_grey_is_visible() -> None:
    reading = read_pdf(_pdf(f".x {{ font-size: {MIN_POINTS:g}pt; color: #4a5563; }}"))
    assert SENTENCE in _squash(reading.visible)
