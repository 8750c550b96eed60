"""Cleaning rules: small named patterns and passes, shared by all readers.

Each rule says what it recognises in words a reviewer can check. Rules look at
the shape and wording of text, never at which file it came from.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from publish.normalizer.model import Removal

# --- dates -----------------------------------------------------------------

_DATE_FORMATS = (
    "%a %b %d %Y",  # Sun Aug 06 2023 (a JavaScript Date)
    "%A %B %d %Y",
    "%A, %B %d, %Y",  # Sunday, August 6, 2023
    "%a, %b %d, %Y",
    "%b %d, %Y",  # Jan 3, 2024
    "%B %d, %Y",  # January 3, 2024
    "%d %B %Y",  # 3 January 2024
    "%d %b %Y",
    "%Y-%m-%d",
)


_MAX_DATE_CHARS = 60


def parse_date(text: str) -> date | None:
    """A calendar date written in one of the common web and podcast forms."""
    if len(text) > _MAX_DATE_CHARS:  # no date is written this long; spares strptime the text
        return None
    cleaned = re.sub(r"\s+", " ", text.strip().rstrip("."))
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    cleaned = re.sub(r"(?<=[A-Za-z])\.", "", cleaned)  # Aug. 6, 2023
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


DATE_AND_CATEGORY = re.compile(r"^(?P<date>[^|]{6,30}?)\s*\|\s*(?P<category>[^|]{1,60})$")
"""A web article's byline: 'Jan 3, 2024 | Ketamine IV'."""

# --- titles, links, people -------------------------------------------------

_EXPLAINS = "Explains"
_DASHES = "–—-"


def explains_title(text: str) -> tuple[str, str] | None:
    """(title, publisher) of a video series title: 'How it Works – Yale Medicine Explains'.

    The title ends at the last dash with white space on both sides after which the publisher
    has no en or em dash; an optional full stop follows 'Explains'. Written as string scans,
    not a regular expression: the pattern `(.+)\\s+[–—-]\\s+([^–—]+?)\\s+Explains` tries every
    dash, each with a scan to the end, which is quadratic in the number of ' - ' in a line.
    """
    if "\n" in text:
        return None
    body = text[:-1] if text.endswith(".") else text
    if not body.endswith(_EXPLAINS):
        return None
    before = body[: -len(_EXPLAINS)]
    if not before[-1:].isspace():
        return None
    last_long_dash = max(before.rfind("–"), before.rfind("—"))
    at = len(before) - 4  # after the dash: white space, a publisher, white space
    while at >= 2 and at >= last_long_dash:
        if before[at] in _DASHES and before[at - 1].isspace() and before[at + 1].isspace():
            # the last such dash, as the pattern's greedy title takes it, even when that
            # leaves a blank title or publisher (then there is no title)
            title, publisher = before[:at].strip(), before[at + 1 :].strip()
            return (title, publisher) if title and publisher else None
        at -= 1
    return None


MORE_INFO_LINK = re.compile(
    r"^For more information\b.*?\bvisit:?\s+(?P<url>https?://\S+?)[.,;)]?$", re.I
)
"""A description line that points at the publisher's page: 'For more information ... visit: URL'."""

URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")

ATTRIBUTION = re.compile(
    r"\b(?:says|said|explains|explained|according to|notes|adds)\s+"
    r"(?P<name>(?:Dr\.\s+)?[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-zA-Z'-]+){1,2}),\s*"
    r"(?P<credentials>(?:PhD|MD|DO|RN|NP|PA-C|PharmD|MPH|MSW|LCSW|PsyD)(?:,\s*(?:PhD|MD|DO|RN|NP|PharmD|MPH|PsyD))*)"
)
"""A quoted expert: 'says Rachel Katz, MD'. Only named people with a credential count."""

# --- headings ---------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!,;…\"”)]$")


def looks_like_heading(text: str) -> bool:
    """A short line with no sentence ending: 'Mechanism of Action', 'Clinical Findings'."""
    words = text.split()
    if text.endswith("?"):  # a question is a heading only in Title Case: 'Who Should Take It?'
        long_words = [w for w in words if len(w) > 3]
        if len(words) > 10 or sum(w[0].isupper() for w in long_words) * 2 < len(long_words):
            return False
    return (
        0 < len(words) <= 14
        and len(text) <= 100
        and not _SENTENCE_END.search(text)
        and text[0].isupper()
        and not URL.search(text)
    )


def heading_text(text: str) -> str:
    """Drop the trailing ':' or dash some sites put after headings."""
    return re.sub(r"\s*[:\-–—]+\s*$", "", text).strip()


# --- promotion, calls to action, boilerplate --------------------------------

