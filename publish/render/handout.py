"""The patient handout: plain-language PDF, one sheet printed on both sides."""

from __future__ import annotations

from collections.abc import Callable

from publish.render import DEPENDS_ON
from publish.render.context import base_context, render_text
from publish.render.html import render
from publish.render.markdown import prose
from publish.render.options import Artifact, Options, figure_path
from publish.render.pdf import pdf_artifact
from publish.topic import Topic

NAME = "handout"
FILENAME = "handout.pdf"
STYLES = ("css/base.css", "css/handout.css")
TEMPLATES = DEPENDS_ON["handout"]
MAX_PAGES = 2


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


def render_artifact(topic: Topic, options: Options) -> Artifact:
    page, cited = html(topic, options)
    return pdf_artifact(
        NAME,
        FILENAME,
        page,
        topic,
        options,
        STYLES,
        cited,
        MAX_PAGES,
        reading_grade=reading_grade(topic),
    )
