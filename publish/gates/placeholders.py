"""The placeholders gate: every `[[TODO: ...]]` left in a topic's files fails, at its line.

`publish new` writes each part the editor must write as a placeholder; one left behind
would print where a patient expects an answer. One finding per placeholder, so the
editor can work down the list. A topic with none reports nothing, as a finished topic
has nothing here to act on.
"""

from __future__ import annotations

from pathlib import Path

from publish.errors import PublishError
from publish.gates.findings import Finding
from publish.project import TOPIC_FILE
from publish.scaffold import placeholders_in


def topic_files(folder: Path) -> list[Path]:
    """topic.yaml, then every text and glossary of the topic, translations included."""
    texts = sorted((*folder.glob("*.md"), *folder.glob("*.yaml")))
    ordered = [folder / TOPIC_FILE, *(p for p in texts if p.name != TOPIC_FILE)]
    return [p for p in ordered if p.is_file()]


def placeholders(folder: Path) -> list[Finding]:
    """A failed finding for each placeholder in the topic's files, in file and line order."""
    findings = []
    for path in topic_files(folder):
        try:
            found = placeholders_in(path)
        except PublishError:
            continue  # a file that cannot be read is the topic loader's finding
        findings += [
            Finding("placeholders", "fail", f"placeholder left: {p.text}", str(p.path), p.line)
            for p in found
        ]
    return findings
