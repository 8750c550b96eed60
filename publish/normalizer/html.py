"""Saved web pages (HTML): the main content, and every other text of the page recorded.

A page is read in four steps. The page's own metadata comes from its markup (`<title>`,
Open Graph, JSON-LD, `<link rel=canonical>`, `<time>`, `<html lang>`). Page furniture that
the markup names (navigation, site header and footer, cookie banners, share bars, related
posts, comment sections, advertisements) is removed whole and recorded with its reason.
trafilatura finds the main content in what is left. Every other line of the page's text
is then recorded too: as metadata (the title, the byline), by the rules every reader
shares, or as `outside-content`. Nothing is fetched: the page is parsed from memory with
network access and entities off, and trafilatura is only given the parsed tree.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish import limits, patterns
from publish.errors import InputError
from publish.normalizer import formats, rules
from publish.normalizer.base import Draft, Reader
from publish.normalizer.body import judge
from publish.normalizer.chunks import Chunk
from publish.normalizer.model import Removal
from publish.normalizer.rawtext import HEAD_BYTES, clean_text
from publish.normalizer.structured import HEADING, LIST, PARAGRAPH, Piece, build, clean

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

_CHARSET = re.compile(rb"<meta\b[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# --- page furniture named by its markup -------------------------------------------------------

_FURNITURE_WORDS = {
    "comments": {"comments", "comment", "commentlist", "respond", "disqus", "replies"},
    "advertisement": {
        *("ad", "ads", "adslot", "advert", "adverts", "advertisement", "advertising"),
        *("sponsor", "sponsored", "promo", "promoted", "dfp"),
    },
    "call-to-action": {"newsletter", "subscribe", "subscription", "signup"},
    "boilerplate": {
        *("cookie", "cookies", "consent", "gdpr", "cookiebanner", "cmp"),
        *("share", "sharing", "sharebar", "social", "copyright"),
    },
    "navigation": {
        *("nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "pagination"),
        *("related", "recommended", "toc", "skip"),
    },
}
"""Words of a class or id (split at anything not a letter or digit) that name furniture;
the first reason in this order that matches wins."""
_FURNITURE_ROLES = {
    "navigation": "navigation",
    "menu": "navigation",
    "menubar": "navigation",
    "banner": "navigation",
    "contentinfo": "boilerplate",
}
_FURNITURE_TAGS = {"nav": "navigation", "footer": "boilerplate"}
_CONTENT = "//article | //main | //h1 | //*[@role='main']"
"""Elements that hold or head the main content: no furniture contains one."""
_WORD = re.compile(r"[a-z0-9]+")

# --- the page's text, line by line ----------------------------------------------------------

_SKIPPED = ("script", "style", "template", "noscript", "iframe", "object", "svg", "math")
"""Elements whose content never shows as text."""
_BLOCKS = {
    *("address", "article", "aside", "blockquote", "body", "br", "button", "caption"),
    *("dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure"),
    *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label"),
    *("legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section"),
    *("select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead"),
    *("tr", "ul"),
}
_INLINE = (
    *("abbr", "b", "bdi", "bdo", "big", "cite", "data", "dfn", "em", "font", "i", "kbd"),
    *("mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u"),
    "var",
)
"""Inline formatting: only its text matters to the content extractor."""
SEARCH_AHEAD = 20_000
"""How far past the last line found in the main content the next is looked for: the
extractor keeps the page's order, and a bounded look keeps the comparison linear."""
_BYLINE_WORDS = {"byline", "author", "authors", "date", "dateline", "posted", "published"}


@dataclass(frozen=True)
class Line:
    """One line of a page's text as a browser lays it out, with where it starts."""

    text: str
    line: int | None
    byline: bool = False
    """It holds a `<time>` or sits in an element named for the byline or author."""


