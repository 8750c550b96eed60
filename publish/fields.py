"""One set of field types for every file a person writes, and the models built from them.

topic.yaml, seeds/overrides.yaml, the clinic profile (TOML) and the front matter of
normalized sources each used to check their fields in their own way, so a URL one loader
accepted another refused. Here each kind of value (slug, URL, date, language tag, text)
is one type, and each file is one small model made of those types. Loaders turn what a
model finds into one `PublishError` listing every problem; `python -m publish.fieldschema`
writes the JSON Schemas in publish/schemas/ from the same models.

This module imports pydantic, so it is imported only where such a file is read (inside
the loading function, or by the normalize pipeline): `publish --help` never pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, NoReturn, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    RootModel,
    Tag,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from publish.errors import PublishError
from publish.normalizer.model import FLAGS, KINDS, REASONS
from publish.patterns import (
    DATE,
    LANGUAGE,
    SHA256,
    SLUG,
    URL,
    VIDEO_ID,
    VISIBLE,
    describe_control,
    is_blank,
)
from publish.profile import PAPERS

# --- checks: each takes what a YAML or TOML loader gives and returns the field's value --------


def fail(message: str) -> NoReturn:
    """A problem with a value, worded to follow its field name: "field 'x' <message>"."""
    raise PydanticCustomError("publish", "{message}", {"message": message})


def _what(value: Any) -> str:
    names = {
        list: "a list",
        dict: "a mapping",
        bool: "true/false",
        int: "a number",
        type(None): "an empty value",
    }
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    return names.get(type(value), "a number" if isinstance(value, float) else type(value).__name__)


def _string(value: Any) -> str:
    """Text as written; never a control character, lone surrogate or noncharacter, which no
    artifact can print (the EPUB's XML cannot even hold most of them)."""
    if not isinstance(value, str):
        fail(f"must be text, not {_what(value)}")
    problem = describe_control(value)
    if problem:
        fail(f"must not hold an {problem}")
    return value


def _text(value: Any) -> str:
    text = _string(value).strip()
    if is_blank(text):
        fail("must not be blank")
    return text


def _matching(pattern: str, wanted: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if re.fullmatch(pattern, _string(value)) is None:
            fail(f"must be {wanted}, not {value!r}")
        return str(value)

    return check


def _date(value: Any) -> date:
    """A date from YAML text ('2024-01-03') or a TOML date; never a time of day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(DATE, value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    fail(f"must be an ISO date (YYYY-MM-DD), not {value!r}")


def _version(value: Any) -> str:
    """Version text. An unquoted number is refused: YAML reads `1.10` as 1.1 and `010` as 8,
    so two versions would print (and identify the e-book) the same."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        fail(
            f'must be text in quotes, such as "1.2.0": unquoted, YAML read it as the number '
            f"{value} (1.10 would become 1.1, and 010 would become 8)"
        )
    return _text(value)


LATEST_ZONE = timedelta(hours=14)
"""The earliest time zone (UTC+14): a date that is today anywhere on Earth is not refused."""


def not_future(day: date) -> date:
    """A date that has already happened somewhere on Earth; later ones are refused."""
    latest = (datetime.now(UTC) + LATEST_ZONE).date()
    if day > latest:
        fail(f"must not be in the future, not {day.isoformat()}")
    return day


def _lines(value: Any) -> tuple[str, ...]:
    ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    if not ok or any(is_blank(v) for v in value):
        fail("must be a non-empty list of lines, none of them blank")
    return tuple(v.strip() for v in value)


def _language(value: Any) -> str:
    """A BCP 47 tag whose language CLDR knows: dates, plurals and catalogs need it, and a
    well-shaped tag such as 'old' or 'xx' is a typo, not a language."""
    from publish.i18n import known_language

    tag = _matching(LANGUAGE, "a BCP 47 language tag such as 'en' or 'es-MX'")(value)
    if not known_language(tag):
        fail(f"must be a language tag CLDR knows (such as 'en', 'es-MX', 'zh-Hans'), not {tag!r}")
    return tag


T = TypeVar("T")


def _per_language(check: Callable[[Any], T]) -> Callable[[Any], tuple[tuple[str, T], ...]]:
    """A value given once, for English, or as a table by language tag (`[crisis] es = [...]`)."""

    def per_language(value: Any) -> tuple[tuple[str, T], ...]:
        if not isinstance(value, Mapping):
            return (("en", check(value)),)
        if not value:
            fail("must give at least one language")
        found = []
        for tag, item in value.items():
            try:
                found.append((_language(tag), check(item)))
            except PydanticCustomError as exc:
                fail(f"[{tag}] {exc.context['message'] if exc.context else exc}")
        return tuple(found)

    return per_language


def _one_of(choices: Sequence[str]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            fail(f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    return check


def _string_schema(pattern: str, **extra: Any) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, **extra})


def _enum(choices: Sequence[str]) -> WithJsonSchema:
    return WithJsonSchema({"enum": list(choices)})


# --- the types --------------------------------------------------------------------------------

Text = Annotated[str, PlainValidator(_text), _string_schema(VISIBLE)]
"""Text a reader sees: stripped, and never blank or made only of invisible characters."""
Slug = Annotated[
    str, PlainValidator(_matching(SLUG, "a lowercase slug (a-z, 0-9, '-')")), _string_schema(SLUG)
]
Url = Annotated[str, PlainValidator(_matching(URL, "an http(s) URL")), _string_schema(URL)]


_HTTPS_BASE = r"^https://[^?#]+$"
"""A base address a page's path is added to: https, and no query or fragment to cut it."""


def site_url(value: Any) -> str:
    """An https URL: a printed code must not send a patient to a page that anyone on the
    way can rewrite. Also checks `publish site --base-url`, which must be as safe."""
    url = _matching(URL, "an https URL")(value)
    return _matching(_HTTPS_BASE, "an https URL without '?' or '#'")(url)


SiteUrl = Annotated[
    str,
    PlainValidator(site_url),
    WithJsonSchema({"type": "string", "allOf": [{"pattern": URL}, {"pattern": _HTTPS_BASE}]}),
]
"""The base address of a clinic's handout site: https, without query or fragment."""
VideoId = Annotated[
    str,
    PlainValidator(_matching(VIDEO_ID, "a video id (A-Z, a-z, 0-9, '_', '-')")),
    _string_schema(VIDEO_ID),
]
LanguageTag = Annotated[str, PlainValidator(_language), _string_schema(LANGUAGE)]
Sha256 = Annotated[
    str, PlainValidator(_matching(SHA256, "64 lowercase hex digits")), _string_schema(SHA256)
]
IsoDate = Annotated[date, PlainValidator(_date), _string_schema(DATE, format="date")]
"""A calendar date; YAML dates arrive as text (publish/frontmatter.py keeps them so)."""
IsoDateText = Annotated[
    str, PlainValidator(lambda v: _date(v).isoformat()), _string_schema(DATE, format="date")
]
"""The same date, kept as its ISO text, for front matter that is written back out."""
Version = Annotated[str, PlainValidator(_version), _string_schema(VISIBLE)]
"""1.2.0 or "1.10": always text, so YAML cannot turn 1.10 into 1.1."""
PastDate = Annotated[
    date, PlainValidator(lambda v: not_future(_date(v))), _string_schema(DATE, format="date")
]
"""A date that has happened (an update, an approval): a later one is a typo or a forgery."""
PlainText = Annotated[str, PlainValidator(_string), WithJsonSchema({"type": "string"})]
"""Text kept exactly as written (removed raw text), but printable."""
Names = list[Text]
"""People: each a non-blank name."""
Lines = Annotated[
    tuple[str, ...],
    PlainValidator(_lines),
    WithJsonSchema(
        {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": VISIBLE}}
    ),
]
"""Lines printed one under another (crisis lines): at least one, none blank."""
_LINES_SCHEMA = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": VISIBLE}}
LinesByLanguage = Annotated[
    tuple[tuple[str, tuple[str, ...]], ...],
    PlainValidator(_per_language(_lines)),
    WithJsonSchema(
        {
            "anyOf": [
                _LINES_SCHEMA,
                {"type": "object", "additionalProperties": _LINES_SCHEMA, "minProperties": 1},
            ]
        }
    ),
]
"""Crisis lines: one list (English), or a table of lists by language tag."""
TextByLanguage = Annotated[
    tuple[tuple[str, str], ...],
    PlainValidator(_per_language(_text)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": VISIBLE},
                {
                    "type": "object",
                    "additionalProperties": {"type": "string", "pattern": VISIBLE},
                    "minProperties": 1,
                },
            ]
        }
    ),
]
"""Text given once (English), or as a table by language tag."""
STATUSES = ("draft", "approved")
Status = Annotated[str, PlainValidator(_one_of(STATUSES)), _enum(STATUSES)]
Paper = Annotated[str, PlainValidator(_one_of(PAPERS)), _enum(PAPERS)]
Kind = Annotated[str, PlainValidator(_one_of(tuple(KINDS))), _enum(tuple(KINDS))]
Flag = Annotated[str, PlainValidator(_one_of(tuple(FLAGS))), _enum(tuple(FLAGS))]
Reason = Annotated[str, PlainValidator(_one_of(tuple(REASONS))), _enum(tuple(REASONS))]


