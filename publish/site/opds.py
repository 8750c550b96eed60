"""The site's machine-readable files: an OPDS 1.2 acquisition feed and a sitemap.

OPDS 1.2 (https://specs.opds.io/opds-1.2) is Atom with a few link relations: reading apps
(Thorium, KOReader…) list the entries and download each book by its acquisition link. Every
value comes from the manifests, in a fixed order, so the same builds give the same bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from lxml import etree

from publish.site.editions import Edition
from publish.site.layout import FEED, page_url

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
ACQUISITION = "http://opds-spec.org/acquisition/open-access"
"""The relation for a book given away, with no payment or sign-in."""
FEED_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
COVER = "cover.svg"


def entry_id(edition: Edition) -> str:
    """A permanent id for a topic in one language, whatever the site's address."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"publish:{edition.topic}/{edition.language}").urn


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _add(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    namespace, _, name = tag.rpartition(":")
    uri = {"dc": DC, "opds": OPDS}.get(namespace, ATOM)
    element = etree.SubElement(parent, f"{{{uri}}}{name}", attrs)
    element.text = text
    return element


def feed(
    editions: Sequence[Edition],
    title: str,
    publisher: str,
    base_url: str | None,
    marks: dict[str, str] | None = None,
) -> bytes:
    """The acquisition feed of every e-book: title, language, summary, date, cover, file."""
    books = [e for e in editions if e.download("epub") is not None]
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dc": DC, "opds": OPDS})
    _add(root, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"publish:catalog:{base_url or ''}").urn)
    _add(root, "title", title)
    updated = max((str(e.field("updated")) for e in books), default="1970-01-01")
    _add(root, "updated", _stamp(updated))
    _add(_add(root, "author"), "name", publisher)  # RFC 4287: a feed names its author
    self_href = f"{base_url.rstrip('/')}/{FEED}" if base_url else FEED
    _add(root, "link", rel="self", href=self_href, type=FEED_TYPE)
    _add(root, "link", rel="start", href=self_href, type=FEED_TYPE)
    for edition in books:
        epub = edition.download("epub")
        assert epub is not None
        entry = _add(root, "entry")
        _add(entry, "title", str(edition.field("title")))
        _add(entry, "id", entry_id(edition))
        _add(entry, "updated", _stamp(str(edition.field("updated"))))
        if edition.mark:  # published with --drafts: a reading app shows the category
            label = (marks or {}).get(edition.mark, edition.mark)
            _add(entry, "category", term=edition.mark.replace(" ", "-"), label=label)
        _add(entry, "dc:language", edition.language)
        _add(entry, "dc:issued", str(edition.field("updated")))
        if edition.field("summary"):
            _add(entry, "summary", str(edition.field("summary")), type="text")
        folder = edition.path
        _add(
            entry,
            "link",
            rel="http://opds-spec.org/image",
            href=folder + COVER,
            type="image/svg+xml",
        )
        _add(
            entry,
            "link",
            rel="http://opds-spec.org/image/thumbnail",
            href=folder + COVER,
            type="image/svg+xml",
        )
        _add(entry, "link", rel="alternate", href=folder + "index.html", type="text/html")
        _add(
            entry,
            "link",
            rel=ACQUISITION,
            href=folder + epub.filename,
            type=epub.media_type,
            length=str(epub.size),
        )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def sitemap(editions: Sequence[Edition], base_url: str) -> bytes:
    """Every page's address, for search engines; only a site with an address has one."""
    root = etree.Element(f"{{{SITEMAPS}}}urlset", nsmap={None: SITEMAPS})
    pages: list[tuple[str, str | None]] = [(base_url.rstrip("/") + "/", None)]
    pages += [(page_url(base_url, e.topic, e.language), str(e.field("updated"))) for e in editions]
    for loc, modified in pages:
        url = etree.SubElement(root, f"{{{SITEMAPS}}}url")
        etree.SubElement(url, f"{{{SITEMAPS}}}loc").text = loc
        if modified:
            etree.SubElement(url, f"{{{SITEMAPS}}}lastmod").text = modified
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
