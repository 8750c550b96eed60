"""What templates receive: rendered editorial HTML, numbered references, the source appraisal.

Built from the `Topic` alone, so the PDFs and the EPUB show the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from publish import __version__
from publish.citations import Cite, Numbering, Reference, deep_link, kind_label, reference
from publish.i18n import N_, Messages, messages_for, safety
from publish.limits import TOPIC_TEXT, check_markdown
from publish.normalizer.model import NormalizedSource
from publish.render.html import counter_text, messages_context
from publish.render.markdown import to_html
from publish.render.options import Options, build_time
from publish.topic import Text, Topic

PAGE_NUMBERS = N_("Page %(page)s of %(pages)s")
"""The footer of every printed page."""
FLAG_LABELS = {
    "promotional": N_("promotional"),
    "undated": N_("undated"),
    "untitled": N_("untitled"),
    "relative-dates": N_("relative-dates"),
    "tracked-changes": N_("tracked-changes"),
}
"""How the appraisal tables name a source's flags."""
REASON_LABELS = {
    "advertisement": N_("advertisement"),
    "call-to-action": N_("call-to-action"),
    "boilerplate": N_("boilerplate"),
    "empty-section": N_("empty-section"),
    "markup": N_("markup"),
    "navigation": N_("navigation"),
    "outside-content": N_("outside-content"),
    "page-number": N_("page-number"),
    "tracked-change": N_("tracked-change"),
}
"""How the appraisal tables name what cleaning removed (comments are counted apart)."""


REFERENCE_LABEL = N_("Reference %(number)s")
"""What a screen reader says for a citation number."""


def cite_html(
    topic: Topic,
    numbering: Numbering,
    messages: Messages,
    ref_href: str = "",
    locators: bool = True,
) -> Callable[[list[Cite]], str]:
    """Render a citation group as superscript numbers. With `locators` (a clinician's text),
    timestamps follow the number and link into the video; without (a patient's), the
    number alone, and the reference list gives the moments. Each number's link is named
    "Reference N" for a screen reader, which would otherwise read a bare "1"."""

    def render(cites: list[Cite]) -> str:
        parts = []
        numbered = [(numbering.cite(c), c) for c in cites]
        for number, cite in sorted(numbered, key=lambda pair: pair[0]):
            label = escape(messages.gettext(REFERENCE_LABEL) % {"number": number})
            part = f'<a href="{ref_href}#ref-{number}" aria-label="{label}">{number}</a>'
            if cite.locator and locators:
                link = deep_link(topic.source(cite.key), cite.locator)
                stamp = escape(cite.locator)
                part += f' (<a href="{escape(link)}">{stamp}</a>)' if link else f" ({stamp})"
            parts.append(part)
        return f'<sup class="cite">{",".join(parts)}</sup>'

    return render


@dataclass
class Rendered:
    """One editorial text as HTML plus the references it cites, in citation order."""

    html: Markup
    references: list[Reference]


def document_messages(topic: Topic, options: Options) -> Messages:
    """The messages one document prints with: its language's catalogs (the project's
    first) and dates written as the clinic profile's region writes them."""
    return messages_for(topic.language, options.templates, options.profile.locale)


def render_text(
    topic: Topic,
    text: Text,
    messages: Messages,
    numbering: Numbering | None = None,
    ref_href: str = "",
    image_src: Callable[[str], str] | None = None,
) -> Rendered:
    """One editorial text as HTML; the patient text's citations print no timestamps."""
    numbering = numbering or topic_numbering(topic)
    check_markdown(text.markdown, TOPIC_TEXT, text.path)  # bounded layout time
    cite = cite_html(topic, numbering, messages, ref_href, locators=text is not topic.patient)
    html = to_html(text.markdown, cite, image_src, text.path, structured=True)
    return Rendered(html, references(topic, numbering, messages))


def topic_numbering(topic: Topic) -> Numbering:
    """One numbering for every artifact of a topic in one language: the order of first
    citation in the patient text, then the clinician text, then the glossary, then the
    sources nothing cites. The handout's sources are numbered 1, 2, 3…; the clinician
    sheet and the e-book give each the same number, so a patient and a clinician talking
    about "source 2" mean the same one."""
    texts = [t for t in (topic.patient, topic.clinician) if t is not None]
    keys = [cite.key for text in texts for cite in text.cites]
    keys += [key for entry in topic.glossary for key in entry.cite]
    return Numbering([*keys, *(source.id for source in topic.sources)])


def references(topic: Topic, numbering: Numbering, messages: Messages) -> list[Reference]:
    """The reference list of one document: the sources it cites, by their number."""
    numbered = sorted((numbering.number(key), key) for key in numbering.used)
    return [
        reference(topic.source(key), n, messages, numbering.moments.get(key, ()))
        for n, key in numbered
    ]


def removals(source: NormalizedSource, messages: Messages) -> list[str]:
    """What cleaning took out of a source, by reason, counted, in the document's language:
    "2 comments", "advertisement (3)". Never the removed text itself, which stays in the
    normalized file for auditors: a reader's book must not reprint the ads."""
    _ = messages.gettext
    counts: dict[str, int] = {}
    for item in source.removed:
        if item.reason != "metadata":
            counts[item.reason] = counts.get(item.reason, 0) + (item.count or 1)
    described = []
    for reason, n in counts.items():
        if reason == "comments":
            described.append(
                messages.ngettext("%(num)d comment", "%(num)d comments", n) % {"num": n}
            )
            continue
        label = _(REASON_LABELS[reason]) if reason in REASON_LABELS else reason
        described.append(label if n == 1 else f"{label} ({n})")
    return described


def appraisal(topic: Topic, messages: Messages) -> list[dict[str, Any]]:
    """One row per source for the clinician's appraisal table, in the document's language."""
    _ = messages.gettext
    rows = []
    for source in topic.sources:
        rows.append(
            {
                "title": source.title,
                "kind": kind_label(source.kind, messages),
                "publisher": source.meta.get("publisher") or _("Not stated"),
                "published": source.meta.get("published") or _("Not stated"),
                "flags": [_(FLAG_LABELS[f]) if f in FLAG_LABELS else f for f in source.flags],
                "removed": removals(source, messages),
            }
        )
    return rows


def _safety_fields(messages: Messages, options: Options) -> dict[str, Any]:
    """The safety text as templates name it: `disclaimer`, `crisis_title`, `crisis` and
    `draft_marking`, in the document's language."""
    text = safety(messages, options.profile)
    return {
        "disclaimer": text.disclaimer,
        "crisis_title": text.crisis_title,
        "crisis": text.crisis,
        "draft_marking": text.draft_marking,
    }


def base_context(
    topic: Topic, options: Options, messages: Messages, **extra: Any
) -> dict[str, Any]:
    """Fields every template uses: document control, the safety text and messages in the
    document's language, the clinic, the toolkit."""
    return {
        "control": topic.control,
        "draft": topic.control.is_draft,
        "lang": topic.language,
        "profile": options.profile,
        **_safety_fields(messages, options),
        "page_numbers": counter_text(messages.gettext(PAGE_NUMBERS)),
        **messages_context(messages),
        "version": __version__,
        "stamp": build_time(topic).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **extra,
    }
