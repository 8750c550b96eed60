"""The clinician summary sheet: dense, cited, with a source appraisal table."""

from __future__ import annotations

from collections.abc import Callable

from publish.render import DEPENDS_ON
from publish.render.context import appraisal, base_context, render_text
from publish.render.html import render
from publish.render.options import Artifact, Options
from publish.render.pdf import pdf_artifact
from publish.topic import Topic

NAME = "clinician"
FILENAME = "clinician-summary.pdf"
STYLES = ("css/base.css", "css/clinician.css")
TEMPLATES = DEPENDS_ON["clinician"]
MAX_PAGES = 2


def html(
    topic: Topic, options: Options, image_src: Callable[[str], str] | None = None
) -> tuple[str, tuple[str, ...]]:
    """The clinician sheet as HTML, and the source ids it cites in citation order."""
    text = render_text(topic, topic.clinician, image_src=image_src)
    numbers = {ref.key: ref.number for ref in text.references}
    rows = appraisal(topic)
    for source, row in zip(topic.sources, rows, strict=True):
        row["number"] = numbers.get(source.id)
    page = render(
        "clinician.html",
        options.templates,
        **base_context(topic, options.profile),
        body=text.html,
        references=text.references,
        appraisal=rows,
        paper=options.paper,
    )
    return page, tuple(r.key for r in text.references)


def render_artifact(topic: Topic, options: Options) -> Artifact:
    page, cited = html(topic, options)
    return pdf_artifact(NAME, FILENAME, page, topic, options, STYLES, cited, MAX_PAGES)
