"""Gates on the editorial text: reading level, citations on every claim, quality of evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.citations import CITATION, find_citations
from publish.gates.findings import Finding
from publish.project import TOPIC_FILE
from publish.scaffold import PLACEHOLDER
from publish.topic import Text, Topic

WARN_GRADE = 6.0
DEFAULT_MAX_GRADE = 8.0


def _blocks(text: Text) -> Iterator[tuple[int, str]]:
    """(line, text) of every paragraph's text in an editorial file, wherever it sits (in a
    list item, nested lists and block quotes included); a figure on its own is left out."""
    for block in printed_blocks(text):
        if block.kind == "paragraph":
            yield block.line, block.content


@dataclass(frozen=True)
class Block:
    """A block of text a reader sees, and whether a citation in it is rendered as one."""

    kind: str
    """'paragraph' (also each paragraph of a list item or a quote) or 'heading'."""
    line: int
    content: str
    """The Markdown source of the block's text."""
    cited: bool
    """A citation is in the text as printed: not in a link's text or title, an image's
    alt text or a code span, where it would print as something else or not at all."""


def printed_blocks(text: Text) -> Iterator[Block]:
    """The blocks of text an artifact prints, parsed as the renderers parse them."""
    from publish.render.markdown import editorial

    tokens = editorial().parse(text.markdown)
    for index, token in enumerate(tokens):
        if token.type != "inline" or not index:
            continue
        opener = tokens[index - 1].type
        if opener not in ("paragraph_open", "heading_open"):
            continue
        content = token.content.strip()
        if opener == "paragraph_open" and re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", content):
            continue  # a figure on its own is not a claim
        kind = "paragraph" if opener == "paragraph_open" else "heading"
        line = token.map[0] + 1 if token.map else 1
        yield Block(kind, line, content, _cites_as_printed(token.children or []))


def _cites_as_printed(children: list[Any]) -> bool:
    """True when a citation sits in the block's own text, as the renderer finds it: in a run
    of text (wrapped lines joined) outside any link. Link titles, image alt text and code
    spans are not text runs, so a citation there never counts."""
    run: list[str] = []
    depth = 0
    found = False
    for child in [*children, None]:
        if child is not None and child.type in ("text", "softbreak") and depth == 0:
            run.append("\n" if child.type == "softbreak" else child.content)
            continue
        found = found or bool(CITATION.search("".join(run)))
        run = []
        if child is not None:
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
    return found


MAX_LABEL_WORDS = 8
_CLAIM_WORDS = """
    is are was were be been being isn't aren't has have had does do did can cannot can't could
    will won't would should must may might shall
    cure cures cured treat treats treated heal heals healed work works worked help helps helped
    cause causes caused prevent prevents prevented reduce reduces reduced lower lowers lowered
    raise raises raised increase increases increased decrease decreases decreased improve
    improves improved relieve relieves relieved ease eases eased stop stops stopped end ends
    ended beat beats fix fixes fixed reverse reverses reversed eliminate eliminates eliminated
    double doubles doubled halve halves halved boost boosts boosted protect protects protected
    prove proves proved proven show shows showed shown guarantee guarantees guaranteed
    kill kills killed save saves saved outperform outperforms outperformed
    safe safer safest unsafe harmless effective ineffective best better worse worst always
    never only no not every all instant instantly permanent permanently miracle risk-free
"""
CLAIM_WORDS = frozenset(_CLAIM_WORDS.split())
"""Words that make a heading state something (a verb, or a verdict such as 'safe')."""


_QUESTION_WORDS = """
    what how why when where who which whose is are can could does do did should will would
    may might has have
"""
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split())
"""First words of a question: "Is ketamine safe?" asks, "Ketamine is safe?" claims."""


_WH = "what how why when where who which"
_WH_WORDS = frozenset(_WH.split())
_VERDICTS = """
    cure cures cured heal heals healed guarantee guarantees guaranteed prove proves proved
    proven safe safer safest harmless effective best miracle instant instantly permanent
    permanently risk-free
"""
VERDICT_WORDS = frozenset(_VERDICTS.split())
"""Words that make even an indirect question a claim: "How ketamine cures depression"."""


def heading_problem(heading: Block) -> str | None:
    """Why a heading is not a label, or None when it is one (see `label_problem`)."""
    return label_problem(heading.content)


_PLURAL = {"summary": "summaries"}


def label_problem(
    content: str, kind: str = "heading", max_words: int = MAX_LABEL_WORDS
) -> str | None:
    """Why a label (a heading, a title, a subtitle) is not one, or None when it is one.

    Labels are not claims: a label passes when it has no citation, no number, at most
    `max_words` words, and either is a question (starts with one of QUESTION_WORDS, ends
    in '?'), an indirect question ("What it is, how it may help") with none of
    VERDICT_WORDS, or holds none of CLAIM_WORDS. A claim belongs in a paragraph, where its
    citation is printed with it.
    """
    words = re.findall(r"[\w'’-]+", content.lower().replace("’", "'"))
    labels = f"{_PLURAL.get(kind, kind + 's')} are labels"
    if CITATION.search(content):
        return f"a citation in a {kind}: {labels}; cite the paragraph under it"
    if re.search(r"\d", content):
        return f"a number in a {kind}: {labels}; put the figure in a cited paragraph"
    if len(words) > max_words:
        return f"a {kind} of over {max_words} words: {labels}, not sentences"
    claims = [word for word in words if word in CLAIM_WORDS]
    asks = content.rstrip().endswith("?") and words[:1] and words[0] in QUESTION_WORDS
    wonders = words[:1] and words[0] in _WH_WORDS and not VERDICT_WORDS & set(words)
    if claims and not (asks or wonders):
        return f"a {kind} that makes a claim ({claims[0]!r}): {labels}; say it in a cited paragraph"
    return None


