"""`publish normalize`: read, clean and write raw documents (the pipeline behind the command)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish import frontmatter, patterns
from publish.errors import InputError, PublishError
from publish.fsutil import require_inside, write_atomic
from publish.normalizer import formats, rules
from publish.normalizer.chunks import split_chunks
from publish.normalizer.model import (
    NormalizedSource,
    blocks_to_markdown,
    check_front_matter,
    is_normalized,
    parse_normalized,
)
from publish.normalizer.overrides import FILE_NAME as OVERRIDES_FILE
from publish.normalizer.overrides import load_overrides
from publish.normalizer.rawtext import clean_text, decode, read_raw
from publish.normalizer.readers import Draft, pick_format_reader, pick_reader
from publish.project import Project

__all__ = [
    "NormalizeResult",
    "normalize_paths",
    "normalize_raw",
    "normalize_text",
    "parse_normalized",
]

RAW_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm", ".pdf", ".docx")
"""Files of a folder that normalize reads; what each is comes from its content."""


@dataclass
class NormalizeResult:
    """What a run did: sources made, files written (or stale, with --check), errors met."""

    sources: list[NormalizedSource] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    errors: list[PublishError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What a person should look at although nothing failed (`file: message`)."""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.stale


def slugify(text: str, limit: int = 64) -> str:
    """ASCII slug cut at a word: 'Ketamine & Depression' -> 'ketamine-depression'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def read_draft(text: str, path: Path | str) -> Draft | NormalizedSource:
    """Recognise the document's kind and read it. A normalized file reads as itself."""
    fm_text, _, _ = frontmatter.split(text)
    if fm_text is not None and is_normalized(frontmatter.load(fm_text, path)):
        return parse_normalized(text, path)
    chunks = split_chunks(text)
    return pick_reader(text, chunks).read(text, chunks, path)


def finish(
    draft: Draft, source_file: str, sha256: str, overrides: dict[str, Any], taken: set[str]
) -> NormalizedSource:
    """Apply overrides, choose a unique id, judge flags, render the body."""
    meta = {key: value for key, value in draft.meta.items() if not _blank(value)}
    title, kind, language = draft.title, draft.kind, draft.language or "en"
    overridden = []
    for key, value in overrides.items():
        overridden.append(key)
        if key == "title":
            title = value
        elif key == "kind":
            kind = value
        elif key == "language":
            language = value
        else:
            meta[key] = value
    flags = set(draft.flags)
    if not title or patterns.is_blank(title):
        flags.add("untitled")
        title = f"Untitled document ({Path(source_file).stem})"
    base = slugify(title) or f"source-{sha256[:8]}"
    source_id, n = base, 2
    while source_id in taken:
        source_id, n = f"{base}-{n}", n + 1
    taken.add(source_id)
    body = blocks_to_markdown(draft.blocks).replace(rules.SELF, f"@{source_id}")
    promotional = draft.promotional
    if promotional is None:
        promotional = any(r.reason == "advertisement" for r in draft.removed)
    if promotional:
        flags.add("promotional")
    if not meta.get("published"):
        flags.add("undated")
        if rules.RELATIVE_DATE.search(body):
            flags.add("relative-dates")
    order = ["promotional", "tracked-changes", "undated", "relative-dates", "untitled"]
    return NormalizedSource(
        id=source_id,
        title=title,
        kind=kind,
        language=language,
        source_file=source_file,
        sha256=sha256,
        body=body,
        meta=meta,
        overridden=sorted(overridden),
        flags=sorted(flags, key=order.index),
        related=draft.related,
        removed=sorted(draft.removed, key=lambda r: r.line or 0),
    )


def normalize_text(
    text: str,
    source_file: str = "document.txt",
    *,
    sha256: str | None = None,
    overrides: dict[str, Any] | None = None,
    taken: set[str] | None = None,
    origin: Path | str | None = None,
) -> NormalizedSource:
    """Normalize one document's text (the core of `normalize`, without files).

    `origin` is the path errors name (default: `source_file`).
    """
    origin = origin or source_file
    text = clean_text(text, origin)
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    draft = read_draft(text, origin)
    taken = set() if taken is None else taken
    if isinstance(draft, NormalizedSource):
        if draft.id in taken:
            raise InputError(f"duplicate source id {draft.id!r}", origin)
        taken.add(draft.id)
        return draft
    source = finish(draft, source_file, digest, overrides or {}, taken)
    check_front_matter(source.front_matter(), origin)  # never write what a build refuses
    return source


