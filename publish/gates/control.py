"""The document-control gate: a topic past its review date must not be printed."""

from __future__ import annotations

from datetime import date

from publish.gates.findings import Finding
from publish.project import TOPIC_FILE
from publish.topic import Topic


def document_control(topic: Topic, today: date) -> list[Finding]:
    path = str(topic.folder / TOPIC_FILE)
    control = topic.control
    findings = []
    if control.next_review < today:
        findings.append(
            Finding(
                "document-control", "fail", f"next_review {control.next_review} has passed", path
            )
        )
    if control.is_draft:
        findings.append(
            Finding("document-control", "warn", "status is draft: not clinically reviewed", path)
        )
    if not findings:
        findings.append(
            Finding(
                "document-control",
                "pass",
                f"approved by {control.approved_by} on {control.approved_on}; "
                f"review due {control.next_review}",
            )
        )
    return findings


def translation_control(topic: Topic) -> list[Finding]:
    """A translation no person approved, or one made from an older version of the topic,
    is not ready to hand out (`build --release` refuses both)."""
    translation = topic.translation
    if translation is None:
        return []
    path = str(translation.path)
    findings = []
    stale = translation.stale(topic.control.version)
    if stale:
        findings.append(Finding("document-control", "warn", stale, path))
    if translation.status != "approved":
        message = "translation status is draft: no person who reads both languages approved it"
        findings.append(Finding("document-control", "warn", message, path))
    if not findings:
        message = (
            f"translation approved by {translation.approved_by} on {translation.approved_on}, "
            f"from version {translation.translated_from}"
        )
        findings.append(Finding("document-control", "pass", message, path))
    return findings
