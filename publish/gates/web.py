"""Reading a built web handout back: what a reader sees of it, and whether it stands alone.

What a reader sees is judged as for the e-book: the page is laid out (WeasyPrint, screen
media, loading nothing but `data:` URIs) and every character checked on the result, so a
disclaimer hidden by the page's own stylesheet does not count.

Standing alone means what the artifact promises a record system: no script of any kind,
and nothing fetched from anywhere when it opens.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publish.sanitize import CSS_LOADS

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from publish.gates.visible import Reading
    from publish.render.registry import Artifact

PASSED = "self-contained: no script, nothing loaded from outside; one <main>, one <h1>, lang set"

LOADS = {
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "image": ("href", "{http://www.w3.org/1999/xlink}href"),
    "use": ("href", "{http://www.w3.org/1999/xlink}href"),
}
"""Attributes a browser fetches as it opens a page (links followed by a click are not)."""
ACTIVE = ("script", "iframe", "frame", "object", "embed", "base", "form", "meta[http-equiv]")
"""Elements that run code, open another document, or change where links and reloads go."""


def read(data: bytes, wanted: Sequence[str] = ()) -> Reading:
    """The page's text laid out as a screen shows it: all of it, and what a reader can see."""
    from weasyprint import HTML

    from publish.gates.visible import read_pdf
    from publish.render.pdf import Fetched, _fetcher_class, _font_config

    del wanted  # one document: it is always laid out
    fetcher = _fetcher_class()((), Fetched())  # data: URIs only
    document = HTML(
        string=data.decode("utf-8", "replace"), url_fetcher=fetcher, media_type="screen"
    )
    return read_pdf(document.render(font_config=_font_config()).write_pdf())


def problems(path: Path, artifact: Artifact) -> list[str]:
    """Everything that would make the file run code or reach out, or lose its structure."""
    from lxml import html

    del artifact  # reflowable: no page limit
    root = html.fromstring(path.read_bytes())
    found = list(_outside(root))
    for selector in ACTIVE:
        tag, _, attribute = selector.partition("[")
        for element in root.iter(tag):
            if not attribute or element.get(attribute.rstrip("]")) is not None:
                found.append(f"<{tag}> is not allowed in a self-contained page")
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag}> has an event handler ({name})")
            if value.strip().lower().startswith(("javascript:", "vbscript:")):
                found.append(f"<{element.tag}> has a script URL in {name}")
    if not root.get("lang"):
        found.append("the page has no lang attribute")
    if len(root.findall(".//main")) != 1:
        found.append("the page needs exactly one <main>")
    if len(root.findall(".//h1")) != 1:
        found.append("the page needs exactly one <h1>")
    return sorted(set(found))


def _outside(root: HtmlElement) -> Iterator[str]:
    """Each request the page would make on opening: a resource not embedded as `data:`."""
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        for attribute in LOADS.get(tag.rsplit("}", 1)[-1], ()):
            value = (element.get(attribute) or "").strip()
            if value and not value.lower().startswith("data:"):
                yield f"<{tag}> loads {value[:80]}"
        if tag == "link":
            yield f"<link> loads {(element.get('href') or '')[:80]}"
        style = element.text if tag == "style" else element.get("style")
        if style and CSS_LOADS.search(style):
            yield f"<{tag}> styles load from outside the page"
