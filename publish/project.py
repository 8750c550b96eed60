"""The project: the folder publish works in, and where each kind of file lives in it.

Found once, by the command line or the API entry points, and passed down, so no
module below them looks at the working folder. Outside a project (no
`seeds/topics/` here) the bundled default content is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from publish.resources import bundled_seeds, bundled_templates

TOPIC_FILE = "topic.yaml"
PROFILE_FILE = "publish.toml"


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
    def raw(self) -> Path:
        return self.seeds / "raw"

    @property
    def normalized(self) -> Path:
        return self.seeds / "normalized"

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
        """The topic folders named, else every topic under the project's (or bundled) seeds."""
        named = [Path(p) for p in given]
        if named:
            return named
        return sorted(p for p in self.topics.iterdir() if (p / TOPIC_FILE).is_file())

    @staticmethod
    def sources_for(topic_dir: Path) -> Path:
        """A topic cites the normalized sources of the seeds folder it lives in."""
        return topic_dir.parent.parent / "normalized"

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
