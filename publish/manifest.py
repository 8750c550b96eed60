"""manifest.json: what was built, from which inputs; read back by build, check and fhir.

`build` writes it beside the artifacts and reads it to skip artifacts whose inputs
are unchanged; `check` and `fhir` load it to find the files to verify or describe.
One type reads it, so all three agree on what a damaged manifest is.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish import __version__
from publish.errors import ContentError, OutputError
from publish.fsutil import read_no_follow
from publish.resources import bundled_templates, template_file

if TYPE_CHECKING:
    from publish.profile import Profile
    from publish.project import Project
    from publish.render.options import Options, RenderedFile
    from publish.render.registry import Artifact
    from publish.topic import Control, Topic

MANIFEST = "manifest.json"


def output_folder(out: Path, topic_id: str, language: str | None) -> Path:
    """Where one language of a topic is built: `dist/<id>/`, a translation `dist/<id>.<tag>/`.

    Each language is its own folder with its own manifest and lock, so languages build,
    and are copied between machines, independently."""
    return out / (topic_id if language is None else f"{topic_id}.{language}")


def inputs_digest(files: Iterable[Path]) -> str:
    """One hash of a topic's own files and its sources (`topic.input_files`), read once."""
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            digest.update(f"file:{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def input_hash(inputs: str, artifact: Artifact, options: Options, language: str) -> str:
    """Hash of all an artifact depends on: toolkit, options, the topic's files and sources
    (`inputs`, from `inputs_digest`), its templates, the fonts, and the message catalogs
    of its language."""
    from publish.i18n import catalog_files

    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("toolkit", __version__.encode())
    add("artifact", artifact.name.encode())
    add("language", language.encode())
    add("options", repr((options.paper, _printed(options.profile))).encode())
    add("epoch", os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    add("inputs", inputs.encode())
    fonts = sorted(p.name for p in (bundled_templates() / "fonts").glob("*.ttf"))
    for name in (*artifact.templates, *(f"fonts/{f}" for f in fonts)):
        add(f"template:{name}", template_file(name, options.templates).read_bytes())
    for path in catalog_files(language, options.templates):
        add(f"catalog:{path.parent.parent.name}/{path.name}", path.read_bytes())
    return digest.hexdigest()


def _printed(profile: Profile) -> Profile:
    """The profile without the path it was read from: the same profile named another way
    (`--profile ./clinic.toml`, an absolute path, found as publish.toml) prints the same."""
    return replace(profile, source=None)


def profile_digest(profile: Profile) -> str:
    """SHA-256 of the profile as loaded: every field a page can print or be laid out by
    (clinic block, the logo's bytes as its data: URI, locale, paper, crisis lines, the added
    disclaimer), not the file's bytes, so a comment edited in publish.toml changes nothing
    and a new logo beside it does."""
    return hashlib.sha256(repr(_printed(profile)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ProfileRecord:
    """Which clinic profile a build used, as its manifest records it.

    The record is the profile file's path relative to the project (None for a profile not
    read from a file: the built-in default, or one made in Python) and `profile_digest` of
    the profile as loaded. The path lets `check` load the profile again exactly as the build
    did (same loader, same validation, the logo read from beside it), so the safety text it
    looks for is the text the build printed; the digest tells whether what it loads now is
    still what was printed. The resolved fields themselves are not copied into the
    manifest: they would repeat the clinic's text and its logo (up to 512 KiB) in every
    manifest, and a copy could be read back without anyone noticing that the file it came
    from had changed or gone.
    """

    file: str | None
    sha256: str

    @classmethod
    def of(cls, profile: Profile, project: Project) -> ProfileRecord:
        return cls(_relative(profile.source, project.folder), profile_digest(profile))

    @classmethod
    def read(cls, value: object) -> ProfileRecord | None:
        """The record as a manifest holds it; None when there is none (a build before
        manifests recorded the profile) or it is not one."""
        if not isinstance(value, dict):
            return None
        file, digest = value.get("file"), value.get("sha256")
        if not (file is None or (isinstance(file, str) and file)) or not isinstance(digest, str):
            return None
        return cls(file, digest)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256}

    @property
    def name(self) -> str:
        """How a finding names the profile: its file, or where it came from without one."""
        from publish.profile import DEFAULT

        if self.file is not None:
            return f"profile {self.file}"
        if self.sha256 == profile_digest(DEFAULT):
            return "the built-in default profile"
        return "a profile given in Python, not read from a file"


def _relative(source: str | None, folder: Path) -> str | None:
    """A profile's path relative to the project folder, with forward slashes; `../` when it
    lives outside the project, absolute only when no relative path leads there."""
    if source is None:
        return None
    path = os.path.abspath(source)
    try:
        return Path(os.path.relpath(path, os.path.abspath(folder))).as_posix()
    except ValueError:  # another drive
        return Path(path).as_posix()


def missing_text(artifact: Artifact, folder: Path, variant: str | None) -> str | None:
    """The topic file an artifact is made from that is not there (clinician.md, or a
    translation's clinician.es.md), by name; None when the artifact can be built."""
    return None if artifact.builds_in(folder, variant) else artifact.own_file(variant)


def not_built(what: str, variant: str | None, missing: str) -> str:
    """The one wording of a build note: what was left out, in which language, and why."""
    where = f" in {variant!r}" if variant else ""
    return f"{what} not built{where}: no {missing}"


def sha256_file(path: Path) -> str:
    """The file's sha256; a symlink in its place is never followed (it was not built here)."""
    return hashlib.sha256(read_no_follow(path)).hexdigest()


def entry(rendered: RenderedFile, key: str) -> dict[str, Any]:
    """The manifest entry of a rendered file; key order is file order."""
    data: dict[str, Any] = {
        "name": rendered.name,
        "file": rendered.filename,
        "bytes": len(rendered.data),
        "sha256": hashlib.sha256(rendered.data).hexdigest(),
    }
    if rendered.pages is not None:
        data["pages"] = rendered.pages
    if rendered.chapters is not None:
        data["chapters"] = rendered.chapters
    if rendered.reading_grade is not None:
        data["reading_grade"] = rendered.reading_grade
    data["sources_cited"] = list(rendered.cited)
    data["warnings"] = list(rendered.warnings)
    data["language"] = rendered.language
    data["untranslated"] = list(rendered.untranslated)
    data["input_hash"] = key
    data["toolkit_version"] = __version__
    return data


def render(
    topic: Topic,
    entries: list[dict[str, Any]],
    inputs: str,
    paper: str,
    profile: ProfileRecord,
    skipped: dict[str, str],
) -> str:
    """The manifest's text: the topic's document control, what it was built from (the
    hash of its files and sources, the paper size, the clinic profile), the artifacts
    deliberately not built with the reason (`skipped`), then one entry per artifact.
    Its schema is publish/schemas/manifest.schema.json."""
    control = topic.control
    data = {
        "topic": control.id,
        "title": control.title,
        "summary": control.summary,
        "version": control.version,
        "status": control.status,
        "updated": control.updated.isoformat(),
        "approved_by": control.approved_by,
        "approved_on": control.approved_on.isoformat() if control.approved_on else None,
        "next_review": control.next_review.isoformat(),
        "language": control.language,
        "translation": _translation(topic),
        "toolkit_version": __version__,
        "inputs_sha256": inputs,
        "paper": paper,
        "profile": profile.to_dict(),
        "not_built": skipped,
        "artifacts": entries,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _translation(topic: Topic) -> dict[str, Any] | None:
    """What a translation says of itself, for whoever files the document: from which topic
    version, by whom, and its own review."""
    found = topic.translation
    if found is None:
        return None
    return {
        "file": found.path.name,
        "translated_from": found.translated_from,
        "translator": found.translator,
        "status": found.status,
        "approved_by": found.approved_by,
        "approved_on": found.approved_on.isoformat() if found.approved_on else None,
    }


def _is_entry(item: object) -> bool:
    """An entry names its artifact and a plain file name beside the manifest, with a sha256."""
    if not isinstance(item, dict):
        return False
    name, file, digest = item.get("name"), item.get("file"), item.get("sha256")
    return (
        isinstance(name, str)
        and isinstance(digest, str)
        and isinstance(file, str)
        and file not in ("", ".", "..", MANIFEST)
        and "/" not in file
        and "\\" not in file
        and "\0" not in file
    )


@dataclass(frozen=True)
class Manifest:
    """A topic's manifest as read back from its output folder."""

    folder: Path
    fields: dict[str, Any]
    """The topic's document control as built: version, status, dates, language."""
    entries: tuple[dict[str, Any], ...]
    """One entry per built artifact, in build order."""

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read `folder/manifest.json`; a missing or damaged manifest is a ContentError."""
        path = Path(folder) / MANIFEST
        if Path(folder).is_symlink():
            raise ContentError("refused: the output folder is a symbolic link", folder)
        try:
            data = json.loads(read_no_follow(path).decode("utf-8"))
        except OutputError as exc:
            raise ContentError("refused: the manifest is a symbolic link", path) from exc
        except FileNotFoundError as exc:
            raise ContentError("no manifest; run publish build first", path) from exc
        except (OSError, ValueError) as exc:
            raise ContentError("unreadable manifest; run publish build first", path) from exc
        items = data.get("artifacts") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(_is_entry(i) for i in items):
            raise ContentError("unreadable manifest; run publish build first", path)
        fields = {k: v for k, v in data.items() if k != "artifacts"}
        return cls(Path(folder), fields, tuple(items))

    @property
    def profile(self) -> ProfileRecord | None:
        """The clinic profile the build used; None for a build before manifests recorded it."""
        return ProfileRecord.read(self.fields.get("profile"))

    @property
    def not_built(self) -> dict[str, str]:
        """Artifacts the build left out on purpose, with why ("no clinician.md")."""
        value = self.fields.get("not_built")
        if not isinstance(value, dict):
            return {}
        return {str(k): str(v) for k, v in value.items()}

    def file(self, item: dict[str, Any]) -> Path:
        return self.folder / str(item["file"])

    def matches(self, item: dict[str, Any]) -> bool:
        """Whether the entry's file is there, byte for byte as built."""
        path = self.file(item)
        if path.is_symlink() or not path.is_file():
            return False
        return sha256_file(path) == item["sha256"]

    def intact(self) -> dict[str, dict[str, Any]]:
        """Entries, by artifact name, whose files are still there unchanged."""
        return {str(i["name"]): i for i in self.entries if self.matches(i)}

    def damaged(self) -> list[dict[str, Any]]:
        """Entries whose file is missing or no longer matches its sha256."""
        return [i for i in self.entries if not self.matches(i)]

    def built_from(self, control: Control, inputs: str) -> str | None:
        """None if built from the topic as it is now (`inputs`: its files' digest), else
        what differs, in words."""
        built = (self.fields.get("version"), self.fields.get("status"), self.fields.get("updated"))
        now = (control.version, control.status, control.updated.isoformat())
        if built != now:
            return (
                f"manifest is for version {built[0]} ({built[1]}, {built[2]}) but the topic is "
                f"{now[0]} ({now[1]}, {now[2]}); run publish build first"
            )
        if self.fields.get("inputs_sha256") != inputs:
            return "the topic or its sources changed since the build; run publish build first"
        return None


def load_if_usable(folder: Path) -> Manifest | None:
    """What an earlier build left, if its manifest can be read; None otherwise."""
    try:
        return Manifest.load(folder)
    except ContentError:
        return None
