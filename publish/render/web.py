"""The web handout: the patient handout as one self-contained, script-free HTML file.

Record systems import patient-education HTML so that giving a handout is documented,
and portal messages link to it. Such a file must stand alone: its stylesheet is inline,
its figures are embedded as `data:` URIs (SVG cleaned by the same sanitizer as every
artifact), and nothing in it makes a request or runs a script. It has the same text,
safety blocks, draft marking, citations and references as the printed handout, laid out
for a screen of any width and for zoom, not for paper.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from markupsafe import Markup

from publish.errors import TemplateError
from publish.i18n import Messages
from publish.render.context import base_context, document_messages, render_text
from publish.render.html import render, template_file
from publish.render.large_print import large_figure
from publish.render.options import Options, Page, RenderedFile
from publish.render.registry import ARTIFACTS
from publish.resources import media_type
from publish.sanitize import CSS_LOADS, figure_bytes
from publish.topic import Topic

ARTIFACT = ARTIFACTS["web"]
STYLESHEET = "css/web.css"


def inline_styles(options: Options) -> Markup:
    """The stylesheet's text for a `<style>` element. A stylesheet that could end the element
    early (`</style`) or load anything from elsewhere (`@import`, `url(` other than `data:`)
    is refused: the file must stand alone."""
    path = template_file(STYLESHEET, options.templates)
    css = path.read_text(encoding="utf-8")
    if "</" in css or CSS_LOADS.search(css):
        raise TemplateError("a web stylesheet must not contain '</', @import or url()", path)
    return Markup(css)


def embedded(topic: Topic, warnings: list[str]) -> Callable[[str], str]:
    """Figures as `data:` URIs of their cleaned bytes; what the sanitizer removed is a warning.

    Where a figure has a large-print drawing, the page uses that one: its larger labels stay
    readable on a phone and at 200% zoom, where a drawing made for a page's width does not."""

    def image_src(src: str) -> str:
        path = large_figure(topic, src)
        data, removed = figure_bytes(path)
        warnings.extend(removed)
        encoded = base64.b64encode(data).decode("ascii")
        return f"data:{media_type(path.name)};base64,{encoded}"

    return image_src


def html(
    topic: Topic, options: Options, messages: Messages, image_src: Callable[[str], str]
) -> tuple[str, tuple[str, ...]]:
    """The web handout, and the source ids it cites in citation order."""
    text = render_text(topic, topic.patient, messages, image_src=image_src)
    page = render(
        "web.html",
        options.templates,
        **base_context(topic, options, messages),
        body=text.html,
        references=text.references,
        styles=inline_styles(options),
        logo_src=options.profile.logo,
    )
    return page, tuple(r.key for r in text.references)


def pages(topic: Topic, options: Options, image_src: Callable[[str], str]) -> list[Page]:
    page, _ = html(topic, options, document_messages(topic, options), image_src)
    return [Page("web.html", ARTIFACT.label, page, ())]


def render_file(topic: Topic, options: Options) -> RenderedFile:
    messages = document_messages(topic, options)
    warnings: list[str] = []
    page, cited = html(topic, options, messages, embedded(topic, warnings))
    return RenderedFile(
        ARTIFACT.name,
        ARTIFACT.filename,
        page.encode("utf-8"),
        cited,
        warnings=tuple(dict.fromkeys(warnings)),
        language=messages.language,
        untranslated=tuple(sorted(messages.missing)),
    )
