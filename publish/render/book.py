"""The e-book's chapters in reading order, as HTML: shared by the EPUB and the live preview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from publish.citations import Cite, Numbering, deep_link, kind_label
from publish.normalizer.model import NormalizedSource
from publish.render.context import appraisal, base_context, references, render_text
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


def chapters(topic: Topic, options: Options, image_src: Callable[[str], str]) -> Book:
    """About, patient guide, clinician summary, one chapter per source, glossary, references.

    The guide, the clinician text and the glossary share one citation numbering.
    """
    context = base_context(topic, options.profile)
    numbering = Numbering()

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

    result = [page("about.xhtml", "About this book", "epub/about.html")]
    guide = render_text(topic, topic.patient, numbering, "references.xhtml", image_src)
    result.append(
        page("guide.xhtml", "Patient guide", "epub/text.html", body=guide.html, appraisal=None)
    )
    clinician = render_text(topic, topic.clinician, numbering, "references.xhtml", image_src)
    result.append(
        page(
            "clinician.xhtml",
            "Clinician summary",
            "epub/text.html",
            body=clinician.html,
            appraisal=appraisal(topic),
        )
    )
    cited = tuple(numbering.order)
    warnings: list[str] = []
    for index, source in enumerate(topic.sources, start=1):
        result.append(
            page(
                f"source-{index}.xhtml",
                source.title,
                "epub/source.html",
                group="Sources",
                source=source,
                body=_source_body(source, _timestamp_links(topic), warnings),
                kind=kind_label(source.kind),
                removed=[r for r in source.removed if r.reason != "metadata"],
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
    result.append(page("glossary.xhtml", "Glossary", "epub/glossary.html", glossary=glossary))
    for source in topic.sources:  # every source in the book is listed, cited or not
        numbering.number(source.id)
    result.append(
        page(
            "references.xhtml",
            "References",
            "epub/references.html",
            references=references(topic, numbering),
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
