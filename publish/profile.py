"""The clinic profile: who hands the document out, and the safety text around it.

The built-in disclaimer cannot be removed, only extended; crisis lines have a
US default and can be replaced for another country, never emptied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DISCLAIMER = (
    "This is for education only. It is not medical advice. "
    "Do not start, stop or change any treatment without talking to your clinician."
)
"""The safety disclaimer printed on every artifact."""

CRISIS_TITLE = "Get help now"
DEFAULT_CRISIS = (
    "If you are thinking about suicide or are in crisis, call or text 988 "
    "(988 Suicide & Crisis Lifeline, US).",
    "In an emergency, call 911 or go to the nearest emergency room.",
)

PAPERS = ("letter", "a4")


@dataclass(frozen=True)
class Profile:
    """A clinic's settings. The default is neutral: no clinic, US crisis lines, Letter paper."""

    clinic_name: str | None = None
    logo: str | None = None
    """The clinic's logo as a data: URI (SVG or PNG), read once when the profile loads."""
    phone: str | None = None
    address: str | None = None
    website: str | None = None
    language: str = "en"
    locale: str = "en-US"
    paper: str = "letter"
    crisis: tuple[str, ...] = DEFAULT_CRISIS
    disclaimer_extra: str | None = None
    source: str | None = field(default=None, compare=False)
    """The file the profile came from, for error messages."""

    @property
    def disclaimer(self) -> str:
        return f"{DISCLAIMER} {self.disclaimer_extra}" if self.disclaimer_extra else DISCLAIMER


DEFAULT = Profile()
