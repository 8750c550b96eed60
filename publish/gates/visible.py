"""What a reader can actually see on a laid-out page, as text.

The safety gate must not be satisfied by words that are in a file but not in front
of the reader: text moved off the page, drawn in white or in the background's
colour, covered by a box, made transparent, clipped away or set in fine print. So
every character is judged on the laid-out page itself. pdfminer.six gives each
character's box and size; pypdfium2 renders the page to pixels; a character counts
only if it lies on the page, is at least `MIN_POINTS` tall, and the pixels of its
box show ink that stands out from what is around it (`MIN_CONTRAST`). Invisible
characters are replaced by `HIDDEN`, so a phrase with one hidden letter is not found.

An e-book has no pages of its own: each of its documents is laid out by WeasyPrint
with the book's own stylesheet (as a reading system would, with the bundled font as
the default), and the result is judged the same way.
"""

from __future__ import annotations

import html
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIN_POINTS = 8.0
"""Smallest glyph size that counts as readable: below it, text is fine print."""
MIN_CONTRAST = 3.0
"""Contrast ratio (WCAG formula) between the darkest and lightest pixel in a character's
box. WCAG asks 4.5 for text; pixels of anti-aliased strokes at this resolution never
reach full ink, so the bar is set where real text passes and faint text does not."""
SCALE = 2.0
"""Render resolution: 144 dpi, enough for 8 pt strokes to reach full ink."""
HIDDEN = "\u2592"
"""Stands in for a character a reader cannot see."""


@dataclass(frozen=True)
class Reading:
    """A file's text twice: all of it, and only what a reader can see (the rest `HIDDEN`)."""

    everything: str
    visible: str

    def __add__(self, other: Reading) -> Reading:
        return Reading(f"{self.everything} {other.everything}", f"{self.visible} {other.visible}")


def _luminance(value: int) -> float:
    """Relative luminance of an 8-bit grey level (sRGB)."""
    channel = value / 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _contrast(image: Any, box: tuple[float, float, float, float], height: float) -> float:
    """Contrast between the darkest and lightest pixel inside a character's box."""
    x0, y0, x1, y1 = box
    crop = image.crop(
        (
            int(x0 * SCALE),
            int((height - y1) * SCALE),
            max(int(x1 * SCALE), int(x0 * SCALE) + 1),
            max(int((height - y0) * SCALE), int((height - y1) * SCALE) + 1),
        )
    )
    darkest, lightest = crop.getextrema()
    return (_luminance(lightest) + 0.05) / (_luminance(darkest) + 0.05)


def _lines(layout: Any) -> Iterator[Any]:
    """Text lines of a laid-out page, in reading order."""
    from pdfminer.layout import LTTextContainer, LTTextLine

    for element in layout:
        if isinstance(element, LTTextLine):
            yield element
        elif isinstance(element, LTTextContainer):
            yield from _lines(element)


def read_pdf(data: bytes) -> Reading:
    """The text of a PDF, and the same with every character a reader cannot see hidden."""
    import pypdfium2
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    document = pypdfium2.PdfDocument(data)
    parts: list[str] = []
    seen_parts: list[str] = []
    try:
        for index, layout in enumerate(extract_pages(io.BytesIO(data))):
            page = document[index]
            image = page.render(scale=SCALE, grayscale=True).to_pil()
            x_min, y_min, x_max, y_max = layout.bbox
            for line in _lines(layout):
                for item in line:
                    text = item.get_text()
                    parts.append(text)
                    if not isinstance(item, LTChar) or not text.strip():
                        seen_parts.append(text)
                        continue
                    x0, y0, x1, y1 = item.bbox
                    on_page = x0 >= x_min and y0 >= y_min and x1 <= x_max and y1 <= y_max
                    seen = (
                        on_page
                        and item.size >= MIN_POINTS - 0.01  # sizes come back as 7.9995
                        and _contrast(image, item.bbox, y_max) >= MIN_CONTRAST
                    )
                    seen_parts.append(text if seen else HIDDEN * len(text))
                parts.append(" ")
                seen_parts.append(" ")
    finally:
        document.close()
    return Reading("".join(parts), "".join(seen_parts))


def _reading_system_css(fonts: Path) -> str:
    """A reading system's defaults: the bundled font and 12 pt text, under the book's CSS."""
    faces = "".join(
        f'@font-face {{ font-family: "Reader"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(fonts / name).as_uri()}"); }}'
        for name, weight, style in (
            ("AtkinsonHyperlegible-Regular.ttf", 400, "normal"),
            ("AtkinsonHyperlegible-Bold.ttf", 700, "normal"),
            ("AtkinsonHyperlegible-Italic.ttf", 400, "italic"),
            ("AtkinsonHyperlegible-BoldItalic.ttf", 700, "italic"),
        )
    )
    return faces + 'html { font-family: "Reader"; font-size: 12pt; }'


def squash(text: str) -> str:
    """Whitespace collapsed; a hyphen that ended a printed line rejoins its word."""
    text = re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


def _may_hold(markup: str, wanted: Iterable[str]) -> bool:
    """Whether a document's text could contain one of the phrases: tags taken out both as
    spaces and as nothing, so a phrase split by inline markup is not missed."""
    texts = [squash(html.unescape(re.sub(r"<[^>]*>", gap, markup))) for gap in (" ", "")]
    return any(squash(phrase) in text for phrase in wanted for text in texts)


def read_epub(data: bytes, wanted: Iterable[str] = ()) -> Reading:
    """The text of the book's XHTML documents, each laid out with the book's CSS.

    With `wanted` phrases, only documents whose markup could hold one are laid out: a
    document without a phrase cannot show it, and layout is the slow part.
    """
    wanted = tuple(wanted)
    from weasyprint import CSS, HTML

    from publish.render.pdf import Fetched, _fetcher_class, _font_config
    from publish.resources import bundled_templates

    fonts = bundled_templates() / "fonts"
    reading = Reading("", "")
    with tempfile.TemporaryDirectory(prefix="publish-check-") as folder:
        root = Path(folder).resolve()
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            names = sorted(n for n in book.namelist() if n.endswith(".xhtml"))
            for name in book.namelist():
                target = (root / name).resolve()
                if target.is_relative_to(root) and not name.endswith("/"):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(book.read(name))
        fetcher = _fetcher_class()((root, fonts.resolve()), Fetched())
        defaults = CSS(string=_reading_system_css(fonts), font_config=_font_config())
        for name in names:
            path = (root / name).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                continue
            markup = path.read_text(encoding="utf-8", errors="replace")
            if wanted and not _may_hold(markup, wanted):
                continue
            document = HTML(filename=str(path), encoding="utf-8", url_fetcher=fetcher).render(
                stylesheets=[defaults], font_config=_font_config()
            )
            reading += read_pdf(document.write_pdf())
    return reading
