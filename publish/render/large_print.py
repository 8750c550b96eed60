"""The large-print handout: the patient handout's text at 18 pt, for readers with low vision.

The same HTML as the standard handout (one text, one set of citations and safety blocks),
laid out with one more stylesheet: 18 pt body (the NHS Accessible Information Standard
asks for 16 pt or more), headings larger than the body, one column, left-aligned, 1.5
line spacing, emphasis in bold rather than italics.

A figure drawn for a page's width prints its labels too small at 18 pt. When the topic
has a large-print drawing beside it (`figures/x.large-print.svg` for `figures/x.svg`),
the large print uses that one; the alternative text stays the text's own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from publish.render import handout
from publish.render.context import document_messages
from publish.render.options import Options, Page, RenderedFile, figure_path
from publish.render.pdf import pdf_file
from publish.render.registry import ARTIFACTS
from publish.topic import Topic

ARTIFACT = ARTIFACTS["large-print"]
STYLES = (*handout.STYLES, "css/large-print.css")


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    messages = document_messages(topic, options)
    page, _ = handout.html(topic, options, messages, image_src, qr_in_masthead=False)
    return [Page("large-print.html", ARTIFACT.label, page, options.stylesheets(*STYLES))]


def large_figure(topic: Topic, src: str) -> Path:
    """The figure's large-print drawing where the topic has one, else the figure itself."""
    path = figure_path(topic, src)
    large = path.with_name(f"{path.stem}.large-print{path.suffix}")
    return large if large.is_file() else path


def render_file(topic: Topic, options: Options) -> RenderedFile:
    messages = document_messages(topic, options)
    page, cited = handout.html(
        topic,
        options,
        messages,
        lambda src: large_figure(topic, src).as_uri(),
        qr_in_masthead=False,
    )
    grade = handout.reading_grade(topic)
    return pdf_file(ARTIFACT, page, topic, options, STYLES, cited, messages, grade)
