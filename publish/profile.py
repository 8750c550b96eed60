"""The clinic profile: who hands the document out, and the safety text it adds or replaces.

The built-in disclaimer and crisis lines are messages, translated per language
(`publish.i18n`). A profile cannot remove the disclaimer, only extend it, and can
replace the crisis lines (for another country) per language, never empty them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAPERS = ("letter", "a4")


def pick(values: tuple[tuple[str, object], ...], language: str) -> object | None:
    """The value for a language: its exact tag first, then its primary language ('es' for es-MX)."""
    wanted = language.lower()
    for tag, value in values:
        if tag.lower() == wanted:
            return value
    for tag, value in values:
        if tag.lower() == wanted.split("-")[0]:
            return value
    return None


@dataclass(frozen=True)
class Profile:
    """A clinic's settings. The default is neutral: no clinic, built-in crisis lines, Letter."""

    clinic_name: str | None = None
    logo: str | None = None
    """The clinic's logo as a data: URI (SVG or PNG), read once when the profile loads."""
    phone: str | None = None
    address: str | None = None
    website: str | None = None
    site_url: str | None = None
    """The https base address of the clinic's handout site; with it, each printed handout
    carries a QR code for its page there (`publish.site.layout.page_url`)."""
    locale: str = "en-US"
    """Whose dates: a document's language written the way this region writes it, if CLDR can."""
    paper: str = "letter"
    crisis: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Crisis lines per language, replacing the built-in ones; empty: the built-in ones."""
    disclaimer_extra: tuple[tuple[str, str], ...] = ()
    """Text added after the built-in disclaimer, per language."""
    source: str | None = field(default=None, compare=False)
    """The file the profile came from, for error messages."""

    def crisis_for(self, language: str) -> tuple[str, ...] | None:
        found = pick(self.crisis, language)
        return found if isinstance(found, tuple) else None

    def crisis_languages(self) -> tuple[str, ...]:
        return tuple(tag for tag, _ in self.crisis)

    def disclaimer_extra_for(self, language: str) -> str | None:
        found = pick(self.disclaimer_extra, language)
        return found if isinstance(found, str) else None

    def disclaimer_extra_languages(self) -> tuple[str, ...]:
        return tuple(tag for tag, _ in self.disclaimer_extra)


DEFAULT = Profile()
