"""Plain-language measures of one sentence of patient text, per language.

The CDC Clear Communication Index and AHRQ PEMAT-P ask for the active voice, words the
reader uses (technical terms explained) and numbers with their context. These are the
parts a program can find, each at a sentence, so the actionable gate can name the line:

- `passive(sentence, language)`: a passive construction ("is given", "fue aprobada"): a
  form of *be* / *ser* followed by a past participle. Spanish's reflexive passive ("se
  usa") is not counted: it reads as active to most readers.
- `plainer(sentence, words)`: words with a plainer alternative in the language's list
  (`templates/locale/<lang>/plain-words.yaml`; a project's own copy wins).
- `unfamiliar(sentence, language, known)`: long words outside the language's list of
  familiar words (Dale and Chall's 3,000 words for English; for Spanish the 20,000
  commonest words), that the glossary does not define. textstat ships both lists.
- `bare_numbers(sentence)`: percentages, decimals and ratios, which a reader must turn
  into something they can picture ("3 in 10 people"), and numbers with no unit or
  noun after them.

Each function is linear in the sentence; the caller bounds the text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from publish.i18n import primary

_BE_EN = r"am|is|are|was|were|be|been|being|isn't|aren't|wasn't|weren't"
_IRREGULAR = """
    begun born bought brought built caught chosen done drawn driven eaten fallen felt found
    forgotten given gone grown heard held hidden hit hurt kept known laid led left lent lost
    made meant met paid put read run said seen sent set shown shut sold spent spoken stolen
    taken taught told thought thrown understood woken worn won written
"""
_IRREGULAR_EN = frozenset(_IRREGULAR.split())
_ADJECTIVES = """
    tired worried scared interested married concerned pleased surprised excited bored
    confused depressed relaxed ashamed supposed used allowed involved prepared
    advised aged alleged beloved blessed crooked learned naked ragged wicked
"""
_ADJECTIVES_EN = frozenset(_ADJECTIVES.split())
"""Past participles that after "be" describe a state ("I am tired", "you are used to it")."""
_PASSIVE_EN = re.compile(
    rf"\b(?:{_BE_EN})\s+(?:(?:not|still|also|often|usually|never|always|only|first|then|"
    rf"now|just|already|later|\w+ly)\s+)?"
    rf"(?:being\s+)?(\w+ed|{'|'.join(sorted(_IRREGULAR_EN))})\b",
    re.IGNORECASE,
)
_PASSIVE_ES = re.compile(
    r"\b(?:es|son|fue|fueron|era|eran|será|serán|sea|sean|sido|ser)\s+"
    r"(?:(?:muy|también|ya|no)\s+)?(\w+(?:ad|id)[oa]s?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def passive(sentence: str, language: str) -> str | None:
    """The first passive construction in the sentence, as written, or None."""
    lang = primary(language)
    if lang == "en":
        for match in _PASSIVE_EN.finditer(sentence):
            if match.group(1).lower() not in _ADJECTIVES_EN:
                return match.group(0)
        return None
    if lang == "es":
        spanish = _PASSIVE_ES.search(sentence)
        return spanish.group(0) if spanish else None
    return None


def words(sentence: str) -> list[str]:
    """The words of a sentence, as written."""
    return _WORD.findall(sentence)


def plain_words(language: str, project_templates: Path | None = None) -> dict[str, str]:
    """The language's words with a plainer alternative (lowercase word → alternative)."""
    from publish.errors import TemplateError
    from publish.resources import template_file

    name = f"locale/{primary(language)}/plain-words.yaml"
    try:
        path = template_file(name, project_templates)
    except TemplateError:  # a language with no list has nothing to suggest
        return {}
    return _load_plain(path)


@cache
def _load_plain(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(word).lower(): str(plainer) for word, plainer in data.items()}


