"""The patient handout: plain-language PDF, one sheet printed on both sides."""

from __future__ import annotations

from collections.abc import Callable

from publish.i18n import Messages
from publish.render.context import base_context, document_messages, render_text
from publish.render.html import render
from publish.render.markdown import prose
from publish.render.options import Options, Page, RenderedFile, figure_path
from publish.render.pdf import pdf_file
from publish.render.registry import ARTIFACTS
from publish.topic import Topic

ARTIFACT = ARTIFACTS["handout"]
STYLES = ("css/base.css", "css/handout.css")


def reading_grade(topic: Topic) -> float | None:
    """Flesch–Kincaid grade of an English handout's prose (headings, images and citations
    left out); None in another language, which its own formula measures in `check`."""
    from publish.readability import flesch_kincaid

    if topic.language.split("-")[0] != "en":
        return None
    return flesch_kincaid(prose(topic.patient.markdown))


def html(
    topic: Topic,
    options: Options,
    messages: Messages,
    image_src: Callable[[str], str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """The handout as HTML, and the source ids it cites in citation order."""
    default_src: Callable[[str], str] = lambda src: figure_path(topic, src).as_uri()  # noqa: E731
    text = render_text(topic, topic.patient, messages, image_src=image_src or default_src)
    page = render(
        "handout.html",
        options.templates,
        **base_context(topic, options, messages),
        body=text.html,
        references=text.references,
        paper=options.paper,
        logo_src=options.profile.logo,
    )
    return page, tuple(r.key for r in text.references)


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    page, _ = html(topic, options, document_messages(topic, options), image_src)
    return [Page("handout.html", ARTIFACT.label, page, options.stylesheets(*STYLES))]


def render_file(topic: Topic, options: Options) -> RenderedFile:
    messages = document_messages(topic, options)
    page, cited = html(topic, options, messages)
    grade = reading_grade(topic)
    return pdf_file(ARTIFACT, page, topic, options, STYLES, cited, messages, grade)
