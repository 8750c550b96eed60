"""The actionable gate: a patient text a reader can act on, and the items of the CDC Clear
Communication Index and AHRQ PEMAT-P that a program can measure, each at its line.

Fails: no key messages, key messages not first, no action steps. Warns: no summary,
sentences over 20 words, the passive voice, words with a plainer alternative, long words
outside the familiar-word list that the glossary does not explain, numbers without
context (`publish.plain`), British spellings in a US handout. Reports the active-voice
share and lists the hardest sentences (grade per sentence), so an editor knows where to
simplify.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from publish.citations import CITATION
from publish.gates.findings import Finding
from publish.gates.text import Block, printed_blocks
from publish.i18n import primary
from publish.plain import bare_numbers, passive, plain_words, plainer, unfamiliar, words
from publish.render.markdown import sections
from publish.sections import REQUIRED
from publish.topic import Text, Topic

GATE = "actionable"
MAX_WORDS = 20
"""CDC Clear Communication Index: sentences of 20 words or fewer are easier to read."""
HARDEST = 3
"""Sentences the gate names as hardest to read."""
HOW = {
    "key-messages": "add `::: key-messages` with two or three cited sentences at the top",
    "actions": "add `::: actions` with the steps a reader takes, as a list",
}
EVERYDAY = "say it plainly, or explain it in the glossary (CDC index)"
BRITISH = {
    "signalling": "signaling",
    "signalled": "signaled",
    "anaesthetic": "anesthetic",
    "anaesthesia": "anesthesia",
    "behaviour": "behavior",
    "colour": "color",
    "centre": "center",
    "counselling": "counseling",
    "favour": "favor",
    "haemorrhage": "hemorrhage",
    "hospitalised": "hospitalized",
    "labour": "labor",
    "oestrogen": "estrogen",
    "paediatric": "pediatric",
    "programme": "program",
    "recognise": "recognize",
    "realise": "realize",
    "organise": "organize",
    "specialised": "specialized",
    "tumour": "tumor",
    "travelled": "traveled",
}
"""British spellings a US reader stumbles on, with the US ones (checked for en-US)."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“¿¡(]?[A-ZÁÉÍÓÚÑ0-9])")


def actionable(
    topic: Topic, locale: str = "en-US", project_templates: Path | None = None
) -> list[Finding]:
    """The patient text's structure, plain language, hardest sentences and spelling."""
    text = topic.patient
    path = str(text.path)
    findings = [*_structure(text), *_long_sentences(text)]
    findings += _plain_language(topic, project_templates)
    findings += _hardest(text, topic.language)
    if primary(topic.language) == "en" and locale.lower().endswith("-us"):
        findings += _spelling(text)
    if not any(f.status == "fail" for f in findings):
        findings.insert(0, Finding(GATE, "pass", "key messages first, action steps present", path))
    return findings


def _structure(text: Text) -> list[Finding]:
    found = sections(text.markdown)
    names = [name for name, _ in found]
    path = str(text.path)
    findings = [
        Finding(GATE, "fail", f"no {name.replace('-', ' ')}: {HOW[name]}", path)
        for name in REQUIRED
        if name not in names
    ]
    first = _first_block_line(text.markdown)
    if "key-messages" in names and first is not None:
        line = dict(found)["key-messages"]
        if line > first:
            message = "key messages are not first: the main message opens the text (CDC index)"
            findings.append(Finding(GATE, "fail", message, path, line))
    if "summary" not in names:
        message = "no summary: add `::: summary` with two or three sentences at the end"
        findings.append(Finding(GATE, "warn", message, path))
    return findings


def _first_block_line(markdown: str) -> int | None:
    """The line of the text's first block, a section's opening line included."""
    from publish.render.markdown import editorial

    for token in editorial().parse(markdown):
        if token.nesting == 1 and token.map:
            return token.map[0] + 1
    return None


def sentences_of(text: Text) -> Iterator[tuple[int, str]]:
    """(line, sentence) of every paragraph and list item, citations taken out."""
    from publish.scaffold import PLACEHOLDER

    for block in printed_blocks(text):
        if block.kind != "paragraph" or PLACEHOLDER.search(block.content):
            continue  # a placeholder is the placeholders gate's finding, not a sentence
        for sentence in _SENTENCE.split(_plain(block)):
            if sentence.strip():
                yield block.line, sentence.strip()