def plainer(sentence: str, table: dict[str, str]) -> list[tuple[str, str]]:
    """(word as written, plainer alternative) for each listed word or phrase in the sentence,
    a plural ending included."""
    lowered = sentence.lower()
    found = []
    for phrase, alternative in table.items():
        match = re.search(rf"(?<!\w){re.escape(phrase)}(?:e?s)?(?!\w)", lowered)
        if match:
            found.append((sentence[match.start() : match.end()], alternative))
    return sorted(found, key=lambda pair: lowered.index(pair[0].lower()))


@cache
def familiar(language: str) -> frozenset[str]:
    """The language's list of familiar words (textstat's copy), lowercased; empty if none."""
    import textstat

    path = Path(textstat.__file__).parent / "resources" / primary(language) / "easy_words.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(line.strip().lower() for line in path.read_text("utf-8").splitlines())


_EN_ENDINGS = ("ies", "es", "s", "ed", "ing", "ly", "er", "est", "ment", "ments", "ness", "ful")
_ES_ENDINGS = ("mente", "es", "s")
MIN_LETTERS = {"en": 9, "es": 10}
"""Shorter words are not reported: the lists leave out many everyday long forms, and a
short word outside them is rarely what stops a reader."""


def unfamiliar(sentence: str, language: str, known: set[str]) -> list[str]:
    """Long words of the sentence outside the familiar list and not in `known` (lowercase
    glossary terms and their words), as written; names (capitalised words not opening the
    sentence) and all-capital abbreviations are left to the editor."""
    lang = primary(language)
    easy = familiar(lang)
    if not easy or lang not in MIN_LETTERS:
        return []
    endings = _EN_ENDINGS if lang == "en" else _ES_ENDINGS
    found = []
    for position, word in enumerate(words(sentence)):
        bare = re.sub(r"['’]s$", "", word)
        if len(bare) < MIN_LETTERS[lang] or word.isupper() or bare.lower() in known:
            continue
        if position and word[0].isupper():
            continue
        parts = re.split(r"[-'’]", bare.lower())
        if not all(_familiar_word(part, easy | known, endings) for part in parts):
            found.append(bare)
    return found


def _familiar_word(
    word: str, familiar_words: frozenset[str] | set[str], endings: tuple[str, ...]
) -> bool:
    """The word or its stem (a regular ending taken off) is in the list."""
    stems = {word} | {word[: -len(e)] for e in endings if word.endswith(e)}
    stems |= {stem + "e" for stem in stems} | {stem[:-1] + "y" for stem in stems}
    return bool(stems & familiar_words)


_NUMBER = r"\d+(?:[.,]\d+)*"
_PERCENT = re.compile(rf"{_NUMBER}\s*(?:%|percent\b|per cent\b|por ciento\b)", re.IGNORECASE)
_DECIMAL = re.compile(r"(?<![\d:.,])\d+[.,]\d+(?![\d:])")
_RATIO = re.compile(rf"(?<![\d:]){_NUMBER}\s*(?:-fold|:\d+\b(?!:)|x\b)", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w:.,/-])\d+(?![\w:/%-]|[.,]\d)(?!\s*[^\W\d_])")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def bare_numbers(sentence: str) -> list[tuple[str, str]]:
    """(number as written, why it needs context) for each number a reader cannot place."""
    found: list[tuple[str, str]] = []
    taken: list[range] = []
    rules = (
        (_PERCENT, "a percentage: say it as 'N in 100 people' and what it is out of"),
        (_RATIO, "a ratio: say what is compared with what, in words"),
        (_DECIMAL, "a decimal: round it to a whole number the reader can picture"),
        (_BARE, "a number with no unit or noun after it: say what it counts"),
    )
    for pattern, why in rules:
        for match in pattern.finditer(sentence):
            span = range(match.start(), match.end())
            if any(span.start in other or other.start in span for other in taken):
                continue
            if pattern is _BARE and _YEAR.fullmatch(match.group(0)):
                continue  # a year names a time; the reader can place it
            taken.append(span)
            found.append((match.group(0).strip(), why))
    return sorted(found, key=lambda item: sentence.index(item[0]))