class HtmlReader(Reader):
    """A saved web page: HTML recognised by its doctype or `<html>` element."""

    kind = "web-page"

    def matches(self, text: str, chunks: list[Chunk]) -> bool:
        return formats.is_html_text(text)

    def read(self, text: str, chunks: list[Chunk], path: Path | str) -> Draft:
        return read_page(text, path)

    def sniff(self, data: bytes) -> bool:
        return formats.sniff(data[:HEAD_BYTES]) == formats.HTML

    def read_bytes(self, data: bytes, path: Path | str) -> Draft:
        return read_page(decode(data, path), path)


def decode(data: bytes, path: Path | str) -> str:
    """A page's text: by its byte order mark, else its declared charset, else UTF-8."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    else:
        declared = _CHARSET.search(data[:4096])
        if declared:
            encoding = _known(declared.group(1).decode("ascii"))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid {encoding} text (byte {exc.start})", path, line) from exc
    return clean_text(text, path)


def _known(name: str) -> str:
    """A declared charset Python knows; a page declaring UTF-16 in ASCII is UTF-8 (HTML)."""
    try:
        found = codecs.lookup(name).name
        b"".decode(found)  # a codec that is no text encoding ('rot13') fails here
    except LookupError:
        return "utf-8"
    return "utf-8" if found.startswith("utf-16") else found


def read_page(text: str, path: Path | str) -> Draft:
    """Read a web page's text into a Draft (see the module's docstring for the steps)."""
    root = _parse(text, path)
    draft = _with_metadata(root)
    body = _body(root, path)
    draft.removed.extend(remove_furniture(body))
    lines = page_lines(body)
    pieces = main_content(root, path) if lines else []
    if not pieces:
        raise InputError("no main text found in the web page", path)
    if sum(len(piece.raw) for piece in pieces) > limits.MAX_EXTRACTED_CHARS:
        raise InputError(
            f"the page's text is over the {limits.MAX_EXTRACTED_CHARS}-character limit", path
        )
    left_out = _left_out(lines, pieces, draft)
    draft.removed.extend(left_out)
    where = {line.text: line.line for line in lines}
    pieces = [_located(piece, where) for piece in pieces]
    if pieces[0].kind == HEADING and pieces[0].text == draft.title:
        draft.removed.append(Removal("metadata", pieces[0].text, pieces[0].line))
        pieces = pieces[1:]
    result = build(pieces)
    draft.blocks = result.blocks
    draft.removed.extend(result.removed)
    if result.promoters and not draft.meta.get("publisher"):
        draft.meta["publisher"] = result.promoters[0]
    draft.promotional = any(r.reason == "advertisement" for r in left_out + result.removed)
    return draft


def _with_metadata(root: HtmlElement) -> Draft:
    """A Draft holding the page's metadata, the `<title>` recorded as moved there."""
    meta = page_metadata(root)
    draft = Draft(kind=HtmlReader.kind, title=meta.pop("title", None))
    draft.language = meta.pop("language", None)
    draft.meta.update(meta)
    title = root.find(".//title")
    if title is not None and clean(title.text_content()):
        draft.removed.append(Removal("metadata", clean(title.text_content()), title.sourceline))
    return draft


def _body(root: HtmlElement, path: Path | str) -> HtmlElement:
    """The page's `<body>` without what never shows as text (scripts, styles, SVG)."""
    from lxml import etree

    body = root.find("body")
    if body is None:
        raise InputError("no main text found in the web page", path)
    etree.strip_elements(root, *_SKIPPED, with_tail=False)
    return body


