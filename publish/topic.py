"""Load a topic: document control, the editorial texts, the glossary and the sources they cite.

Renderers read the `Topic` only; every file is parsed and every citation
checked here, so a build fails before anything is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from publish import frontmatter
from publish.citations import CitationKeys, Cite, check_keys
from publish.errors import ContentError, InputError, PublishError
from publish.fsutil import require_inside
from publish.normalizer import parse_normalized
from publish.normalizer.model import NormalizedSource
from publish.normalizer.rawtext import decode, read_raw
from publish.patterns import LANGUAGE, SLUG, describe_control, find_control
from publish.project import TOPIC_FILE, Project


@dataclass(frozen=True)
class Control:
    """Document control: what this document is, which version, and who approved it."""

    id: str
    title: str
    version: str
    status: str
    updated: date
    next_review: date
    language: str
    subtitle: str | None = None
    summary: str | None = None
    approved_by: str | None = None
    approved_on: date | None = None
    translator: str | None = None
    """Who translated the text, for a translation."""

    @property
    def is_draft(self) -> bool:
        return self.status != "approved"


@dataclass(frozen=True)
class Translation:
    """What a translation says of itself (its front matter): which topic version it was
    translated from, who translated it, and whether a person approved it."""

    path: Path
    language: str
    translated_from: str
    status: str
    translator: str
    approved_by: str | None = None
    approved_on: date | None = None

    def stale(self, version: str) -> str | None:
        """Why the translation no longer matches the topic (its version moved on), if so."""
        if self.translated_from == version:
            return None
        return (
            f"translation is stale: translated from version {self.translated_from}, "
            f"the topic is now version {version}; update it and its 'translated_from'"
        )


@dataclass(frozen=True)
class Text:
    """An editorial Markdown file and the citations found in it."""

    path: Path
    markdown: str
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    cite: tuple[str, ...]
    line: int | None = None
    """Where the entry starts in glossary.yaml, for a finding about it."""


@dataclass(frozen=True)
class Topic:
    """A topic in one language: the original, or one translation of it."""

    folder: Path
    control: Control
    patient: Text
    clinician: Text | None
    """None when the language has no clinician text (clinician.md, or clinician.<tag>.md for a
    translation): its clinician sheet is not built, and the e-book has no clinician chapter."""
    glossary: tuple[GlossaryEntry, ...]
    sources: tuple[NormalizedSource, ...]
    sources_folder: Path
    translation: Translation | None = None
    """Set when this is a translation of the topic, not its original text."""

    def source(self, key: str) -> NormalizedSource:
        return next(s for s in self.sources if s.id == key)

    @property
    def language(self) -> str:
        return self.control.language

    @property
    def variant(self) -> str | None:
        """The translation's tag (its files' and output folder's suffix); None for the original."""
        return self.translation.language if self.translation else None

    @property
    def texts(self) -> tuple[Text, ...]:
        return (self.patient, self.clinician) if self.clinician else (self.patient,)

    @property
    def glossary_path(self) -> Path:
        return self.folder / variant_name("glossary.yaml", self.variant)

    def files(self) -> list[Path]:
        """Every input file the topic's artifacts depend on."""
        return input_files(self.folder, self.sources_folder, self.variant)


def variant_name(name: str, variant: str | None) -> str:
    """A topic file's name in a translation: patient.md -> patient.es.md."""
    if variant is None:
        return name
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}.{variant}.{suffix}"


TRANSLATION = re.compile(r"patient\.(?P<tag>[^.]+)\.md")
"""A translation's patient text: patient.<BCP 47 tag>.md."""


def translations(folder: Path) -> list[str]:
    """The language tags of a topic's translations, from its file names, sorted.

    A name whose middle part is not a language tag CLDR knows (`patient.old.md`) is an
    error naming the file: a misspelt tag must not silently build no translation.
    """
    from publish.i18n import known_language

    tags = []
    for path in sorted(folder.glob("patient.*.md")):
        match = TRANSLATION.fullmatch(path.name)
        if not match:
            continue
        tag = match.group("tag")
        if not re.fullmatch(LANGUAGE, tag) or not known_language(tag):
            raise ContentError(
                f"{tag!r} in the file name is not a language tag (such as es, es-MX, zh-Hans); "
                "a translation is patient.<tag>.md",
                path,
            )
        tags.append(tag)
    return tags


