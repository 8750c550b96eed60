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
from publish.limits import TOPIC_TEXT, check_markdown
from publish.normalizer.model import REASONS
from publish.profile import CRISIS_TITLE, Profile
from publish.render.markdown import to_html
from publish.render.options import build_time
from publish.topic import Text, Topic


def cite_html(
    topic: Topic, numbering: Numbering, ref_href: str = ""
) -> Callable[[list[Cite]], str]:
    """Render a citation group as superscript numbers; timestamps link into the video."""

    def render(cites: list[Cite]) -> str:
        parts = []
        numbered = [(numbering.number(c.key), c) for c in cites]
        for number, cite in sorted(numbered, key=lambda pair: pair[0]):
            part = f'<a href="{ref_href}#ref-{number}">{number}</a>'
            if cite.locator:
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


def render_text(
    topic: Topic,
    text: Text,
    numbering: Numbering | None = None,
    ref_href: str = "",
    image_src: Callable[[str], str] | None = None,
) -> Rendered:
    numbering = numbering or Numbering()
    check_markdown(text.markdown, TOPIC_TEXT, text.path)  # bounded layout time
    html = to_html(text.markdown, cite_html(topic, numbering, ref_href), image_src, text.path)
    return Rendered(html, references(topic, numbering))


def references(topic: Topic, numbering: Numbering) -> list[Reference]:
    return [reference(topic.source(key), n) for n, key in enumerate(numbering.order, start=1)]


def appraisal(topic: Topic) -> list[dict[str, Any]]:
    """One row per source for the clinician's appraisal table."""
    rows = []
    for source in topic.sources:
        removed: dict[str, int] = {}
        for item in source.removed:
            if item.reason != "metadata":
                removed[item.reason] = removed.get(item.reason, 0) + (item.count or 1)
        rows.append(
            {
                "title": source.title,
                "kind": kind_label(source.kind),
                "publisher": source.meta.get("publisher") or "Not stated",
                "published": source.meta.get("published") or "Not stated",
                "flags": source.flags,
                "removed": [
                    f"{n} comment{'s' if n != 1 else ''}" if reason == "comments" else reason
                    for reason, n in removed.items()
                ],
            }
        )
    return rows


def base_context(topic: Topic, profile: Profile, **extra: Any) -> dict[str, Any]:
    """Fields every template uses: document control, safety text, the clinic, the toolkit."""
    return {
        "control": topic.control,
        "draft": topic.control.is_draft,
        "lang": topic.control.language,
        "profile": profile,
        "disclaimer": profile.disclaimer,
        "crisis_title": CRISIS_TITLE,
        "crisis": profile.crisis,
        "version": __version__,
        "stamp": build_time(topic).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reasons": REASONS,
        **extra,
    }