def _parse(text: str, path: Path | str) -> HtmlElement:
    """The page as an lxml tree: no network, no comments or processing instructions."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    text = _XML_DECLARATION.sub("", _CONTROL.sub("", text), count=1)
    try:
        return lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not a readable web page: {exc}", path) from exc


_CONTROL = re.compile(patterns.CONTROL)


# --- metadata -------------------------------------------------------------------------------


def page_metadata(root: HtmlElement) -> dict[str, Any]:
    """Title, authors, date, publisher, canonical URL and language, from the page's own
    markup only: JSON-LD first, then Open Graph and `<meta>`, then `<title>`, `<h1>` and
    `<time>`. A value that is not what its field must be is left out, never repaired."""
    ld = _json_ld(root)
    og = {
        str(el.get("property") or el.get("name") or "").lower(): clean(el.get("content") or "")
        for el in root.iterfind(".//meta")
    }
    publisher = _name(ld.get("publisher")) or og.get("og:site_name") or None
    found: dict[str, Any] = {
        "title": _title(root, ld, og, publisher),
        "authors": _authors(ld.get("author")) or _authors(og.get("author")),
        "published": _date(ld.get("datePublished"))
        or _date(og.get("article:published_time"))
        or _time(root),
        "publisher": publisher,
        "url": _url(root) or _web_url(og.get("og:url")),
        "language": _language(root.get("lang") or root.get("xml:lang")),
    }
    return {key: value for key, value in found.items() if value}


def _json_ld(root: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object that describes the page's article (or any with a headline)."""
    for script in root.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue  # a broken block of the page's own metadata is no error of the page
        for item in _ld_items(data):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if "headline" in item or {"Article", "NewsArticle", "BlogPosting"} & set(
                map(str, types)
            ):
                return item
    return {}


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD block: itself, the items of a list, or of its @graph."""
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (entry for entry in graph if isinstance(entry, dict))


def _title(
    root: HtmlElement, ld: dict[str, Any], og: dict[str, str], publisher: str | None
) -> str | None:
    element = root.find(".//title")
    h1 = root.find(".//h1")
    for candidate in (
        og.get("og:title"),
        ld.get("headline") if isinstance(ld.get("headline"), str) else None,
        element.text_content() if element is not None else None,
        h1.text_content() if h1 is not None else None,
    ):
        title = _without_site(clean(candidate or ""), publisher)
        if title and not patterns.is_blank(title):
            return title
    return None


def _without_site(title: str, publisher: str | None) -> str:
    """'When to Wash | Riverside Health' is 'When to Wash' when Riverside Health publishes it."""
    if publisher:
        for mark in (" | ", " - ", " – ", " — ", " · ", " :: "):
            if title.endswith(mark + publisher):
                return title[: -len(mark + publisher)].strip()
    return title


def _name(value: Any) -> str | None:
    """The name of a JSON-LD person or organisation, given as an object or as text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    name = clean(value) if isinstance(value, str) else ""
    return name if name and not patterns.is_blank(name) and "://" not in name else None


def _authors(value: Any) -> list[str] | None:
    values = value if isinstance(value, list) else [value]
    names = [name for name in map(_name, values[:20]) if name]
    return list(dict.fromkeys(names)) or None


_ISO_DAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ]|$)")