def _source_form(value: Any) -> str:
    """Which form a `sources:` value is written in: a list of ids, or aliases mapped to ids."""
    if isinstance(value, list):
        return "list"
    return "mapping" if isinstance(value, dict) else "neither"


def _neither(value: Any) -> NoReturn:
    fail(
        f"must be a list of source ids, or a mapping of short aliases to source ids, "
        f"not {_what(value)}"
    )


SOURCE_FORMS = ("list", "mapping", "neither")
"""The forms of `sources:`; pydantic puts the one chosen into the location of a problem,
and `check` takes it out again, so a problem names the item as it is written."""
_SLUG_SCHEMA = {"type": "string", "pattern": SLUG}
SourceList = Annotated[
    Annotated[list[Slug], Tag("list")]
    | Annotated[dict[Slug, Slug], Tag("mapping")]
    | Annotated[Any, PlainValidator(_neither), Tag("neither")],
    Discriminator(_source_form),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": _SLUG_SCHEMA},
                {
                    "type": "object",
                    "propertyNames": {"pattern": SLUG},
                    "additionalProperties": _SLUG_SCHEMA,
                },
            ]
        }
    ),
]
"""The sources a topic draws on: their ids, or short aliases (also slugs) mapped to them."""


class Fields(BaseModel):
    """A file's fields: unknown ones are errors, and values are never coerced between types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


def _about(text: str, **extra: Any) -> Any:
    """A field with a description; the JSON Schemas show it to whoever writes the file."""
    return Field(description=text, **extra)


class TopicFields(Fields):
    """topic.yaml: document control of a topic, written by the people who own its text."""

    id: Slug = _about("The topic's id, a lowercase slug: output goes to dist/<id>/.")
    title: Text = _about("The title on every artifact.")
    subtitle: Text | None = _about("A line under the title.", default=None)
    summary: Text | None = _about("One or two sentences on what the topic covers.", default=None)
    version: Version = _about("The document's version, such as 1.2.0.")
    status: Status = _about("draft until a clinician approves the text.")
    updated: PastDate = _about(
        "When the text last changed; the date printed on artifacts. Not in the future."
    )
    approved_by: Text | None = _about(
        "Who approved the text; required when status is approved.",
        default=None,
        validate_default=True,
    )
    approved_on: PastDate | None = _about(
        "When the text was approved; required when status is approved. Not in the future.",
        default=None,
        validate_default=True,
    )
    next_review: IsoDate = _about("When the text must be reviewed again.")
    language: LanguageTag = _about("BCP 47 tag of the text's language.")
    sources: SourceList | None = _about(
        "The normalized sources the topic draws on, in reference order: their ids, or short "
        "aliases mapped to ids.",
        default=None,
    )

    @field_validator("approved_by", "approved_on")
    @classmethod
    def _needed_when_approved(cls, value: object, info: ValidationInfo) -> object:
        """An approved document names who approved it and when: the footer prints both."""
        if value is None and info.data.get("status") == "approved":
            fail("must be set when status is approved")
        return value


class TranslationFields(Fields):
    """The front matter of `patient.<tag>.md`: a translation's own document control."""

    title: Text = _about("The title, translated.")
    subtitle: Text | None = _about("The subtitle, translated.", default=None)
    summary: Text | None = _about("The summary, translated.", default=None)
    translated_from: Version = _about(
        "The topic version (topic.yaml's `version`) this text was translated from."
    )
    status: Status = _about("draft until a person who reads both languages approves it.")
    translator: Text = _about("Who translated the text.")
    approved_by: Text | None = _about(
        "Who approved the translation; required when status is approved.",
        default=None,
        validate_default=True,
    )
    approved_on: PastDate | None = _about(
        "When the translation was approved; required when status is approved.",
        default=None,
        validate_default=True,
    )

    _needed_when_approved = field_validator("approved_by", "approved_on")(
        TopicFields._needed_when_approved.__func__  # type: ignore[attr-defined]
    )


