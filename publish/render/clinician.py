"""The clinician summary sheet: dense, cited, with a source appraisal table."""

from __future__ import annotations

from collections.abc import Callable

from publish.errors import ContentError
from publish.i18n import Messages
from publish.render.context import appraisal, base_context, document_messages, render_text
from publish.render.html import render
from publish.render.options import Options, Page, RenderedFile
from publish.render.pdf import pdf_file
from publish.render.registry import ARTIFACTS
from publish.topic import Topic

ARTIFACT = ARTIFACTS["clinician"]
STYLES = ("css/base.css", "css/clinician.css")


def html(
    topic: Topic,
    options: Options,
    messages: Messages,
    image_src: Callable[[str], str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """The clinician sheet as HTML, and the source ids it cites in citation order."""
    if topic.clinician is None:
        raise ContentError(f"no clinician text in {topic.language!r}", topic.folder)
    text = render_text(topic, topic.clinician, messages, image_src=image_src)
    numbers = {ref.key: ref.number for ref in text.references}
    rows = appraisal(topic, messages)
    for source, row in zip(topic.sources, rows, strict=True):
        row["number"] = numbers.get(source.id)
    page = render(
        "clinician.html",
        options.templates,
        **base_context(topic, options, messages),
        body=text.html,
        references=text.references,
        appraisal=rows,
        paper=options.paper,
    )
    return page, tuple(r.key for r in text.references)


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    page, _ = html(topic, options, document_messages(topic, options), image_src)
    return [Page("clinician.html", ARTIFACT.label, page, options.stylesheets(*STYLES))]


def render_file(topic: Topic, options: Options) -> RenderedFile:
    messages = document_messages(topic, options)
    page, cited = html(topic, options, messages)
    return pdf_file(ARTIFACT, page, topic, options, STYLES, cited, messages)
