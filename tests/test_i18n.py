"""Message catalogs, dates and the safety text per language (publish/i18n.py).

What a clinic relies on: every string a template prints is in the catalog template,
the shipped Spanish catalog translates all of it (placeholders intact), the compiled
catalog matches its source, and a language with no safety text of its own is refused
rather than printed with an English disclaimer.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from publish import i18n
from publish.errors import EXIT_CONTENT, ContentError
from publish.i18n import CRISIS_LINES, DISCLAIMER, NoSafetyText, messages_for, safety
from publish.profile import Profile

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "templates" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _ids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id[0] if isinstance(m.id, (list, tuple)) else m.id for m in catalog if m.id}


def _extracted() -> set[str]:
    """The messages in the code and templates now, as `pybabel extract` finds them."""
    with (LOCALE / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for folder in ("publish", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / folder,
            method_map,
            options_map,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ, reason="mutation testing rewrites the code it extracts from"
)
def test_catalog_template_holds_every_message_the_code_and_templates_print() -> None:
    with (LOCALE / "messages.pot").open("rb") as handle:
        template = _ids(read_po(handle))
    assert _extracted() == template, (
        "run pybabel extract (README, 'Translating the templates') and update the catalogs"
    )


def _spanish():  # type: ignore[no-untyped-def]
    with (LOCALE / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_spanish_catalog_translates_every_message_with_its_placeholders() -> None:
    with (LOCALE / "messages.pot").open("rb") as handle:
        template = _ids(read_po(handle))
    spanish = _spanish()
    assert _ids(spanish) == template
    for message in spanish:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:  # a plural's "one" form may leave the number out
            found = set(PLACEHOLDER.findall(string))
            assert found <= wanted if len(ids) > 1 else found == wanted, (ids[0], string)


def test_compiled_spanish_catalog_matches_its_source() -> None:
    source = io.BytesIO()
    write_mo(source, _spanish())
    source.seek(0)
    with (LOCALE / "es" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        shipped = read_mo(handle)
    compiled = read_mo(source)
    assert _pairs(shipped) == _pairs(compiled), "run pybabel compile -d templates/locale"


def _pairs(catalog) -> dict[object, object]:  # type: ignore[no-untyped-def]
    return {_key(m.id): _key(m.string) for m in catalog if m.id}


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_english_is_the_source_language_and_needs_no_catalog() -> None:
    english = messages_for("en")
    text = safety(english, Profile())
    assert text.disclaimer == DISCLAIMER
    assert text.crisis == CRISIS_LINES
    assert not english.missing


def test_spanish_safety_text_is_spanish_and_says_how_to_reach_988_in_spanish() -> None:
    text = safety(messages_for("es-MX"), Profile())
    assert text.disclaimer.startswith("Esta información es solo para aprender.")
    assert "oprima 2" in text.crisis[0] and "AYUDA" in text.crisis[0]
    assert text.crisis_title == "Pida ayuda ahora"
    assert text.draft_marking == "Borrador: aún sin revisión clínica"


def test_a_language_with_no_safety_text_is_refused_never_printed_in_english() -> None:
    with pytest.raises(NoSafetyText) as raised:
        safety(messages_for("vi"), Profile())
    assert raised.value.exit_code == EXIT_CONTENT
    assert "no safety text in 'vi'" in raised.value.raw
    assert "templates/locale/vi/LC_MESSAGES/messages.po" in raised.value.raw


def test_profile_crisis_lines_replace_the_built_in_ones_per_language() -> None:
    profile = Profile(crisis=(("en", ("Call 999.",)), ("es", ("Llame al 999.",))))
    assert safety(messages_for("en"), profile).crisis == ("Call 999.",)
    assert safety(messages_for("es-MX"), profile).crisis == ("Llame al 999.",)


def test_profile_crisis_lines_in_one_language_refuse_the_others() -> None:
    """A clinic outside the US that replaced its English lines must not get the US 988 line
    printed on its Spanish sheets."""
    profile = Profile(crisis=(("en", ("Call 999.",)),), source="publish.toml")
    with pytest.raises(NoSafetyText) as raised:
        safety(messages_for("es"), profile)
    assert "[crisis]" in raised.value.raw and raised.value.path == Path("publish.toml")


def test_profile_disclaimer_addition_is_per_language() -> None:
    profile = Profile(disclaimer_extra=(("en", "Ask us."), ("es", "Pregúntenos.")))
    assert safety(messages_for("es"), profile).disclaimer.endswith(" Pregúntenos.")
    with pytest.raises(NoSafetyText):
        safety(messages_for("es"), Profile(disclaimer_extra=(("en", "Ask us."),)))


@pytest.mark.parametrize(
    ("language", "region", "expected"),
    [
        ("en", "en-US", "November 24, 2026"),
        ("en", "en-GB", "24 November 2026"),
        ("es", "en-US", "24 de noviembre de 2026"),
        ("es-MX", "en-US", "24 de noviembre de 2026"),
    ],
)
def test_dates_are_written_as_the_language_and_region_write_them(
    language: str, region: str, expected: str
) -> None:
    assert messages_for(language, None, region).date(date(2026, 11, 24)) == expected


def _project_catalog(templates: Path, language: str, entries: dict[str, str], fuzzy=()) -> Path:  # type: ignore[no-untyped-def]
    folder = templates / "locale" / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    lines = [f'msgid ""\nmsgstr "Language: {language}\\n"\n']
    for msgid, msgstr in entries.items():
        flag = "#, fuzzy\n" if msgid in fuzzy else ""
        lines.append(f'{flag}msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    path = folder / "messages.po"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_project_catalog_adds_a_language(tmp_path: Path) -> None:
    _project_catalog(
        tmp_path,
        "vi",
        {
            DISCLAIMER: "Chỉ để tìm hiểu.",
            i18n.CRISIS_TITLE: "Hãy tìm trợ giúp ngay",
            i18n.DRAFT_MARKING: "Bản nháp",
            CRISIS_LINES[0]: "Gọi 988.",
            CRISIS_LINES[1]: "Gọi 911.",
        },
    )
    text = safety(messages_for("vi", tmp_path), Profile())
    assert text.disclaimer == "Chỉ để tìm hiểu." and text.crisis == ("Gọi 988.", "Gọi 911.")


def test_a_project_catalog_wins_over_the_package_and_fuzzy_entries_do_not_count(
    tmp_path: Path,
) -> None:
    _project_catalog(
        tmp_path,
        "es",
        {"Get help now": "Busque ayuda ya", "References": "Bibliografía"},
        fuzzy=("References",),
    )
    spanish = messages_for("es", tmp_path)
    assert spanish.gettext("Get help now") == "Busque ayuda ya"
    assert spanish.gettext("References") == "Referencias"  # the package's, not the fuzzy one
    assert spanish.gettext("Not in any catalog") == "Not in any catalog"
    assert spanish.missing == {"Not in any catalog"}


def test_a_broken_project_catalog_names_its_file(tmp_path: Path) -> None:
    path = _project_catalog(tmp_path, "es", {})
    path.write_text('msgid "a"\nmsgstr "b"\nmsgid "a"\nnot a po line\n', encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        messages_for("es", tmp_path)
    assert raised.value.path == path


def test_the_refusal_names_every_missing_piece_and_where_to_add_it() -> None:
    with pytest.raises(NoSafetyText) as raised:
        safety(messages_for("pt-BR"), Profile())
    assert raised.value.raw == (
        "no safety text in 'pt-BR': no translation of the disclaimer, draft marking, "
        "crisis line 1, crisis line 2, crisis heading; add a message catalog "
        "templates/locale/pt_BR/LC_MESSAGES/messages.po (see README, 'Adding a language')"
    )


def test_one_untranslated_crisis_line_is_named_alone(tmp_path: Path) -> None:
    _project_catalog(
        tmp_path,
        "vi",
        {
            DISCLAIMER: "Chỉ để tìm hiểu.",
            i18n.CRISIS_TITLE: "Hãy tìm trợ giúp ngay",
            i18n.DRAFT_MARKING: "Bản nháp",
            CRISIS_LINES[0]: "Gọi 988.",
        },
    )
    with pytest.raises(NoSafetyText) as raised:
        safety(messages_for("vi", tmp_path), Profile())
    assert "no translation of the crisis line 2;" in raised.value.raw


def test_a_profile_without_the_languages_disclaimer_addition_names_its_table() -> None:
    profile = Profile(disclaimer_extra=(("en", "Ask us."),), source="clinic.toml")
    with pytest.raises(NoSafetyText) as raised:
        safety(messages_for("es"), profile)
    assert raised.value.raw == (
        "the clinic profile adds to the disclaimer but not in 'es'; "
        'add it under [disclaimer_extra] as es = "..."'
    )
    assert raised.value.path == Path("clinic.toml")


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("en", 1, "1 comment"),
        ("en", 2, "2 comments"),
        ("es", 1, "1 comentario"),
        ("es", 3, "3 comentarios"),
        ("es", 1_000_000, "1000000 comentarios"),
    ],
)
def test_plurals_follow_the_languages_own_rule(language: str, n: int, expected: str) -> None:
    messages = messages_for(language)
    text = messages.ngettext("%(num)d comment", "%(num)d comments", n) % {"num": n}
    assert text == expected and not messages.missing


def test_a_plural_the_catalog_lacks_is_printed_in_english_and_recorded() -> None:
    spanish = messages_for("es")
    assert spanish.ngettext("%(num)d apple", "%(num)d apples", 2) == "%(num)d apples"
    assert spanish.ngettext("%(num)d apple", "%(num)d apples", 1) == "%(num)d apple"
    assert spanish.missing == {"%(num)d apple"}


def test_a_broken_catalog_names_the_line(tmp_path: Path) -> None:
    path = _project_catalog(tmp_path, "es", {})
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d"\nbogus line\n', "utf-8")
    with pytest.raises(ContentError) as raised:
        messages_for("es", tmp_path)
    assert raised.value.path == path and raised.value.line == 6
