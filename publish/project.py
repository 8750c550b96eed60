"""The project: the folder publish works in, and where each kind of file lives in it.

Found once, by the command line or the API entry points, and passed down, so no
module below them looks at the working folder. Outside a project (no
`seeds/topics/` here) the bundled default content is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from publish.errors import ContentError, InputError, UsageError
from publish.resources import bundled_seeds, bundled_templates

TOPIC_FILE = "topic.yaml"


@dataclass(frozen=True)
class Project:
    """A working folder; with its own `seeds/topics/` a project, else it uses the bundled seeds."""

    folder: Path
    """The working folder; relative paths in messages stay relative to it."""
    has_content: bool
    """Whether the folder has its own `seeds/topics/` (else the bundled default content)."""

    @classmethod
    def find(cls, start: Path | str | None = None) -> Project:
        folder = Path(start) if start is not None else Path()
        return cls(folder, (folder / "seeds" / "topics").is_dir())

    @property
    def seeds(self) -> Path:
        return self.folder / "seeds" if self.has_content else bundled_seeds()

    @property
    def topics(self) -> Path:
        return self.seeds / "topics"

    @property
    def overrides(self) -> Path:
        """The project's own metadata overrides (never the bundled seeds')."""
        return self.folder / "seeds" / "overrides.yaml"

    @property
    def templates(self) -> Path | None:
        """The project's template overrides folder (searched before the bundled templates)."""
        return self.folder / "templates" if self.has_content else None

    def topic_dirs(self, given: Iterable[Path | str] = ()) -> list[Path]:
        """The topic folders named, else every topic under the project's (or bundled) seeds.

        None may lead outside its project through a symlink, and two folders with the same
        topic id are an error naming both (they would overwrite each other's output), so a
        batch is refused before anything is written.
        """
        named = [Path(p) for p in given]
        if named:  # a folder without topic.yaml fails alone, when it loads
            folders = [within(p, _project_of(p), "topic folder") for p in named]
        else:
            if self.has_content:
                within(self.topics, self.folder, "seeds/topics")
            found = sorted(p for p in self.topics.iterdir() if (p / TOPIC_FILE).is_file())
            folders = [topic_folder(p) for p in found]
        return unique_ids(folders)

    @staticmethod
    def sources_for(topic_dir: Path) -> Path:
        """A topic cites the normalized sources of the seeds folder it lives in; a
        `normalized` folder that is a symlink leading out of that project is refused."""
        folder = topic_dir.parent.parent / "normalized"
        return within(folder, _project_of(topic_dir), "the normalized sources folder")

    def keep_inside(self, path: Path, what: str) -> Path:
        """`path`; if it is written as a place in the project (`seeds/normalized`), a
        symlink on the way may not lead it outside the project (InputError). A folder
        named elsewhere is taken as named."""
        base = os.path.abspath(self.folder)
        if os.path.abspath(path).startswith(base.rstrip(os.sep) + os.sep):
            within(path, self.folder, what)
        return path

    def roots(self, topic_dir: Path) -> tuple[Path, ...]:
        """The only folders a document may load files from, resolved (symlinks followed)."""
        roots = [bundled_templates(), bundled_seeds(), topic_dir]
        if self.has_content:
            roots += [self.folder / "templates", self.folder / "seeds"]
        return tuple(r.resolve() for r in roots)

    def profile_file(self) -> Path | None:
        """`publish.toml`, else a `pyproject.toml` with `[tool.publish]`, in the working folder."""
        from publish.config import find_profile

        return find_profile(self.folder)


def _project_of(topic_dir: Path) -> Path:
    """The project a topic folder belongs to, as written: the folder holding its seeds/."""
    return Path(os.path.abspath(topic_dir)).parent.parent.parent


def within(path: Path, project: Path, what: str) -> Path:
    """`path`, refused if symlinks on the way lead it out of `project` (InputError)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(Path(project).resolve()):
        raise InputError(f"refused: {what} leads outside its project (to {resolved})", path)
    return path


def topic_folder(folder: Path | str) -> Path:
    """`folder`, if it is a topic folder of its project: it holds a topic.yaml, and no
    symlink (the folder itself, `seeds/topics` or `seeds`) leads it outside the project.

    Every command that takes a topic folder (build, check, fhir, preview) asks this, so
    none accepts a folder another refuses.
    """
    path = Path(folder)
    within(path, _project_of(path), "topic folder")
    if not (path / TOPIC_FILE).is_file():
        raise ContentError(f"not a topic folder (no {TOPIC_FILE})", path)
    return path


def unique_ids(folders: list[Path]) -> list[Path]:
    """The folders, each once; two different folders with the same topic id are a
    ContentError naming both. Ids are read as `build` reads them before parsing."""
    from publish.topic import peek_id

    seen: dict[str, Path] = {}
    kept: list[Path] = []
    places: set[Path] = set()
    for folder in folders:
        place = folder.resolve()
        if place in places:
            continue  # the same folder named twice
        places.add(place)
        kept.append(folder)
        topic_id = peek_id(folder)
        if topic_id is None:
            continue  # an unreadable id is reported when the topic loads
        if topic_id in seen:
            raise ContentError(
                f"topic id {topic_id!r} is also the id of {seen[topic_id]}; "
                "each topic folder needs its own id",
                folder / TOPIC_FILE,
            )
        seen[topic_id] = folder
    return kept


def parse_shard(spec: str) -> tuple[int, int]:
    """`I/N` (share I of N of the topics) as (I, N); anything else is a usage error."""
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise UsageError(f"shard must look like I/N (e.g. 1/4), not {spec!r}") from None
    if not 1 <= index <= count:
        raise UsageError(f"shard {spec!r}: I must be between 1 and N")
    return index, count
