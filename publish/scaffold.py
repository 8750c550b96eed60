"""Start from an empty folder: `publish init` (a project) and `publish new` (a topic).

A clinic should reach a first handout of its own in minutes, without copying the example
topic and deleting what does not apply. The files written are templates under
`templates/scaffold/`, so their wording is edited as text, not as Python strings.

Whatever the editor must write is a placeholder, `[[TODO: what to write]]`, and
`PLACEHOLDER` below is the only definition of one: the placeholders gate reports each
one left (file:line), and the topic loader refuses a topic that still has one, so a
skeleton never builds into something that looks finished.

Nothing that exists is overwritten, and a failed run leaves nothing half-written: every
file is rendered before the first is created, each is created exclusively (an existing
path is refused, even one that appears meanwhile), and what was created is removed
again if a later step fails.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.errors import ContentError, OutputError, TemplateError, UsageError
from publish.fsutil import require_inside
from publish.normalizer.model import NormalizedSource
from publish.normalizer.rawtext import decode, read_raw
from publish.patterns import SLUG
from publish.project import TOPIC_FILE, Project
from publish.resources import bundled_templates

if TYPE_CHECKING:
    import jinja2

PLACEHOLDER = re.compile(r"\[\[?[ \t]*TODO\b[^\]\n]*\]{0,2}", re.IGNORECASE)
"""Text the editor must replace: `[[TODO: what to write]]`, on one line. Found from its
opening bracket whatever follows: unclosed, with one bracket, cut short by a citation
(`[[TODO: check [@x].`) or in lower case, so a half-edited placeholder never reaches a
patient; the match runs to the first closing bracket or the end of the line."""

PROJECT_FOLDERS = ("seeds", "seeds/raw", "seeds/normalized", "seeds/topics")
PROJECT_FILES = {
    "publish.toml": "publish.toml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}
"""Each file `publish init` writes, and its template under templates/scaffold/project/
(a template named `.gitignore` would act as one inside the package's own tree)."""
TOPIC_TEMPLATES = ("topic.yaml", "patient.md", "clinician.md", "glossary.yaml")
"""The files `publish new` writes, each from the template of the same name under
templates/scaffold/topic/."""


@dataclass(frozen=True)
class Placeholder:
    """One placeholder left in a topic file, where the editor finds it."""

    path: Path
    line: int
    text: str
    """As written, `[[TODO: ...]]`: it says what to write there."""


def find_placeholders(text: str, path: Path) -> list[Placeholder]:
    """Every placeholder of a file's text, in order, each with its line."""
    return [
        Placeholder(path, text.count("\n", 0, m.start()) + 1, m.group().strip())
        for m in PLACEHOLDER.finditer(text)
    ]


def placeholders_in(path: Path) -> list[Placeholder]:
    """The placeholders of a file, read as every topic file is read (inside its folder,
    size limit, UTF-8)."""
    return find_placeholders(decode(read_raw(require_inside(path, path.parent)), path), path)


def refuse_placeholders(paths: Iterable[Path]) -> None:
    """A ContentError naming the first placeholder left in `paths` and how many there are:
    a topic with one would print "[[TODO: ...]]" where a patient expects an answer."""
    found = [p for path in paths if path.is_file() for p in placeholders_in(path)]
    if found:
        first = found[0]
        more = f"; {len(found)} placeholders left in all" if len(found) > 1 else ""
        raise ContentError(
            f"placeholder left: {first.text}{more}; replace each with real, cited text "
            "(publish check lists them)",
            first.path,
            first.line,
        )


# --- publish init -----------------------------------------------------------------------------


def init_project(folder: Path) -> list[Path]:
    """Make `folder` (new, or holding none of the paths written) a project; the paths made.

    An existing path is refused (OutputError) before anything is written, naming it.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError("refused: exists and is not a folder", folder)
    files = {name: _render(f"project/{template}") for name, template in PROJECT_FILES.items()}
    for path in (folder / name for name in (*PROJECT_FOLDERS, *files)):
        _refuse_existing(path)
    return _create(folder, PROJECT_FOLDERS, files)


# --- publish new ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTopic:
    """A topic skeleton as written: its folder, its files and how many placeholders remain."""

    folder: Path
    files: list[Path]
    placeholders: int


def normalized_sources(project: Project) -> tuple[NormalizedSource, ...]:
    """The project's normalized sources, by id, read by the loader topics use."""
    from publish.topic import load_sources

    _require_project(project)
    folder = project.keep_inside(project.seeds / "normalized", "the normalized sources folder")
    return load_sources(folder, None)


def source_lines(sources: Sequence[NormalizedSource]) -> list[str]:
    """The sources as a table to choose `--from` ids from: id, kind, publisher, title."""
    if not sources:
        return ["no normalized sources yet: put documents in seeds/raw/ and run publish normalize"]
    rows = [("ID", "KIND", "PUBLISHER", "TITLE")] + [
        (s.id, s.kind, str(s.meta.get("publisher") or "-"), s.title) for s in sources
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return [
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)), row[3]]
        )
        for row in rows
    ]


