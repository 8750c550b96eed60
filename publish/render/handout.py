"""The patient handout: plain-language PDF, one sheet printed on both sides."""

from __future__ import annotations

from collections.abc import Callable

from publish.render.context import base_context, render_text
from publish.render.html import render
from publish.render.markdown import prose
from publish.render.options import Options, Page, RenderedFile, figure_path
from publish.render.pdf import pdf_file
from publish.render.registry import ARTIFACTS
from publish.topic import Topic

ARTIFACT = ARTIFACTS["handout"]
STYLES = ("css/base.css", "css/handout.css")


def reading_grade(topic: Topic) -> float:
    """Flesch–Kincaid grade of the handout's prose (headings, images and citations left out)."""
    from publish.readability import flesch_kincaid

    return flesch_kincaid(prose(topic.patient.markdown))


def html(
    topic: Topic, options: Options, image_src: Callable[[str], str] | None = None
) -> tuple[str, tuple[str, ...]]:
    """The handout as HTML, and the source ids it cites in citation order."""
    default_src: Callable[[str], str] = lambda src: figure_path(topic, src).as_uri()  # noqa: E731
    text = render_text(topic, topic.patient, image_src=image_src or default_src)
    page = render(
        "handout.html",
        options.templates,
        **base_context(topic, options.profile),
        body=text.html,
        references=text.references,
        paper=options.paper,
        logo_src=options.profile.logo,
    )
    return page, tuple(r.key for r in text.references)


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    page, _ = html(topic, options, image_src)
    return [Page("handout.html", ARTIFACT.label, page, options.stylesheets(*STYLES))]


def render_file(topic: Topic, options: Options) -> RenderedFile:
    page, cited = html(topic, options)
    return pdf_file(ARTIFACT, page, topic, options, STYLES, cited, reading_grade(topic))