def input_files(folder: Path, sources_folder: Path, variant: str | None = None) -> list[Path]:
    """The files a topic's artifacts in one language are made from: its own texts and
    figures, topic.yaml (document control) and the sources.

    Listed from the folders alone, so a build can tell that nothing changed without
    parsing (and validating) the topic again; a translation's files are not the
    original's, so editing one language rebuilds only that language.
    """
    names = [variant_name(n, variant) for n in ("patient.md", "clinician.md", "glossary.yaml")]
    figures = sorted((folder / "figures").glob("*"))
    sources = sorted(sources_folder.glob("*.md"))
    return [folder / TOPIC_FILE, *(folder / n for n in names), *figures, *sources]


def peek(folder: Path, name: str, pattern: str) -> str | None:
    """A field of topic.yaml as written, if it matches `pattern`; None if anything is off.

    For deciding, without parsing and validating the topic, where its output goes and
    whether it is up to date; a topic that is then built is fully checked.
    """
    try:
        path = require_inside(folder / TOPIC_FILE, folder)
        data = frontmatter.load_any(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, PublishError):
        return None
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) and re.fullmatch(pattern, value) else None


def peek_id(folder: Path) -> str | None:
    """The topic's id as topic.yaml gives it, if it is a plain slug."""
    return peek(folder, "id", SLUG)


def _read_text(path: Path) -> str:
    """A topic file's text; an unprintable character is an error at its line (the EPUB's XML
    cannot hold most of them, and none prints)."""
    if not path.is_file():
        raise ContentError("missing file", path)
    text = decode(read_raw(require_inside(path, path.parent)), path)
    found = find_control(text)
    if found:
        code, line, column = found
        raise ContentError(f"unprintable character {code} at column {column}", path, line)
    return text


def check_no_code(markdown: str, path: Path) -> None:
    """Code blocks (fenced or indented) are refused: they print verbatim, outside every rule
    the text is held to, so a claim in one would reach a reader uncited."""
    from markdown_it import MarkdownIt

    for token in MarkdownIt("commonmark", {"html": False}).parse(markdown):
        if token.type in ("fence", "code_block"):
            line = token.map[0] + 1 if token.map else None
            kind = "a fenced" if token.type == "fence" else "an indented (4 spaces or a tab)"
            raise ContentError(
                f"{kind} code block in topic text; write it as a cited paragraph or list",
                path,
                line,
            )


@dataclass(frozen=True)
class Listing:
    """The sources topic.yaml lists: their ids in reference order, and the short aliases
    (alias -> id) its texts may cite them by instead of the id."""

    ids: tuple[str, ...]
    aliases: Mapping[str, str]


@dataclass(frozen=True)
class Normalized:
    """The normalized sources a topic can list: where they are, and their ids."""

    folder: Path
    ids: frozenset[str]


Located = list[tuple[str, int | None]]
"""Problems of a file, each with the line it is written on."""


def load_control(
    path: Path, normalized: Normalized | None = None
) -> tuple[Control, Listing | None]:
    """Document control from topic.yaml, and the sources it lists (None: every source).

    Every problem of the file is reported at once, each with the line of its field; a
    listed source that is not among the `normalized` ones is one of them.
    """
    from publish import fields

    text = _read_text(path)
    data = frontmatter.load_any(text, path)
    if not isinstance(data, dict):
        raise ContentError("topic file must be a mapping of fields", path)
    found, problems = fields.check(fields.TopicFields, data, fields.field_name("field"))
    lines = frontmatter.key_lines(text)
    located = fields.at_lines(problems, lines)
    listing = None
    if not any(loc[:1] == ("sources",) for loc, _ in problems):
        listing, wrong = _listing(data.get("sources"), text, lines, normalized)
        located += wrong
    if found is None or located:
        raise fields.problems_error(ContentError, path, located)
    control = Control(
        id=found.id,
        title=found.title,
        version=found.version,
        status=found.status,
        updated=found.updated,
        next_review=found.next_review,
        language=found.language,
        subtitle=found.subtitle,
        summary=found.summary,
        approved_by=found.approved_by,
        approved_on=found.approved_on,
    )
    return control, listing


