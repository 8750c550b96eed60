"""Languages: the message catalogs, dates and safety text of each language a document is in.

Every string a template or a renderer prints is a message: written in English in the
source (templates use `{% trans %}`, Python marks them with `N_`), extracted with
`pybabel extract`, and translated in a Babel catalog per language. The package's
catalogs (compiled `.mo`, made with `pybabel compile`) are under
`templates/locale/<lang>/LC_MESSAGES/`; a project adds or corrects a language with a
`messages.po` at the same place in its own `templates/` folder, read as it is (no
compile step to forget). A message a catalog lacks, or marks fuzzy, is untranslated:
the renderer records it and `publish check` fails the file, so no sheet mixes
languages unnoticed.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from publish.errors import ContentError

if TYPE_CHECKING:
    from babel import Locale

    from publish.profile import Profile

SOURCE_LANGUAGE = "en"
"""The language messages are written in: English text needs no catalog."""
DOMAIN = "messages"
CATALOG_FOLDER = "locale"
"""Inside a templates folder (the package's or the project's): `locale/<lang>/LC_MESSAGES/`."""


def N_(message: str) -> str:
    """Mark a message for extraction (`pybabel extract -k N_`); it is translated where printed."""
    return message


DISCLAIMER = N_(
    "This is for education only. It is not medical advice. "
    "Do not start, stop or change any treatment without talking to your clinician."
)
"""The safety disclaimer printed on every artifact."""
CRISIS_TITLE = N_("Get help now")
CRISIS_LINES = (
    N_(
        "If you are thinking about suicide or are in crisis, call or text 988 "
        "(988 Suicide & Crisis Lifeline, US)."
    ),
    N_("In an emergency, call 911 or go to the nearest emergency room."),
)
"""The built-in crisis lines (US); a clinic profile replaces them per language."""
DRAFT_MARKING = N_("Draft — not yet clinically reviewed")
"""Printed on every page of a draft; the safety gate requires it."""


def primary(tag: str) -> str:
    """The primary language subtag: 'es' of 'es-MX'."""
    return tag.split("-")[0].lower()


def babel_locale(tag: str) -> Locale:
    """The CLDR locale of a BCP 47 tag; an unknown language is a ValueError."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"{tag!r} is not a language known to CLDR") from exc


def known_language(tag: str) -> bool:
    try:
        babel_locale(tag)
    except ValueError:
        return False
    return True


def date_locale(language: str, region_hint: str | None) -> Locale:
    """The locale dates are written in: the document's language, in the profile's region
    when CLDR has that pair (a US clinic's Spanish is es_US), else the language alone."""
    from babel import Locale, UnknownLocaleError

    locale = babel_locale(language)
    region = babel_locale(region_hint).territory if region_hint else None
    if locale.territory or not region:
        return locale
    try:
        return Locale(locale.language, region, locale.script)
    except UnknownLocaleError:
        return locale


@dataclass(frozen=True)
class Catalog:
    """One language's translations, merged from the project's catalogs and the package's."""

    translations: dict[str, str | tuple[str, ...]]
    plural: Callable[[int], int]
    """The index of a plural form for a number (the catalog's Plural-Forms rule)."""


def catalog_files(language: str, project_templates: Path | None) -> tuple[Path, ...]:
    """The catalogs that serve a language, most specific first: the project's `messages.po`
    for the exact tag, then for its primary language; then the package's compiled ones."""
    from publish.resources import bundled_templates

    names = _folder_names(language)
    found = []
    if project_templates is not None:
        for name in names:
            path = project_templates / CATALOG_FOLDER / name / "LC_MESSAGES" / f"{DOMAIN}.po"
            if path.is_file():
                found.append(path)
    for name in names:
        path = bundled_templates() / CATALOG_FOLDER / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if path.is_file():
            found.append(path)
    return tuple(found)


def _folder_names(language: str) -> list[str]:
    """Folder names for a tag, as `pybabel init -l` writes them: 'es_MX', then 'es'."""
    names = [language.replace("-", "_")]
    if known_language(language):
        names.append(str(babel_locale(language)))
    names.append(primary(language))
    return list(dict.fromkeys(names))


def load_catalog(language: str, project_templates: Path | None) -> Catalog:
    """The language's catalog; a project's broken `messages.po` names its file and line."""
    files = catalog_files(language, project_templates)
    stamps = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _load(stamps)


@lru_cache(maxsize=16)
def _load(stamps: tuple[tuple[Path, int, int], ...]) -> Catalog:
    """The merged catalog of these files, read again when one of them changes."""
    translations: dict[str, str | tuple[str, ...]] = {}
    plural: Callable[[int], int] | None = None
    for path, _, _ in reversed(stamps):  # package first, so the project's entries win
        messages, rule = _read(path)
        translations.update(messages)
        plural = rule or plural
    fallback = gettext.c2py("(n != 1)")
    return Catalog(translations, plural or fallback)


