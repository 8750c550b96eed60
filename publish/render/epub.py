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
from typing import Any

from publish.i18n import Messages
from publish.render.book import Chapter, chapters
from publish.render.context import base_context, document_messages
from publish.render.html import render, template_file
from publish.render.options import Options, Page, RenderedFile, build_time, figure_path
from publish.render.registry import ARTIFACTS
from publish.resources import media_type
from publish.sanitize import figure_bytes
from publish.topic import Topic

ARTIFACT = ARTIFACTS["epub"]
STYLES = ("css/epub.css",)


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    """The book's chapters in reading order, as the preview shows them."""
    messages = document_messages(topic, options)
    return [
        Page(c.file_name, c.title, c.html, STYLES)
        for c in chapters(topic, options, messages, image_src).chapters
    ]


def accessibility_summary(messages: Messages, images: int) -> str:
    """What a reader relying on assistive technology can expect, true of this book."""
    _ = messages.gettext
    parts = [_("Structured text with headings, a navigation document and landmarks.")]
    if images:
        described = messages.ngettext(
            "The one image has a text description.",
            "Each of the %(num)d images has a text description.",
            images,
        )
        parts.append(described % {"num": images})
    parts.append(_("Citations link to the reference list and to moments in source videos."))
    return " ".join(parts)


def render_file(topic: Topic, options: Options) -> RenderedFile:
    from ebooklib import epub

    control = topic.control
    messages = document_messages(topic, options)
    _ = messages.gettext
    context = base_context(topic, options, messages)
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

    contents = chapters(topic, options, messages, image_src)
    _accessibility(book, accessibility_summary(messages, len(figures)))
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
        contents_line=" · ".join(
            dict.fromkeys(c.group or c.title for c in contents.chapters[1:-1] if c.title)
        ),
    )
    book.set_cover("cover.svg", cover_svg.encode("utf-8"))

    links = [epub.Link(c.file_name, c.title, c.file_name.split(".")[0]) for c in contents.chapters]
    book.toc = _toc(links, contents.chapters)
    landmarks = {"guide.xhtml": "text", "glossary.xhtml": "glossary"}
    landmarks["references.xhtml"] = "bibliography"
    book.guide = [
        {"href": "cover.xhtml", "title": _("Cover"), "type": "cover"},
        {"href": "nav.xhtml", "title": _("Contents"), "type": "toc"},
        *(
            {"href": c.file_name, "title": c.title, "type": landmarks[c.file_name]}
            for c in contents.chapters
            if c.file_name in landmarks
        ),
    ]
    book.add_item(epub.EpubNcx())  # ebooklib always points the spine at an NCX
    book.add_item(epub.EpubNav())
    book.spine = ["cover", "nav", *body]

    buffer = io.BytesIO()
    modified = build_time(topic)
    writer = {
        "mtime": modified,
        "epub3_pages": False,
        "play_order": {"enabled": False},
        "landmark_title": _("Guide"),  # the landmarks list
    }
    epub.write_epub(buffer, book, writer)
    data = _fixed_zip_times(buffer.getvalue(), modified, control.language)
    return RenderedFile(
        ARTIFACT.name,
        ARTIFACT.filename,
        data,
        contents.cited,
        chapters=len(body),
        warnings=(*warnings, *contents.warnings),
        language=control.language,
        untranslated=tuple(sorted(messages.missing)),
    )


def _toc(links: list[Any], chapters: list[Chapter]) -> list[Any]:
    """The table of contents: chapters in order, the sources grouped under one heading."""
    toc: list[Any] = []
    for link, chapter in zip(links, chapters, strict=True):
        if chapter.group is None:
            toc.append(link)
        elif toc and isinstance(toc[-1], tuple):
            toc[-1][1].append(link)
        else:
            from ebooklib import epub

            toc.append((epub.Section(chapter.group), [link]))
    return toc


def _accessibility(book, summary: str) -> None:  # type: ignore[no-untyped-def]
    """EPUB Accessibility 1.1 discovery metadata."""

    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    meta("schema:accessMode", "textual")
    meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    for feature in ("structuralNavigation", "tableOfContents", "alternativeText", "readingOrder"):
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", summary)
    meta("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")


def _fixed_zip_times(data: bytes, when: datetime, language: str) -> bytes:
    """Rewrite the zip with one fixed time on every entry; mimetype stays first and stored.

    The package document also gets the book's language as `xml:lang`, which ebooklib does
    not write and EPUB checkers (Ace's epub-lang) ask for.
    """
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = (
                zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            )
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename.endswith(".opf"):
                content = _package_language(content, language)
            target.writestr(fixed, content)
    return out.getvalue()


def _package_language(opf: bytes, language: str) -> bytes:
    """`<package ... xml:lang="es">`: the language of the package document's own text."""
    if b"xml:lang=" in opf.split(b">", 2)[1]:
        return opf
    return opf.replace(b"<package ", f'<package xml:lang="{language}" '.encode(), 1)