def _listing(
    value: Any, text: str, lines: Mapping[tuple[str | int, ...], int], normalized: Normalized | None
) -> tuple[Listing | None, Located]:
    """The sources a well-typed `sources:` value lists, and what is wrong with it, each at
    its line: an alias that is another source's id or is given twice (a citation would be
    ambiguous), an alias naming no source, an id that is not `normalized`."""
    if value is None:
        return None, []
    pairs = (
        [(index, key, key) for index, key in enumerate(value)]
        if isinstance(value, list)
        else [(alias, alias, key) for alias, key in value.items()]
    )
    listed = {key for _, _, key in pairs}
    others = listed | (normalized.ids if normalized else frozenset())
    problems: Located = []
    for where, alias, key in pairs:
        line = lines.get(("sources", where))
        if key is None:
            problems.append((f"field 'sources': alias {alias!r} names no source id", line))
            continue
        if alias != key and alias in others:
            problems.append(
                (
                    f"field 'sources': alias {alias!r} is the id of another source; "
                    "choose another alias",
                    line,
                )
            )
        if normalized and key not in normalized.ids:
            problems.append((not_found(key, normalized.folder), line))
    problems += [
        (f"field 'sources': alias {alias!r} is given twice; give each alias once", line)
        for alias, line in _repeated_keys(text, "sources")
    ]
    aliases = {alias: key for _, alias, key in pairs if alias != key}
    return Listing(tuple(dict.fromkeys(key for _, _, key in pairs)), aliases), problems


def _repeated_keys(text: str, name: str) -> list[tuple[str, int]]:
    """Keys written more than once in the mapping under `name`, each at its later line
    (a YAML loader keeps only the last, so the first would silently name nothing)."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    value = (
        next((v for k, v in root.value if k.value == name), None)
        if isinstance(root, yaml.MappingNode)
        else None
    )
    if not isinstance(value, yaml.MappingNode):
        return []
    seen: set[str] = set()
    repeated = []
    for key, _ in value.value:
        if key.value in seen:
            repeated.append((str(key.value), key.start_mark.line + 1))
        seen.add(key.value)
    return repeated


def not_found(key: str, folder: Path) -> str:
    return f"source {key!r} listed in topic but not found in {folder}"


def load_sources(folder: Path, wanted: list[str] | None) -> tuple[NormalizedSource, ...]:
    """Normalized sources from `folder`, in the order `wanted` lists them (else by id)."""
    if not folder.is_dir():
        raise ContentError("no normalized sources folder (run `publish normalize`)", folder)
    found: dict[str, NormalizedSource] = {}
    for path in sorted(folder.glob("*.md")):
        require_inside(path, folder)
        source = parse_normalized(decode(read_raw(path), path), path)
        if source.id in found:
            raise InputError(f"duplicate source id {source.id!r}", path)
        found[source.id] = source
    if wanted is None:
        return tuple(found[k] for k in sorted(found))
    missing = [key for key in wanted if key not in found]
    if missing:
        raise ContentError(not_found(missing[0], folder), folder)
    return tuple(found[key] for key in wanted)


def load_glossary(path: Path, keys: CitationKeys) -> tuple[GlossaryEntry, ...]:
    """A glossary's entries by term, each `cite` key resolved to its source's id."""
    if not path.is_file():
        return ()
    text = _read_text(path)
    data = frontmatter.load_any(text, path) or []
    if not isinstance(data, list):
        raise ContentError("glossary must be a list of {term, definition, cite}", path)
    lines = frontmatter.key_lines(text)
    entries = []
    for number, entry in enumerate(data, start=1):
        line = lines.get((number - 1,))
        if not isinstance(entry, dict) or not entry.get("term") or not entry.get("definition"):
            raise ContentError(f"glossary entry {number} needs 'term' and 'definition'", path, line)
        for field in ("term", "definition"):
            problem = describe_control(str(entry[field]))
            if problem:
                raise ContentError(
                    f"glossary entry {number} {field!r} holds an {problem}", path, line
                )
        cite = tuple(
            keys.resolve(str(key), path, lines.get((number - 1, "cite", index), line))
            for index, key in enumerate(entry.get("cite") or [])
        )
        entries.append(GlossaryEntry(str(entry["term"]), str(entry["definition"]), cite, line))
    return tuple(sorted(entries, key=lambda e: e.term.lower()))


MAX_FIGURE_BYTES = 2 * 1024 * 1024
"""A figure larger than this is refused before it is read (a diagram is a few kilobytes)."""


IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^)\s>]*)")
"""An inline image as written, even one CommonMark would not load (`file:`, `javascript:`)."""


def _images(markdown: str) -> list[tuple[str, int]]:
    """Every image of the text, inline or reference-style (`![x][r]`), with its line.

    Found as written and by the same CommonMark parser the renderers use, so no spelling
    of an image escapes the rule.
    """
    from markdown_it import MarkdownIt

    found = [
        (m.group("src"), markdown.count("\n", 0, m.start()) + 1) for m in IMAGE.finditer(markdown)
    ]
    for block in MarkdownIt("commonmark", {"html": False}).parse(markdown):
        line = block.map[0] + 1 if block.map else 1
        stack = list(block.children or [])
        while stack:
            token = stack.pop()
            if token.type == "image":
                found.append((str(token.attrGet("src")), line))
            stack.extend(token.children or [])
    return sorted(found, key=lambda pair: pair[1])


def check_figures(markdown: str, path: Path) -> None:
    """Every figure is a relative path inside the topic folder: never a URL or a system file.

    An SVG figure must be one the sanitizer can read (no entities, well formed); what it
    would remove from it is reported when an artifact embeds it.
    """
    from urllib.parse import unquote

    from publish.sanitize import figure_bytes

    folder = path.parent.resolve()
    for src, line in _images(markdown):
        plain = unquote(src)
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", plain) or plain.startswith(("/", "\\")):
            raise ContentError(
                f"figure {src!r} must be a relative path inside the topic folder", path, line
            )
        target = (path.parent / plain).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            raise ContentError(f"figure {src!r} not found inside the topic folder", path, line)
        if target.stat().st_size > MAX_FIGURE_BYTES:
            raise ContentError(
                f"figure {src!r} is over {MAX_FIGURE_BYTES // (1024 * 1024)} MiB", path, line
            )
        try:
            figure_bytes(target)
        except ContentError as exc:
            raise ContentError(f"figure {src!r}: {exc.raw}", path, line) from exc


_DIV = re.compile(r"^ {0,3}:{3,}[ \t]*(?P<name>\S*)", re.MULTILINE)
"""A fenced div's opening or closing line (`::: key-messages`, `:::`)."""