def normalize_raw(
    data: bytes,
    source_file: str = "document.txt",
    *,
    overrides: dict[str, Any] | None = None,
    taken: set[str] | None = None,
    origin: Path | str | None = None,
) -> NormalizedSource:
    """Normalize one raw file's bytes: a web page, a PDF or a Word file by its reader (told
    by its content), anything else as text."""
    origin = origin or source_file
    digest = hashlib.sha256(data).hexdigest()
    reader = pick_format_reader(data)
    if reader is None:
        try:
            text = decode(data, origin)
        except InputError as exc:
            expected = formats.BY_SUFFIX.get(Path(source_file).suffix.lower())
            if expected is None:
                raise
            raise InputError(expected, origin) from exc
        return normalize_text(
            text, source_file, sha256=digest, overrides=overrides, taken=taken, origin=origin
        )
    draft = reader.read_bytes(data, origin)
    source = finish(draft, source_file, digest, overrides or {}, set() if taken is None else taken)
    check_front_matter(source.front_matter(), origin)  # never write what a build refuses
    return source


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[PublishError]]:
    """Raw files named directly or found (non-recursively, sorted) in the folders given."""
    files: list[Path] = []
    errors: list[PublishError] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.iterdir()):
                if not file.is_file() or file.suffix.lower() not in RAW_SUFFIXES:
                    continue
                if file.name.startswith("."):
                    continue
                try:
                    files.append(require_inside(file, path))  # no symlinks out of the folder
                except InputError as exc:
                    errors.append(exc)
        elif path.exists():
            files.append(path)
        else:
            errors.append(InputError("no such file or folder", path))
    return files, errors


def normalize_paths(
    paths: Iterable[Path | str] = ("seeds/raw",),
    out: Path | str = "seeds/normalized",
    *,
    check: bool = False,
    overrides: Path | str | None = None,
    project: Project | None = None,
) -> NormalizeResult:
    """Normalize every raw document under `paths` into `out/<id>.md`.

    Bad inputs are reported in `result.errors` and do not stop the others.
    With `check`, nothing is written and files that would change are `stale`.
    `overrides` defaults to `overrides.yaml` beside the raw folder, else the project's.
    """
    path_list = [Path(p) for p in paths]
    project = project or Project.find()
    out_dir = project.keep_inside(Path(out), "the normalized sources folder")
    result = NormalizeResult()
    files, result.errors = collect(path_list)
    override_file = Path(overrides) if overrides else _default_overrides(path_list, project)
    table = load_overrides(override_file)
    taken: set[str] = set()
    for file in files:
        try:
            source = normalize_raw(
                read_raw(file, formats.size_limit),
                file.name,
                overrides=table.get(file.name, {}),
                taken=taken,
                origin=file,
            )
        except PublishError as exc:
            result.errors.append(exc)
            continue
        result.sources.append(source)
        target = out_dir / f"{source.id}.md"
        rendered = source.to_text()
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == rendered:
            result.unchanged.append(target)
        elif check:
            result.stale.append(target)
        else:
            write_atomic(target, rendered)
            result.written.append(target)
    result.warnings = [
        f"{source.source_file}: no title found; set one in {OVERRIDES_FILE}"
        for source in result.sources
        if "untitled" in source.flags
    ] + [
        f"{source.source_file}: edits proposed in Word and not accepted; the body is the text "
        "before them: accept or reject them in Word and normalize again"
        for source in result.sources
        if "tracked-changes" in source.flags
    ]
    return result


def _blank(value: Any) -> bool:
    """Text made only of whitespace or invisible characters is no value at all."""
    return isinstance(value, str) and patterns.is_blank(value)


def _default_overrides(paths: list[Path], project: Project) -> Path | None:
    """seeds/overrides.yaml beside the raw folder, or in the project's seeds/."""
    for path in paths:
        folder = path if path.is_dir() else path.parent
        candidate = folder.parent / OVERRIDES_FILE
        if candidate.is_file():
            return candidate
    return project.overrides if project.overrides.is_file() else None
