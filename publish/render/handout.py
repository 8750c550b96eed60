"""The patient handout: plain-language PDF, one sheet printed on both sides."""

from __future__ import annotations

import textstat

from publish.render.context import base_context, render_text
from publish.render.html import render
from publish.render.markdown import prose
from publish.render.options import Artifact, Options, figure_path
from publish.render.pdf import pdf_artifact
from publish.topic import Topic

NAME = "handout"
FILENAME = "handout.pdf"
TEMPLATES = ("handout.html", "css/base.css", "css/handout.css", "css/a4.css")
MAX_PAGES = 2


def reading_grade(topic: Topic) -> float:
    """Flesch–Kincaid grade of the handout's prose (headings, images and citations left out)."""
    return round(float(textstat.flesch_kincaid_grade(prose(topic.patient.markdown))), 1)


def render_artifact(topic: Topic, options: Options) -> Artifact:
    text = render_text(topic, topic.patient, image_src=lambda src: figure_path(topic, src).as_uri())
    html = render(
        "handout.html",
        options.templates,
        **base_context(topic, options.profile),
        body=text.html,
        references=text.references,
        paper=options.paper,
        logo_src=options.profile.logo,
    )
    cited = tuple(r.key for r in text.references)
    return pdf_artifact(
        NAME,
        FILENAME,
        html,
        topic,
        options,
        ["css/handout.css"],
        cited,
        MAX_PAGES,
        reading_grade=reading_grade(topic),
    )
