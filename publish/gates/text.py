"""Gates on the editorial text: reading level, citations on every claim, quality of evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator

from publish.citations import CITATION, find_citations
from publish.gates.findings import Finding
from publish.project import TOPIC_FILE
from publish.topic import Text, Topic

WARN_GRADE = 6.0
DEFAULT_MAX_GRADE = 8.0


def _blocks(text: Text) -> Iterator[tuple[int, str]]:
    """(line, text) of every paragraph and list item's text in an editorial file."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text.markdown)
    for index, token in enumerate(tokens):
        if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            content = token.content.strip()
            if re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", content):
                continue  # a figure on its own is not a claim
            yield (token.map[0] + 1 if token.map else 1), content


def readability(topic: Topic, max_grade: float) -> list[Finding]:
    from publish.readability import flesch_kincaid
    from publish.readability import smog as smog_index
    from publish.render.markdown import prose

    text = prose(topic.patient.markdown)
    grade = flesch_kincaid(text)
    smog = smog_index(text)
    limits = f"warn above {WARN_GRADE:g}, fail above {max_grade:g}"
    message = f"Flesch–Kincaid grade {grade}, SMOG {smog} ({limits})"
    status = "fail" if grade > max_grade else "warn" if grade > WARN_GRADE else "pass"
    return [Finding("readability", status, message, str(topic.patient.path))]


def citations(topic: Topic) -> list[Finding]:
    findings = []
    for text in (topic.patient, topic.clinician):
        for line, content in _blocks(text):
            if not CITATION.search(content):
                findings.append(
                    Finding(
                        "citations", "fail", f"no citation: {_claim(content)}", str(text.path), line
                    )
                )
    cited = {c.key for t in (topic.patient, topic.clinician) for c in t.cites}
    cited |= {key for entry in topic.glossary for key in entry.cite}
    unused = [s.id for s in topic.sources if s.id not in cited]
    if unused:
        findings.append(
            Finding(
                "citations",
                "warn",
                f"sources never cited: {', '.join(unused)}",
                str(topic.folder / TOPIC_FILE),
            )
        )
    if not any(f.status == "fail" for f in findings):
        findings.append(
            Finding(
                "citations",
                "pass",
                "every paragraph and list item cites a source; all keys resolve",
            )
        )
    return findings


def _shingles(text: str, size: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def evidence(topic: Topic) -> list[Finding]:
    findings = []
    path = topic.clinician.path
    for line, content in _blocks(topic.clinician):
        keys = {cite.key for _, cite in find_citations(content, path, line)}
        sources = [topic.source(k) for k in keys if k in {s.id for s in topic.sources}]
        if sources and all("promotional" in s.flags for s in sources):
            findings.append(
                Finding(
                    "evidence",
                    "warn",
                    f"only promotional support: {_claim(content)}",
                    str(path),
                    line,
                )
            )
        comments = " ".join(
            r.text for s in topic.sources for r in s.removed if r.reason == "comments"
        )
        if comments and _shingles(CITATION.sub("", content)) & _shingles(comments):
            findings.append(
                Finding(
                    "evidence",
                    "warn",
                    f"repeats removed comment text: {_claim(content)}",
                    str(path),
                    line,
                )
            )
    if not findings:
        findings.append(
            Finding("evidence", "pass", "no clinician claim rests only on promotion or comments")
        )
    return findings


def _claim(content: str) -> str:
    text = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s+", " ", CITATION.sub("", content))).strip()
    return f"“{text[:70]}…”" if len(text) > 70 else f"“{text}”"