class ProfileFields(Fields):
    """A clinic's profile (publish.toml, [tool.publish] or --profile FILE)."""

    retired: ClassVar[dict[str, str]] = {
        "language": "was removed: a topic's language is set in its topic.yaml, and its "
        "translations are patient.<tag>.md files beside it"
    }

    clinic_name: Text | None = _about(
        "The clinic's name, on the handout and the e-book.", default=None
    )
    logo: Text | None = _about(
        "Path to an SVG or PNG logo, inside the profile's folder.", default=None
    )
    phone: Text | None = _about("The clinic's phone number, as printed.", default=None)
    address: Text | None = _about("The clinic's address, as printed.", default=None)
    website: Text | None = _about("The clinic's web site, as printed.", default=None)
    site_url: SiteUrl | None = _about(
        "The https address where the clinic serves its handout site: each printed handout "
        "then carries a QR code for its page there (<site_url>/<topic id>/<language>/).",
        default=None,
    )
    locale: LanguageTag = _about(
        "Whose way of writing dates: a document in Spanish for an en-US clinic dates as es-US.",
        default="en-US",
    )
    paper: Paper = _about("Paper size of the PDFs.", default="letter")
    crisis: LinesByLanguage | None = _about(
        "Crisis lines that replace the built-in US ones: a list (English), or a table of lists "
        "by language tag. Never empty; every language built needs its own.",
        default=None,
    )
    disclaimer_extra: TextByLanguage | None = _about(
        "Text added after the built-in disclaimer, which cannot be removed: text (English), or "
        "a table by language tag.",
        default=None,
    )


