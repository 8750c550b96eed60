"""The e-book's chapters in reading order, as HTML: shared by the EPUB and the live preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from publish.citations import Cite, deep_link, kind_label
from publish.i18n import Messages
from publish.normalizer.model import NormalizedSource
from publish.render.context import (
    appraisal,
    base_context,
    references,
    removals,
    render_text,
    topic_numbering,
)
from publish.render.html import render
from publish.render.markdown import to_html
from publish.render.options import Options
from publish.topic import Topic


@dataclass(frozen=True)
class Chapter:
    """One chapter: its file name in the book (links between chapters use it), title, HTML."""

    file_name: str
    title: str
    html: str
    group: str | None = None
    """The table-of-contents group it sits in ('Sources'), if any."""


@dataclass(frozen=True)
class Book:
    chapters: list[Chapter]
    cited: tuple[str, ...]
    """Sources cited by the guide and the clinician summary, in order of first citation."""
    warnings: tuple[str, ...] = ()
    """Images in sources that were refused (shown as their alternative text)."""


def _timestamp_links(topic: Topic) -> Callable[[list[Cite]], str]:
    """In a source chapter, its own timestamp citations become links into the video."""

    def render_cites(cites: list[Cite]) -> str:
        links = []
        for cite in cites:
            link = deep_link(topic.source(cite.key), cite.locator)
            label = cite.locator or "source"
            text = escape(f"[{label}]")
            links.append(f'<a href="{escape(link)}">{text}</a>' if link else str(text))
        return " ".join(links)

    return render_cites


def chapters(
    topic: Topic, options: Options, messages: Messages, image_src: Callable[[str], str]
) -> Book:
    """About, patient guide, clinician summary, one chapter per source, glossary, references.

    The guide, the clinician text and the glossary share one citation numbering. A
    translation's book holds what is translated (the guide, and the clinician text and
    glossary when they are): the sources stay in their own language, in the original's book.
    """
    _ = messages.gettext
    context = base_context(topic, options, messages)
    numbering = topic_numbering(topic)
    with_sources = topic.translation is None

    def page(
        file_name: str, title: str, template: str, group: str | None = None, **extra: object
    ) -> Chapter:
        html = render(
            template,
            options.templates,
            **context,
            chapter_title=title,
            chapter_class=file_name.split(".")[0],
            **extra,
        )
        return Chapter(file_name, title, html, group)

    result = [
        page(
            "about.xhtml",
            _("About this book"),
            "epub/about.html",
            has_sources=with_sources,
            has_clinician=topic.clinician is not None,
            has_moments=any(cite.locator for text in topic.texts for cite in text.cites),
        )
    ]
    guide = render_text(topic, topic.patient, messages, numbering, "references.xhtml", image_src)
    result.append(
        page("guide.xhtml", _("Patient guide"), "epub/text.html", body=guide.html, appraisal=None)
    )
    if topic.clinician is not None:
        clinician = render_text(
            topic, topic.clinician, messages, numbering, "references.xhtml", image_src
        )
        result.append(
            page(
                "clinician.xhtml",
                _("Clinician summary"),
                "epub/text.html",
                body=clinician.html,
                appraisal=appraisal(topic, messages),
            )
        )
    cited = tuple(numbering.used)
    warnings: list[str] = []
    for index, source in enumerate(topic.sources if with_sources else (), start=1):
        result.append(
            page(
                f"source-{index}.xhtml",
                source.title,
                "epub/source.html",
                group=_("Sources"),
                source=source,
                body=_source_body(source, _timestamp_links(topic), warnings),
                kind=kind_label(source.kind, messages),
                removed=removals(source, messages),
            )
        )
    glossary = [
        {
            "term": e.term,
            "definition": e.definition,
            "numbers": [numbering.number(k) for k in e.cite],
        }
        for e in topic.glossary
    ]
    if glossary:
        result.append(
            page("glossary.xhtml", _("Glossary"), "epub/glossary.html", glossary=glossary)
        )
    if with_sources:
        for source in topic.sources:  # every source in the book is listed, cited or not
            numbering.number(source.id)
    result.append(
        page(
            "references.xhtml",
            _("References"),
            "epub/references.html",
            references=references(topic, numbering, messages),
        )
    )
    return Book(result, cited, tuple(warnings))


def _source_body(
    source: NormalizedSource, cite: Callable[[list[Cite]], str], warnings: list[str]
) -> Markup:
    """A source's text as HTML: its links only if http(s), its images never.

    An image in a source is someone else's file on someone else's server (a tracking
    pixel, at worst): the chapter shows its alternative text and the build says so.
    """
    refused: list[str] = []
    html = to_html(source.body, cite, image_src=lambda _src: None, refused=refused)
    warnings.extend(
        f"source {source.id}: image {src} not shown (images in sources are never loaded)"
        for src in refused
    )
    return html
