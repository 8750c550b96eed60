"""Where bundled templates and seeds live, in a checkout and in an installed wheel."""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_root() -> Path:
    """The folder holding `templates/` and `seeds/` that ship with publish.

    A wheel carries them inside the package (`publish/_bundled`); a source
    checkout or editable install has them beside the package.
    """
    installed = _PACKAGE / "_bundled"
    return installed if installed.is_dir() else _PACKAGE.parent


def bundled_templates() -> Path:
    return bundled_root() / "templates"


def bundled_seeds() -> Path:
    return bundled_root() / "seeds"


def template_file(name: str, project_templates: Path | None = None) -> Path:
    """A non-Jinja template file (stylesheet, font, image): the project's copy wins."""
    from publish.errors import TemplateError

    for folder in (project_templates, bundled_templates()):
        if folder and (folder / name).is_file():
            return folder / name
    raise TemplateError("template file not found", name)


def package_file(name: str) -> Path:
    """A data file inside the package itself (schemas)."""
    return _PACKAGE / name


@cache
def _media_types() -> mimetypes.MimeTypes:
    """Python's own table only: the machine's /etc/mime.types must not change what is written."""
    types = mimetypes.MimeTypes()
    for suffix, kind in {
        ".epub": "application/epub+zip",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".webp": "image/webp",
        ".md": "text/markdown",
        ".yaml": "application/yaml",
    }.items():
        types.add_type(kind, suffix)
    return types


def media_type(name: str) -> str:
    """The media type of a file name, the same on every machine."""
    kind, _ = _media_types().guess_type(name)
    return kind or "application/octet-stream"