class OverrideFields(Fields):
    """What a person adds by hand for one raw document; overrides win over the raw text."""

    title: Text | None = _about("The document's title.", default=None)
    kind: Kind | None = _about("Which kind of document it is.", default=None)
    language: LanguageTag | None = _about("BCP 47 tag of the text's language.", default=None)
    publisher: Text | None = _about("Who published it.", default=None)
    published: IsoDateText | None = _about("Publication date (YYYY-MM-DD).", default=None)
    url: Url | None = _about("Where the document is on the web.", default=None)
    category: Text | None = _about("The site's own category for it.", default=None)
    authors: Names | None = _about("People who wrote it.", default=None)
    speakers: Names | None = _about("People quoted or speaking in it.", default=None)


class OverridesFile(RootModel[dict[str, OverrideFields]]):
    """seeds/overrides.yaml: overrides keyed by the raw file's name."""

    model_config = ConfigDict(strict=True, frozen=True, defer_build=True)


OVERRIDE_FIELDS = tuple(OverrideFields.model_fields)
Overridden = Annotated[str, PlainValidator(_one_of(OVERRIDE_FIELDS)), _enum(OVERRIDE_FIELDS)]


class RemovalFields(Fields):
    """One piece of raw text that is not in the body, and why."""

    reason: Reason = _about("Why the text was removed.")
    text: PlainText = _about("The removed text exactly as it appeared in the raw file.")
    line: int | None = _about(
        "1-based line in the raw file where the removed text starts.", default=None, ge=1
    )
    count: int | None = _about(
        "For a comment thread: how many comments it held.", default=None, ge=0
    )
    declared: int | None = _about(
        "For a comment thread: how many comments the page said it had (e.g. '21 Comments').",
        default=None,
        ge=0,
    )


