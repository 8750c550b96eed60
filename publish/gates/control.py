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