def _read(path: Path) -> tuple[dict[str, str | tuple[str, ...]], Callable[[int], int] | None]:
    """A catalog's translated, not fuzzy, messages and its plural rule."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as handle:
            if path.suffix == ".mo":
                catalog = read_mo(handle)
            else:
                catalog = read_po(handle, abort_invalid=True)
    except PoFileError as exc:  # Babel counts lines from 0, and says so in its message
        line = getattr(exc, "lineno", None)
        detail = re.sub(r" on \d+$", "", str(exc))
        where = line + 1 if isinstance(line, int) else None
        raise ContentError(f"message catalog: {detail}", path, where) from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ContentError(f"message catalog cannot be read: {exc}", path) from exc
    messages: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        value = message.string
        if isinstance(value, (list, tuple)):
            if all(value):
                messages[key] = tuple(value)
        elif value:
            messages[key] = value
    rule = None
    if catalog.plural_expr:
        rule = gettext.c2py(catalog.plural_expr)
    return messages, rule


@dataclass
class Messages:
    """What one document prints in its language: translated messages and long dates.

    A message the catalog lacks is printed in English and remembered in `missing`, so the
    build can record it and `check` can fail the file; in English nothing is missing.
    """

    language: str
    catalog: Catalog
    locale: Locale
    missing: set[str] = field(default_factory=set)

    @property
    def is_source(self) -> bool:
        return primary(self.language) == SOURCE_LANGUAGE

    def has(self, message: str) -> bool:
        return self.is_source or message in self.catalog.translations

    def gettext(self, message: str) -> str:
        found = self.catalog.translations.get(message)
        if isinstance(found, str):
            return found
        if not self.is_source:
            self.missing.add(message)
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self.catalog.translations.get(singular)
        if isinstance(found, tuple):
            index = self.catalog.plural(n)
            return found[min(index, len(found) - 1)]
        if not self.is_source:
            self.missing.add(singular)
        return singular if n == 1 else plural

    def date(self, day: date | str | None) -> str:
        """A long date in the document's locale ('November 24, 2026', '24 de noviembre de 2026')."""
        from babel.dates import format_date

        if not day:
            return ""
        value = date.fromisoformat(day) if isinstance(day, str) else day
        return format_date(value, format="long", locale=self.locale)


def messages_for(
    language: str, project_templates: Path | None = None, region_hint: str | None = None
) -> Messages:
    """The messages of a document in `language` (a BCP 47 tag), dates in `region_hint`'s region."""
    return Messages(
        language,
        load_catalog(language, project_templates),
        date_locale(language, region_hint),
    )


@dataclass(frozen=True)
class Safety:
    """The safety text of one document, in its language: what the safety gate looks for."""

    disclaimer: str
    crisis_title: str
    crisis: tuple[str, ...]
    draft_marking: str


class NoSafetyText(ContentError):
    """A language with no disclaimer or crisis lines of its own: never printed in English."""


def safety(messages: Messages, profile: Profile) -> Safety:
    """The disclaimer, crisis block and draft marking in the document's language.

    A clinic profile's own crisis lines (and added disclaimer text) replace the built-in
    ones per language; a language that has neither its own translation of the built-in
    text nor the profile's is refused: a patient must never get an English disclaimer
    on a sheet in another language.
    """
    language = messages.language
    lacking = [
        name
        for name, message in (("disclaimer", DISCLAIMER), ("draft marking", DRAFT_MARKING))
        if not messages.has(message)
    ]
    crisis = profile.crisis_for(language)
    if crisis is None and profile.crisis_languages():
        raise NoSafetyText(
            f"the clinic profile replaces the crisis lines but gives none in {language!r}; "
            f'add them under [crisis] as {primary(language)} = ["..."]',
            profile.source,
        )
    if crisis is None:
        lacking += [
            f"crisis line {n}" for n, m in enumerate(CRISIS_LINES, 1) if not messages.has(m)
        ]
        crisis = tuple(messages.gettext(m) for m in CRISIS_LINES)
    if not messages.has(CRISIS_TITLE):
        lacking.append("crisis heading")
    if lacking:
        raise NoSafetyText(
            f"no safety text in {language!r}: no translation of the {', '.join(lacking)}; "
            f"add a message catalog templates/{CATALOG_FOLDER}/{language.replace('-', '_')}"
            f"/LC_MESSAGES/{DOMAIN}.po (see README, 'Adding a language')"
        )
    extra = profile.disclaimer_extra_for(language)
    if extra is None and profile.disclaimer_extra_languages():
        raise NoSafetyText(
            f"the clinic profile adds to the disclaimer but not in {language!r}; "
            f'add it under [disclaimer_extra] as {primary(language)} = "..."',
            profile.source,
        )
    disclaimer = messages.gettext(DISCLAIMER)
    return Safety(
        disclaimer=f"{disclaimer} {extra}" if extra else disclaimer,
        crisis_title=messages.gettext(CRISIS_TITLE),
        crisis=crisis,
        draft_marking=messages.gettext(DRAFT_MARKING),
    )