class NormalizedFields(Fields):
    """Front matter of a normalized source: what it is, where it came from, what was removed."""

    id: Slug = _about(
        "Unique slug of the source; the file is named <id>.md and citations use [@id]."
    )
    title: Text = _about("The document's title, from the raw text or from an override.")
    kind: Kind = _about("Which kind of raw document this was, as recognised by its structure.")
    language: LanguageTag = _about("BCP 47 language tag of the text, such as 'en' or 'en-GB'.")
    publisher: Text | None = _about(
        "Who published the source: a show, channel, clinic or institution.", default=None
    )
    published: IsoDateText | None = _about(
        "Publication date as an ISO 8601 calendar date (YYYY-MM-DD).", default=None
    )
    url: Url | None = _about("Where the source can be found on the web.", default=None)
    category: Text | None = _about(
        "The site's own category for the article, from its byline.", default=None
    )
    video_id: VideoId | None = _about(
        "The video's identifier on its platform (for YouTube, the v= parameter).", default=None
    )
    speakers: Names | None = _about(
        "People quoted or speaking in the source, with credentials where given.", default=None
    )
    authors: Names | None = _about("People who wrote the source.", default=None)
    pages: int | None = _about(
        "How many pages a paginated source (a PDF) has; the body marks where each starts.",
        default=None,
        ge=1,
    )
    source_file: Text = _about(
        "Name of the raw file this was made from, relative to the raw folder."
    )
    sha256: Sha256 = _about(
        "SHA-256 of the raw file's bytes, in lowercase hex: proves which raw file this came from."
    )
    overridden: list[Overridden] = _about(
        "Fields whose values came from the overrides file rather than the raw text.",
        default=[],
        json_schema_extra={"uniqueItems": True},
    )
    flags: list[Flag] = _about(
        "Judgements a clinician must see before relying on the source.",
        default=[],
        json_schema_extra={"uniqueItems": True},
    )
    related: list[Text] = _about(
        "Targets of wiki links in the raw text, in order of first appearance.",
        default=[],
        json_schema_extra={"uniqueItems": True},
    )
    removed: list[RemovalFields] = _about(
        "Every piece of raw text that is not in the body, in document order, with the reason "
        "it was removed.",
        default=[],
    )


# --- what a model found, as messages a person can act on --------------------------------------

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


def check(
    model: type[ModelT], data: Any, name: Callable[[Loc], str]
) -> tuple[ModelT | None, list[tuple[Loc, str]]]:
    """The file's fields as `model`, or every problem found, each as (where, message).

    A key written with no value (YAML `approved_by:`) counts as not written. `name` words
    where a problem is ("field 'x'", "profile field 'x'").
    """
    try:
        return model.model_validate(_without_empty(data)), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _untagged(tuple(error["loc"]))
            problems.append((loc, _message(model, {**error, "loc": loc}, name)))
        return None, problems