def new_topic(
    project: Project,
    topic_id: str,
    *,
    title: str | None = None,
    sources: Sequence[str] = (),
) -> NewTopic:
    """Write the skeleton of topic `topic_id` into the project's seeds/topics/.

    `title` (else a placeholder) goes into topic.yaml, and `sources`, normalized source
    ids, under its `sources:`; its `updated` date is today in UTC.
    Refused: a folder that is not a project, an id the topic model would refuse, an
    existing topic folder or id, an unknown source (named with the nearest known one).
    """
    _require_project(project)
    if re.fullmatch(SLUG, topic_id) is None:
        raise UsageError(f"topic id must be a lowercase slug (a-z, 0-9, '-'), not {topic_id!r}")
    folder = project.topics / topic_id
    _refuse_existing(folder)
    _refuse_taken_id(project, topic_id)
    chosen = _chosen_sources(project, sources)
    updated = datetime.now(UTC).date()
    context = {
        "id": topic_id,
        "title": title if title is not None else "[[TODO: the title patients see]]",
        "updated": updated.isoformat(),
        "next_review": _a_year_after(updated).isoformat(),
        "sources": [
            {"id": s.id, "title": s.title, "publisher": s.meta.get("publisher")} for s in chosen
        ],
    }
    files = {name: _render(f"topic/{name}", **context) for name in TOPIC_TEMPLATES}
    _check_control(files[TOPIC_FILE], folder / TOPIC_FILE)
    _create(folder, (), files)
    count = sum(len(find_placeholders(text, folder / name)) for name, text in files.items())
    return NewTopic(folder, [folder / name for name in files], count)


def _require_project(project: Project) -> None:
    if not project.has_content:
        raise UsageError(
            f"{project.folder.resolve()} is not a project (no seeds/topics/): "
            "run publish init first"
        )


def _refuse_taken_id(project: Project, topic_id: str) -> None:
    """Another folder whose topic.yaml already has this id would build into the same place."""
    from publish.topic import peek_id

    for other in sorted(project.topics.iterdir()):
        if other.is_dir() and peek_id(other) == topic_id:
            raise UsageError(f"topic id {topic_id!r} is already the id of {other}")


def _chosen_sources(project: Project, wanted: Sequence[str]) -> list[NormalizedSource]:
    """The sources named by `--from`, in the order given (each once); an unknown id is a
    usage error naming it and the nearest id there is, so a typo is fixed in one step."""
    if not wanted:
        return []
    known = {s.id: s for s in normalized_sources(project)}
    for key in wanted:
        if key not in known:
            nearest = difflib.get_close_matches(key, list(known), n=1, cutoff=0.0)
            hint = f"; did you mean {nearest[0]!r}?" if nearest else "; there are none yet"
            raise UsageError(
                f"unknown source {key!r}{hint} (publish new --list-sources lists them)"
            )
    return [known[key] for key in dict.fromkeys(wanted)]


def _a_year_after(day: date) -> date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _check_control(text: str, path: Path) -> None:
    """The topic.yaml written is one the loader accepts: a `--title` it would refuse (blank,
    unprintable characters) is a usage error now, not a broken file later."""
    from publish import fields, frontmatter

    _, problems = fields.check(
        fields.TopicFields, frontmatter.load_any(text, path), fields.field_name("field")
    )
    for loc, message in problems:
        if loc[:1] == ("title",):
            raise UsageError(f"--title: {message}")
        raise TemplateError(f"the skeleton's {message}", "scaffold/topic/topic.yaml")


# --- rendering and writing --------------------------------------------------------------------


def _render(name: str, **context: Any) -> str:
    """A scaffold template rendered with `context`."""
    return _environment().get_template(name).render(**context)


@cache
def _environment() -> jinja2.Environment:
    """Plain text out (YAML, Markdown, TOML), so nothing is escaped: a value a person gives
    is written into YAML through the `yaml` filter (quoted and escaped as YAML needs).
    `about(field)` is the topic model's own description of a field, so the comments in
    topic.yaml say what the model means by it. Bundled templates only: they are the
    skeleton the placeholder rule is written for."""
    import jinja2
    import yaml

    from publish import fields

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(bundled_templates() / "scaffold")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["yaml"] = lambda value: yaml.safe_dump(
        value, default_style='"', allow_unicode=True, width=1 << 30
    ).strip()
    env.globals["about"] = lambda field: fields.TopicFields.model_fields[field].description
    return env


def _refuse_existing(path: Path) -> None:
    if path.exists() or path.is_symlink():
        raise OutputError("refused: already exists, and publish never overwrites it", path)


def _create(root: Path, folders: Sequence[str], files: dict[str, str]) -> list[Path]:
    """Create `root` (unless it exists), its `folders`, then its `files`, each exclusively;
    on any failure, remove what was created (newest first) and raise an OutputError."""
    made: list[Path] = []
    try:
        if not root.is_dir():
            root.mkdir()
            made.append(root)
        for name in folders:
            (root / name).mkdir()
            made.append(root / name)
        for name, text in files.items():
            with (root / name).open("x", encoding="utf-8", newline="\n") as handle:
                made.append(root / name)
                handle.write(text)
    except OSError as exc:
        for path in reversed(made):
            path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
        where = Path(exc.filename) if exc.filename else root
        if isinstance(exc, FileExistsError):
            raise OutputError(
                "refused: already exists, and publish never overwrites it", where
            ) from exc
        raise OutputError(f"cannot write: {exc.strerror or exc}", where) from exc
    return made
