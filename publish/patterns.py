"""What a URL, a date, an id, a language tag and visible text look like: one pattern each.

The field types in publish/fields.py check values with these patterns and put them in the
JSON Schemas; readers use them on raw text. Plain `re`, so using a pattern costs no
pydantic import.
"""

from __future__ import annotations

import re

_INVISIBLE = (
    r"\x00-\x20\x7f-\xa0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f"
    r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0"
)
"""Whitespace, controls and characters that print as nothing (soft hyphen, zero-width
space, braille blank, Hangul fillers, bidi marks, variation selectors)."""

VISIBLE = rf"[^\s{_INVISIBLE}]"
"""Found in text that a reader can see; text without it is blank."""

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
VIDEO_ID = r"^[A-Za-z0-9_-]{1,32}$"
SHA256 = r"^[0-9a-f]{64}$"
LANGUAGE = (
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?"
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
"""The shape of a BCP 47 tag: language, optional script, region and variants ('en', 'es-MX')."""

_URL_NOT = (
    r'\s()<>"\\\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufeff'
)
"""Never in a URL: whitespace, quotes, angle brackets, backslashes, controls and invisible
characters (which make one address look like another); parentheses only in pairs."""
_URL_CHAR = rf"[^{_URL_NOT}]"
_URL_GROUP = rf"\({_URL_CHAR}*\)"
_URL_BODY = (
    rf"https?://(?=[^/?#()])(?:{_URL_CHAR}|{_URL_GROUP})*(?:[^{_URL_NOT}.,;:!?']|{_URL_GROUP})"
)
URL = rf"^{_URL_BODY}$"
"""An http(s) URL with a host; parentheses only in balanced pairs (Wikipedia's
`Ketamine_(drug)`), and not ending in sentence punctuation, which text around a URL adds."""

_URL_START = re.compile(_URL_BODY)


def is_url(text: str) -> bool:
    return re.fullmatch(URL, text) is not None


def url_prefix(text: str) -> str | None:
    """The URL that `text` starts with, without the punctuation of the sentence around it."""
    match = _URL_START.match(text)
    return match.group() if match else None


def is_video_id(text: str) -> bool:
    return re.fullmatch(VIDEO_ID, text) is not None


CONTROL = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    r"\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
"""Never in text a person writes: control characters other than tab and line ends (NUL,
escape, C1 controls), lone surrogates, and noncharacters (U+FFFE). XML, and so the EPUB,
cannot hold most of them, and none of them prints."""

_CONTROL = re.compile(CONTROL)


def find_control(text: str) -> tuple[str, int, int] | None:
    """The first character `CONTROL` refuses, as ("U+0000", line, column), or None."""
    match = _CONTROL.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return f"U+{ord(match.group()):04X}", line, column


def describe_control(text: str) -> str | None:
    """The problem in words, "unprintable character U+0000 at character 5" (or "at line 2,
    column 5" in text of several lines), or None when there is none."""
    found = find_control(text)
    if found is None:
        return None
    code, line, column = found
    where = f"line {line}, column {column}" if "\n" in text else f"character {column}"
    return f"unprintable character {code} at {where}"


def is_blank(text: str) -> bool:
    """Nothing a reader can see: only whitespace or invisible characters."""
    return re.search(VISIBLE, text) is None