def _untagged(loc: Loc) -> Loc:
    """Where a problem is written: without the form pydantic chose for `sources:`, so
    ('sources', 'mapping', 'yale') is the alias 'yale' under sources."""
    if loc[:1] == ("sources",) and loc[1:2] and loc[1] in SOURCE_FORMS:
        return (loc[0], *loc[2:])
    return loc


def _without_empty(data: Any) -> Any:
    """YAML's empty value (`key:`) is a key not written, in every file alike."""
    if isinstance(data, dict):
        return {k: _without_empty(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_empty(v) for v in data]
    return data


def _message(model: type[BaseModel], error: Mapping[str, Any], name: Callable[[Loc], str]) -> str:
    loc, kind = tuple(error["loc"]), error["type"]
    if kind == "missing":
        return f"missing required {name(loc)}"
    if kind == "extra_forbidden":
        owner = _owner(model, loc[:-1])
        retired = getattr(owner, "retired", {}).get(loc[-1]) if owner else None
        if retired:
            return f"{name(loc)} {retired}"
        allowed = f"; allowed: {', '.join(owner.model_fields)}" if owner else ""
        return f"unknown {name(loc)}{allowed}"
    if kind == "publish":
        detail = error["ctx"]["message"]
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        detail = "must be a mapping of fields"
    elif kind == "invalid_key":
        where = f" in {name(loc[:-1])}" if loc[:-1] else ""
        return f"field names must be text{where}, not {loc[-1]!r}"
    else:
        detail = str(error["msg"]).replace("Input should be", "must be")
    return f"{name(loc)} {detail}" if loc else detail


def _owner(model: type[BaseModel], path: Loc) -> type[BaseModel] | None:
    """The model whose fields are written at `path`, to list them when one is unknown."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None or isinstance(part, int):
            continue
        if issubclass(current, RootModel):
            current = _model_in(current.model_fields["root"].annotation)
        else:
            field = current.model_fields.get(part)
            current = _model_in(field.annotation) if field else None
    if current is not None and issubclass(current, RootModel):
        return _model_in(current.model_fields["root"].annotation)
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def field_name(prefix: str) -> Callable[[Loc], str]:
    """Words for where a problem is: "field 'sources' item 2", "profile field 'paper'",
    "field 'sources' key 'Yale'" (a mapping's key, which pydantic locates as 'Yale', '[key]')."""

    def name(loc: Loc) -> str:
        parts = [_part(loc, index) for index, part in enumerate(loc) if part != "[key]"]
        return f"{prefix} {' '.join(parts)}".strip()

    return name


def _part(loc: Loc, index: int) -> str:
    part = loc[index]
    if isinstance(part, int):
        return f"item {part + 1}"
    return f"key {part!r}" if loc[index + 1 : index + 2] == ("[key]",) else repr(part)


def problems_error(
    error: type[PublishError], path: Path | str, located: Sequence[tuple[str, int | None]]
) -> PublishError:
    """One error holding every problem of a file, in the order they are written there."""
    ordered = sorted(located, key=lambda problem: (problem[1] is None, problem[1] or 0))
    (message, line), *rest = ordered
    return error(message, path, line, rest)


def at_lines(
    problems: Sequence[tuple[Loc, str]], lines: Mapping[Loc, int]
) -> list[tuple[str, int | None]]:
    """Each problem with the line its field is written on (see frontmatter.key_lines)."""
    return [(message, locate(loc, lines)) for loc, message in problems]


def locate(loc: Loc, lines: Mapping[Loc, int]) -> int | None:
    """The line of the deepest part of `loc` that is written in the file."""
    for end in range(len(loc), 0, -1):
        for where in (loc[:end], (*loc[: end - 1], str(loc[end - 1]))):  # key 5 is written "5"
            if where in lines:
                return lines[where]
    return None