MAX_SUBTITLE_WORDS = 12
"""A subtitle says in a phrase what the handout covers ("What it is, how it may help, and
its risks"): a longer label than a heading, still no sentence."""
MAX_SUMMARY_WORDS = 40
"""A topic's summary describes the documents (what they are, for whom, from what), in a
sentence or two; it prints on the e-book's about page and in its metadata."""


def front_matter(topic: Topic) -> list[Finding]:
    """The title, subtitle and summary print on every artifact but are no paragraph a
    citation can follow: each must be a label, not a claim, with the line to fix."""
    path = topic.translation.path if topic.translation else topic.folder / TOPIC_FILE
    control = topic.control
    fields = (
        ("title", control.title, MAX_LABEL_WORDS),
        ("subtitle", control.subtitle, MAX_SUBTITLE_WORDS),
        ("summary", control.summary, MAX_SUMMARY_WORDS),
    )
    findings = []
    for field, value, max_words in fields:
        if not value or PLACEHOLDER.search(value):
            continue  # the placeholders gate names it
        problem = label_problem(value, field, max_words)
        if problem:
            line = _field_line(path, field)
            message = f"{problem}: {_claim(value or '')}"
            findings.append(Finding("citations", "fail", message, str(path), line))
    return findings


def readability(topic: Topic, max_grade: float) -> list[Finding]:
    """The patient text's reading level, by its own language's formula; a language with
    none is 'not measured' (a warning), never scored by another language's formula."""
    from publish.readability import measure
    from publish.render.markdown import prose

    path = str(topic.patient.path)
    reading = measure(prose(topic.patient.markdown), topic.language, max_grade)
    if reading is None:
        message = f"reading level not measured: no formula for {topic.language!r}"
        return [Finding("readability", "warn", message, path)]
    return [Finding("readability", reading.status, reading.message, path)]


def _field_line(path: Path, field: str) -> int | None:
    """The line of a top-level YAML field, for a finding about its value."""
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, text in enumerate(lines, 1) if re.match(rf"{field}\s*:", text)), None)


def citations(topic: Topic) -> list[Finding]:
    """Every block of text an artifact prints cites a source in a way that is printed.

    Paragraphs (in list items and quotes too) need a citation outside links, images and
    code; headings must be labels (see `heading_problem`); glossary definitions need `cite`.
    """
    findings = front_matter(topic)
    for text in topic.texts:
        for block in printed_blocks(text):
            if PLACEHOLDER.search(block.content):
                continue  # the placeholders gate names it; one finding, not two
            problem = heading_problem(block) if block.kind == "heading" else None
            if block.kind == "paragraph" and not block.cited:
                hidden = CITATION.search(block.content)
                problem = "citation not printed as one" if hidden else "no citation"
            if problem:
                message = f"{problem}: {_claim(block.content)}"
                findings.append(Finding("citations", "fail", message, str(text.path), block.line))
    glossary = str(topic.glossary_path)
    for entry in topic.glossary:
        if not entry.cite and not PLACEHOLDER.search(entry.term + entry.definition):
            message = f"glossary entry {entry.term!r} cites no source (add cite: [source-id])"
            findings.append(Finding("citations", "fail", message, glossary, entry.line))
    cited = {c.key for t in topic.texts for c in t.cites}
    cited |= {key for entry in topic.glossary for key in entry.cite}
    unused = [s.id for s in topic.sources if s.id not in cited]
    if unused and topic.translation is None:  # the original's finding; not repeated per language
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


ACKNOWLEDGED = re.compile(
    r"\b(?:promotional|marketing|advertis\w*|promocional\w*|publicidad|publicitari\w*)\b",
    re.IGNORECASE,
)
"""A claim that says, in its own words, that its support is promotion ("a clinic's marketing
article says…"): the reader is told, so the evidence gate does not warn about it."""


def evidence(topic: Topic) -> list[Finding]:
    """Claims in the patient and clinician texts that rest only on promotional sources and
    do not say so, or that repeat removed comment text (a warning each, at its line)."""
    findings = []
    promotional = {s.id for s in topic.sources if "promotional" in s.flags}
    comments = " ".join(r.text for s in topic.sources for r in s.removed if r.reason == "comments")
    for text in topic.texts:
        path = str(text.path)
        for line, content in _blocks(text):
            keys = {cite.key for _, cite in find_citations(content, text.path, line)}
            if keys and keys <= promotional and not ACKNOWLEDGED.search(CITATION.sub("", content)):
                message = (
                    f"only promotional support, and the text does not say so: {_claim(content)}"
                )
                findings.append(Finding("evidence", "warn", message, path, line))
            if comments and _shingles(CITATION.sub("", content)) & _shingles(comments):
                message = f"repeats removed comment text: {_claim(content)}"
                findings.append(Finding("evidence", "warn", message, path, line))
    if not findings:
        message = "no claim rests only on promotion without saying so, or on comments"
        findings.append(Finding("evidence", "pass", message))
    return findings


def _claim(content: str) -> str:
    text = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s+", " ", CITATION.sub("", content))).strip()
    return f"“{text[:70]}…”" if len(text) > 70 else f"“{text}”"
