"""Reading help for an editor: which sentences of a patient text to simplify, and how.

`check` gives one reading grade for a whole handout and names its three hardest
sentences. `check --explain` adds, for each patient text (the original and each
translation), every sentence past the language's target with its file:line and score,
hardest first, and every word with a plainer alternative in the language's list. It is
help, not a gate: it changes no verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from publish.gates.actionable import ranked_sentences, sentences_of
from publish.i18n import primary
from publish.plain import plain_words, plainer
from publish.project import Project
from publish.readability import ENGLISH_WARN_ABOVE, SPANISH_PASS_AT
from publish.topic import Topic, load_topic, translations


@dataclass(frozen=True)
class Hint:
    """One thing an editor can simplify, at its line."""

    file: str
    line: int
    kind: str
    """'sentence' (past the target) or 'word' (a plainer one exists)."""
    text: str
    """The sentence, or the word as written."""
    detail: str
    """The sentence's score, or the plainer alternative."""

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "kind": self.kind,
            "text": self.text,
            "detail": self.detail,
        }


def _past_target(score: float, language: str) -> bool:
    """A sentence is past the target where the whole text would warn."""
    if primary(language) == "en":
        return score > ENGLISH_WARN_ABOVE
    return score < SPANISH_PASS_AT


def reading_help(topic: Topic, project_templates: Path | None = None) -> list[Hint]:
    """Every sentence past the target, hardest first, then every word with a plainer one."""
    text, language = topic.patient, topic.language
    path = str(text.path)
    hints = []
    ranked = ranked_sentences(text, language)
    if ranked is not None:
        formula, scored = ranked
        for s in scored:
            if _past_target(s.score, language):
                detail = f"{formula} {s.score:g}"
                hints.append(Hint(path, s.line, "sentence", s.sentence, detail))
    table = plain_words(language, project_templates)
    for line, sentence in sentences_of(text):
        for word, alternative in plainer(sentence, table):
            hints.append(Hint(path, line, "word", word, alternative))
    return hints


def explain_topics(paths: Iterable[Path | str], project: Project) -> list[Hint]:
    """Reading help for every patient text of the topics `check` checks. A topic or
    translation that does not load is left out: `check` has already reported it."""
    from publish.errors import PublishError

    hints = []
    for folder in project.topic_dirs(paths):
        try:
            languages: list[str | None] = [None, *translations(folder)]
        except PublishError:
            continue
        for language in languages:
            try:
                topic = load_topic(folder, language=language)
            except PublishError:
                continue
            hints.extend(reading_help(topic, project.templates))
    return hints


def describe(hint: Hint) -> str:
    """One printed line: where, then what to simplify."""
    if hint.kind == "sentence":
        return f"{hint.file}:{hint.line}: {hint.detail}: “{hint.text}”"
    return f"{hint.file}:{hint.line}: “{hint.text}”: plainer: {hint.detail}"