CALL_TO_ACTION = re.compile(
    r"^(?:join|sign up|subscribe|register|enrol+|book (?:a|an|your)|schedule (?:a|an|your)|"
    r"call (?:us|now|today)|contact us|download|get started|claim|buy|order now|shop|"
    r"click here|learn more|don't miss)\b|"
    r"\b(?:join|sign up|subscribe)\b[^.]{0,60}\b(?:waitlist|wait list|newsletter|mailing list)\b",
    re.I,
)
"""A line that asks the reader to act for the publisher. Never applied to a line about
the reader's own care (`CARE`): "Join a support group", "Book a visit with your doctor"."""

# A promotion is recognised by what it does, not by its words: it OFFERS something the
# publisher sells (a course, an event, a product, a service) together with at least one
# of a sign-up or booking (ENROL), a price or discount (PRICE) or urgency (URGENCY); or
# it names a price with a sign-up, whatever it sells. Lines about the reader's own care
# (CARE) are never promotion. Precision and recall on tests/fixtures/promotion/corpus.yaml
# are in the README.
OFFER = re.compile(
    r"\b(?:master ?class(?:es)?|courses?|workshops?|webinars?|seminars?|summit|expo|retreats?|"
    r"intensives?|training|certification|certificates?|cohort|program(?:me)?s?|coaching|"
    r"memberships?|plans?|packages?|bundles?|kits?|books?|workbooks?|journals?|supplements?|"
    r"gift cards?|tickets?|consultations?|assessments?|discovery calls?|challenges?|"
    r"meditations|sessions?|appointments?|infusions?|offer|deal|method|products?)\b",
    re.I,
)
ENROL = re.compile(
    r"\b(?:reserve|register|enrol+|sign up|subscribe|join|book|buy|order|pre-order|claim|"
    r"grab|apply|secure|upgrade|try|download|get|schedule|pay|save your (?:spot|seat|place))\b",
    re.I,
)
PRICE = re.compile(
    r"[$€£]\s?\d|\b\d+\s?%\s*off\b|\bsave\s+(?:\d|[$€£])|"
    r"\b(?:free|complimentary|discounts?|early-bird|half price|price of one|bonus|for just|"
    r"deposit|code [A-Z0-9]{3,})\b",
    re.I,
)
URGENCY = re.compile(
    r"\b(?:today|now|tonight|this (?:week|weekend|month|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|until|midnight|ends?|close[sd]?|"
    r"last chance|limited|left|filling fast|sold out|before (?:places|prices|spots|seats))\b",
    re.I,
)
SCARCITY = re.compile(
    r"\b(?:\d+ (?:spots|seats|places) left|(?:places|spots|seats) remain|act now|last chance|"
    r"sold out|filling fast|while (?:stocks|supplies) last|ends at midnight)\b",
    re.I,
)
"""Urgency that is only ever a sale's: an offer with it is promotion without a sign-up."""
CARE = re.compile(
    r"\byour (?:doctor|care team|clinician|nurse|pharmacist|pharmacy|health plan|plan|"
    r"insurance|local|county|provider)\b|\b(?:911|988|emergency|consent|refills?|dose|"
    r"support groups?|exams?|check-?ups?|screenings?|vaccines?|follow-up)\b",
    re.I,
)


def is_promotion(text: str) -> bool:
    """An offer of what the publisher sells, with a sign-up, a price or urgency (see above)."""
    if CARE.search(text):
        return False
    priced, enrols = bool(PRICE.search(text)), bool(ENROL.search(text))
    signals = priced + enrols + bool(URGENCY.search(text))
    offers = bool(OFFER.search(text))
    scarce = bool(SCARCITY.search(text))
    return (offers and (priced or scarce or signals >= 2)) or (priced and enrols)


BOILERPLATE = re.compile(
    r"\b(?:never spam|sell your (?:info|information|data)|all rights reserved|privacy policy|"
    r"terms of (?:use|service)|we use cookies|share this (?:article|post)|follow us on|"
    r"will not be published|required fields are marked)\b|©",
    re.I,
)
ADVERT_VISIT = re.compile(
    r"^Visit\s+(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,4})\s+(?:for|to|at|today)\b"
)
"""'Visit NuLife for more information ...': a site sending readers to its own business."""
ADVERT_SELF = re.compile(
    r"\bour (?:dedicated |expert |experienced |caring |friendly )?(?:team|clinic|practice|staff|"
    r"providers|services|course|program|programme)\b",
    re.I,
)
"""A business speaking of itself: 'Our dedicated team is committed to ...'."""

IMAGE_CAPTION = re.compile(r"^(?:Image|Photo|Picture|Thumbnail) of\b", re.I)

# --- comment threads ----------------------------------------------------------

COMMENTS_START = re.compile(
    r"^(?:(?P<n>\d+)\s+)?(?:Comments?|Responses?|Replies)(?:\s*\((?P<m>\d+)\))?$", re.I
)
COMMENTS_END = re.compile(
    r"^(?:Leave a (?:Reply|Comment)|Post a comment|Add a comment|Submit comment)\b", re.I
)

