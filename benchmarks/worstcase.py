"""Worst-case inputs at the 2 MiB size limit for every pattern that sees untrusted text.

Each entry is one pattern (or pass) and the input that makes it work hardest: long runs of
the characters it may backtrack over, repeated prefixes of what it looks for. A linear
pattern handles each in well under a second; the old patterns took minutes or never ended.
Used by `python benchmarks/run.py --worst-case`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from publish.limits import SOURCE, TOPIC_TEXT, check_markdown
from publish.normalizer import rules
from publish.normalizer.body import build_body
from publish.normalizer.chunks import split_chunks
from publish.normalizer.readers import ArticleReader, WikiReader

LIMIT = 2 * 1024 * 1024
"""The raw-file size limit, in bytes."""
BUDGET = 2.0
"""Seconds one pattern may take on its worst case."""


def fill(prefix: str, unit: str, suffix: str = "") -> str:
    """prefix + unit repeated + suffix, at most LIMIT bytes in UTF-8."""
    room = LIMIT - len((prefix + suffix).encode())
    return prefix + unit * (room // len(unit.encode())) + suffix


@dataclass
class Case:
    pattern: str
    input: str
    run: Callable[[str], object]


def _markdown_ok(limits: object) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            check_markdown(text, limits, "worst-case.md")  # type: ignore[arg-type]
        except Exception as exc:  # the limit refusing the input is the expected outcome
            return exc
        return None

    return run


CASES = [
    Case("byline ('By AandAand…')", fill("By ", "Aand", "x"), ArticleReader._authors),
    Case("explains title (' - ' separators)", fill("T", " - a", "x"), rules.explains_title),
    Case("explains title (' -' then Explains)", fill("T", " -", " Explains"), rules.explains_title),
    Case("From: line (spaces)", fill("From: a", " ", "b"), WikiReader._from),
    Case("heading (spaces)", fill("# a", " ", "x"), WikiReader._heading),
    Case("heading (' #' runs)", fill("# a", " #", "x"), WikiReader._heading),
    Case("HTML comments never closed", fill("", "<!--"), lambda t: rules.strip_markup(t, 1)),
    Case("script elements never closed", fill("", "<script"), lambda t: rules.strip_markup(t, 1)),
    Case("timestamp anchors", fill("", '<a data-t="1:00"'), rules.timestamp_to_citation),
    Case("wiki links (ideographic spaces)", fill("a", "\u3000", "x"), rules.strip_wikilinks),
    Case("wiki links ('[[' runs)", fill("", "[[a|"), rules.strip_wikilinks),
    Case("date line", fill("Jan ", "3", ", 2024"), rules.parse_date),
    Case("heading text (': ' runs)", fill("a", ": ", "x"), rules.heading_text),
    Case("looks like a heading (URLs)", fill("", "http://"), rules.looks_like_heading),
    Case("labelled list item", fill("A", "b", "x"), rules.bold_label),
    Case("markdown escaping", fill("", "*"), rules.escape_markdown),
    Case(
        "more-information link",
        fill("For more information ", "visit http://a "),
        rules.MORE_INFO_LINK.match,
    ),
    Case(
        "expert attribution",
        fill("", "says Ann Lee, "),
        lambda t: list(rules.ATTRIBUTION.finditer(t)),
    ),
    Case("bullets (leading spaces)", fill("", " ", "x"), split_chunks),
    Case(
        "body rules (calls to action, ads, comments)",
        fill("", "join our waitlist 21 Comments Visit NuLife for ", "\n"),
        lambda t: build_body(split_chunks(t)),
    ),
    Case("topic text limits (nested '*')", fill("", "*a "), _markdown_ok(TOPIC_TEXT)),
    Case(
        "source limits (paragraphs of '[')", fill("", "[" * 19_000 + "\n\n"), _markdown_ok(SOURCE)
    ),
]


def measure() -> list[tuple[str, int, float]]:
    """(pattern, input bytes, seconds) for every case."""
    results = []
    for case in CASES:
        start = time.perf_counter()
        case.run(case.input)
        results.append((case.pattern, len(case.input.encode()), time.perf_counter() - start))
    return results


def table() -> str:
    """A Markdown table of seconds per pattern against the budget."""
    lines = [
        f"Worst-case inputs of the 2 MiB limit; budget {BUDGET:g} s per pattern.",
        "",
        "| Pattern | Input | Seconds | Within budget |",
        "|---|---|---|---|",
    ]
    for pattern, size, seconds in measure():
        ok = "yes" if seconds <= BUDGET else "NO"
        lines.append(f"| {pattern} | {size / 1024 / 1024:.2f} MiB | {seconds:.3f} | {ok} |")
    return "\n".join(lines) + "\n"