def check_sections(markdown: str, path: Path) -> None:
    """A fenced div names one of the sections the handout knows; any other would print its
    `:::` line as text (a typo such as `::: key-message` must not pass unnoticed)."""
    from publish.sections import SECTIONS

    for match in _DIV.finditer(markdown):
        name = match.group("name")
        if name and name not in SECTIONS:
            line = markdown.count("\n", 0, match.start()) + 1
            raise ContentError(
                f"unknown section '::: {name}'; use one of {', '.join(SECTIONS)}", path, line
            )


def load_text(path: Path, keys: CitationKeys, markdown: str | None = None) -> Text:
    """An editorial text, checked; its citations name their sources by id (an alias is
    resolved here, once), so nothing after loading needs to know about aliases."""
    markdown = _read_text(path) if markdown is None else markdown
    check_figures(markdown, path)
    check_no_code(markdown, path)
    check_sections(markdown, path)
    cites = tuple(check_keys(markdown, path, keys))
    return Text(path, keys.by_id(markdown), cites)


def load_translation(path: Path, tag: str) -> tuple[Translation, dict[str, str | None], str]:
    """A translation's front matter (checked field by field) and its body.

    The body keeps the file's line numbers (the front matter becomes blank lines), so
    every finding about the text names the line a person sees in their editor.
    """
    from publish import fields

    text = _read_text(path)
    head, body, first = frontmatter.split(text)
    if head is None:
        raise ContentError(
            "a translation starts with front matter (---) giving title, translated_from, "
            "status and translator",
            path,
            1,
        )
    data = frontmatter.load_any(head, path, 2) or {}
    if not isinstance(data, dict):
        raise ContentError("front matter must be a mapping of fields", path, 2)
    found, problems = fields.check(fields.TranslationFields, data, fields.field_name("field"))
    if found is None:
        lines = frontmatter.key_lines(head, 2)
        raise fields.problems_error(ContentError, path, fields.at_lines(problems, lines))
    translation = Translation(
        path=path,
        language=tag,
        translated_from=found.translated_from,
        status=found.status,
        translator=found.translator,
        approved_by=found.approved_by,
        approved_on=found.approved_on,
    )
    shown = {"title": found.title, "subtitle": found.subtitle, "summary": found.summary}
    return translation, shown, "\n" * (first - 1) + body


