"""The EPUB 3 reader: the whole topic as a book, from the same HTML as the PDFs.

ebooklib assembles the package; zip entry times are then fixed so the same
inputs give the same bytes.
"""

from __future__ import annotations

import io
import textwrap
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime

from publish.render.book import chapters
from publish.render.context import base_context
from publish.render.html import render, template_file
from publish.render.options import Options, Page, RenderedFile, build_time, figure_path
from publish.render.registry import ARTIFACTS
from publish.resources import media_type
from publish.sanitize import figure_bytes
from publish.topic import Topic

ARTIFACT = ARTIFACTS["epub"]
STYLES = ("css/epub.css",)
A11Y_SUMMARY = (
    "Structured text with headings, a navigation document and landmarks. The one diagram has a "
    "text description. Citations link to the reference list and to moments in source videos."
)


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    """The book's chapters in reading order, as the preview shows them."""
    return [
        Page(c.file_name, c.title, c.html, STYLES)
        for c in chapters(topic, options, image_src).chapters
    ]


def render_file(topic: Topic, options: Options) -> RenderedFile:
    from ebooklib import epub

    control = topic.control
    context = base_context(topic, options.profile)
    book = epub.EpubBook()
    book.set_identifier(
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'publish:{control.id}:{control.version}')}"
    )
    book.set_title(control.title)
    book.set_language(control.language)
    book.add_metadata("DC", "date", control.updated.isoformat())
    book.add_metadata("DC", "description", control.summary or control.title)
    if options.profile.clinic_name:
        book.add_metadata("DC", "publisher", options.profile.clinic_name)
    _accessibility(book)

    css = epub.EpubItem(
        uid="style",
        file_name="style.css",
        media_type="text/css",
        content=template_file("css/epub.css", options.templates).read_bytes(),
    )
    book.add_item(css)

    figures: dict[str, str] = {}
    warnings: list[str] = []

    def image_src(src: str) -> str:
        if src not in figures:
            path = figure_path(topic, src)
            figures[src] = f"images/{path.name}"
            content, removed = figure_bytes(path)
            warnings.extend(removed)
            book.add_item(
                epub.EpubItem(
                    uid=f"img-{len(figures)}",
                    file_name=figures[src],
                    media_type=media_type(path.name),
                    content=content,
                )
            )
        return figures[src]

    contents = chapters(topic, options, image_src)
    body = []
    for chapter in contents.chapters:
        item = epub.EpubHtml(
            title=chapter.title, file_name=chapter.file_name, lang=control.language
        )
        item.content = chapter.html
        item.add_item(css)
        book.add_item(item)
        body.append(item)

    cover_svg = render(
        "epub/cover.svg",
        options.templates,
        **context,
        title_lines=textwrap.wrap(control.title, 18),
        subtitle_lines=textwrap.wrap(control.subtitle or "", 36),
    )
    book.set_cover("cover.svg", cover_svg.encode("utf-8"))

    links = [epub.Link(c.file_name, c.title, c.file_name.split(".")[0]) for c in contents.chapters]
    sources = [link for link, c in zip(links, contents.chapters, strict=True) if c.group]
    first = next(n for n, c in enumerate(contents.chapters) if c.group)
    book.toc = [*links[:first], (epub.Section("Sources"), sources), *links[first + len(sources) :]]
    book.guide = [
        {"href": "cover.xhtml", "title": "Cover", "type": "cover"},
        {"href": "nav.xhtml", "title": "Contents", "type": "toc"},
        {"href": "guide.xhtml", "title": "Patient guide", "type": "text"},
        {"href": "glossary.xhtml", "title": "Glossary", "type": "glossary"},
        {"href": "references.xhtml", "title": "References", "type": "bibliography"},
    ]
    book.add_item(epub.EpubNcx())  # ebooklib always points the spine at an NCX
    book.add_item(epub.EpubNav())
    book.spine = ["cover", "nav", *body]

    buffer = io.BytesIO()
    modified = build_time(topic)
    epub.write_epub(
        buffer, book, {"mtime": modified, "epub3_pages": False, "play_order": {"enabled": False}}
    )
    data = _fixed_zip_times(buffer.getvalue(), modified)
    return RenderedFile(
        ARTIFACT.name,
        ARTIFACT.filename,
        data,
        contents.cited,
        chapters=len(body),
        warnings=(*warnings, *contents.warnings),
    )


def _accessibility(book) -> None:  # type: ignore[no-untyped-def]
    """EPUB Accessibility 1.1 discovery metadata."""

    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    meta("schema:accessMode", "textual")
    meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    for feature in ("structuralNavigation", "tableOfContents", "alternativeText", "readingOrder"):
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", A11Y_SUMMARY)
    meta("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")


def _fixed_zip_times(data: bytes, when: datetime) -> bytes:
    """Rewrite the zip with one fixed time on every entry; mimetype stays first and stored."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
