"""The clinician summary sheet: dense, cited, with a source appraisal table."""

from __future__ import annotations

from publish.render.context import appraisal, base_context, render_text
from publish.render.html import render
from publish.render.options import Artifact, Options
from publish.render.pdf import pdf_artifact
from publish.topic import Topic

NAME = "clinician"
FILENAME = "clinician-summary.pdf"
TEMPLATES = ("clinician.html", "css/base.css", "css/clinician.css", "css/a4.css")
MAX_PAGES = 2


def render_artifact(topic: Topic, options: Options) -> Artifact:
    text = render_text(topic, topic.clinician)
    numbers = {ref.key: ref.number for ref in text.references}
    rows = appraisal(topic)
    for source, row in zip(topic.sources, rows, strict=True):
        row["number"] = numbers.get(source.id)
    html = render(
        "clinician.html",
        options.templates,
        **base_context(topic, options.profile),
        body=text.html,
        references=text.references,
        appraisal=rows,
        paper=options.paper,
    )
    cited = tuple(r.key for r in text.references)
    return pdf_artifact(
        NAME, FILENAME, html, topic, options, ["css/clinician.css"], cited, MAX_PAGES
    )
