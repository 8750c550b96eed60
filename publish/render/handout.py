"""The patient handout: plain-language PDF, one sheet printed on both sides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class QrCode:
    """The code printed on a handout: the page it opens, drawn as an SVG data: URI."""

    url: str
    src: str


QR_ERROR = "m"
"""Error correction level M (about 15% of the code can be lost): still read from a creased or
smudged sheet. segno raises it when that costs no larger a code."""
QR_QUIET_ZONE = 4
"""The light margin, in modules, that ISO/IEC 18004 asks for around a QR code."""


def qr_code(topic: Topic, site_url: str | None) -> QrCode | None:
    """The code for the topic's page on the clinic's site; None without a site.

    The page's address comes from `publish.site.layout.page_url`, the rule the site is
    written by. The drawing is a data: URI, so the build fetches nothing to print it.
    """
    if site_url is None:
        return None
    import segno

    from publish.site.layout import page_url

    url = page_url(site_url, topic.control.id, topic.language)
    code = segno.make(url, error=QR_ERROR, micro=False)
    src = code.svg_data_uri(border=QR_QUIET_ZONE, light="#fff", omitsize=True)
    return QrCode(url, src)


def html(
    topic: Topic,
    options: Options,
    messages: Messages,
    image_src: Callable[[str], str] | None = None,
    qr_in_masthead: bool = True,
) -> tuple[str, tuple[str, ...]]:
    """The handout as HTML, and the source ids it cites in citation order.

    The QR code (with a `site_url`) sits in the masthead, beside the titles, or, with
    `qr_in_masthead` false (the large print, whose masthead is one column), after the
    safety blocks, which then stay where they print without it."""
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
        qr=qr_code(topic, options.profile.site_url),
        qr_in_masthead=qr_in_masthead,
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