def translated_control(
    control: Control, translation: Translation, shown: dict[str, str | None]
) -> Control:
    """The document control a translation prints: its own title and approval, the topic's
    version and dates. It is approved only when both the topic and the translation are."""
    approved = not control.is_draft and translation.status == "approved"
    return replace(
        control,
        title=str(shown["title"]),
        subtitle=shown["subtitle"],
        summary=shown["summary"],
        language=translation.language,
        status="approved" if approved else "draft",
        approved_by=translation.approved_by if approved else None,
        approved_on=translation.approved_on if approved else None,
        translator=translation.translator,
    )


def _cited(
    available: tuple[NormalizedSource, ...], listing: Listing | None
) -> tuple[tuple[NormalizedSource, ...], CitationKeys]:
    """The sources a topic draws on (those listed, in their order; else every one), and
    the keys its texts may cite them by: ids and aliases."""
    pages = {s.id: int(s.meta["pages"]) for s in available if s.meta.get("pages")}
    if listing is None:
        every = {s.id: s.id for s in available}
        return available, CitationKeys(every, listed=False, pages=pages)
    by_id = {s.id: s for s in available}
    ids = {key: key for key in listing.ids}
    unlisted = frozenset(by_id) - frozenset(ids)
    keys = CitationKeys({**ids, **listing.aliases}, unlisted, pages=pages)
    return tuple(by_id[k] for k in listing.ids), keys


def load_topic(
    folder: Path,
    sources_folder: Path | None = None,
    language: str | None = None,
    *,
    allow_placeholders: bool = False,
) -> Topic:
    """Read and check a topic folder; sources come from `seeds/normalized` beside `seeds/topics`.

    `language` picks a translation (`patient.<language>.md`); None, or the topic's own
    language, is the original. Every file a renderer needs is parsed and every citation
    checked here, so a topic that loads is a topic that can be rendered. A `[[TODO: ...]]`
    placeholder left in the language's files is refused (a skeleton must not render as if
    finished) unless `allow_placeholders`, for `check`, whose gate lists every one.
    """
    folder = Path(folder)
    if not (folder / TOPIC_FILE).is_file():
        raise ContentError(f"not a topic folder (no {TOPIC_FILE})", folder)
    sources_folder = sources_folder or Project.sources_for(folder)
    available = load_sources(sources_folder, None)
    normalized = Normalized(sources_folder, frozenset(s.id for s in available))
    control, listing = load_control(folder / TOPIC_FILE, normalized)
    if not allow_placeholders:
        from publish.scaffold import refuse_placeholders

        variant = None if language in (None, control.language) else language
        own = input_files(folder, sources_folder, variant)
        refuse_placeholders(p for p in own if p.parent == folder)  # not figures or sources
    sources, keys = _cited(available, listing)
    if language is None or language == control.language:
        return Topic(
            folder=folder,
            control=control,
            patient=load_text(folder / "patient.md", keys),
            clinician=(
                load_text(folder / "clinician.md", keys)
                if (folder / "clinician.md").is_file()
                else None
            ),
            glossary=load_glossary(folder / "glossary.yaml", keys),
            sources=sources,
            sources_folder=sources_folder,
        )
    path = folder / variant_name("patient.md", language)
    if not path.is_file():
        raise ContentError(f"no translation into {language!r} (no {path.name})", folder)
    translation, shown, body = load_translation(path, language)
    clinician = folder / variant_name("clinician.md", language)
    return Topic(
        folder=folder,
        control=translated_control(control, translation, shown),
        patient=load_text(path, keys, body),
        clinician=load_text(clinician, keys) if clinician.is_file() else None,
        glossary=load_glossary(folder / variant_name("glossary.yaml", language), keys),
        sources=sources,
        sources_folder=sources_folder,
        translation=translation,
    )
