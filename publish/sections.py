"""The sections an editorial text marks with a fenced div (`::: key-messages` … `:::`).

Pandoc's syntax, so a topic stays plain Markdown a person can read. The handout gives
each section its shape (a box at the top, tick boxes, lines to write on), the sanitizer
lets exactly these through, and `check` requires the ones that make a handout
actionable (AHRQ PEMAT-P, CDC Clear Communication Index).
"""

from __future__ import annotations

SECTIONS = {
    "key-messages": "the two or three things a patient must remember; first in the text",
    "actions": "steps the reader takes, printed as a checklist with tick boxes",
    "questions": "questions for the care team, printed with lines to write the answers on",
    "summary": "a short summary at the end",
}
REQUIRED = ("key-messages", "actions")
"""A patient text without these informs but does not help: `check` fails it."""
