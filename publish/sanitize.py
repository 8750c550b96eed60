"""One sanitizer for untrusted markup: allow-lists of elements, attributes and URL schemes.

Sources come from the web and topic figures may too, so whatever markup they carry is
reduced here to what a printed or e-book page needs before any renderer sees it (EPUB,
PDF, preview, and every later artifact): HTML fragments through `nh3` (the ammonia
sanitizer), SVG through the small allow-list in `publish.svgclean`. Nothing here loads
anything: a URL is only ever kept or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Container
from pathlib import Path
from urllib.parse import urlsplit

from publish.errors import ContentError
from publish.sections import SECTIONS
from publish.svgclean import SvgError, SvgResult, clean_svg

__all__ = ["SvgError", "SvgResult", "clean_html", "clean_svg", "figure_bytes", "is_web_url"]

WEB_SCHEMES = frozenset({"http", "https"})

HTML_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code"}
    | {"em", "strong", "a", "img", "hr", "br", "sup", "section"}
)
"""What CommonMark (raw HTML off) writes, plus the superscript of a citation and the
sections of an editorial text (`publish.render.markdown.SECTIONS`). A citation's link
carries an `aria-label` ("Reference 2") that the renderer writes; text is all it can hold."""

HTML_ATTRIBUTES = {
    "a": {"href", "title", "aria-label"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
HTML_CLASSES = {"sup": {"cite"}, "section": set(SECTIONS)}

_INTERNAL = re.compile(r"(?:[a-z0-9][a-z0-9-]*\.xhtml)?#[A-Za-z][A-Za-z0-9_.:-]*")
"""A link this toolkit writes itself: to a note in the same page or another chapter."""
_CONTROLS = re.compile(r"[\x00-\x20\x7f]")


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: the only kind of link a reader may follow.

    Compared as a browser would read it (whitespace and control characters removed),
    so `java\\tscript:` or ` //host` cannot pass for something else.
    """
    if _CONTROLS.search(url) or "\\" in url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def clean_html(fragment: str, images: Container[str] = ()) -> str:
    """An HTML fragment reduced to the allow-list; only the image sources in `images` stay.

    Links stay when they are web URLs or the toolkit's own note links; an image stays only
    when its `src` is one the caller produced for a checked figure.
    """
    import nh3

    def allowed(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return value if is_web_url(value) or _INTERNAL.fullmatch(value) else None
        if tag == "img" and attribute == "src":
            return value if value in images else None
        return value

    cleaned = nh3.clean(
        fragment,
        tags=set(HTML_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in HTML_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in HTML_CLASSES.items()},
        attribute_filter=allowed,
        strip_comments=True,
        link_rel=None,
        # file: and data: only for the figure addresses the caller made, see `allowed`
        url_schemes={"http", "https", "file", "data"},
    )
    return fragment if _as_commonmark_writes(cleaned) == fragment else cleaned


_PIECE = re.compile(r"(<[^<>]*>)|([^<]+)")
_VOID = re.compile(r"<(br|hr|img)(\s[^<>]*)?>")


def _as_commonmark_writes(cleaned: str) -> str:
    """The sanitized fragment spelled as markdown-it spells HTML (`<br />`, `&quot;` in text).

    When that equals the input, the sanitizer removed nothing and the input's own bytes
    are kept: the same document either way, and built files stay byte for byte the same.
    """
    out = []
    for match in _PIECE.finditer(cleaned):
        tag, text = match.groups()
        if tag is not None:
            out.append(_VOID.sub(r"<\1\2 />", tag))
        else:
            out.append(text.replace('"', "&quot;").replace("&nbsp;", "\u00a0"))
    return "".join(out)


def is_svg(name: str) -> bool:
    return name.lower().endswith(".svg")


def figure_bytes(path: Path) -> tuple[bytes, list[str]]:
    """A figure file as any artifact embeds it: an SVG cleaned, with what was removed.

    An SVG that cannot be read safely is a content error naming the file and line.
    """
    data = path.read_bytes()
    if not is_svg(path.name):
        return data, []
    try:
        result = clean_svg(data)
    except SvgError as exc:
        raise ContentError(f"figure is not a safe SVG image: {exc}", path, exc.line) from exc
    if not result.removed:
        return result.data, []
    return result.data, [f"figure {path.name}: removed {', '.join(result.removed)}"]


CSS_LOADS = re.compile(r"url\(\s*(?!['\"]?data:)|@import", re.IGNORECASE)
"""CSS that fetches something from outside a self-contained page: a `url()` that is not a
`data:` URI, or an `@import`."""