def _plain(block: Block) -> str:
    text = re.sub(r"\s+", " ", CITATION.sub("", block.content))
    return re.sub(r" (?=[.,;:?!])", "", text).strip()


def _long_sentences(text: Text) -> list[Finding]:
    findings = []
    for line, sentence in sentences_of(text):
        words = len(sentence.split())
        if words > MAX_WORDS:
            message = f"sentence of {words} words (over {MAX_WORDS}): “{_short(sentence)}”"
            findings.append(Finding(GATE, "warn", message, str(text.path), line))
    return findings


def _plain_language(topic: Topic, project_templates: Path | None) -> list[Finding]:
    """The CDC index's language and number items, sentence by sentence; the active-voice
    share first, as one line."""
    text, language = topic.patient, topic.language
    path = str(text.path)
    table = plain_words(language, project_templates)
    known = {word.lower() for entry in topic.glossary for word in words(entry.term)}
    seen: set[str] = set()
    findings: list[Finding] = []
    sentences = list(sentences_of(text))
    passives = 0
    for line, sentence in sentences:
        construction = passive(sentence, language)
        if construction:
            passives += 1
            message = f"passive voice “{construction}”: say who does what (CDC index)"
            findings.append(Finding(GATE, "warn", message, path, line))
        for word, alternative in plainer(sentence, table):
            seen.add(word.lower())  # the plainer word is the fix; not named twice
            message = f"“{word}” has a plainer word: {alternative}"
            findings.append(Finding(GATE, "warn", message, path, line))
        for word in unfamiliar(sentence, language, known):
            if word.lower() not in seen:
                seen.add(word.lower())
                message = f"“{word}” is not an everyday word: {EVERYDAY}"
                findings.append(Finding(GATE, "warn", message, path, line))
        for number, why in bare_numbers(sentence):
            findings.append(Finding(GATE, "warn", f"“{number}” is {why}", path, line))
    if sentences and primary(language) in ("en", "es"):
        active = len(sentences) - passives
        share = f"active voice in {active} of {len(sentences)} sentences"
        share += f" ({active / len(sentences):.0%})"
        findings.insert(0, Finding(GATE, "pass", share, path))
    return findings


@dataclass(frozen=True)
class Scored:
    """One sentence of a text with its score by the language's reading formula."""

    line: int
    score: float
    """A grade in English (higher is harder), an ease score in Spanish (lower is harder)."""
    sentence: str


def ranked_sentences(text: Text, language: str) -> tuple[str, list[Scored]] | None:
    """The formula's name and the text's sentences, hardest first; None when the text has
    no sentence or the language no formula (the readability gate says so)."""
    from publish.readability import scores

    sentences = list(sentences_of(text))
    found = scores([sentence for _, sentence in sentences], language) if sentences else None
    if found is None:
        return None
    formula, values = found
    sign = 1 if primary(language) == "en" else -1  # a grade rises with difficulty
    scored = [
        Scored(line, score, sentence)
        for (line, sentence), score in zip(sentences, values, strict=True)
    ]
    return formula, sorted(scored, key=lambda s: (-sign * s.score, s.line))


def _hardest(text: Text, language: str) -> list[Finding]:
    """The sentences hardest to read by the language's own formula, hardest first."""
    ranked = ranked_sentences(text, language)
    if ranked is None:
        return []
    formula, worst = ranked[0], ranked[1][:HARDEST]
    listed = "; ".join(f"line {s.line} ({s.score:g}) “{_short(s.sentence)}”" for s in worst)
    message = f"hardest sentences by {formula}: {listed}"
    return [Finding(GATE, "pass", message, str(text.path), worst[0].line)]


def _spelling(text: Text) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.markdown.splitlines(), start=1):
        for word in re.findall(r"[A-Za-z]+", CITATION.sub("", line)):
            us = BRITISH.get(word.lower())
            if us:
                message = f"British spelling {word!r} in a US handout: write {us!r}"
                findings.append(Finding(GATE, "warn", message, str(text.path), number))
    return findings


def _short(sentence: str, size: int = 60) -> str:
    return sentence if len(sentence) <= size else sentence[: size - 1].rstrip() + "…"
