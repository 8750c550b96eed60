"""What a reader can see of a laid-out page: text that is there but hidden does not count."""

from __future__ import annotations

from pathlib import Path

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


def _book(path_css: str, chapters: dict[str, str]) -> bytes:
    """A small EPUB-shaped zip: XHTML documents and one stylesheet they link."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("EPUB/style.css", path_css)
        for name, body in chapters.items():
            book.writestr(
                f"EPUB/{name}",
                '<?xml version="1.0" encoding="utf-8"?>\n'
                '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>'
                '<link rel="stylesheet" href="style.css"/></head>'
                f"<body>{body}</body></html>",
            )
    return out.getvalue()


def test_an_epub_is_read_with_its_own_stylesheet() -> None:
    from publish.gates.visible import read_epub

    chapters = {"a.xhtml": f"<p>Before.</p><p class='x'>{SENTENCE}</p>"}
    shown = read_epub(_book("", chapters))
    hidden = read_epub(_book(".x { color: #fff; }", chapters))
    assert SENTENCE in _squash(shown.visible)
    assert SENTENCE in _squash(hidden.everything) and SENTENCE not in _squash(hidden.visible)
    assert "Before." in _squash(hidden.visible)


def test_an_epub_document_that_cannot_hold_a_wanted_phrase_is_not_laid_out() -> None:
    from publish.gates.visible import read_epub

    chapters = {"a.xhtml": f"<p>{SENTENCE}</p>", "b.xhtml": "<p>Nothing to see.</p>"}
    reading = read_epub(_book("", chapters), wanted=[SENTENCE])
    assert SENTENCE in _squash(reading.visible)
    assert "Nothing to see." not in reading.everything
    split = {"a.xhtml": "<p>Call <b>988</b> now.</p>"}  # a phrase split by inline markup
    assert SENTENCE in _squash(read_epub(_book("", split), wanted=[SENTENCE]).visible)


def test_an_epub_entry_that_climbs_out_is_never_written(tmp_path: Path) -> None:
    import io
    import zipfile

    from publish.gates.visible import read_epub

    escaped = tmp_path / "escaped.xhtml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("../" * 40 + str(escaped).lstrip("/"), "<p>x</p>")
    read_epub(out.getvalue())
    assert not escaped.exists()


def test_contrast_is_judged_by_the_wcag_luminance_of_the_pixels() -> None:
    from PIL import Image

    from publish.gates.visible import _contrast

    page = Image.new("L", (20, 20), 255)
    page.paste(0, (0, 0, 10, 10))
    assert round(_contrast(page, (0, 0, 10, 10), 10), 1) == 21.0  # black ink on white
    assert _contrast(page, (0, 5, 5, 10), 10) == 1.0  # all ink, no background: nothing stands out
    grey = Image.new("L", (20, 20), 255)
    grey.paste(118, (0, 0, 10, 10))  # #767676: the WCAG 4.5:1 grey
    assert round(_contrast(grey, (0, 0, 10, 10), 10), 1) == 4.5