# --- pages of a paginated document ---------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?)\s*)?(?:\d{1,4}|(?=[ivxlc])(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$|"
    r"^[-–—]\s*\d{1,4}\s*[-–—]$",
    re.I,
)
"""A line that is only a page number: '7', 'vii' (a Roman numeral up to 99), 'Page 7',
'p. 7', 'Page 7 of 12', '7 / 12', '– 7 –'."""
_DIGITS = re.compile(r"\d+")


def running_key(line: str) -> str:
    """What a running header or footer has in common from page to page: its words, with
    each number one '#' ('Guide, page 3' and 'Guide, page 4' are both 'guide, page #')."""
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


# --- inline passes ---------------------------------------------------------------

RELATIVE_DATE = re.compile(r"\b(?:last|this|next) (?:year|month|week)\b|\brecently\b", re.I)

TIMESTAMP_ANCHOR = re.compile(
    r"<a\b[^<>]{0,200}?\bdata-t=\"(?P<t>\d{1,2}:\d{2}(?::\d{2})?)\"[^<>]{0,200}>[^<]{0,80}</a>",
    re.I,
)
"""A video summary's timestamp link: <a class="yt-timestamp" data-t="01:22:00">[01:22:00]</a>."""
DANGEROUS_ELEMENT = re.compile(
    r"<(script|style|iframe|object|embed|noscript)\b.*?(?:</\1\s*>|\Z)", re.I | re.S
)
TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
_ELEMENT_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
"""TAG without comments: used after the last '-->', where an unclosed '<!--' would make
TAG scan to the end of the text from each one (quadratic)."""
WIKILINK = re.compile(r"(?<!\s)\s*\[\[(?P<target>[^\[\]|]+)(?:\|(?P<label>[^\[\]]+))?\]\]")
"""A wiki link with the white space before it. The look-behind starts a match only at the
start of a run of white space, so a long run is scanned once, not once per character."""
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([.,;:!?])")

SELF = "@@SELF"
"""Placeholder for the source's own id in timestamp citations, filled in once the id is known."""


def timestamp_to_citation(text: str) -> str:
    """Timestamp links become Pandoc citations with a locator: [@id, 01:22:00]."""
    return TIMESTAMP_ANCHOR.sub(lambda m: f"[{SELF}, {_hms(m.group('t'))}]", text)


def _hms(stamp: str) -> str:
    parts = stamp.split(":")
    if len(parts) == 2:
        parts.insert(0, "00")
    return ":".join(part.zfill(2) for part in parts)


def strip_markup(text: str, line: int) -> tuple[str, list[Removal]]:
    """Remove HTML: dangerous elements with their content, other tags keeping their text.

    Returns the cleaned text and what was removed (reason `markup`, at `line`): each dangerous
    element whole, then the other tags, each written once, in one entry.
    """
    removed = [Removal("markup", m.group(0), line) for m in DANGEROUS_ELEMENT.finditer(text)]
    text = DANGEROUS_ELEMENT.sub(" ", text)
    end = text.rfind("-->") + 3 if "-->" in text else 0
    head, tail = text[:end], text[end:]  # no tag spans the end of the last '-->'
    tags = TAG.findall(head) + _ELEMENT_TAG.findall(tail)
    if tags:
        removed.append(Removal("markup", " ".join(dict.fromkeys(tags)), line))
    text = TAG.sub(" ", head) + _ELEMENT_TAG.sub(" ", tail)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), removed


def strip_wikilinks(text: str) -> tuple[str, list[str]]:
    """[[target]] and [[target|label]] leave the text; a label stays in its place.

    Returns the cleaned text and the link targets, each once, in the order they appear.
    """
    targets: list[str] = []

    def replace(match: re.Match[str]) -> str:
        target = match.group("target").strip()
        if target and target not in targets:
            targets.append(target)
        label = match.group("label")
        return f" {label.strip()}" if label else ""

    text = WIKILINK.sub(replace, text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text).strip(), targets


_MD_ESCAPES = str.maketrans({mark: "\\" + mark for mark in "\\`*_<>[]"})
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_MD_BLOCK_START = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*=~])")


def escape_markdown(text: str) -> str:
    """Plain text that stays plain text in CommonMark: inline marks and block starts escaped."""
    text = text.translate(_MD_ESCAPES)  # one pass, no regex replacement template per mark
    if _MD_ORDERED.match(text):
        return _MD_ORDERED.sub(r"\1\\\2", text, count=1)
    if _MD_BLOCK_START.match(text):
        text = "\\" + text
    return text


LABELLED_ITEM = re.compile(r"^(?P<label>[A-Z][^:.!?]{1,60}):\s+(?P<rest>\S.*)$")


def bold_label(item: str) -> str:
    """'Open Communication: Maintain ...' becomes '**Open Communication:** Maintain ...'."""
    match = LABELLED_ITEM.match(item)
    if not match or len(match.group("label").split()) > 8:
        return item
    return f"**{match.group('label')}:** {match.group('rest')}"
