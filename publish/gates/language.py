"""The language gate: a document is in its declared language, all of it.

Two ways a sheet ends up mixing languages: the template prints a message its
language's catalog lacks (the build records it in the manifest), or a paragraph of
the topic text is in another language (a forgotten, untranslated section).
"""

from __future__ import annotations

from pathlib import Path

from publish import manifest
from publish.errors import ContentError
from publish.gates.built import label
from publish.gates.findings import Finding
from publish.i18n import CATALOG_FOLDER, DOMAIN
from publish.topic import Topic

MAX_LISTED = 3
"""Untranslated messages quoted in one finding; the rest are counted."""


def language(topic: Topic, dist: Path) -> list[Finding]:
    """Every built file's template text, and every block of the topic's text, in the
    topic's language (the original's, or the translation's)."""
    findings = [*_untranslated(topic, dist), *_foreign(topic)]
    if not any(f.status == "fail" for f in findings):
        message = f"all text in {topic.language!r}"
        if topic.variant:
            message = f"{topic.variant}: {message}"
        findings.append(Finding("language", "pass", message, str(topic.patient.path)))
    return findings


def _untranslated(topic: Topic, dist: Path) -> list[Finding]:
    folder = manifest.output_folder(dist, topic.control.id, topic.variant)
    try:
        built = manifest.Manifest.load(folder)
    except ContentError:
        return []  # the artifacts gate already says it is not built
    findings = []
    catalog = (
        f"templates/{CATALOG_FOLDER}/{topic.language.replace('-', '_')}/LC_MESSAGES/{DOMAIN}.po"
    )
    for entry in built.entries:
        missing = [str(m) for m in entry.get("untranslated") or []]
        if not missing:
            continue
        quoted = ", ".join(repr(m[:50]) for m in missing[:MAX_LISTED])
        more = f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
        message = (
            f"{label(str(entry['name']), topic)}: template text printed in English, not "
            f"translated into {topic.language!r}: {quoted}{more}; translate it in {catalog}"
        )
        findings.append(Finding("language", "fail", message, str(built.file(entry))))
    return findings


def _foreign(topic: Topic) -> list[Finding]:
    from publish.language import foreign_blocks, supported

    if not supported(topic.language):
        message = f"language of the text not checked: {topic.language!r} cannot be detected"
        return [Finding("language", "warn", message, str(topic.patient.path))]
    findings = []
    for text in topic.texts:
        for block in foreign_blocks(text.markdown, topic.language):
            message = (
                f"paragraph in {block.language!r}, not {topic.language!r}: “{block.excerpt}”; "
                "translate it"
            )
            findings.append(Finding("language", "fail", message, str(text.path), block.line))
    return findings
