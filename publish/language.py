"""Paragraphs of a translation that are not in its declared language.

`publish check` judges each paragraph, heading, list item, table cell and image description of
a translation with py3langid (BSD-3-Clause), a maintained fork of langid.py whose model of 140
languages ships inside the package: nothing is downloaded, every run gives the same answer, and
a paragraph takes about 0.1 ms after a 0.6 s load. On 513 short handout blocks (Spanish,
English, and some French, Portuguese, Italian, Catalan, German and Vietnamese) it was as
accurate as lingua-language-detector, which takes 2 to 6 s to load and installs 98 MB (78 MB for
py3langid with numpy); CLD2 took short Spanish for Galician, and langdetect is unmaintained,
30 times slower, and answers differently from run to run unless seeded. A block is judged only
when it has four words that are not names (20 letters at least), and flagged only when its
declared language is less than 8% as likely as the most likely one: no block in the declared
language came below 28%, no foreign block above 2.6%.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from publish.i18n import primary

if TYPE_CHECKING:
    from markdown_it.token import Token
    from py3langid.langid import LanguageIdentifier

MIN_WORDS = 4
"""Words that are not names a block needs before it is judged ('When to call your doctor')."""
MIN_LETTERS = 20
"""Letters in those words: four short words are not enough evidence either."""
MAX_RATIO = 0.08
"""Flag when the declared language is less than this fraction as likely as the top one.
Measured: blocks in the declared language that another language topped kept 0.28 or more,
foreign blocks 0.026 or less. Close languages are the weak side: a short Spanish item in a
Portuguese or Catalan file can stay unflagged."""
MAX_CHARS = 2_000
"""Characters of a block that are judged: plenty of evidence, and a bound on the work."""
EXCERPT_CHARS = 60

_CITATION = re.compile(r"\[@[^\[\]]*\]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_SENTENCE_END = (".", "!", "?", ":", ";", "…")
_OPENING = '¿¡"“«('
_PUNCTUATION = "\"'“”‘’«»()[]{},.;:!?¡¿…*_-–—/"
_NO_LANGUAGE = "zxx"
"""The model's label for text without linguistic content."""
_MACROLANGUAGE = {
    "ary": "ar",
    "arz": "ar",
    "fuv": "ff",
    "gug": "gn",
    "kik": "ki",
    "ltg": "lv",
    "sdh": "ku",
    "uzs": "uz",
    "wuu": "zh",
    "yue": "zh",
}
"""Model labels that are varieties of a language with an ISO 639-1 code: Egyptian Arabic in
an 'ar' file is not foreign."""
_DECLARED_ALIAS = {"nb": "no", "fil": "tl"}
"""Tags whose language the model knows under another code."""


@dataclass(frozen=True)
class Foreign:
    """A block that is confidently in another language than the file declares."""

    line: int
    language: str
    excerpt: str


@dataclass(frozen=True)
class _Block:
    line: int  # 0-based, in the text given
    text: str  # plain text, as judged
    source: str  # as written, for the excerpt


def supported(language: str) -> bool:
    """Whether the detector knows this BCP 47 tag's language (judged by primary subtag)."""
    return _code(language) in _languages()


def foreign_blocks(markdown: str, language: str, first_line: int = 1) -> list[Foreign]:
    """Blocks (paragraphs, headings, list items, table cells, image alt text) that are confidently
    in another language than `language`; `first_line` is the file line `markdown` starts on."""
    declared = _code(language)
    if declared not in _languages():
        raise ValueError(f"no language detection for {language!r}")
    found = []
    for block in _blocks(markdown):
        if not _judgeable(block.text):
            continue
        top, ratio = _judge(block.text, declared)
        if top not in (declared, _NO_LANGUAGE) and ratio < MAX_RATIO:
            found.append(Foreign(first_line + block.line, top, _excerpt(block.source)))
    return found


def _code(tag: str) -> str:
    code = primary(tag)
    return _DECLARED_ALIAS.get(code, code)


def _blocks(markdown: str) -> Iterator[_Block]:
    """Every block's text; an image's alt text is a block of its own, on its paragraph's line."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    for token in parser.parse(markdown):
        if token.type != "inline" or token.map is None:
            continue
        line = token.map[0]
        children = token.children or []
        for child in children:
            if child.type == "image":
                yield _Block(line, _plain(child.content), child.content)
        yield _Block(line, _plain("".join(_text(child) for child in children)), token.content)


def _text(token: Token) -> str:
    """The words a reader sees: link text stays; code, images and markup go."""
    if token.type == "text":
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    return ""


def _plain(text: str) -> str:
    """Text without citations, URLs and numbers, which are in no language."""
    text = _CITATION.sub(" ", text)
    text = _NUMBER.sub(" ", _URL.sub(" ", text))
    return " ".join(text.split())[:MAX_CHARS]


def _judgeable(text: str) -> bool:
    words = _content_words(text)
    return len(words) >= MIN_WORDS and sum(c.isalpha() for w in words for c in w) >= MIN_LETTERS


def _content_words(text: str) -> list[str]:
    """Words that are not names: capitalized words inside a sentence and acronyms are left
    out, so 'Yale Medicine', 'Spravato' and 'FDA' never make a block judgeable."""
    kept: list[str] = []
    sentence_start = True
    for raw in text.split():
        word = raw.strip(_PUNCTUATION)
        initial = sentence_start or raw[0] in _OPENING
        sentence_start = raw.endswith(_SENTENCE_END)
        if not any(c.isalpha() for c in word):
            continue
        acronym = len(word) > 1 and word.isupper()
        if acronym or (word[0].isupper() and not initial):
            continue
        kept.append(word)
    return kept


def _judge(text: str, declared: str) -> tuple[str, float]:
    """The most likely language, and how likely the declared one is relative to it."""
    likelihood: dict[str, float] = {}
    for label, probability in _rank(text):
        code = _MACROLANGUAGE.get(label, label)
        likelihood[code] = likelihood.get(code, 0.0) + probability
    top = max(likelihood, key=likelihood.__getitem__)
    return top, likelihood.get(declared, 0.0) / likelihood[top]


def _rank(text: str) -> list[tuple[str, float]]:
    """Every language the model knows, with its probability for the text."""
    return [(str(label), float(p)) for label, p in _identifier().rank(text)]


def _excerpt(source: str) -> str:
    text = " ".join(source.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    labels = {_MACROLANGUAGE.get(label, label) for label in _identifier().labels}
    return frozenset(labels - {_NO_LANGUAGE})


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """The model, loaded once (about half a second); probabilities normalized to sum to 1."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