def _date(value: Any) -> str | None:
    """The calendar date an ISO 8601 date or date-time names; None if it is no real day."""
    match = _ISO_DAY.match(value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


def _time(root: HtmlElement) -> str | None:
    """The date of the first `<time>` in the article (or main content), by its
    `datetime` attribute or its text."""
    for scope in (".//article//time", ".//main//time"):
        element = root.find(scope)
        if element is not None:
            found = _date(element.get("datetime"))
            parsed = rules.parse_date(clean(element.text_content()))
            return found or (parsed.isoformat() if parsed else None)
    return None


def _url(root: HtmlElement) -> str | None:
    for link in root.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return _web_url(link.get("href"))
    return None


def _web_url(value: str | None) -> str | None:
    url = (value or "").strip()
    return url if patterns.is_url(url) else None


def _language(value: str | None) -> str | None:
    tag = (value or "").strip().replace("_", "-")
    return tag if re.fullmatch(patterns.LANGUAGE, tag) else None


# --- furniture --------------------------------------------------------------------------------


def remove_furniture(body: HtmlElement) -> list[Removal]:
    """Take out every element the markup names as furniture, outermost first, and record
    its text with the reason. An element that holds the article, `<main>` or the `<h1>` is
    never furniture; nor is one whose class or id names furniture but which holds most of
    the page's text in paragraphs (a wrapper classed 'entry-content share-enabled')."""
    keep = {ancestor for found in body.xpath(_CONTENT) for ancestor in found.iterancestors()}
    keep |= set(body.xpath(_CONTENT))
    half = len(body.text_content()) / 2
    removed: list[Removal] = []
    stack = list(reversed(list(body)))
    while stack:
        element = stack.pop()
        reason = None if element in keep else _furniture_reason(element, half)
        if reason is None:
            stack.extend(reversed(list(element)))
            continue
        lines = [line.text for line in page_lines(element)]
        if lines:
            removed.append(_furniture(reason, element, lines))
        element.drop_tree()
    return removed


def _furniture_reason(element: HtmlElement, half: float) -> str | None:
    """Why an element is furniture, by its tag, its ARIA role or the words of its class and
    id (a comment section whatever it holds; anything else unless it wraps the content)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _FURNITURE_TAGS:
        return _FURNITURE_TAGS[tag]
    role = (element.get("role") or "").strip().lower()
    if role in _FURNITURE_ROLES:
        return _FURNITURE_ROLES[role]
    if tag == "header" and not any(a.tag in ("article", "main") for a in element.iterancestors()):
        return "navigation"  # the site's header: its name and menu
    words = _words(element, "class", "id")
    reason = next((reason for reason, names in _FURNITURE_WORDS.items() if words & names), None)
    if reason in (None, "comments"):
        return reason
    wraps = len(element.text_content()) > half and len(element.findall(".//p")) >= 2
    return None if wraps else reason


def _furniture(reason: str, element: HtmlElement, lines: list[str]) -> Removal:
    """The removal of one piece of furniture; a comment section with its comments counted
    (elements of class `comment`, else the items of its first list) and the number its
    heading declares ('3 Comments')."""
    text = "\n".join(lines)
    if reason != "comments":
        return Removal(reason, text, element.sourceline)
    comments = [e for e in element.iter() if "comment" in str(e.get("class") or "").split()]
    if not comments:
        first = next(element.iter("ol", "ul"), None)
        comments = list(first.iterchildren("li")) if first is not None else []
    heading = next(filter(None, map(rules.COMMENTS_START.match, lines[:3])), None)
    declared = (heading.group("n") or heading.group("m")) if heading else None
    return Removal(
        "comments",
        text,
        element.sourceline,
        count=len(comments) or None,
        declared=int(declared) if declared else None,
    )


# --- the page's text ----------------------------------------------------------------------------


def page_lines(root: HtmlElement) -> list[Line]:
    """The text of `root` in lines, as a browser breaks it at block elements; scripts,
    styles and the like hold no text. lxml walks the tree, so any depth is read."""
    from lxml import etree

    lines: list[Line] = []
    parts: list[str] = []
    start: int | None = None
    byline = False

    def add(text: str | None, line: int | None) -> None:
        nonlocal start
        if text and text.strip():
            if not parts:
                start = line
            parts.append(text)
        elif text and parts:
            parts.append(text)  # white space between words of a line

    def flush() -> None:
        nonlocal byline
        text = clean("".join(parts))
        if text:
            lines.append(Line(text, start, byline))
        parts.clear()
        byline = False

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCKS:
            flush()
        if event == "start":
            if tag in _SKIPPED or not tag:
                walker.skip_subtree()
                continue
            byline = byline or tag == "time" or bool(_BYLINE_WORDS & _words(element, "class"))
            add(element.text, element.sourceline)
        elif element is not root:
            add(element.tail, element.sourceline)
    flush()
    return lines


def _words(element: _Element, *attributes: str) -> set[str]:
    """The words of an element's class (and id): 'share-bar top' is share, bar, top."""
    values = " ".join(str(element.get(name) or "") for name in attributes)
    return set(_WORD.findall(values.lower()))


# --- the main content -----------------------------------------------------------------------


def main_content(root: HtmlElement, path: Path | str) -> list[Piece]:
    """The blocks trafilatura finds to be the page's main content: headings, paragraphs,
    lists, and tables as lists of rows (cells joined by ' | ').

    Inline formatting is unwrapped first (its text stays) and the text nodes it leaves side
    by side are joined: trafilatura's time grows with the square of either. Then
    `limits.MAX_HTML_ELEMENTS` bounds the rest.
    """
    import trafilatura
    from lxml import etree

    etree.strip_tags(root, *_INLINE)
    count = 0
    for element in root.iter():
        count += 1
        element.text, element.tail = element.text, element.tail  # one text node, not many
    if count > limits.MAX_HTML_ELEMENTS:
        raise InputError(
            f"web page of {count} elements, over the {limits.MAX_HTML_ELEMENTS}-element limit",
            path,
        )

    found = trafilatura.extract(
        root,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        with_metadata=False,
    )
    if not found:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    main = etree.fromstring(found.encode("utf-8"), parser).find("main")
    return [piece for element in (main if main is not None else []) for piece in _pieces(element)]


def _pieces(element: _Element) -> list[Piece]:
    """trafilatura's XML (`head`, `p`, `list`/`item`, `table`/`row`/`cell`, `quote`) as pieces."""
    tag = element.tag
    if tag == "head":
        rend = str(element.get("rend") or "")
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
        return [Piece(HEADING, _text(element), level=level)] if _text(element) else []
    if tag == "list":
        items = tuple(_items(element))
        return [Piece(LIST, items=items, ordered=element.get("rend") == "ol")] if items else []
    if tag == "table":
        rows = (
            " | ".join(filter(None, map(_text, row.iterchildren("cell"))))
            for row in element.iterchildren("row")
        )
        items = tuple(row for row in rows if row)
        return [Piece(LIST, items=items)] if items else []
    if tag == "quote" and any(child.tag in ("p", "list", "head") for child in element):
        return [piece for child in element for piece in _pieces(child)]
    return [Piece(PARAGRAPH, _text(element))] if _text(element) else []


def _items(element: _Element) -> Iterator[str]:
    """A list's items, a nested list's items after the item that holds it."""
    for item in element.iterchildren("item"):
        own = _text(item, skip="list")
        if own:
            yield own
        for nested in item.iterchildren("list"):
            yield from _items(nested)


def _text(element: _Element, skip: str = "") -> str:
    """An element's text; a line break (`lb`) is a space."""
    parts: list[str] = []

    def walk(node: _Element) -> None:
        if node.tag == "lb":
            parts.append(" ")
        elif node.tag != skip:
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    walk(element)
    return clean("".join(parts))


def _left_out(lines: list[Line], pieces: list[Piece], draft: Draft) -> list[Removal]:
    """Every line of the page that is not in the main content, in order; lines next to
    each other that are left out for the same reason are one removal."""
    found = "\n".join(text for piece in pieces for text in (piece.text, *piece.items) if text)
    position = 0
    groups: list[tuple[str, list[Line]]] = []
    previous_left_out = False
    for line in lines:
        at = found.find(line.text, position, position + len(line.text) + SEARCH_AHEAD)
        if at >= 0:
            position, previous_left_out = at + len(line.text), False
            continue
        reason = _why_left_out(line, draft)
        if previous_left_out and groups[-1][0] == reason:
            groups[-1][1].append(line)
        else:
            groups.append((reason, [line]))
        previous_left_out = True
    return [
        Removal(reason, "\n".join(line.text for line in group), group[0].line)
        for reason, group in groups
    ]


def _why_left_out(line: Line, draft: Draft) -> str:
    """Metadata (the title, a byline), a reason the shared rules give, or outside-content."""
    authors = draft.meta.get("authors") or []
    if line.byline or line.text == draft.title or any(name in line.text for name in authors):
        return "metadata"
    reason, _ = judge(line.text, is_list=False, single=True, tail=False)
    return reason or "outside-content"


def _located(piece: Piece, where: dict[str, int | None]) -> Piece:
    """The piece with the line of the page its text starts on."""
    first = piece.items[0] if piece.items else piece.text
    return replace(piece, line=where.get(first))
